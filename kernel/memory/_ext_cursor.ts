/**
 * Indexed access to the bytes of a V event. A cursor in the pool header remembers
 * the last extension cell reached by index, so that reading or writing a long SysEx
 * byte by byte walks its chain once, not once per byte. `CellPool.reset` clears it
 * with the header.
 *
 * Runs in any thread that owns a pool. Real-time safe: no allocation, no throw.
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
import { B_EXT_DATA, EXT_DATA_BYTES, W_INFO } from "./event_layout.ts";

/** Forgets the cursor if it points into the event in `cell` (which is freed). */
export function forgetCursor(pool: CellPool, cell: number): void {
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

/** The byte address of byte `index` of the V event in `cell`. */
export function byteAddress(
  pool: CellPool,
  cell: number,
  index: number,
): number {
  const ext = extAt(pool, cell, Math.floor(index / EXT_DATA_BYTES));
  return ext * CELL_WORDS * 4 + B_EXT_DATA + (index % EXT_DATA_BYTES);
}
