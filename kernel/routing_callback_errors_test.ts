// Routing through the in-process kernel: exceptions thrown by callbacks are
// reported and swallowed (spec §1.5).

import assert from "node:assert/strict";
import { createLocalKernel, MIDIChgName, typeKeyOn } from "./mod.ts";
import { makeEv } from "./_test_util.ts";

// ---- §1.5 exceptions in callbacks

Deno.test("createLocalKernel() reports and swallows exceptions thrown by callbacks (spec §1.5)", async (t) => {
  await t.step("application alarms keep coming after one threw", () => {
    const errors: unknown[] = [];
    const ms = createLocalKernel({ reportError: (e) => errors.push(e) });
    const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
    const codes: number[] = [];
    let throws = 0;
    ms.MidiSetApplAlarm(a, (_r, code) => {
      codes.push(code);
      throw new Error(`alarm ${++throws}`);
    });
    ms.MidiSetApplAlarm(b, (_r, code) => codes.push(-code));
    ms.MidiSetName(a, "x");
    ms.MidiSetName(b, "y");
    assert.deepEqual(codes, [
      (a << 16) | MIDIChgName,
      -((a << 16) | MIDIChgName),
      (b << 16) | MIDIChgName,
      -((b << 16) | MIDIChgName),
    ]);
    assert.deepEqual(errors.map((e) => (e as Error).message), [
      "alarm 1",
      "alarm 2",
    ]);
  });

  await t.step("receive alarms, tasks and later deliveries go on", () => {
    const errors: unknown[] = [];
    const ms = createLocalKernel({ reportError: (e) => errors.push(e) });
    const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
    ms.MidiConnect(a, b, true);
    let calls = 0;
    ms.MidiSetRcvAlarm(b, () => {
      calls++;
      throw new RangeError("rcv");
    });
    const ran: number[] = [];
    ms.MidiTask(
      () => {
        throw new TypeError("task");
      },
      2,
      a,
    );
    ms.MidiTask((d) => ran.push(d), 2, a);
    ms.MidiSendAt(a, makeEv(ms, typeKeyOn), 2);
    ms.MidiSendAt(a, makeEv(ms, typeKeyOn), 4);
    ms.advance(5);
    assert.equal(calls, 2);
    assert.deepEqual(ran, [2]);
    assert.equal(ms.MidiCountEvs(b), 2);
    assert.deepEqual(errors.map((e) => (e as Error).message).sort(), [
      "rcv",
      "rcv",
      "task",
    ]);
  });

  await t.step(
    "another client's reportError gets its own callbacks' errors",
    () => {
      const mine: unknown[] = [], theirs: unknown[] = [];
      const ms = createLocalKernel({ reportError: (e) => mine.push(e) });
      const other = ms.connectClient({ reportError: (e) => theirs.push(e) });
      ms.MidiOpen("a");
      const c = other.MidiOpen("c");
      other.MidiSetApplAlarm(c, () => {
        throw new Error("theirs");
      });
      ms.MidiOpen("b");
      assert.equal(mine.length, 0);
      assert.equal(theirs.length, 1);
    },
  );

  await t.step("without reportError the exception is swallowed", () => {
    const ms = createLocalKernel();
    const a = ms.MidiOpen("a");
    ms.MidiTask(
      () => {
        throw new Error("quiet");
      },
      1,
      a,
    );
    let after = false;
    ms.MidiTask(() => after = true, 2, a);
    ms.advance(3);
    assert.equal(after, true);
  });
});
