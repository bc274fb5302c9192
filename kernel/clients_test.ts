// Several in-process clients of one kernel: pools, ownership, killed clients
// (spec §4, §4.2, §6.2, §7.8, §9).

import assert from "node:assert/strict";
import {
  createLocalKernel,
  type LocalMidiShare,
  MIDIChgName,
  MIDICloseAppl,
  MIDICloseDriver,
  MidiInputOutputSlot,
  typeKeyOn,
  typeSysEx,
} from "./mod.ts";
import { drain, makeEv, rethrow } from "./_test_util.ts";

function twoClients(): { ms: LocalMidiShare; other: LocalMidiShare } {
  const ms = createLocalKernel({ reportError: rethrow });
  return { ms, other: ms.connectClient({ reportError: rethrow }) };
}

/** Records the alarms of `ref` as [R, change]. */
function watch(ms: LocalMidiShare, ref: number): [number, number][] {
  const log: [number, number][] = [];
  ms.MidiSetApplAlarm(ref, (r, code) => {
    if (r !== ref) log.push([-1000 - r, -1]);
    log.push([code >> 16, code & 0xffff]);
  });
  return log;
}

function sorted(log: [number, number][]): [number, number][] {
  return [...log].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
}

Deno.test("MidiFreeSpace() shows that every client has its own pool", async (t) => {
  await t.step(
    "sending gives cells back at once, receiving takes the receiver's",
    () => {
      const { ms, other } = twoClients();
      const a = ms.MidiOpen("a");
      const b = other.MidiOpen("b");
      ms.MidiConnect(a, b, true);
      const freeA = ms.MidiFreeSpace(), freeB = other.MidiFreeSpace();
      const e = makeEv(ms, typeKeyOn, [60, 100]);
      assert.equal(ms.MidiFreeSpace(), freeA - 1);
      ms.MidiSendIm(a, e);
      assert.equal(ms.MidiFreeSpace(), freeA, "given back at the send");
      assert.equal(other.MidiFreeSpace(), freeB, "not delivered yet");
      ms.advance(1);
      assert.equal(ms.MidiFreeSpace(), freeA);
      assert.equal(other.MidiFreeSpace(), freeB - 1);
      const sysex = makeEv(ms, typeSysEx);
      for (let i = 0; i < 30; i++) ms.MidiAddField(sysex, i);
      assert.equal(ms.MidiFreeSpace(), freeA - 4); // 2 + floor(30 / 12)
      ms.MidiSendIm(a, sysex);
      assert.equal(ms.MidiFreeSpace(), freeA);
      ms.advance(1);
      assert.equal(other.MidiFreeSpace(), freeB - 1 - 4);
      const got = drain(other, b);
      assert.equal(got.length, 2);
      assert.equal(got[1]?.fields.length, 30);
      assert.equal(other.MidiFreeSpace(), freeB);
      assert.equal(ms.MidiFreeSpace(), freeA);
    },
  );
  await t.step("pool sizes are per client", () => {
    const ms = createLocalKernel({ poolCellCount: 500 });
    const other = ms.connectClient({ poolCellCount: 100 });
    assert.equal(ms.MidiTotalSpace(), 500);
    assert.equal(other.MidiTotalSpace(), 100);
    ms.MidiOpen("a");
    other.MidiOpen("b");
    assert.equal(ms.MidiTotalSpace(), 500);
    assert.equal(other.MidiTotalSpace(), 100);
  });
  await t.step("an exhausted pool loses copies for its client only", () => {
    const ms = createLocalKernel({ reportError: rethrow });
    const small = ms.connectClient({ poolCellCount: 10, reportError: rethrow });
    const a = ms.MidiOpen("a"), mine = ms.MidiOpen("mine");
    const b = small.MidiOpen("b");
    ms.MidiConnect(a, b, true);
    ms.MidiConnect(a, mine, true);
    const hoard = [];
    for (
      let e = small.MidiNewEv(typeKeyOn);
      e;
      e = small.MidiNewEv(typeKeyOn)
    ) {
      hoard.push(e);
    }
    assert.equal(hoard.length, 10);
    assert.equal(small.MidiFreeSpace(), 0);
    ms.MidiSendIm(a, makeEv(ms, typeKeyOn, [1]));
    ms.advance(1);
    assert.equal(small.MidiCountEvs(b), 0);
    assert.equal(ms.MidiCountEvs(mine), 1);
    small.MidiFreeEv(hoard.pop()!);
    ms.MidiSendIm(a, makeEv(ms, typeKeyOn, [2]));
    ms.advance(1);
    assert.deepEqual(drain(small, b).map((e) => e.fields[0]), [2]);
  });
});

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

Deno.test("disconnect() closes a killed client's applications and drivers (§9)", async (t) => {
  await t.step(
    "same alarms as the calls, connections and pending items gone",
    () => {
      const { ms, other: killed } = twoClients();
      const o = ms.MidiOpen("o");
      const log = watch(ms, o);
      const k1 = killed.MidiOpen("k1"), k2 = killed.MidiOpen("k2");
      const kd = killed.MidiRegisterDriver({ name: "kd", version: 1 }, {});
      killed.MidiConnect(kd, 127, true);
      killed.MidiConnect(127, kd, true);
      ms.MidiConnect(o, k1, true);
      ms.MidiConnect(k1, o, true);
      ms.MidiConnect(k2, k2, true);
      ms.advance(2);
      const pending = ms.server.pendingCount, used = ms.server.pool.used;
      let ran = false;
      killed.MidiSendAt(k1, makeEv(killed, typeKeyOn, [1]), 10);
      killed.MidiSendAt(kd, makeEv(killed, typeKeyOn, [2]), 10);
      killed.MidiTask(() => ran = true, 10, k2);
      killed.MidiDTask(() => ran = true, 10, kd);
      assert.equal(ms.server.pendingCount, pending + 4);
      assert.ok(ms.server.pool.used > used);
      log.length = 0;

      killed.disconnect();
      assert.deepEqual(sorted(log), [
        [k1, MIDICloseAppl],
        [k2, MIDICloseAppl],
        [kd, MIDICloseDriver],
      ]);
      assert.equal(ms.server.pendingCount, pending);
      assert.equal(ms.server.pool.used, used);
      assert.equal(ms.MidiCountAppls(), 2);
      assert.equal(ms.MidiCountDrivers(), 1);
      for (const r of [k1, k2, kd]) assert.equal(ms.MidiGetName(r), null);
      assert.equal(ms.MidiIsConnected(o, k1), false);
      ms.advance(20);
      assert.equal(ms.MidiCountEvs(o), 0);
      assert.equal(ran, false);
      const reused = ms.MidiOpen("reused");
      assert.equal(reused, k1);
      assert.equal(ms.MidiIsConnected(o, reused), false);
      assert.equal(ms.MidiIsConnected(reused, o), false);
    },
  );
  await t.step("a killed client's callbacks never run again", () => {
    const { ms, other: killed } = twoClients();
    ms.MidiOpen("o");
    const k1 = killed.MidiOpen("k1"), k2 = killed.MidiOpen("k2");
    const kd = killed.MidiRegisterDriver({ name: "kd", version: 1 }, {});
    const calls: string[] = [];
    const alarm = (r: number, code: number) =>
      calls.push(`alarm of ${r}: R=${code >> 16} change=${code & 0xffff}`);
    killed.MidiSetApplAlarm(k2, alarm);
    killed.MidiSetApplAlarm(kd, alarm);
    killed.MidiSetRcvAlarm(k2, (r) => calls.push(`rcv ${r}`));
    void k1;
    killed.disconnect();
    ms.advance(2);
    assert.deepEqual(calls, []);
  });
  await t.step("the last application's client: MidiShare goes dormant", () => {
    const { ms, other: killed } = twoClients();
    const slept: number[] = [];
    const d = ms.MidiRegisterDriver({ name: "d", version: 1 }, {
      sleep: (r) => slept.push(r),
    });
    killed.MidiOpen("only");
    killed.MidiSendAt(1, makeEv(killed, typeKeyOn), 50);
    ms.advance(5);
    killed.disconnect();
    assert.equal(ms.server.isAwake, false);
    assert.equal(ms.MidiCountAppls(), 0);
    assert.equal(ms.MidiCountDrivers(), 1);
    assert.equal(ms.MidiGetName(0), null);
    assert.equal(ms.MidiGetName(127), null);
    assert.deepEqual(slept, [d]);
    assert.equal(ms.server.pendingCount, 0);
    assert.notEqual(
      ms.MidiNewEv(typeKeyOn),
      null,
      "the driver's pool is active",
    );
    ms.MidiOpen("new");
    assert.equal(ms.MidiGetTime(), 0);
  });
  await t.step(
    "disconnect() twice or of an idle client changes nothing",
    () => {
      const { ms, other } = twoClients();
      const o = ms.MidiOpen("o");
      const log = watch(ms, o);
      other.disconnect();
      other.disconnect();
      const idle = ms.connectClient();
      idle.disconnect();
      assert.deepEqual(log, []);
      assert.equal(ms.MidiCountAppls(), 2);
    },
  );
});

Deno.test("MidiClose() and MidiUnregisterDriver() deactivate a pool only with the last of both", async (t) => {
  await t.step("application closed first, then driver", () => {
    const ms = createLocalKernel({ reportError: rethrow });
    ms.MidiOpen("keep"); // another client keeps MidiShare awake
    const client = ms.connectClient({ reportError: rethrow });
    const a = client.MidiOpen("a");
    const d = client.MidiRegisterDriver({ name: "d", version: 1 }, {});
    const e = makeEv(client, typeKeyOn, [60]);
    const total = client.MidiTotalSpace();
    client.MidiClose(a);
    assert.equal(client.MidiGetField(e, 0), 60, "still owned");
    assert.equal(client.MidiFreeSpace(), total - 1);
    assert.notEqual(client.MidiNewEv(typeKeyOn), null);
    client.MidiUnregisterDriver(d);
    assert.throws(() => e.date, { code: "DEAD" });
    assert.equal(client.MidiNewEv(typeKeyOn), null);
    assert.equal(client.MidiFreeSpace(), total);
  });
  await t.step("driver unregistered first, then application", () => {
    const ms = createLocalKernel({ reportError: rethrow });
    ms.MidiOpen("keep");
    const client = ms.connectClient({ reportError: rethrow });
    const a = client.MidiOpen("a");
    const d = client.MidiRegisterDriver({ name: "d", version: 1 }, {});
    const e = makeEv(client, typeKeyOn, [61]);
    client.MidiUnregisterDriver(d);
    assert.equal(client.MidiGetField(e, 0), 61, "still owned");
    client.MidiClose(a);
    assert.throws(() => e.date, { code: "DEAD" });
    assert.equal(client.MidiNewEv(typeKeyOn), null);
  });
  await t.step("a driver alone activates the pool, even while dormant", () => {
    const ms = createLocalKernel({ reportError: rethrow });
    assert.equal(ms.MidiNewEv(typeKeyOn), null);
    const d = ms.MidiRegisterDriver({ name: "d", version: 1 }, {});
    const e = ms.MidiNewEv(typeKeyOn);
    assert.notEqual(e, null);
    ms.MidiUnregisterDriver(d);
    assert.throws(() => e!.date, { code: "DEAD" });
  });
  await t.step("other clients' pools are untouched", () => {
    const { ms, other } = twoClients();
    ms.MidiOpen("keep");
    const e = makeEv(ms, typeKeyOn, [62]);
    const o = other.MidiOpen("o");
    other.MidiClose(o);
    assert.equal(ms.MidiGetField(e, 0), 62);
  });
});

Deno.test("MidiFreeEv() refuses an event of another in-process client", () => {
  const ms = createLocalKernel();
  const other = ms.connectClient();
  ms.MidiOpen("a");
  other.MidiOpen("b");
  const mine = other.MidiNewEv(typeKeyOn)!;
  const theirs = ms.MidiNewEv(typeKeyOn)!;
  const free = other.MidiFreeSpace();
  assert.throws(() => other.MidiFreeEv(theirs), TypeError);
  assert.throws(() => other.MidiSendIm(1, theirs), TypeError);
  assert.throws(() => other.MidiForgetTask({ value: theirs }), TypeError);
  assert.equal(other.MidiFreeSpace(), free);
  assert.equal(mine.evType, typeKeyOn);
  assert.equal(theirs.evType, typeKeyOn);
});
