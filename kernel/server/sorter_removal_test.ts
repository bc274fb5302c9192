// The sorter alone: removing one sender's items, clearing, and the pending count.

import assert from "node:assert/strict";
import { NIL } from "../memory/cell_pool.ts";
import { freeEvent } from "../memory/event_store.ts";
import { WHEEL_SIZE } from "./sorter.ts";

import { Bench } from "./_sorter_test_util.ts";

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
