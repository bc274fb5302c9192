// The sorter alone: a property test against a reference model of spec §5.2 and
// §5.3.

import assert from "node:assert/strict";
import { CELL_WORDS, createCellPool, NIL } from "../memory/cell_pool.ts";
import { typeKeyOn } from "../api/constants.ts";
import { B_REFNUM, W_DATE } from "../memory/event_layout.ts";
import { freeEvent, newEvent } from "../memory/event_store.ts";
import { createSorter, WHEEL_SIZE } from "./sorter.ts";
import { Random } from "../_test_util.ts";

import { TWO_31, TWO_32 } from "./_sorter_test_util.ts";

// ---- Property test against a reference model

/** Whether `d` is late at a tick whose previous time is `t` (spec §5.3). */
function modelIsLate(d: number, t: number): boolean {
  const diff = (((d - t) % TWO_32) + TWO_32) % TWO_32;
  return diff === 0 || diff >= TWO_31;
}

/** The spec's rules with plain arrays: arrival list, dated FIFOs, ready list. */
class Model {
  arrivals: { cell: number; date: number; ref: number }[] = [];
  filed = new Map<number, { cell: number; ref: number }[]>();
  ready: { cell: number; ref: number }[] = [];

  get count(): number {
    let n = this.arrivals.length + this.ready.length;
    for (const list of this.filed.values()) n += list.length;
    return n;
  }

  push(cell: number, date: number, ref: number): void {
    this.arrivals.push({ cell, date, ref });
  }

  collect(now: number): void {
    const previous = (now - 1) >>> 0;
    for (const { cell, date, ref } of this.arrivals) {
      if (modelIsLate(date, previous)) this.ready.push({ cell, ref });
      else {
        const list = this.filed.get(date) ?? [];
        list.push({ cell, ref });
        this.filed.set(date, list);
      }
    }
    this.arrivals = [];
    this.ready.push(...(this.filed.get(now) ?? []));
    this.filed.delete(now);
  }

  pop(): number {
    return this.ready.shift()?.cell ?? NIL;
  }

  remove(match: (ref: number) => boolean): Set<number> {
    const removed = new Set<number>();
    const keep = <T extends { cell: number; ref: number }>(list: T[]) =>
      list.filter((x) => match(x.ref) ? (removed.add(x.cell), false) : true);
    this.arrivals = keep(this.arrivals);
    this.ready = keep(this.ready);
    for (const [date, list] of this.filed) {
      const kept = keep(list);
      if (kept.length === 0) this.filed.delete(date);
      else this.filed.set(date, kept);
    }
    return removed;
  }
}

/** A date relative to `now`, mixing every region the sorter distinguishes. */
function randomDate(rnd: Random, now: number, model: Model): number {
  const r = rnd.int(100);
  let delta: number;
  if (r < 25) delta = 1 + rnd.int(40); // near
  else if (r < 35) delta = -rnd.int(3000); // now or past
  else if (r < 55) delta = WHEEL_SIZE - 3 + rnd.int(7); // horizon boundary
  else if (r < 70) delta = WHEEL_SIZE + rnd.int(4 * WHEEL_SIZE); // heap
  else if (r < 75) {
    delta = rnd.pick([TWO_31 - 1, TWO_31, TWO_31 + 1, TWO_32 - 1]);
  } else if (r < 80) delta = TWO_31 - 1 - rnd.int(WHEEL_SIZE); // far but not late
  else if (r < 95 && model.filed.size > 0) {
    // A date something already waits under (heap or wheel): FIFO across both.
    const dates = [...model.filed.keys()];
    return rnd.pick(dates);
  } else delta = rnd.int(2 * WHEEL_SIZE);
  return (now + delta) >>> 0;
}

function runProperty(seed: number, start: number): void {
  const rnd = new Random(seed);
  const pool = createCellPool({ cellCount: 60_000 });
  const sorter = createSorter(pool);
  const model = new Model();
  let now = start >>> 0;
  let sends = 0, ticks = 0;
  const where = () =>
    `seed ${seed}, start ${start}, time ${now}, tick ${ticks}`;
  const send = () => {
    const cell = newEvent(pool, typeKeyOn);
    assert.notEqual(cell, NIL, `pool exhausted (${where()})`);
    const date = randomDate(rnd, now, model);
    const ref = rnd.int(4) | (rnd.int(4) === 0 ? 0x80 : 0);
    pool.words[cell * CELL_WORDS + W_DATE] = date;
    pool.bytes[cell * CELL_WORDS * 4 + B_REFNUM] = ref;
    sorter.push(cell);
    model.push(cell, date, ref);
    sends++;
  };
  const remove = (which: number | null) => {
    const got: number[] = [];
    const onRemove = (c: number) => got.push(c);
    if (which === null) sorter.clear(onRemove);
    else sorter.removeSender(which, onRemove);
    const expected = model.remove((ref) =>
      which === null || (ref & 0x7f) === which
    );
    assert.equal(new Set(got).size, got.length, `removed twice (${where()})`);
    assert.deepEqual(new Set(got), expected, `removed set (${where()})`);
    for (const c of got) freeEvent(pool, c);
  };
  const tick = (popAll: boolean) => {
    now = (now + 1) >>> 0;
    ticks++;
    sorter.collectReady(now);
    model.collect(now);
    const stop = popAll ? Infinity : rnd.int(3);
    for (let i = 0; i < stop; i++) {
      const got = sorter.popReady();
      const want = model.pop();
      assert.equal(got, want, `ready list differs (${where()})`);
      if (got === NIL) break;
      freeEvent(pool, got);
    }
    if (!popAll) {
      // Remove while part of the ready list is still waiting, then finish it.
      if (rnd.int(2) === 0) remove(rnd.int(4));
      for (let got = sorter.popReady();; got = sorter.popReady()) {
        assert.equal(got, model.pop(), `ready list differs (${where()})`);
        if (got === NIL) break;
        freeEvent(pool, got);
      }
    }
    assert.equal(sorter.pendingCount, model.count, `pendingCount (${where()})`);
  };
  for (let round = 0; round < 400; round++) {
    const action = rnd.int(100);
    if (action < 60) {
      const n = rnd.int(12);
      for (let i = 0; i < n; i++) send();
      tick(rnd.int(10) !== 0);
    } else if (action < 85) {
      // A long run of ticks: heap items migrate, wheel slots wrap around.
      const n = 1 + rnd.int(3 * WHEEL_SIZE);
      for (let i = 0; i < n; i++) {
        if (rnd.int(50) === 0) send();
        tick(true);
      }
    } else if (action < 97) {
      remove(rnd.int(4));
      assert.equal(
        sorter.pendingCount,
        model.count,
        `after removal (${where()})`,
      );
    } else {
      remove(null);
      assert.equal(sorter.pendingCount, 0, `after clear (${where()})`);
    }
  }
  assert.ok(sends > 1000, `only ${sends} sends (${where()})`);
  assert.equal(pool.used, model.count, `cells leaked (${where()})`);
}

const PROPERTY_SEEDS = [1, 42, 0xc0ffee, 20240611, 0xdeadbeef];

Deno.test("createSorter() agrees with a reference model over random sends and ticks", async (t) => {
  const starts = [0, TWO_31 - 5000, TWO_32 - 5000];
  for (const seed of PROPERTY_SEEDS) {
    for (const start of starts) {
      await t.step(`seed ${seed}, start ${start}`, () => {
        runProperty(seed, start);
      });
    }
  }
});
