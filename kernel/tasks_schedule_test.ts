// Tasks through the in-process kernel: MidiTask() and MidiCall() scheduling,
// failures and cost (spec §7.8, §7.15).

import assert from "node:assert/strict";
import { createLocalKernel, typeKeyOn, typeProcess } from "./mod.ts";
import { makeEv } from "./_test_util.ts";

import { type Box, logger, one } from "./_tasks_test_util.ts";

Deno.test("MidiTask() runs fn(date, refNum, a1, a2, a3) at its date", async (t) => {
  await t.step(
    "at the tick of its date, with the scheduled date and refnum",
    () => {
      const { ms, a } = one();
      const log: [string, number, number, number][] = [];
      const e = ms.MidiTask(logger(ms, log, "x"), 5, a);
      assert.notEqual(e, null);
      ms.advance(4);
      assert.deepEqual(log, []);
      ms.advance(1);
      assert.deepEqual(log, [["x", 5, a, 5]]);
      ms.advance(10);
      assert.equal(log.length, 1);
    },
  );

  await t.step("the JS arguments arrive untouched", () => {
    const { ms, a } = one();
    const obj = { deep: [1, 2] };
    const fn = () => {};
    const seen: unknown[][] = [];
    ms.MidiTask((...args) => seen.push(args), 1, a, obj, undefined, fn);
    ms.MidiTask((...args) => seen.push(args), 1, a, "s", NaN, null);
    ms.MidiTask((...args) => seen.push(args), 1, a);
    ms.advance(1);
    assert.equal(seen.length, 3);
    assert.equal(seen[0]![2], obj);
    assert.deepEqual(seen[0]!.slice(3), [undefined, fn]);
    assert.equal(seen[0]![4], fn);
    assert.deepEqual(seen[1]!.slice(2), ["s", NaN, null]);
    assert.deepEqual(seen[2], [1, a, undefined, undefined, undefined]);
  });

  await t.step("a task handle reads its date, type and fields", () => {
    const { ms, a } = one();
    const fn = () => {};
    const obj = {};
    const e = ms.MidiTask(fn, 42, a, obj, 2, 3)!;
    assert.equal(e.evType, typeProcess);
    assert.equal(e.date, 42);
    assert.equal(e.refNum, a);
    assert.equal(ms.MidiGetField(e, 0) as unknown, fn);
    assert.equal(ms.MidiGetField(e, 1) as unknown, obj);
    assert.throws(() => ms.MidiFreeEv(e), { code: "READONLY" });
    assert.throws(() => ms.MidiSetField(e, 1, 5), { code: "READONLY" });
    assert.throws(() => ms.MidiSendIm(a, e), { code: "READONLY" });
    assert.throws(() => {
      e.date = 3;
    }, { code: "READONLY" });
  });

  await t.step(
    "a task dated in the past runs at the next tick with its date",
    () => {
      const { ms, a } = one();
      ms.advance(10);
      const log: [string, number, number, number][] = [];
      ms.MidiTask(logger(ms, log, "past"), 3, a);
      ms.MidiTask(logger(ms, log, "now"), 10, a);
      ms.MidiTask(logger(ms, log, "next"), 11, a);
      ms.advance(1);
      assert.deepEqual(log, [
        ["past", 3, a, 11],
        ["now", 10, a, 11],
        ["next", 11, a, 11],
      ]);
    },
  );

  await t.step("self-rescheduling from its own date does not drift", () => {
    const { ms, a } = one();
    const dates: number[] = [];
    const lateness: number[] = [];
    const period = 7;
    const tick = (date: number, ref: number) => {
      dates.push(date);
      lateness.push(ms.MidiGetTime() - date);
      if (dates.length < 1000) ms.MidiTask(tick, date + period, ref);
    };
    ms.MidiTask(tick, 3, a);
    ms.advance(3 + 1000 * period);
    assert.equal(dates.length, 1000);
    assert.deepEqual(
      dates,
      Array.from({ length: 1000 }, (_, i) => 3 + i * period),
    );
    assert.ok(lateness.every((x) => x === 0));
  });

  await t.step("the date is wrapped to 32 unsigned bits", () => {
    const { ms, a } = one();
    const log: [string, number, number, number][] = [];
    ms.MidiTask(logger(ms, log, "w"), 2 ** 32 + 2, a);
    ms.advance(3);
    assert.deepEqual(log, [["w", 2, a, 2]]);
  });
});

Deno.test("MidiTask() returns null when it cannot schedule", async (t) => {
  await t.step("for a refnum this client did not open", () => {
    const { ms, a } = one();
    const other = ms.connectClient();
    const c = other.MidiOpen("c");
    const d = other.MidiRegisterDriver({ name: "d", version: 1 }, {});
    const free = ms.MidiFreeSpace();
    let ran = 0;
    for (const ref of [c, d, 0, 127, 60, -1, 1000, a | 0x80]) {
      assert.equal(ms.MidiTask(() => ran++, 1, ref), null, `refnum ${ref}`);
      assert.equal(ms.MidiDTask(() => ran++, 1, ref), null, `refnum ${ref}`);
    }
    assert.equal(ms.MidiFreeSpace(), free);
    ms.advance(2);
    assert.equal(ran, 0);
    assert.equal(other.MidiCountDTasks(c), 0);
    // The other client can schedule on its own refnums.
    assert.notEqual(other.MidiTask(() => ran++, 3, c), null);
    assert.notEqual(other.MidiTask(() => ran++, 3, d), null);
    ms.advance(2);
    assert.equal(ran, 2);
  });

  await t.step("for a closed refnum", () => {
    const { ms, a } = one();
    const b = ms.MidiOpen("b");
    ms.MidiClose(b);
    assert.equal(ms.MidiTask(() => {}, 1, b), null);
    void a;
  });

  await t.step("when the pool lacks 2 cells, leaking nothing", () => {
    const { ms, a } = one({ poolCellCount: 3 });
    const k1 = makeEv(ms, typeKeyOn), k2 = makeEv(ms, typeKeyOn);
    assert.equal(ms.MidiFreeSpace(), 1);
    let ran = 0;
    assert.equal(ms.MidiTask(() => ran++, 1, a), null);
    assert.equal(ms.MidiDTask(() => ran++, 1, a), null);
    assert.equal(ms.MidiFreeSpace(), 1);
    ms.advance(2);
    assert.equal(ran, 0);
    assert.equal(ms.MidiCountDTasks(a), 0);
    ms.MidiFreeEv(k1);
    assert.notEqual(ms.MidiTask(() => ran++, 3, a), null);
    assert.equal(ms.MidiFreeSpace(), 0);
    ms.advance(2);
    assert.equal(ran, 1);
    void k2;
  });
});

Deno.test("MidiTask() throws TypeError at the call when fn is not a function", () => {
  const { ms, a } = one();
  const free = ms.MidiFreeSpace();
  for (const bad of [null, undefined, 1, "f", {}]) {
    const fn = bad as unknown as () => void;
    assert.throws(() => ms.MidiTask(fn, 1, a), TypeError);
    assert.throws(() => ms.MidiDTask(fn, 1, a), TypeError);
    assert.throws(() => ms.MidiCall(fn, 1, a), TypeError);
    // Even for a refnum that would give null.
    assert.throws(() => ms.MidiTask(fn, 1, 60), TypeError);
  }
  assert.equal(ms.MidiFreeSpace(), free);
  ms.advance(3);
  assert.equal(ms.server.pendingCount, 0);
});

Deno.test("MidiTask() holds 2 cells until the task is run, forgotten or flushed (spec §7.8)", () => {
  const { ms, a } = one({ poolCellCount: 100 });
  assert.equal(ms.MidiFreeSpace(), 100);
  ms.MidiTask(() => {}, 2, a);
  assert.equal(ms.MidiFreeSpace(), 98);
  const forgotten: Box = { value: ms.MidiTask(() => {}, 5, a) };
  ms.MidiDTask(() => {}, 2, a);
  ms.MidiDTask(() => {}, 3, a);
  const dForgotten: Box = { value: ms.MidiDTask(() => {}, 50, a) };
  assert.equal(ms.MidiFreeSpace(), 90);
  ms.advance(2);
  assert.equal(ms.MidiFreeSpace(), 92, "the task ran; the DTask is ready");
  ms.MidiForgetTask(forgotten);
  assert.equal(ms.MidiFreeSpace(), 94);
  ms.MidiForgetTask(dForgotten);
  assert.equal(ms.MidiFreeSpace(), 96);
  ms.advance(1);
  assert.equal(ms.MidiCountDTasks(a), 2);
  assert.equal(ms.MidiFreeSpace(), 96);
  ms.MidiExec1DTask(a);
  assert.equal(ms.MidiFreeSpace(), 98);
  ms.MidiFlushDTasks(a);
  assert.equal(ms.MidiFreeSpace(), 100);
  ms.advance(100);
  assert.equal(ms.MidiFreeSpace(), 100);
});

Deno.test("MidiCall() schedules like MidiTask and returns undefined", () => {
  const { ms, a } = one({ poolCellCount: 10 });
  const seen: unknown[][] = [];
  const obj = {};
  const result = ms.MidiCall((...args) => seen.push(args), 3, a, obj, 2);
  assert.equal(result, undefined);
  assert.equal(ms.MidiFreeSpace(), 8);
  assert.equal(ms.MidiCall(() => seen.push(["bad"]), 3, 60), undefined);
  assert.equal(ms.MidiFreeSpace(), 8);
  ms.advance(3);
  assert.deepEqual(seen, [[3, a, obj, 2, undefined]]);
  assert.equal(ms.MidiFreeSpace(), 10);
});

Deno.test("MidiTask() runs the tasks of one client's applications in date then scheduling order", () => {
  const ms = createLocalKernel();
  const a = ms.MidiOpen("a"), b = ms.MidiOpen("b"), c = ms.MidiOpen("c");
  const log: [string, number, number, number][] = [];
  ms.MidiTask(logger(ms, log, "c5"), 5, c);
  ms.MidiTask(logger(ms, log, "a5"), 5, a);
  ms.MidiTask(logger(ms, log, "b3"), 3, b);
  ms.MidiTask(logger(ms, log, "b5"), 5, b);
  ms.MidiTask(logger(ms, log, "a3"), 3, a);
  ms.MidiTask(logger(ms, log, "c1"), 1, c);
  ms.advance(6);
  assert.deepEqual(log.map((x) => x[0]), ["c1", "b3", "a3", "c5", "a5", "b5"]);
  assert.deepEqual(log.map((x) => x[2]), [c, b, a, c, a, b]);
});
