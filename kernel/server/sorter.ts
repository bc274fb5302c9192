/**
 * The sorter: files events and tasks under their due date and hands out, at each
 * tick, the ready list of spec §5.2 (late items in arrival order, then the items due at
 * the new time in filing order).
 *
 * Runs in the kernel worker (or the in-process kernel). Real-time safe: `push`,
 * `collectReady` and `popReady` allocate nothing except when the far-future heap
 * doubles, which amortizes to nothing.
 *
 * Items are cells of the server pool, linked through word 0; the due date is the
 * cell's date. Dates up to {@link WHEEL_SIZE} − 1 ms ahead go into a timing wheel (one
 * FIFO per millisecond); later ones into a binary heap ordered by date then arrival,
 * from which they move into the wheel the tick their date enters its horizon, before
 * anything sent later can be filed under that date, so equal dates stay FIFO.
 *
 * @module
 */

import { CELL_WORDS, type CellPool, NIL } from "../memory/cell_pool.ts";
import { B_REFNUM, W_AUX1, W_DATE } from "../memory/event_layout.ts";
import { isBefore, isDue } from "../api/dates.ts";

/** Milliseconds covered by the timing wheel. */
export const WHEEL_SIZE = 4096;
const WHEEL_MASK = WHEEL_SIZE - 1;

/** The scheduler of pending items; see the module documentation. */
export interface Sorter {
  /** Items waiting: sent since the last tick, or filed. */
  readonly pendingCount: number;
  /** Takes an item sent since the previous tick (arrival order). */
  push(cell: number): void;
  /**
   * Files the items sent since the previous tick and builds the ready list of the tick
   * that makes the time `now`; read it with {@link popReady}.
   */
  collectReady(now: number): void;
  /** The next ready item of the current tick, or nil. */
  popReady(): number;
  /** Removes every pending item whose sender is `refNum` (flag bit ignored). */
  removeSender(refNum: number, onRemove: (cell: number) => void): void;
  /** Removes every pending item for which `match` is true. */
  removeMatching(
    match: (cell: number) => boolean,
    onRemove: (cell: number) => void,
  ): void;
  /** Removes every pending item. */
  clear(onRemove: (cell: number) => void): void;
}

/** Creates a sorter over `pool`. Not real-time safe: allocates its tables. */
export function createSorter(pool: CellPool): Sorter {
  return new SorterImpl(pool);
}

class SorterImpl implements Sorter {
  readonly #pool: CellPool;
  readonly #wheelHead = new Int32Array(WHEEL_SIZE);
  readonly #wheelTail = new Int32Array(WHEEL_SIZE);
  #heap = new Int32Array(256);
  #heapSize = 0;
  #seq = 0;
  #inHead = NIL;
  #inTail = NIL;
  #readyHead = NIL;
  #readyTail = NIL;
  #pending = 0;

  constructor(pool: CellPool) {
    this.#pool = pool;
  }

  get pendingCount(): number {
    return this.#pending;
  }

  push(cell: number): void {
    const w = this.#pool.words;
    w[cell * CELL_WORDS] = NIL;
    if (this.#inTail === NIL) this.#inHead = cell;
    else w[this.#inTail * CELL_WORDS] = cell;
    this.#inTail = cell;
    this.#pending++;
  }

  collectReady(now: number): void {
    const w = this.#pool.words;
    const previous = (now - 1) >>> 0;
    // 1. Far-future items whose date enters the horizon move in first.
    const horizon = (now + WHEEL_SIZE - 1) >>> 0;
    while (this.#heapSize > 0) {
      const top = this.#heap[1]!;
      if (isBefore(horizon, w[top * CELL_WORDS + W_DATE]!)) break;
      this.#heapPop();
      this.#file(top, previous, now);
    }
    // 2. Items sent since the previous tick, in arrival order.
    let cell = this.#inHead;
    this.#inHead = this.#inTail = NIL;
    while (cell !== NIL) {
      const next = w[cell * CELL_WORDS]!;
      this.#file(cell, previous, now);
      cell = next;
    }
    // 3. Late items (already in the ready list), then those due now.
    const slot = now & WHEEL_MASK;
    const dueHead = this.#wheelHead[slot]!;
    if (dueHead !== NIL) {
      if (this.#readyTail === NIL) this.#readyHead = dueHead;
      else w[this.#readyTail * CELL_WORDS] = dueHead;
      this.#readyTail = this.#wheelTail[slot]!;
      this.#wheelHead[slot] = this.#wheelTail[slot] = NIL;
    }
  }

  popReady(): number {
    const cell = this.#readyHead;
    if (cell === NIL) return NIL;
    this.#readyHead = this.#pool.words[cell * CELL_WORDS]!;
    if (this.#readyHead === NIL) this.#readyTail = NIL;
    this.#pending--;
    return cell;
  }

  removeSender(refNum: number, onRemove: (cell: number) => void): void {
    const b = this.#pool.bytes;
    this.#filter(
      (cell) => (b[cell * CELL_WORDS * 4 + B_REFNUM]! & 0x7f) === refNum,
      onRemove,
    );
  }

  removeMatching(
    match: (cell: number) => boolean,
    onRemove: (cell: number) => void,
  ): void {
    this.#filter(match, onRemove);
  }

  clear(onRemove: (cell: number) => void): void {
    this.#filter(() => true, onRemove);
  }

  /** Late items join the ready list, others the wheel or the heap. */
  #file(cell: number, previous: number, now: number): void {
    const w = this.#pool.words;
    const date = w[cell * CELL_WORDS + W_DATE]!;
    w[cell * CELL_WORDS] = NIL;
    if (isDue(date, previous)) {
      if (this.#readyTail === NIL) this.#readyHead = cell;
      else w[this.#readyTail * CELL_WORDS] = cell;
      this.#readyTail = cell;
    } else if (((date - now) >>> 0) < WHEEL_SIZE) {
      const slot = date & WHEEL_MASK;
      const tail = this.#wheelTail[slot]!;
      if (tail === NIL) this.#wheelHead[slot] = cell;
      else w[tail * CELL_WORDS] = cell;
      this.#wheelTail[slot] = cell;
    } else {
      w[cell * CELL_WORDS + W_AUX1] = this.#seq;
      this.#seq = (this.#seq + 1) | 0;
      this.#heapPush(cell);
    }
  }

  /** Removes matching items from every list; the others keep their order. */
  #filter(match: (cell: number) => boolean, onRemove: (c: number) => void) {
    const w = this.#pool.words;
    const keep = (head: number, setTail: (tail: number) => void): number => {
      let first = NIL, last = NIL, cell = head;
      while (cell !== NIL) {
        const next = w[cell * CELL_WORDS]!;
        if (match(cell)) {
          this.#pending--;
          onRemove(cell);
        } else {
          w[cell * CELL_WORDS] = NIL;
          if (last === NIL) first = cell;
          else w[last * CELL_WORDS] = cell;
          last = cell;
        }
        cell = next;
      }
      setTail(last);
      return first;
    };
    this.#inHead = keep(this.#inHead, (t) => this.#inTail = t);
    this.#readyHead = keep(this.#readyHead, (t) => this.#readyTail = t);
    for (let s = 0; s < WHEEL_SIZE; s++) {
      if (this.#wheelHead[s] === NIL) continue;
      this.#wheelHead[s] = keep(this.#wheelHead[s]!, (t) => {
        this.#wheelTail[s] = t;
      });
    }
    const items = this.#heap.slice(1, this.#heapSize + 1);
    this.#heapSize = 0;
    for (const cell of items) {
      if (match(cell)) {
        this.#pending--;
        onRemove(cell);
      } else this.#heapPush(cell);
    }
  }

  #heapLess(a: number, b: number): boolean {
    const w = this.#pool.words;
    const da = w[a * CELL_WORDS + W_DATE]!, db = w[b * CELL_WORDS + W_DATE]!;
    if (da !== db) return isBefore(da, db);
    return ((w[a * CELL_WORDS + W_AUX1]! - w[b * CELL_WORDS + W_AUX1]!) | 0) <
      0;
  }

  #heapPush(cell: number): void {
    if (this.#heapSize + 1 >= this.#heap.length) {
      const bigger = new Int32Array(this.#heap.length * 2);
      bigger.set(this.#heap);
      this.#heap = bigger;
    }
    const h = this.#heap;
    let i = ++this.#heapSize;
    while (i > 1) {
      const parent = i >> 1;
      if (!this.#heapLess(cell, h[parent]!)) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = cell;
  }

  #heapPop(): void {
    const h = this.#heap;
    const last = h[this.#heapSize--]!;
    const size = this.#heapSize;
    let i = 1;
    while (true) {
      let child = i * 2;
      if (child > size) break;
      if (child < size && this.#heapLess(h[child + 1]!, h[child]!)) child++;
      if (!this.#heapLess(h[child]!, last)) break;
      h[i] = h[child]!;
      i = child;
    }
    if (size > 0) h[i] = last;
  }
}
