/**
 * Events as cells of a pool: allocation with the costs of spec §3.2, copy, free, and
 * the field calls of spec §3.3 and §3.4 on plain numbers.
 *
 * Runs in any thread that owns a pool. Real-time safe: no allocation, no throw; every
 * call that may run out of cells returns nil or false instead.
 *
 * Fields of types 128, 129 and 255 hold JavaScript values in a client; the client
 * keeps those beside the pool and uses this module for everything else.
 *
 * @module
 */

import {
  CELL_WORDS,
  type CellPool,
  H_CURSOR_EXT,
  H_CURSOR_HEAD,
  H_CURSOR_ORDINAL,
  NIL,
} from "./cell_pool.ts";
import {
  B_CHAN,
  B_EXT_DATA,
  B_INFO,
  B_PORT,
  B_REFNUM,
  B_TYPE,
  CLASS_P,
  CLASS_S,
  CLASS_V,
  EVENT_CLASS,
  EXT_DATA_BYTES,
  F_BITS,
  F_I32,
  F_U16,
  F_U8,
  S_FIELDS,
  variableCellCount,
  W_COUNT,
  W_DATE,
  W_INFO,
  W_LAST,
} from "./event_layout.ts";

/**
 * Allocates an event of type `type` with the defaults of spec §3.1 (date 0, refNum
 * 255, port and chan 0, fields 0, no bytes).
 * @returns the header cell, or {@link NIL} for a reserved type or an exhausted pool
 */
export function newEvent(pool: CellPool, type: number): number {
  const cls = EVENT_CLASS[type & 0xff]!;
  if (cls === CLASS_S) {
    const cell = pool.alloc();
    if (cell !== NIL) initHeader(pool, cell, type);
    return cell;
  }
  if (cls !== CLASS_P && cls !== CLASS_V) return NIL;
  const cell = pool.allocChain(2);
  if (cell === NIL) return NIL;
  const w = pool.words;
  const ext = w[cell * CELL_WORDS]!;
  w[ext * CELL_WORDS] = NIL;
  w.fill(0, ext * CELL_WORDS + 1, ext * CELL_WORDS + CELL_WORDS);
  initHeader(pool, cell, type);
  w[cell * CELL_WORDS + W_INFO] = ext;
  if (cls === CLASS_V) w[cell * CELL_WORDS + W_LAST] = ext;
  return cell;
}

function initHeader(pool: CellPool, cell: number, type: number): void {
  const w = pool.words;
  const base = cell * CELL_WORDS;
  // Plain stores: a typed-array fill() call costs more than the eight words.
  w[base] = 0;
  w[base + 1] = 0;
  w[base + 2] = (type & 0xff) | 0xff00; // evType, refNum 255, port 0, chan 0
  w[base + 3] = 0;
  w[base + 4] = 0;
  w[base + 5] = 0;
  w[base + 6] = 0;
  w[base + 7] = 0;
}

/** The storage class of the event in `cell`. */
export function eventClass(pool: CellPool, cell: number): number {
  return EVENT_CLASS[pool.bytes[cell * CELL_WORDS * 4 + B_TYPE]!]!;
}

/** Number of cells the event occupies (spec §3.2). */
export function eventCellCount(pool: CellPool, cell: number): number {
  const cls = eventClass(pool, cell);
  if (cls === CLASS_S) return 1;
  if (cls === CLASS_P) return 2;
  return variableCellCount(pool.words[cell * CELL_WORDS + W_COUNT]!);
}

/** Returns every cell of the event to the pool. */
export function freeEvent(pool: CellPool, cell: number): void {
  const cls = eventClass(pool, cell);
  if (cls === CLASS_P || cls === CLASS_V) {
    if (cls === CLASS_V) forgetCursor(pool, cell);
    pool.freeChain(pool.words[cell * CELL_WORDS + W_INFO]!);
  }
  pool.free(cell);
}

/**
 * Copies the event in `cell` of `from` into new cells of `to` (which may be the same
 * pool), link cleared.
 * @returns the new header cell, or {@link NIL} when `to` lacks cells (nothing leaks)
 */
export function copyEvent(from: CellPool, cell: number, to: CellPool): number {
  const cls = eventClass(from, cell);
  const src = cell * CELL_WORDS;
  if (cls === CLASS_S) {
    const copy = to.alloc();
    if (copy === NIL) return NIL;
    const dst = copy * CELL_WORDS;
    const fw = from.words, tw = to.words;
    tw[dst + 1] = fw[src + 1]!;
    tw[dst + 2] = fw[src + 2]!;
    tw[dst + 3] = fw[src + 3]!;
    tw[dst + 4] = 0;
    tw[dst + 5] = 0;
    tw[dst + 6] = 0;
    tw[dst + 7] = 0;
    return copy;
  }
  const count = cls === CLASS_V ? from.words[src + W_COUNT]! : 0;
  const cellCount = cls === CLASS_V ? variableCellCount(count) : 2;
  const copy = to.allocChain(cellCount);
  if (copy === NIL) return NIL;
  const fw = from.words, tw = to.words;
  const dst = copy * CELL_WORDS;
  const firstExt = tw[dst]!;
  tw[dst] = NIL;
  tw[dst + 1] = fw[src + 1]!;
  tw[dst + 2] = fw[src + 2]!;
  tw[dst + 3] = firstExt;
  tw[dst + 4] = count;
  tw[dst + 6] = 0;
  tw[dst + 7] = 0;
  // Walk both extension chains together; the chains have the same length.
  let s = fw[src + W_INFO]!, d = firstExt, last = firstExt;
  while (d !== NIL) {
    const sb = s * CELL_WORDS, db = d * CELL_WORDS;
    for (let k = 1; k < CELL_WORDS; k++) tw[db + k] = fw[sb + k]!;
    last = d;
    s = fw[sb]!;
    d = tw[db]!;
  }
  tw[dst + W_LAST] = cls === CLASS_V ? last : 0;
  return copy;
}

/** `MidiCountFields` for S, P and V classes (spec §2.1). */
export function countFields(pool: CellPool, cell: number): number {
  const type = pool.bytes[cell * CELL_WORDS * 4 + B_TYPE]!;
  const cls = EVENT_CLASS[type]!;
  if (cls === CLASS_S) return S_FIELDS[type]!.length;
  if (cls === CLASS_P) return 4;
  return pool.words[cell * CELL_WORDS + W_COUNT]!;
}

/**
 * `MidiGetField` on numbers: 8- and 16-bit fields zero-extended, 32-bit fields signed,
 * P slots as stored; 0 for a bad index (spec §3.4).
 */
export function getField(pool: CellPool, cell: number, index: number): number {
  const base = cell * CELL_WORDS;
  const type = pool.bytes[base * 4 + B_TYPE]!;
  const cls = EVENT_CLASS[type]!;
  if (cls === CLASS_S) {
    const fields = S_FIELDS[type]!;
    if (index < 0 || index >= fields.length) return 0;
    return readInfo(pool, base * 4 + B_INFO, fields[index]!);
  }
  if (cls === CLASS_P) {
    if (index < 0 || index >= 4) return 0;
    return pool.words[pool.words[base + W_INFO]! * CELL_WORDS + 1 + index]!;
  }
  const count = pool.words[base + W_COUNT]!;
  if (index < 0 || index >= count) return 0;
  return pool.bytes[byteAddress(pool, cell, index)]!;
}

/** `MidiSetField` on numbers: truncates to the field width; a bad index writes nothing. */
export function setField(
  pool: CellPool,
  cell: number,
  index: number,
  value: number,
): void {
  const base = cell * CELL_WORDS;
  const type = pool.bytes[base * 4 + B_TYPE]!;
  const cls = EVENT_CLASS[type]!;
  if (cls === CLASS_S) {
    const fields = S_FIELDS[type]!;
    if (index < 0 || index >= fields.length) return;
    writeInfo(pool, base * 4 + B_INFO, fields[index]!, value);
  } else if (cls === CLASS_P) {
    if (index < 0 || index >= 4) return;
    pool.words[pool.words[base + W_INFO]! * CELL_WORDS + 1 + index] = value;
  } else {
    if (index < 0 || index >= pool.words[base + W_COUNT]!) return;
    pool.bytes[byteAddress(pool, cell, index)] = value;
  }
}

/**
 * `MidiAddField`: appends `value & 0xFF` to a V event; does nothing on other classes.
 * @returns false when a cell was needed and the pool had none (the byte is not added)
 */
export function addField(pool: CellPool, cell: number, value: number): boolean {
  const base = cell * CELL_WORDS;
  if (eventClass(pool, cell) !== CLASS_V) return true;
  const w = pool.words;
  const count = w[base + W_COUNT]!;
  // Byte `count` goes into the current last extension cell; when it is the 12th,
  // 24th, ... byte a spare cell is chained after it first (spec §3.4).
  const target = w[base + W_LAST]!;
  if (count % EXT_DATA_BYTES === EXT_DATA_BYTES - 1) {
    const ext = pool.alloc();
    if (ext === NIL) return false;
    w.fill(0, ext * CELL_WORDS + 1, ext * CELL_WORDS + CELL_WORDS);
    w[target * CELL_WORDS] = ext;
    w[base + W_LAST] = ext;
  }
  pool.bytes[target * CELL_WORDS * 4 + B_EXT_DATA + (count % EXT_DATA_BYTES)] =
    value;
  w[base + W_COUNT] = count + 1;
  return true;
}

/** Appends bytes to a V event; returns how many were added before cells ran out. */
export function addBytes(
  pool: CellPool,
  cell: number,
  data: Uint8Array,
): number {
  for (let i = 0; i < data.length; i++) {
    if (!addField(pool, cell, data[i]!)) return i;
  }
  return data.length;
}

/** Copies the bytes of a V event into `out` from `offset`; returns the count copied. */
export function readBytes(
  pool: CellPool,
  cell: number,
  out: Uint8Array,
  offset = 0,
): number {
  const w = pool.words, b = pool.bytes;
  const count = w[cell * CELL_WORDS + W_COUNT]!;
  let ext = w[cell * CELL_WORDS + W_INFO]!;
  let done = 0;
  while (done < count && ext !== NIL) {
    const n = Math.min(EXT_DATA_BYTES, count - done);
    const at = ext * CELL_WORDS * 4 + B_EXT_DATA;
    out.set(b.subarray(at, at + n), offset + done);
    done += n;
    ext = w[ext * CELL_WORDS]!;
  }
  return done;
}

/** Byte offset of the common bytes: `[type, refNum, port, chan]`. */
export function commonOffset(cell: number): number {
  return cell * CELL_WORDS * 4;
}

/** Reads the date. */
export function eventDate(pool: CellPool, cell: number): number {
  return pool.words[cell * CELL_WORDS + W_DATE]! >>> 0;
}

/** Reads the type. */
export function eventType(pool: CellPool, cell: number): number {
  return pool.bytes[cell * CELL_WORDS * 4 + B_TYPE]!;
}

/** Reads the refnum. */
export function eventRefNum(pool: CellPool, cell: number): number {
  return pool.bytes[cell * CELL_WORDS * 4 + B_REFNUM]!;
}

/** Reads the port. */
export function eventPort(pool: CellPool, cell: number): number {
  return pool.bytes[cell * CELL_WORDS * 4 + B_PORT]!;
}

/** Reads the channel. */
export function eventChan(pool: CellPool, cell: number): number {
  return pool.bytes[cell * CELL_WORDS * 4 + B_CHAN]!;
}

function readInfo(pool: CellPool, at: number, enc: number): number {
  const b = pool.bytes;
  const o = at + ((enc >> 4) & 0xf);
  switch (enc & 0xf) {
    case F_U8:
      return b[o]!;
    case F_U16:
      return b[o]! | (b[o + 1]! << 8);
    case F_I32:
      return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);
    default: {
      const word = b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) |
        (b[at + 3]! << 24);
      const shift = (enc >> 8) & 0xff, width = enc >> 16;
      return (word >>> shift) & ((1 << width) - 1);
    }
  }
}

function writeInfo(pool: CellPool, at: number, enc: number, v: number): void {
  const b = pool.bytes;
  const o = at + ((enc >> 4) & 0xf);
  const kind = enc & 0xf;
  if (kind === F_U8) {
    b[o] = v;
  } else if (kind === F_U16) {
    b[o] = v;
    b[o + 1] = v >> 8;
  } else if (kind === F_I32) {
    b[o] = v;
    b[o + 1] = v >> 8;
    b[o + 2] = v >> 16;
    b[o + 3] = v >> 24;
  } else if (kind === F_BITS) {
    const shift = (enc >> 8) & 0xff, mask = ((1 << (enc >> 16)) - 1) << shift;
    let word = b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) |
      (b[at + 3]! << 24);
    word = (word & ~mask) | ((v << shift) & mask);
    b[at] = word;
    b[at + 1] = word >> 8;
    b[at + 2] = word >> 16;
    b[at + 3] = word >> 24;
  }
}

// A cursor in the pool header remembers the last extension cell reached by index, so
// that reading or writing a long SysEx byte by byte walks its chain once, not once per
// byte. `CellPool.reset` clears it with the header.

function forgetCursor(pool: CellPool, cell: number): void {
  if (pool.words[H_CURSOR_HEAD] === cell) pool.words[H_CURSOR_HEAD] = NIL;
}

/** The extension cell number `ordinal` (0-based) of the V event in `cell`. */
function extAt(pool: CellPool, cell: number, ordinal: number): number {
  const w = pool.words;
  let ext: number, at: number;
  if (w[H_CURSOR_HEAD] === cell && w[H_CURSOR_ORDINAL]! <= ordinal) {
    ext = w[H_CURSOR_EXT]!;
    at = w[H_CURSOR_ORDINAL]!;
  } else {
    ext = w[cell * CELL_WORDS + W_INFO]!;
    at = 0;
  }
  while (at < ordinal) {
    ext = w[ext * CELL_WORDS]!;
    at++;
  }
  w[H_CURSOR_HEAD] = cell;
  w[H_CURSOR_ORDINAL] = ordinal;
  w[H_CURSOR_EXT] = ext;
  return ext;
}

function byteAddress(pool: CellPool, cell: number, index: number): number {
  const ext = extAt(pool, cell, Math.floor(index / EXT_DATA_BYTES));
  return ext * CELL_WORDS * 4 + B_EXT_DATA + (index % EXT_DATA_BYTES);
}
