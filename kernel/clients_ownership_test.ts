// Several in-process clients of one kernel: calls limited to this client's
// refnums, calls open to any client's, and counts that agree (spec §4).

import assert from "node:assert/strict";
import { MIDIChgName, MidiInputOutputSlot, typeKeyOn } from "./mod.ts";
import { drain, makeEv } from "./_test_util.ts";

import { twoClients, watch } from "./_clients_test_util.ts";

Deno.test("MidiClose() and the other per-refnum calls only act on this client's refnums", async (t) => {
  await t.step(
    "close, info, filter and alarms behave as for a bad refnum",
    () => {
      const { ms, other } = twoClients();
      other.MidiOpen("o");
      const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
      ms.MidiConnect(a, b, true);
      ms.MidiSetInfo(b, "mine");
      other.MidiClose(b);
      other.MidiSetInfo(b, "theirs");
      other.MidiSetFilter(b, other.MidiNewFilter());
      let alarms = 0;
      other.MidiSetRcvAlarm(b, () => alarms++);
      other.MidiSetApplAlarm(b, () => alarms++);
      assert.equal(ms.MidiCountAppls(), 4);
      assert.equal(other.MidiGetInfo(b), null);
      assert.equal(ms.MidiGetInfo(b), "mine");
      assert.equal(other.MidiGetFilter(b), null);
      assert.equal(ms.MidiGetFilter(b), null);
      assert.equal(other.MidiGetRcvAlarm(b), null);
      assert.equal(other.MidiGetApplAlarm(b), null);
      ms.MidiSendIm(a, makeEv(ms, typeKeyOn));
      ms.MidiSetName(b, "renamed");
      ms.advance(1);
      assert.equal(ms.MidiCountEvs(b), 1, "no filter was installed");
      assert.equal(alarms, 0);
    },
  );
  await t.step("FIFO calls behave as for a bad refnum", () => {
    const { ms, other } = twoClients();
    other.MidiOpen("o");
    const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
    ms.MidiConnect(a, b, true);
    ms.MidiSendIm(a, makeEv(ms, typeKeyOn, [42]));
    ms.advance(1);
    assert.equal(other.MidiCountEvs(b), 0);
    assert.equal(other.MidiAvailEv(b), null);
    assert.equal(other.MidiGetEv(b), null);
    other.MidiFlushEvs(b);
    assert.deepEqual(drain(ms, b).map((e) => e.fields[0]), [42]);
  });
  await t.step("DTask and task calls behave as for a bad refnum", () => {
    const { ms, other } = twoClients();
    other.MidiOpen("o");
    const a = ms.MidiOpen("a");
    let ran = 0;
    ms.MidiDTask(() => ran++, 0, a);
    ms.advance(1);
    assert.equal(ms.MidiCountDTasks(a), 1);
    assert.equal(other.MidiCountDTasks(a), 0);
    other.MidiExec1DTask(a);
    other.MidiFlushDTasks(a);
    assert.equal(ran, 0);
    assert.equal(ms.MidiCountDTasks(a), 1);
    assert.equal(other.MidiTask(() => ran++, 2, a), null);
    assert.equal(other.MidiDTask(() => ran++, 2, a), null);
    ms.advance(3);
    assert.equal(ran, 0);
    ms.MidiExec1DTask(a);
    assert.equal(ran, 1);
  });
  await t.step(
    "another client's driver cannot be unregistered or closed",
    () => {
      const { ms, other } = twoClients();
      ms.MidiOpen("a");
      const d = ms.MidiRegisterDriver({ name: "d", version: 1 }, {});
      other.MidiUnregisterDriver(d);
      other.MidiClose(d);
      assert.equal(ms.MidiCountDrivers(), 2);
      assert.equal(ms.MidiGetName(d), "d");
    },
  );
});

Deno.test("MidiSetName(), MidiConnect() and slot calls work on any client's refnums", async (t) => {
  await t.step("rename and connect another client's applications", () => {
    const { ms, other } = twoClients();
    const o = other.MidiOpen("o");
    const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
    const log = watch(ms, b);
    other.MidiSetName(a, "renamed by other");
    assert.equal(ms.MidiGetName(a), "renamed by other");
    assert.deepEqual(log, [[a, MIDIChgName]]);
    other.MidiConnect(a, b, true);
    assert.equal(ms.MidiIsConnected(a, b), true);
    ms.MidiSendIm(a, makeEv(ms, typeKeyOn));
    ms.advance(1);
    assert.equal(ms.MidiCountEvs(b), 1);
    assert.equal(other.MidiCountEvs(o), 0);
  });
  await t.step(
    "add, map, rename and remove slots of another client's driver",
    () => {
      const { ms, other } = twoClients();
      other.MidiOpen("o");
      const d = ms.MidiRegisterDriver({ name: "d", version: 1 }, {});
      const s = other.MidiAddSlot(d, "slot", MidiInputOutputSlot);
      assert.deepEqual(s, { drvRef: d, slotRef: 0 });
      other.MidiConnectSlot(5, s, true);
      assert.equal(ms.MidiIsSlotConnected(5, s), true);
      other.MidiSetSlotName(s, "named");
      assert.equal(ms.MidiGetSlotInfos(s)?.name, "named");
      other.MidiRemoveSlot(s);
      assert.equal(ms.MidiGetSlotInfos(s), null);
    },
  );
  await t.step("send with a refnum this client did not open", () => {
    const { ms, other } = twoClients();
    const o = other.MidiOpen("o");
    const a = ms.MidiOpen("a"), c = ms.MidiOpen("c");
    ms.MidiConnect(a, c, true);
    const free = other.MidiFreeSpace();
    other.MidiSendIm(a, makeEv(other, typeKeyOn, [7]));
    assert.equal(other.MidiFreeSpace(), free);
    ms.advance(1);
    const got = drain(ms, c);
    assert.deepEqual(got.map((e) => [e.ref, e.fields[0]]), [[a, 7]]);
    assert.equal(other.MidiCountEvs(o), 0);
  });
});

Deno.test("MidiCountAppls() and MidiCountDrivers() agree across clients", async (t) => {
  await t.step("through opens, registrations and closes of all clients", () => {
    const { ms, other } = twoClients();
    const idle = ms.connectClient();
    const counts = () =>
      [ms, other, idle].map((c) => [c.MidiCountAppls(), c.MidiCountDrivers()]);
    const same = (appls: number, drivers: number) =>
      assert.deepEqual(counts(), [0, 1, 2].map(() => [appls, drivers]));
    same(0, 0);
    const d = other.MidiRegisterDriver({ name: "d", version: 1 }, {});
    same(0, 1);
    const a = ms.MidiOpen("a");
    same(2, 2);
    const o = other.MidiOpen("o");
    same(3, 2);
    ms.MidiRegisterDriver({ name: "e", version: 1 }, {});
    same(3, 3);
    other.MidiUnregisterDriver(d);
    same(3, 2);
    ms.MidiClose(a);
    same(2, 2);
    other.MidiClose(o);
    same(0, 1);
  });
});
