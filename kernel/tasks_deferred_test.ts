// Tasks through the in-process kernel: deferred tasks and the DTask list
// (spec §7.15).

import assert from "node:assert/strict";
import { typeDProcess } from "./mod.ts";

import { logger, one } from "./_tasks_test_util.ts";

Deno.test("MidiDTask() joins the DTask list at its date (spec §7.15)", async (t) => {
  await t.step("never runs by itself; counted only once ready", () => {
    const { ms, a } = one();
    const log: [string, number, number, number][] = [];
    const e = ms.MidiDTask(logger(ms, log, "d"), 4, a)!;
    assert.equal(e.evType, typeDProcess);
    ms.advance(3);
    assert.equal(ms.MidiCountDTasks(a), 0);
    ms.advance(1);
    assert.equal(ms.MidiCountDTasks(a), 1);
    ms.advance(20);
    assert.deepEqual(log, []);
    assert.equal(ms.MidiCountDTasks(a), 1);
  });

  await t.step("a task's cells go back after its function returns", () => {
    const { ms, a } = one();
    const inside: number[] = [];
    const free = ms.MidiFreeSpace();
    ms.MidiDTask(() => inside.push(ms.MidiFreeSpace()), 1, a);
    const cellsPerTask = free - ms.MidiFreeSpace();
    ms.MidiTask(() => inside.push(ms.MidiFreeSpace()), 1, a);
    ms.advance(1);
    ms.MidiExec1DTask(a);
    // Each function still sees its own task's cells, as well as the cells of the DTask
    // that waits to be executed.
    assert.deepEqual(inside, [free - 2 * cellsPerTask, free - cellsPerTask]);
    assert.equal(ms.MidiFreeSpace(), free);
  });

  await t.step(
    "MidiExec1DTask runs exactly one, in date then send order",
    () => {
      const { ms, a } = one();
      const order: string[] = [];
      const args: unknown[][] = [];
      const mk = (label: string) => (...x: unknown[]) => {
        order.push(label);
        args.push(x);
      };
      ms.MidiDTask(mk("5a"), 5, a, "x");
      ms.MidiDTask(mk("3a"), 3, a);
      ms.MidiDTask(mk("5b"), 5, a);
      ms.MidiDTask(mk("3b"), 3, a);
      ms.MidiDTask(mk("9"), 9, a);
      ms.advance(5);
      assert.equal(ms.MidiCountDTasks(a), 4);
      ms.MidiExec1DTask(a);
      assert.deepEqual(order, ["3a"]);
      assert.equal(ms.MidiCountDTasks(a), 3);
      ms.MidiExec1DTask(a);
      ms.MidiExec1DTask(a);
      assert.deepEqual(order, ["3a", "3b", "5a"]);
      assert.deepEqual(args[2], [5, a, "x", undefined, undefined]);
      ms.MidiExec1DTask(a);
      ms.MidiExec1DTask(a); // empty: nothing
      assert.deepEqual(order, ["3a", "3b", "5a", "5b"]);
      assert.equal(ms.MidiCountDTasks(a), 0);
      ms.advance(5);
      ms.MidiExec1DTask(a);
      assert.deepEqual(order, ["3a", "3b", "5a", "5b", "9"]);
    },
  );

  await t.step(
    "MidiExec1DTask runs synchronously and may schedule more",
    () => {
      const { ms, a } = one();
      const log: string[] = [];
      ms.MidiDTask(
        () => {
          log.push("first");
          ms.MidiDTask(() => log.push("second"), ms.MidiGetTime(), a);
        },
        1,
        a,
      );
      ms.advance(1);
      ms.MidiExec1DTask(a);
      assert.deepEqual(log, ["first"]);
      assert.equal(ms.MidiCountDTasks(a), 0);
      ms.advance(1);
      assert.equal(ms.MidiCountDTasks(a), 1);
      ms.MidiExec1DTask(a);
      assert.deepEqual(log, ["first", "second"]);
    },
  );

  await t.step("MidiFlushDTasks discards ready DTasks only", () => {
    const { ms, a } = one();
    const ran: number[] = [];
    const early = { value: ms.MidiDTask((d) => ran.push(d), 2, a) };
    ms.MidiDTask((d) => ran.push(d), 3, a);
    ms.MidiDTask((d) => ran.push(d), 10, a);
    ms.advance(5);
    ms.MidiFlushDTasks(a);
    assert.equal(ms.MidiCountDTasks(a), 0);
    assert.throws(() => early.value!.date, { code: "DEAD" });
    ms.MidiForgetTask(early); // a flushed DTask is finished: box nulled
    assert.equal(early.value, null);
    ms.advance(5);
    assert.equal(ms.MidiCountDTasks(a), 1);
    ms.MidiExec1DTask(a);
    assert.deepEqual(ran, [10]);
  });

  await t.step("bad refnums: 0 / nothing / nothing", () => {
    const { ms, a } = one();
    const other = ms.connectClient();
    const c = other.MidiOpen("c");
    other.MidiDTask(() => {}, 1, c);
    ms.advance(2);
    for (const ref of [c, 60, -1, 0]) {
      assert.equal(ms.MidiCountDTasks(ref), 0);
      ms.MidiExec1DTask(ref);
      ms.MidiFlushDTasks(ref);
    }
    assert.equal(other.MidiCountDTasks(c), 1);
    void a;
  });
});
