/**
 * Bookkeeping of a client's tasks (spec §7.15): the list of scheduled tasks that have
 * not run yet, and the serial that tells a task from a later one in the same cells.
 *
 * Runs on the client's thread. Real-time safe: the list is threaded through the task
 * events' own cells.
 *
 * Words used in a task event of the client pool:
 *
 * | cell | word | meaning |
 * | --- | --- | --- |
 * | header | 6 | previous scheduled task |
 * | header | 7 | next scheduled task |
 * | extension | 5 | serial given when scheduled |
 * | extension | 6 | where it is: 0 nowhere, 1 scheduled, 2 in a DTask list |
 *
 * @module
 */

import { CELL_WORDS, type CellPool, NIL } from "../memory/cell_pool.ts";
import { W_AUX1, W_AUX2, W_INFO } from "../memory/event_layout.ts";

/** Task location: neither scheduled nor ready. */
export const TASK_NOWHERE = 0;
/** Task location: scheduled, its date not reached. */
export const TASK_SCHEDULED = 1;
/** Task location: a DTask waiting in its application's DTask list. */
export const TASK_READY = 2;

const X_SERIAL = 5;
const X_WHERE = 6;

/** The scheduled tasks of one client. */
export class ScheduledTasks {
  readonly #pool: () => CellPool;
  #head = NIL;
  #serial = 0;

  /**
   * Creates an empty list.
   * @param pool reads the client's current pool
   */
  constructor(pool: () => CellPool) {
    this.#pool = pool;
  }

  /** Adds a task event; returns the serial that identifies it. */
  add(cell: number): number {
    const w = this.#pool().words;
    const base = cell * CELL_WORDS;
    this.#serial = (this.#serial + 1) | 0;
    const ext = w[base + W_INFO]! * CELL_WORDS;
    w[ext + X_SERIAL] = this.#serial;
    w[ext + X_WHERE] = TASK_SCHEDULED;
    w[base + W_AUX1] = NIL;
    w[base + W_AUX2] = this.#head;
    if (this.#head !== NIL) w[this.#head * CELL_WORDS + W_AUX1] = cell;
    this.#head = cell;
    return this.#serial;
  }

  /** Where the task in `cell` is (`TASK_*`). */
  whereIs(cell: number): number {
    const w = this.#pool().words;
    return w[w[cell * CELL_WORDS + W_INFO]! * CELL_WORDS + X_WHERE]!;
  }

  /** Whether `cell` is still the scheduled task that got `serial`. */
  isScheduled(cell: number, serial: number): boolean {
    const w = this.#pool().words;
    const ext = w[cell * CELL_WORDS + W_INFO]! * CELL_WORDS;
    return w[ext + X_WHERE] === TASK_SCHEDULED && w[ext + X_SERIAL] === serial;
  }

  /** Marks where a task is once out of the scheduled list. */
  setWhere(cell: number, where: number): void {
    const w = this.#pool().words;
    w[w[cell * CELL_WORDS + W_INFO]! * CELL_WORDS + X_WHERE] = where;
  }

  /** Takes a task out of the scheduled list. */
  remove(cell: number): void {
    const w = this.#pool().words;
    const base = cell * CELL_WORDS;
    const prev = w[base + W_AUX1]!, next = w[base + W_AUX2]!;
    if (prev === NIL) this.#head = next;
    else w[prev * CELL_WORDS + W_AUX2] = next;
    if (next !== NIL) w[next * CELL_WORDS + W_AUX1] = prev;
    this.setWhere(cell, TASK_NOWHERE);
  }

  /** The scheduled tasks matching `match`, taken out of the list. */
  takeAll(match: (cell: number) => boolean): number[] {
    const taken: number[] = [];
    const w = this.#pool().words;
    for (let cell = this.#head; cell !== NIL;) {
      const next = w[cell * CELL_WORDS + W_AUX2]!;
      if (match(cell)) {
        this.remove(cell);
        taken.push(cell);
      }
      cell = next;
    }
    return taken;
  }

  /** Forgets the list (the pool was reset). */
  reset(): void {
    this.#head = NIL;
  }
}
