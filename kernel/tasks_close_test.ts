// Tasks through the in-process kernel: pending tasks discarded by MidiClose()
// (spec §4.1, §7.2).

import assert from "node:assert/strict";
import { createLocalKernel } from "./mod.ts";

import { type Box, one } from "./_tasks_test_util.ts";

Deno.test("MidiClose() before the date discards the application's tasks (spec §7.2)", () => {
  const { ms, a } = one({ poolCellCount: 50 });
  const b = ms.MidiOpen("b");
  const ran: string[] = [];
  const box: Box = { value: ms.MidiTask(() => ran.push("a task"), 10, a) };
  ms.MidiDTask(() => ran.push("a dtask"), 10, a);
  ms.MidiDTask(() => ran.push("a ready"), 1, a);
  ms.MidiTask(() => ran.push("b task"), 10, b);
  assert.equal(ms.MidiFreeSpace(), 42);
  ms.advance(5);
  assert.equal(ms.MidiCountDTasks(a), 1);
  ms.MidiClose(a);
  assert.equal(ms.MidiFreeSpace(), 48);
  assert.equal(ms.server.pendingCount, 1);
  // The refnum is reused by a new application: the old tasks stay discarded.
  const again = ms.MidiOpen("again");
  assert.equal(again, a);
  ms.advance(10);
  assert.deepEqual(ran, ["b task"]);
  assert.equal(ms.MidiCountDTasks(again), 0);
  ms.MidiForgetTask(box);
  assert.equal(box.value, null);
  assert.equal(ms.MidiFreeSpace(), 50);
});

Deno.test("MidiClose() of the last application discards every pending task of every client (spec §4.1)", () => {
  const ms = createLocalKernel({ poolCellCount: 40 });
  const other = ms.connectClient({ poolCellCount: 40 });
  const a = ms.MidiOpen("a");
  const d = other.MidiRegisterDriver({ name: "d", version: 1 }, {});
  const ran: string[] = [];
  const task: Box = {
    value: other.MidiTask(() => ran.push("driver task"), 50, d),
  };
  other.MidiDTask(() => ran.push("driver dtask"), 50, d);
  other.MidiDTask(() => ran.push("driver ready"), 1, d);
  ms.MidiTask(() => ran.push("app task"), 50, a);
  ms.advance(2);
  assert.equal(other.MidiCountDTasks(d), 1);
  assert.equal(other.MidiFreeSpace(), 34);
  ms.MidiClose(a);
  assert.equal(ms.MidiCountAppls(), 0);
  assert.equal(ms.server.pendingCount, 0);
  assert.equal(other.MidiCountDTasks(d), 0);
  assert.equal(
    other.MidiFreeSpace(),
    40,
    "the driver client's tasks were freed",
  );
  other.MidiForgetTask(task);
  assert.equal(task.value, null);
  ms.MidiOpen("again");
  ms.advance(100);
  assert.equal(ran.length, 0);
  assert.equal(other.MidiCountDTasks(d), 0);
  // New tasks work after the wake-up.
  other.MidiTask(() => ran.push("fresh"), 3, d);
  ms.advance(3);
  assert.deepEqual(ran, ["fresh"]);
});
