/**
 * Helpers shared by the sorter tests (`sorter_*_test.ts`): the wrap constants and
 * a sorter over its own pool driven one tick at a time. Private to
 * `kernel/server/`.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  CELL_WORDS,
  type CellPool,
  createCellPool,
  NIL,
} from "../memory/cell_pool.ts";
import { typeKeyOn } from "../api/constants.ts";
import { B_REFNUM, W_DATE } from "../memory/event_layout.ts";
import { freeEvent, newEvent } from "../memory/event_store.ts";
import { createSorter, type Sorter } from "./sorter.ts";

export const TWO_31 = 2 ** 31;
export const TWO_32 = 2 ** 32;

/** A sorter over its own pool, driven one tick at a time like the server does. */
export class Bench {
  readonly pool: CellPool;
  readonly sorter: Sorter;
  /** The time of the last tick. */
  now: number;

  constructor(startTime = 0, cellCount = 4096) {
    this.pool = createCellPool({ cellCount });
    this.sorter = createSorter(this.pool);
    this.now = startTime >>> 0;
  }

  /** Pushes a new item dated `date` from refnum byte `ref`; returns its cell. */
  send(date: number, ref = 1): number {
    const cell = newEvent(this.pool, typeKeyOn);
    assert.notEqual(cell, NIL, "the test pool is exhausted");
    this.pool.words[cell * CELL_WORDS + W_DATE] = date >>> 0;
    this.pool.bytes[cell * CELL_WORDS * 4 + B_REFNUM] = ref & 0xff;
    this.sorter.push(cell);
    return cell;
  }

  /** Pushes an item dated `delta` ms after the current time. */
  sendIn(delta: number, ref = 1): number {
    return this.send(this.now + delta, ref);
  }

  /** Runs the next tick; returns its ready list, freeing the cells. */
  tick(): number[] {
    this.now = (this.now + 1) >>> 0;
    this.sorter.collectReady(this.now);
    const ready: number[] = [];
    for (
      let c = this.sorter.popReady();
      c !== NIL;
      c = this.sorter.popReady()
    ) {
      ready.push(c);
    }
    for (const c of ready) freeEvent(this.pool, c);
    return ready;
  }

  /** Runs `n` ticks; returns the non-empty ready lists keyed by time. */
  run(n: number): Map<number, number[]> {
    const out = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const ready = this.tick();
      if (ready.length > 0) out.set(this.now, ready);
    }
    return out;
  }

  date(cell: number): number {
    return this.pool.words[cell * CELL_WORDS + W_DATE]! >>> 0;
  }
}
