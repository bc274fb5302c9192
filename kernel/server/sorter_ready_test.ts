// The sorter alone: ready lists, FIFO order, the far-future heap and
// wrap-around (spec §5.2, §5.3).

import assert from "node:assert/strict";
import { NIL } from "../memory/cell_pool.ts";
import { WHEEL_SIZE } from "./sorter.ts";
import { Random } from "../_test_util.ts";

import { Bench, TWO_31, TWO_32 } from "./_sorter_test_util.ts";

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
