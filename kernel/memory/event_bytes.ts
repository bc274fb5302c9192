/**
 * The bytes of a V event (SysEx, stream, private and such, spec §3.4): appending
 * them one at a time or as an array, and reading them all back.
 *
 * Runs in any thread that owns a pool. Real-time safe: no allocation, no throw;
 * appending returns false or a short count when the pool runs out of cells.
 *
 * @module
 */

import { CELL_WORDS, type CellPool, NIL } from "./cell_pool.ts";
import {
  B_EXT_DATA,
  CLASS_V,
  EXT_DATA_BYTES,
  W_COUNT,
  W_INFO,
  W_LAST,
} from "./event_layout.ts";
import { eventClass } from "./event_store.ts";

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
