// Routing through the in-process kernel: the application alarms of spec §6.4.

import assert from "node:assert/strict";
import {
  createLocalKernel,
  MIDIChgConnect,
  MIDIChgName,
  MIDICloseAppl,
  MIDIOpenAppl,
  MidiShareDriverRef,
} from "./mod.ts";

import { listen, open } from "./_routing_test_util.ts";

// ---- §6.4 application alarms

Deno.test("MidiSetApplAlarm() hears the changes of spec §6.4", async (t) => {
  await t.step(
    "MIDIOpenAppl to every alarm, ascending refnums, drivers too",
    () => {
      const ms = createLocalKernel();
      const other = ms.connectClient();
      const a = ms.MidiOpen("a"), b = ms.MidiOpen("b"), c = ms.MidiOpen("c");
      const d = ms.MidiRegisterDriver({ name: "d", version: 1 }, {});
      const log: [number, number, number][] = [];
      for (const r of [d, c, a, b]) listen(ms, r, log); // installed out of order
      const otherLog: [number, number, number][] = [];
      const e = other.MidiOpen("e");
      listen(other, e, otherLog);
      assert.deepEqual(log, [a, b, c, d].map((r) => [r, e, MIDIOpenAppl]));
      const f = other.MidiOpen("f");
      assert.deepEqual(
        otherLog,
        [[e, f, MIDIOpenAppl]],
        "the new one is not told",
      );
      assert.deepEqual(
        log.slice(4),
        [a, b, c, d].map((r) => [r, f, MIDIOpenAppl]),
      );
    },
  );

  await t.step("MIDICloseAppl to the others, not to the closed one", () => {
    const { ms, refs: [a, b, c] } = open(3);
    const log: [number, number, number][] = [];
    for (const r of [a!, b!, c!]) listen(ms, r, log);
    ms.MidiClose(b!);
    assert.deepEqual(log, [[a, b, MIDICloseAppl], [c, b, MIDICloseAppl]]);
  });

  await t.step("the last close is silent, even for a driver's alarm", () => {
    const ms = createLocalKernel();
    const other = ms.connectClient();
    const a = ms.MidiOpen("a");
    const d = other.MidiRegisterDriver({ name: "d", version: 1 }, {});
    const log: [number, number, number][] = [];
    listen(other, d, log);
    const b = ms.MidiOpen("b");
    ms.MidiClose(a);
    assert.deepEqual(log, [[d, b, MIDIOpenAppl], [d, a, MIDICloseAppl]]);
    ms.MidiClose(b);
    assert.equal(ms.MidiCountAppls(), 0);
    assert.deepEqual(log.length, 2);
  });

  await t.step(
    "MIDIChgName for open refnums > 0 only, the renamer told too",
    () => {
      const { ms, refs: [a, b] } = open(2);
      const d = ms.MidiRegisterDriver({ name: "d", version: 1 }, {});
      const log: [number, number, number][] = [];
      listen(ms, a!, log);
      ms.MidiSetName(a!, "renamed");
      ms.MidiSetName(b!, "other");
      ms.MidiSetName(d, "driver");
      ms.MidiSetName(0, "no");
      ms.MidiSetName(MidiShareDriverRef, "no");
      ms.MidiSetName(60, "no");
      ms.MidiSetName(-1, "no");
      assert.deepEqual(log, [
        [a, a, MIDIChgName],
        [a, b, MIDIChgName],
        [a, d, MIDIChgName],
      ]);
      assert.equal(ms.MidiGetName(0), "MidiShare");
      assert.equal(ms.MidiGetName(d), "driver");
      ms.MidiClose(b!);
      log.length = 0;
      ms.MidiSetName(b!, "closed");
      assert.deepEqual(log, []);
    },
  );

  await t.step("an alarm installed on a driver refnum works", () => {
    const ms = createLocalKernel();
    const a = ms.MidiOpen("a");
    const d = ms.MidiRegisterDriver({ name: "d", version: 1 }, {});
    const log: [number, number, number][] = [];
    listen(ms, d, log);
    assert.equal(typeof ms.MidiGetApplAlarm(d), "function");
    const b = ms.MidiOpen("b");
    ms.MidiConnect(a, b, true);
    ms.MidiSetName(a, "x");
    assert.deepEqual(log, [
      [d, b, MIDIOpenAppl],
      [d, a, MIDIChgConnect],
      [d, a, MIDIChgName],
    ]);
  });

  await t.step(
    "null removes the alarm; non-function throws; bad refnum ignored",
    () => {
      const { ms, refs: [a] } = open(1);
      const log: [number, number, number][] = [];
      listen(ms, a!, log);
      ms.MidiSetApplAlarm(a!, null);
      assert.equal(ms.MidiGetApplAlarm(a!), null);
      ms.MidiOpen("b");
      assert.deepEqual(log, []);
      assert.throws(
        () => ms.MidiSetApplAlarm(a!, {} as unknown as () => void),
        TypeError,
      );
      ms.MidiSetApplAlarm(60, () => {});
      assert.equal(ms.MidiGetApplAlarm(60), null);
    },
  );
});
