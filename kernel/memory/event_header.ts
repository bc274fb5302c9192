/**
 * Readers of the common part of an event's header: date, type, refnum, port and
 * channel.
 *
 * Runs in any thread that owns a pool. Real-time safe: no allocation, no throw.
 *
 * @module
 */

import { CELL_WORDS, type CellPool } from "./cell_pool.ts";
import { B_CHAN, B_PORT, B_REFNUM, B_TYPE, W_DATE } from "./event_layout.ts";

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
