/**
 * A list of a client's cells threaded through word 0 of the cells themselves, and
 * the operations the receive FIFOs and the DTask lists use (spec §7.13, §7.15).
 *
 * Runs on the client's thread. Real-time safe: no allocation, the links live in the
 * cells.
 *
 * @module
 */

import { CELL_WORDS, NIL } from "../memory/cell_pool.ts";
import { W_DATE } from "../memory/event_layout.ts";
import type { ClientMemory } from "./client_memory.ts";

/** A cell list threaded through word 0: head, tail and length. */
export class CellList {
  /** First cell, nil when empty. */
  head: number = NIL;
  /** Last cell, nil when empty. */
  tail: number = NIL;
  /** Number of cells. */
  count: number = 0;
}

/**
 * Takes the first cell out of a list.
 * @returns the cell, or NIL when the list is empty
 */
export function shiftCell(memory: ClientMemory, list: CellList): number {
  const cell = list.head;
  if (cell === NIL) return NIL;
  list.head = memory.nextOf(cell);
  if (list.head === NIL) list.tail = NIL;
  list.count--;
  return cell;
}

/** Appends a cell to a list. */
export function pushCell(
  memory: ClientMemory,
  list: CellList,
  cell: number,
): void {
  memory.setNext(cell, NIL);
  if (list.tail === NIL) list.head = cell;
  else memory.setNext(list.tail, cell);
  list.tail = cell;
  list.count++;
}

/**
 * Inserts a DTask after every DTask due at or before `date` (wrap-safe), so that
 * `MidiExec1DTask` takes them by due date, then send order (spec §7.15).
 */
export function insertCellByDate(
  memory: ClientMemory,
  list: CellList,
  cell: number,
  date: number,
): void {
  const w = memory.pool.words;
  const dateOf = (c: number) => w[c * CELL_WORDS + W_DATE]!;
  if (list.tail === NIL || ((dateOf(list.tail) - date) | 0) <= 0) {
    pushCell(memory, list, cell);
    return;
  }
  let prev = NIL;
  let c = list.head;
  while (c !== NIL && ((dateOf(c) - date) | 0) <= 0) {
    prev = c;
    c = memory.nextOf(c);
  }
  memory.setNext(cell, c);
  if (prev === NIL) list.head = cell;
  else memory.setNext(prev, cell);
  list.count++;
}

/** Takes a cell out of a list wherever it is; does nothing if it is not there. */
export function unlinkCell(
  memory: ClientMemory,
  list: CellList,
  cell: number,
): void {
  let prev = NIL;
  for (let c = list.head; c !== NIL; prev = c, c = memory.nextOf(c)) {
    if (c !== cell) continue;
    const next = memory.nextOf(c);
    if (prev === NIL) list.head = next;
    else memory.setNext(prev, next);
    if (list.tail === cell) list.tail = prev;
    list.count--;
    break;
  }
}

/** Empties a list, freeing every cell. */
export function releaseCells(memory: ClientMemory, list: CellList): void {
  for (
    let cell = shiftCell(memory, list);
    cell !== NIL;
    cell = shiftCell(memory, list)
  ) {
    memory.release(cell);
  }
}
