/**
 * Events as cells of a pool: allocation with the costs of spec §3.2, copy, free, and
 * the field calls of spec §3.3 and §3.4 on plain numbers. Appending and reading the
 * bytes of a V event are in `event_bytes.ts`, the header readers in
 * `event_header.ts`.
 *
 * Runs in any thread that owns a pool. Real-time safe: no allocation, no throw; every
 * call that may run out of cells returns nil or false instead.
 *
 * Fields of types 128, 129 and 255 hold JavaScript values in a client; the client
 * keeps those beside the pool and uses this module for everything else.
 *
 * @module
 */

import { CELL_WORDS, type CellPool, NIL } from "./cell_pool.ts";
import {
  B_INFO,
  B_TYPE,
  CLASS_P,
  CLASS_S,
  CLASS_V,
  EVENT_CLASS,
  S_FIELDS,
  variableCellCount,
  W_COUNT,
  W_INFO,
  W_LAST,
} from "./event_layout.ts";
import { byteAddress, forgetCursor } from "./_ext_cursor.ts";
import { readInfo, writeInfo } from "./_info_bits.ts";

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
