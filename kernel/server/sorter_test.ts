// The sorter alone (spec §5.2, §5.3): ready lists, FIFO order, the far-future heap,
// wrap-around, removal, and a property test against a reference model.

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
import { createSorter, type Sorter, WHEEL_SIZE } from "./sorter.ts";
import { Random } from "../_test_util.ts";

const TWO_31 = 2 ** 31;
const TWO_32 = 2 ** 32;

/** A sorter over its own pool, driven one tick at a time like the server does. */
class Bench {
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

Deno.test("createSorter() hands out the ready list of spec §5.2", async (t) => {
  await t.step("late items in arrival order come before items due now", () => {
    const b = new Bench(100);
    b.tick(); // time 101
    const filedEarlier = b.sendIn(2); // due at 103, filed at 102
    b.tick(); // time 102
    const dueA = b.sendIn(1); // 103
    const late1 = b.sendIn(-50); // 52
    const dueB = b.sendIn(1);
    const late2 = b.sendIn(0); // 102: the time of the previous tick, late
    const late3 = b.sendIn(-1); // 101
    assert.deepEqual(b.tick(), [late1, late2, late3, filedEarlier, dueA, dueB]);
    assert.equal(b.now, 103);
    assert.equal(b.sorter.pendingCount, 0);
  });

  await t.step("an item dated now is late and keeps its date", () => {
    const b = new Bench(7);
    const cell = b.sendIn(0);
    b.sorter.collectReady(8);
    assert.equal(b.sorter.popReady(), cell);
    assert.equal(b.date(cell), 7);
    assert.equal(b.sorter.popReady(), NIL);
  });

  await t.step(
    "an item dated d > now comes out at the tick that makes d",
    () => {
      const b = new Bench(0);
      const cells = [5, 1, 3, 2, 4].map((d) => b.send(d));
      const out = b.run(10);
      assert.deepEqual([...out.keys()], [1, 2, 3, 4, 5]);
      assert.deepEqual(out.get(5), [cells[0]]);
      assert.deepEqual(out.get(1), [cells[1]]);
    },
  );

  await t.step("nothing comes out at a tick with nothing due", () => {
    const b = new Bench(0);
    b.send(10);
    for (let i = 0; i < 9; i++) assert.deepEqual(b.tick(), []);
    assert.equal(b.sorter.pendingCount, 1);
    assert.equal(b.tick().length, 1);
    assert.equal(b.sorter.popReady(), NIL);
  });

  await t.step("equal dates stay FIFO across several ticks of sending", () => {
    const b = new Bench(0);
    const order: number[] = [];
    for (let tick = 0; tick < 5; tick++) {
      for (let i = 0; i < 3; i++) order.push(b.send(20));
      b.tick();
    }
    const out = b.run(20);
    assert.deepEqual(out.get(20), order);
  });
});

Deno.test("createSorter() keeps far-future items in date then arrival order", async (t) => {
  await t.step("items beyond the wheel come out at their dates", () => {
    const b = new Bench(0, 8192);
    const rnd = new Random(7);
    const sent: { cell: number; date: number }[] = [];
    for (let i = 0; i < 600; i++) {
      const date = WHEEL_SIZE + rnd.int(3 * WHEEL_SIZE);
      sent.push({ cell: b.send(date), date });
    }
    // Several duplicates of one far date, sent in a known order.
    const dup = 2 * WHEEL_SIZE + 17;
    for (let i = 0; i < 5; i++) sent.push({ cell: b.send(dup), date: dup });
    const expected = new Map<number, number[]>();
    for (const { cell, date } of sent) {
      expected.set(date, [...(expected.get(date) ?? []), cell]);
    }
    const out = b.run(4 * WHEEL_SIZE + 10);
    assert.deepEqual(
      [...out.entries()],
      [...expected.entries()].sort((x, y) => x[0] - y[0]),
    );
  });

  await t.step(
    "a heap item comes before a later item of the same date filed directly",
    () => {
      for (const lag of [0, 1, 2, 100]) {
        const b = new Bench(1000);
        const due = 1000 + WHEEL_SIZE + 50;
        const heapFirst = b.send(due); // far: the heap
        const heapSecond = b.send(due);
        // Tick until the date is exactly within the horizon at the next tick.
        while (((due - (b.now + 1)) >>> 0) >= WHEEL_SIZE) b.tick();
        for (let i = 0; i < lag; i++) b.tick();
        // Filed at the tick where `due` enters the wheel (lag 0) or later.
        const direct = b.send(due);
        const out = b.run(WHEEL_SIZE + 100);
        assert.deepEqual(
          out.get(due),
          [heapFirst, heapSecond, direct],
          `lag ${lag}`,
        );
        assert.equal(out.size, 1, `lag ${lag}`);
      }
    },
  );

  await t.step(
    "an item sent one tick before the horizon goes into the heap after older heap items",
    () => {
      const b = new Bench(0);
      const due = 3 * WHEEL_SIZE;
      const first = b.send(due);
      while (((due - (b.now + 1)) >>> 0) > WHEEL_SIZE) b.tick();
      // Now due − (now + 1) = WHEEL_SIZE: this one is still filed into the heap.
      const second = b.send(due);
      b.tick();
      const third = b.send(due); // directly into the wheel
      const out = b.run(WHEEL_SIZE + 10);
      assert.deepEqual(out.get(due), [first, second, third]);
    },
  );

  await t.step(
    "the horizon boundary dates WHEEL_SIZE − 1, WHEEL_SIZE, WHEEL_SIZE + 1",
    () => {
      const b = new Bench(5);
      const start = b.now + 1; // the time of the next tick
      const cells = [WHEEL_SIZE + 1, WHEEL_SIZE, WHEEL_SIZE - 1, 0].map((k) =>
        b.send(start + k)
      );
      const out = b.run(WHEEL_SIZE + 5);
      assert.deepEqual(out.get(start), [cells[3]]);
      assert.deepEqual(out.get(start + WHEEL_SIZE - 1), [cells[2]]);
      assert.deepEqual(out.get(start + WHEEL_SIZE), [cells[1]]);
      assert.deepEqual(out.get(start + WHEEL_SIZE + 1), [cells[0]]);
    },
  );
});

Deno.test("createSorter() compares dates wrap-safely (spec §5.3)", async (t) => {
  for (const start of [TWO_31 - 20, TWO_32 - 20]) {
    await t.step(`across ${start === TWO_31 - 20 ? "2^31" : "2^32"}`, () => {
      const b = new Bench(start);
      const deltas = [25, 5, 19, 20, 21, 40, 20];
      const cells = deltas.map((k) => b.sendIn(k));
      const out = b.run(60);
      const times = [...out.keys()];
      assert.deepEqual(
        times,
        [5, 19, 20, 21, 25, 40].map((k) => (start + k) >>> 0),
      );
      assert.deepEqual(out.get((start + 20) >>> 0), [cells[3], cells[6]]);
    });

    await t.step(
      `far items across ${
        start === TWO_31 - 20 ? "2^31" : "2^32"
      } via the heap`,
      () => {
        const b = new Bench(start);
        const a = b.sendIn(WHEEL_SIZE + 30);
        const c = b.sendIn(WHEEL_SIZE + 10);
        const d = b.sendIn(WHEEL_SIZE + 30);
        const out = b.run(WHEEL_SIZE + 40);
        assert.deepEqual(out.get((start + WHEEL_SIZE + 10) >>> 0), [c]);
        assert.deepEqual(out.get((start + WHEEL_SIZE + 30) >>> 0), [a, d]);
      },
    );
  }

  await t.step("a date 2^31 or more ahead of the previous tick is late", () => {
    for (const start of [0, 1234, TWO_31 - 3, TWO_32 - 3]) {
      const b = new Bench(start);
      // Sent between ticks: the previous tick's time is `start`.
      const exactly = b.sendIn(TWO_31);
      const beyond = b.sendIn(TWO_31 + 1);
      const farthest = b.sendIn(TWO_32 - 1);
      const notLate = b.sendIn(TWO_31 - 1);
      const dueNext = b.sendIn(1);
      assert.deepEqual(
        b.tick(),
        [exactly, beyond, farthest, dueNext],
        `start ${start}`,
      );
      assert.equal(b.sorter.pendingCount, 1, `start ${start}`);
      assert.deepEqual(b.run(10_000).size, 0, `start ${start}`);
      const left: number[] = [];
      b.sorter.clear((c) => left.push(c));
      assert.deepEqual(left, [notLate], `start ${start}`);
    }
  });
});

Deno.test("Sorter.removeSender() removes one sender's items wherever they wait", async (t) => {
  await t.step(
    "each removed cell once, flag bit ignored, others in order",
    () => {
      const b = new Bench(0, 8192);
      const keep: number[] = [];
      const drop: number[] = [];
      const both = (date: number, i: number) => {
        const ref = i % 3 === 0 ? 5 : i % 3 === 1 ? 5 | 0x80 : 6;
        const cell = b.send(date, ref);
        (ref & 0x7f) === 5 ? drop.push(cell) : keep.push(cell);
      };
      // Filed ones: wheel and heap; then a batch still in the arrival list.
      for (let i = 0; i < 30; i++) both(10 + (i % 4), i);
      for (let i = 0; i < 30; i++) both(WHEEL_SIZE * 2 + (i % 4), i);
      b.tick();
      for (let i = 0; i < 30; i++) both(i % 2 === 0 ? 0 : 12, i); // late or wheel
      const removed: number[] = [];
      b.sorter.removeSender(5, (cell) => removed.push(cell));
      assert.deepEqual(
        [...removed].sort((x, y) => x - y),
        [...drop].sort((x, y) => x - y),
      );
      assert.equal(new Set(removed).size, removed.length);
      assert.equal(b.sorter.pendingCount, keep.length);
      for (const c of removed) freeEvent(b.pool, c);
      const out = b.run(3 * WHEEL_SIZE);
      const flat = [...out.values()].flat();
      assert.deepEqual(new Set(flat), new Set(keep));
      assert.equal(flat.length, keep.length);
      assert.equal(b.sorter.pendingCount, 0);
    },
  );

  await t.step("the order of the others is kept in every list", () => {
    const b = new Bench(0);
    const a1 = b.send(3, 1), x1 = b.send(3, 2), a2 = b.send(3, 1);
    const h1 = b.send(WHEEL_SIZE + 9, 1), y1 = b.send(WHEEL_SIZE + 9, 2);
    const h2 = b.send(WHEEL_SIZE + 9, 1);
    b.tick(); // time 1: all filed
    const l1 = b.send(0, 2), k1 = b.send(0, 1), l2 = b.send(0, 2 | 0x80);
    const k2 = b.send(0, 1 | 0x80), l3 = b.send(0, 2);
    const removed: number[] = [];
    b.sorter.removeSender(2, (c) => removed.push(c));
    assert.deepEqual(
      [...removed].sort((p, q) => p - q),
      [x1, y1, l1, l2, l3].sort((p, q) => p - q),
    );
    for (const c of removed) freeEvent(b.pool, c);
    assert.equal(b.sorter.pendingCount, 6);
    const out = b.run(WHEEL_SIZE + 20);
    assert.deepEqual(out.get(2), [k1, k2]);
    assert.deepEqual(out.get(3), [a1, a2]);
    assert.deepEqual(out.get(WHEEL_SIZE + 9), [h1, h2]);
    assert.equal(out.size, 3);
  });

  await t.step("items in a ready list not yet popped are removed too", () => {
    const b = new Bench(0);
    const c1 = b.send(1, 1), c2 = b.send(1, 2), c3 = b.send(1, 1);
    const c4 = b.send(1, 2);
    b.now = 1;
    b.sorter.collectReady(1);
    assert.equal(b.sorter.popReady(), c1);
    const removed: number[] = [];
    b.sorter.removeSender(2, (c) => removed.push(c));
    assert.deepEqual(removed, [c2, c4]);
    assert.equal(b.sorter.popReady(), c3);
    assert.equal(b.sorter.popReady(), NIL);
    assert.equal(b.sorter.pendingCount, 0);
  });

  await t.step("no match removes nothing and calls nothing", () => {
    const b = new Bench(0);
    b.send(2, 1);
    b.send(WHEEL_SIZE * 3, 1);
    let calls = 0;
    b.sorter.removeSender(9, () => calls++);
    assert.equal(calls, 0);
    assert.equal(b.sorter.pendingCount, 2);
  });
});

Deno.test("Sorter.clear() removes every pending item exactly once", async (t) => {
  await t.step(
    "from the arrival list, the wheel, the heap and the ready list",
    () => {
      const b = new Bench(0);
      const all = new Set<number>();
      for (let i = 0; i < 20; i++) all.add(b.send(5 + i));
      for (let i = 0; i < 20; i++) all.add(b.send(WHEEL_SIZE * 2 + i));
      b.tick();
      for (let i = 0; i < 5; i++) all.add(b.send(0));
      all.add(b.send(2));
      b.now = 2;
      b.sorter.collectReady(2);
      const popped = b.sorter.popReady();
      all.delete(popped);
      freeEvent(b.pool, popped);
      const removed: number[] = [];
      b.sorter.clear((c) => removed.push(c));
      assert.equal(removed.length, all.size);
      assert.deepEqual(new Set(removed), all);
      assert.equal(b.sorter.pendingCount, 0);
      assert.equal(b.sorter.popReady(), NIL);
      for (const c of removed) freeEvent(b.pool, c);
      assert.equal(b.pool.used, 0);
    },
  );

  await t.step("the sorter works normally after clear", () => {
    const b = new Bench(0);
    b.send(WHEEL_SIZE * 2);
    b.send(3);
    b.sorter.clear((c) => freeEvent(b.pool, c));
    const x = b.send(WHEEL_SIZE * 2), y = b.send(3);
    const out = b.run(WHEEL_SIZE * 2 + 1);
    assert.deepEqual([...out.entries()], [[3, [y]], [WHEEL_SIZE * 2, [x]]]);
  });
});

Deno.test("Sorter.pendingCount counts sent, filed and not yet popped items", () => {
  const b = new Bench(0);
  assert.equal(b.sorter.pendingCount, 0);
  b.send(1);
  b.send(1);
  b.send(WHEEL_SIZE * 5);
  assert.equal(b.sorter.pendingCount, 3);
  b.now = 1;
  b.sorter.collectReady(1);
  assert.equal(b.sorter.pendingCount, 3);
  b.sorter.popReady();
  assert.equal(b.sorter.pendingCount, 2);
  b.sorter.popReady();
  assert.equal(b.sorter.pendingCount, 1);
  assert.equal(b.sorter.popReady(), NIL);
  assert.equal(b.sorter.pendingCount, 1);
});

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
