/**
 * Contract cases: tasks and deferred tasks (spec §3.7, §7.15). Private to
 * `tests/contract/`.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  type MidiEv,
  type Task,
  typeDProcess,
  typeKeyOn,
  typeProcess,
} from "@midishare/client";
import {
  assertMidiShareError,
  assertThrows,
  closeAll,
  type ContractCase,
  LEAD_MS,
  newEvent,
  openAll,
  settlePast,
  settleUntil,
} from "./_case_kit.ts";

/** A task that records its arguments. */
function recorder(): { runs: unknown[][]; task: Task } {
  const runs: unknown[][] = [];
  return {
    runs,
    task: (date, refNum, a1, a2, a3) => runs.push([date, refNum, a1, a2, a3]),
  };
}

/** Cases about tasks. */
export const taskCases: ContractCase[] = [
  {
    name:
      "MidiTask() runs fn(date, refNum, a1, a2, a3) at its date in this client, and a past date at the next tick",
    async fn(s) {
      const [a] = await openAll(s, "a");
      await s.settle(10);
      const { runs, task } = recorder();
      const times: number[] = [];
      const now = await s.ms.MidiGetTime();
      const date = now + LEAD_MS;
      const arg = { any: "value" };
      const e = await s.ms.MidiTask(
        (...args) => {
          task(...args);
          times.push(s.ms.MidiGetTime());
        },
        date,
        a!,
        "x",
        arg,
        3,
      );
      assert.ok(e !== null);
      assert.deepEqual([e.evType, e.date, e.refNum], [typeProcess, date, a]);
      assert.equal(await s.ms.MidiGetField(e, 1), "x" as never);
      await assertMidiShareError(() => s.ms.MidiSetField(e, 1, 0), "READONLY");
      await assertMidiShareError(() => s.ms.MidiFreeEv(e), "READONLY");
      await s.ms.MidiTask(task, now - 5, a!, "past");
      await s.settle(LEAD_MS + 1);
      assert.deepEqual(runs, [
        [now - 5, a, "past", undefined, undefined],
        [date, a, "x", arg, 3],
      ]);
      assert.ok(times[0]! >= date, `ran at ${times[0]}, due ${date}`);
      // A task that ran is finished: forgetting it only empties the box.
      const box = { value: e as MidiEv | null };
      await s.ms.MidiForgetTask(box);
      assert.equal(box.value, null);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiTask() returns null for a refnum this client did not open, and throws a TypeError for a function that is not one",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const { runs, task } = recorder();
      for (const ref of [0, 99, 127]) {
        assert.equal(await s.ms.MidiTask(task, 0, ref), null);
        assert.equal(await s.ms.MidiDTask(task, 0, ref), null);
      }
      await assertThrows(() => s.ms.MidiTask("f" as never, 0, a!), TypeError);
      await assertThrows(() => s.ms.MidiDTask(null as never, 0, a!), TypeError);
      await assertThrows(
        () => s.ms.MidiCall(task, "0" as never, a!),
        TypeError,
      );
      await s.settle(2);
      assert.deepEqual(runs, []);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiTask() may reschedule itself from its own date, every period exactly",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const dates: number[] = [];
      const tick: Parameters<typeof s.ms.MidiTask>[0] = (date, ref) => {
        dates.push(date);
        if (dates.length < 5) s.ms.MidiTask(tick, date + 7, ref);
      };
      const start = await s.ms.MidiGetTime() + LEAD_MS;
      await s.ms.MidiTask(tick, start, a!);
      await settleUntil(s, "5 runs", () => dates.length === 5);
      assert.deepEqual(dates, [0, 7, 14, 21, 28].map((d) => start + d));
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiForgetTask() cancels a task that has not run, giving its 2 cells back and emptying the box",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const { runs, task } = recorder();
      const free = await s.ms.MidiFreeSpace();
      const e = await s.ms.MidiTask(
        task,
        await s.ms.MidiGetTime() + LEAD_MS,
        a!,
      );
      assert.equal(await s.ms.MidiFreeSpace(), free - 2);
      const box = { value: e };
      await s.ms.MidiForgetTask(box);
      assert.equal(box.value, null);
      assert.equal(await s.ms.MidiFreeSpace(), free);
      await assertMidiShareError(() => e!.date, "DEAD");
      // Forgetting a finished task again, or an empty box, only empties the box.
      const again = { value: e };
      await s.ms.MidiForgetTask(again);
      assert.equal(again.value, null);
      await s.ms.MidiForgetTask({ value: null });
      await s.settle(LEAD_MS + 1);
      assert.deepEqual(runs, []);
      const owned = await newEvent(s.ms, typeKeyOn);
      await assertThrows(
        () => s.ms.MidiForgetTask({ value: owned }),
        TypeError,
      );
      await assertThrows(() => s.ms.MidiForgetTask(5 as never), TypeError);
      await s.ms.MidiFreeEv(owned);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiForgetTask() in a task cancels another task due in the same tick, and a task may forget itself",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const ran: string[] = [];
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      const second: { value: MidiEv | null } = { value: null };
      const self: { value: MidiEv | null } = { value: null };
      await s.ms.MidiTask(
        () => {
          ran.push("first");
          s.ms.MidiForgetTask(second);
        },
        date,
        a!,
      );
      second.value = await s.ms.MidiTask(() => ran.push("second"), date, a!);
      self.value = await s.ms.MidiTask(
        () => {
          ran.push("self");
          s.ms.MidiForgetTask(self);
        },
        date + 1,
        a!,
      );
      await s.settle(LEAD_MS + 2);
      assert.deepEqual(ran, ["first", "self"]);
      assert.deepEqual([second.value, self.value], [null, null]);
      await closeAll(s, a!);
    },
  },
  {
    name: "MidiCall() schedules fn like MidiTask() and returns nothing",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const { runs, task } = recorder();
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      assert.equal(await s.ms.MidiCall(task, date, a!, 1, 2, 3), undefined);
      await s.settle(LEAD_MS + 1);
      assert.deepEqual(runs, [[date, a, 1, 2, 3]]);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiDTask() puts the task in the DTask list at its date, where MidiCountDTasks() counts it and only MidiExec1DTask() runs it, one per call",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const { runs, task } = recorder();
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      const e = await s.ms.MidiDTask(task, date + 2, a!, "A");
      assert.deepEqual([e?.evType, e?.date], [typeDProcess, date + 2]);
      await s.ms.MidiDTask(task, date, a!, "B");
      await s.ms.MidiDTask(task, date, a!, "C");
      assert.equal(await s.ms.MidiCountDTasks(a!), 0);
      await s.settle(LEAD_MS + 3);
      assert.equal(await s.ms.MidiCountDTasks(a!), 3);
      assert.deepEqual(runs, []);
      await s.ms.MidiExec1DTask(a!);
      assert.equal(await s.ms.MidiCountDTasks(a!), 2);
      await s.ms.MidiExec1DTask(a!);
      await s.ms.MidiExec1DTask(a!);
      await s.ms.MidiExec1DTask(a!);
      assert.deepEqual(runs.map((r) => [r[0], r[1], r[2]]), [
        [date, a, "B"],
        [date, a, "C"],
        [date + 2, a, "A"],
      ]);
      for (const ref of [0, 99]) {
        assert.equal(await s.ms.MidiCountDTasks(ref), 0);
        await s.ms.MidiExec1DTask(ref);
        await s.ms.MidiFlushDTasks(ref);
      }
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiFlushDTasks() discards the ready DTasks and leaves the future ones scheduled",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const { runs, task } = recorder();
      const free = await s.ms.MidiFreeSpace();
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      await s.ms.MidiDTask(task, date, a!, "now");
      await s.ms.MidiDTask(task, date, a!, "now");
      // Far enough for the first settle never to reach it.
      const later = date + 5 * LEAD_MS;
      await s.ms.MidiDTask(task, later, a!, "later");
      await s.settle(LEAD_MS + 1);
      assert.equal(await s.ms.MidiCountDTasks(a!), 2);
      await s.ms.MidiFlushDTasks(a!);
      assert.equal(await s.ms.MidiCountDTasks(a!), 0);
      assert.equal(await s.ms.MidiFreeSpace(), free - 2);
      await settlePast(s, later);
      assert.equal(await s.ms.MidiCountDTasks(a!), 1);
      await s.ms.MidiExec1DTask(a!);
      assert.deepEqual(runs.map((r) => r[2]), ["later"]);
      assert.equal(await s.ms.MidiFreeSpace(), free);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiForgetTask() of a ready DTask takes it out of the list MidiCountDTasks() counts",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const { runs, task } = recorder();
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      const box = { value: await s.ms.MidiDTask(task, date, a!) };
      await s.ms.MidiDTask(task, date, a!, "kept");
      await s.settle(LEAD_MS + 1);
      assert.equal(await s.ms.MidiCountDTasks(a!), 2);
      await s.ms.MidiForgetTask(box);
      assert.equal(box.value, null);
      assert.equal(await s.ms.MidiCountDTasks(a!), 1);
      await s.ms.MidiExec1DTask(a!);
      await s.ms.MidiExec1DTask(a!);
      assert.deepEqual(runs.map((r) => r[2]), ["kept"]);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiSendAt() of a typeProcess or typeDProcess event built with MidiNewEv() schedules it as a task",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const { runs, task } = recorder();
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      for (
        const [type, tag] of [[typeProcess, "task"], [
          typeDProcess,
          "dtask",
        ]] as const
      ) {
        const e = await newEvent(s.ms, type);
        await s.ms.MidiSetField(e, 0, task as never);
        await s.ms.MidiSetField(e, 1, tag as never);
        await s.ms.MidiSendAt(a!, e, date);
        // The handle is now a task handle.
        assert.deepEqual([e.evType, e.date], [type, date]);
      }
      await s.settle(LEAD_MS + 1);
      assert.deepEqual(runs, [[date, a, "task", 0, 0]]);
      assert.equal(await s.ms.MidiCountDTasks(a!), 1);
      await s.ms.MidiExec1DTask(a!);
      assert.deepEqual(runs.map((r) => r[2]), ["task", "dtask"]);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiClose() discards the pending tasks and DTasks of the application",
    async fn(s) {
      const [a, b] = await openAll(s, "a", "b");
      const { runs, task } = recorder();
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      await s.ms.MidiDTask(task, date - LEAD_MS, a!, "ready");
      await s.settle(1);
      assert.equal(await s.ms.MidiCountDTasks(a!), 1);
      await s.ms.MidiTask(task, date, a!, "task");
      await s.ms.MidiDTask(task, date, a!, "dtask");
      await s.ms.MidiClose(a!);
      assert.equal(await s.ms.MidiCountDTasks(a!), 0);
      await s.settle(LEAD_MS + 1);
      assert.deepEqual(runs, []);
      await closeAll(s, b!);
    },
  },
  {
    name:
      "MidiCopyEv() of a task gives an ordinary event of its type that is not scheduled, and a task's 2 cells come back when it runs",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const { runs, task } = recorder();
      const free = await s.ms.MidiFreeSpace();
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      const e = await s.ms.MidiTask(task, date, a!, "original");
      assert.ok(e !== null);
      const copy = await s.ms.MidiCopyEv(e);
      assert.ok(copy !== null);
      assert.deepEqual([copy.evType, copy.date], [typeProcess, date]);
      assert.equal(await s.ms.MidiGetField(copy, 1), "original" as never);
      await s.ms.MidiSetField(copy, 1, "copy" as never);
      assert.equal(await s.ms.MidiFreeSpace(), free - 4);
      await s.settle(LEAD_MS + 1);
      assert.deepEqual(runs.map((r) => r[2]), ["original"]);
      await s.ms.MidiFreeEv(copy);
      assert.equal(await s.ms.MidiFreeSpace(), free);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiForgetTask() of a DTask before its date keeps it out of the DTask list",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const { runs, task } = recorder();
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      const box = { value: await s.ms.MidiDTask(task, date, a!) };
      await s.ms.MidiForgetTask(box);
      assert.equal(box.value, null);
      await s.settle(LEAD_MS + 1);
      assert.equal(await s.ms.MidiCountDTasks(a!), 0);
      await s.ms.MidiExec1DTask(a!);
      assert.deepEqual(runs, []);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiSendAt() of a typeProcess event whose field 0 is not a function runs nothing and finishes the task",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const free = await s.ms.MidiFreeSpace();
      const e = await newEvent(s.ms, typeProcess, [5]);
      await s.ms.MidiSendAt(a!, e, await s.ms.MidiGetTime() + 5);
      await s.settle(6);
      assert.equal(await s.ms.MidiFreeSpace(), free);
      const box = { value: e as MidiEv | null };
      await s.ms.MidiForgetTask(box);
      assert.equal(box.value, null);
      await closeAll(s, a!);
    },
  },
];
