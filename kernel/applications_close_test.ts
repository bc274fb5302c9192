// Applications: MidiClose(), and MidiShare woken and put to sleep by the first
// MidiOpen() and the last MidiClose() (spec §4.1, §7.2).

import assert from "node:assert/strict";
import { MIDICloseAppl, MIDIOpenAppl, typeKeyOn } from "./mod.ts";
import { drain, makeEv, newKernel, rethrow } from "./_test_util.ts";

import { driverInfos, watch } from "./_applications_test_util.ts";

Deno.test("MidiClose() closes an application of this client", async (t) => {
  await t.step("a bad refnum, 0, 127 or a driver refnum has no effect", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    const d = ms.MidiRegisterDriver(driverInfos("d"), {});
    const log = watch(ms, a);
    for (const ref of [-1, 0, 50, 127, 128, 300, d]) ms.MidiClose(ref);
    assert.equal(ms.MidiCountAppls(), 2);
    assert.equal(ms.MidiCountDrivers(), 2);
    assert.equal(ms.MidiGetName(0), "MidiShare");
    assert.equal(ms.MidiGetName(127), "MidiShare");
    assert.equal(ms.MidiGetName(d), "d");
    assert.deepEqual(log, []);
  });
  await t.step("a refnum of another client has no effect", () => {
    const ms = newKernel();
    const other = ms.connectClient({ reportError: rethrow });
    const a = ms.MidiOpen("a");
    const b = ms.MidiOpen("b");
    ms.MidiConnect(a, b, true);
    other.MidiClose(a);
    assert.equal(ms.MidiCountAppls(), 3);
    assert.equal(ms.MidiGetName(a), "a");
    ms.MidiSendIm(a, makeEv(ms, typeKeyOn));
    ms.advance(1);
    assert.equal(ms.MidiCountEvs(b), 1);
  });
  await t.step(
    "removes connections silently, frees FIFO, DTasks and pending items",
    () => {
      const ms = newKernel();
      const a = ms.MidiOpen("a"), b = ms.MidiOpen("b"), c = ms.MidiOpen("c");
      const log = watch(ms, c);
      ms.MidiConnect(a, b, true);
      ms.MidiConnect(b, a, true);
      ms.MidiConnect(a, a, true);
      ms.MidiConnect(0, a, true);
      for (const pitch of [60, 61, 62]) {
        ms.MidiSendIm(b, makeEv(ms, typeKeyOn, [pitch, 1]));
      }
      ms.advance(1);
      assert.equal(ms.MidiCountEvs(a), 3);
      const taken = ms.MidiGetEv(a)!;
      const queued = ms.MidiAvailEv(a)!;
      ms.MidiDTask(() => {}, ms.MidiGetTime(), a);
      let ran = false;
      const due = ms.MidiGetTime() + 5;
      ms.MidiTask(() => ran = true, due, a);
      ms.MidiDTask(() => ran = true, due, a);
      ms.MidiSendAt(a, makeEv(ms, typeKeyOn, [70, 1]), due);
      ms.advance(1);
      assert.equal(ms.MidiCountDTasks(a), 1);
      assert.equal(ms.server.pendingCount, 3);
      const free = ms.MidiFreeSpace();
      log.length = 0;

      ms.MidiClose(a);
      assert.equal(ms.MidiGetEv(a), null, "MidiGetEv right after the call");
      assert.equal(ms.MidiCountEvs(a), 0);
      assert.equal(ms.MidiCountDTasks(a), 0);
      assert.throws(() => queued.date, { code: "DEAD" });
      assert.equal(ms.MidiGetField(taken, 0), 60, "taken events stay owned");
      ms.MidiFreeEv(taken);
      // FIFO: 2 events of 1 cell; ready DTask 2; pending task and DTask 2 each; taken 1.
      assert.equal(ms.MidiFreeSpace(), free + 2 + 2 + 4 + 1);
      assert.equal(ms.server.pendingCount, 0);
      assert.deepEqual(log, [[a, MIDICloseAppl]], "no MIDIChgConnect");
      ms.advance(10);
      assert.equal(ran, false);
      assert.deepEqual(drain(ms, b), []);
      const again = ms.MidiOpen("again");
      assert.equal(again, a);
      assert.equal(ms.MidiIsConnected(again, b), false);
      assert.equal(ms.MidiIsConnected(b, again), false);
      assert.equal(ms.MidiIsConnected(again, again), false);
      assert.equal(ms.MidiIsConnected(0, again), false);
    },
  );
  await t.step("the closed application is not told", () => {
    const ms = newKernel();
    ms.MidiOpen("keep");
    const a = ms.MidiOpen("a");
    let called = 0;
    ms.MidiSetApplAlarm(a, () => called++);
    ms.MidiClose(a);
    assert.equal(called, 0);
  });
  await t.step(
    "MidiSendIm then MidiClose: the event is never delivered",
    () => {
      const ms = newKernel();
      const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
      ms.MidiConnect(a, b, true);
      ms.MidiSendIm(a, makeEv(ms, typeKeyOn, [60, 100]));
      ms.MidiSendAt(a, makeEv(ms, typeKeyOn, [61, 100]), 3);
      ms.MidiClose(a);
      ms.advance(5);
      assert.equal(ms.MidiCountEvs(b), 0);
    },
  );
  await t.step("MidiSendIm then MidiClose from another client's view", () => {
    const ms = newKernel();
    const other = ms.connectClient({ reportError: rethrow });
    const a = ms.MidiOpen("a"), b = other.MidiOpen("b");
    ms.MidiConnect(a, b, true);
    ms.MidiSendIm(a, makeEv(ms, typeKeyOn, [60, 100]));
    ms.MidiClose(a);
    ms.advance(3);
    assert.equal(other.MidiCountEvs(b), 0);
  });
  await t.step("the last close sends no MIDICloseAppl", () => {
    const ms = newKernel();
    const codes: number[] = [];
    const d = ms.MidiRegisterDriver(driverInfos("d"), {});
    ms.MidiSetApplAlarm(d, (_r, code) => codes.push(code));
    const a = ms.MidiOpen("a");
    codes.length = 0;
    ms.MidiClose(a);
    assert.deepEqual(codes, []);
  });
});

Deno.test("MidiOpen() and the last MidiClose() wake and sleep MidiShare as in §4.1", async (t) => {
  await t.step(
    "wake-up: driver wakeups descending, before MIDIOpenAppl",
    () => {
      const ms = newKernel();
      const order: string[] = [];
      const ops = {
        wakeup: (r: number) => order.push(`wakeup ${r}`),
        sleep: (r: number) => order.push(`sleep ${r}`),
      };
      const d1 = ms.MidiRegisterDriver(driverInfos("d1"), ops);
      const d2 = ms.MidiRegisterDriver(driverInfos("d2"), ops);
      ms.MidiSetApplAlarm(
        d1,
        (_r, code) => order.push(`alarm ${code >> 16} ${code & 0xffff}`),
      );
      assert.deepEqual(order, []);
      const a = ms.MidiOpen("a");
      assert.deepEqual(order, [
        `wakeup ${d1}`,
        `wakeup ${d2}`,
        `alarm ${a} ${MIDIOpenAppl}`,
      ]);
    },
  );
  await t.step("refnums 0 and 127 exist only while awake", () => {
    const ms = newKernel();
    assert.equal(ms.MidiGetName(0), null);
    assert.equal(ms.MidiGetName(127), null);
    assert.equal(ms.MidiCountDrivers(), 0);
    const a = ms.MidiOpen("a");
    assert.equal(ms.MidiGetName(0), "MidiShare");
    assert.equal(ms.MidiGetName(127), "MidiShare");
    assert.equal(ms.MidiCountDrivers(), 1);
    ms.MidiClose(a);
    assert.equal(ms.MidiGetName(0), null);
    assert.equal(ms.MidiGetName(127), null);
    assert.equal(ms.MidiCountDrivers(), 0);
  });
  await t.step(
    "time starts at 0, stops while dormant and restarts at 0",
    () => {
      const ms = newKernel();
      const a = ms.MidiOpen("a");
      assert.equal(ms.MidiGetTime(), 0);
      ms.advance(50);
      assert.equal(ms.MidiGetTime(), 50);
      ms.MidiClose(a);
      const dormant = ms.MidiGetTime();
      ms.advance(20);
      assert.equal(ms.MidiGetTime(), dormant, "the clock does not run");
      ms.MidiOpen("b");
      assert.equal(ms.MidiGetTime(), 0);
      ms.advance(3);
      assert.equal(ms.MidiGetTime(), 3);
    },
  );
  await t.step(
    "sleep: driver sleeps descending, nothing pending survives",
    () => {
      const ms = newKernel();
      const order: string[] = [];
      const ops = { sleep: (r: number) => order.push(`sleep ${r}`) };
      const d1 = ms.MidiRegisterDriver(driverInfos("d1"), ops);
      const d2 = ms.MidiRegisterDriver(driverInfos("d2"), ops);
      const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
      ms.MidiSetApplAlarm(
        d2,
        (_r, code) => order.push(`alarm ${code >> 16} ${code & 0xffff}`),
      );
      ms.MidiConnect(d1, d1, true);
      let ran = false;
      ms.MidiTask(() => ran = true, 100, d1);
      ms.MidiSendAt(d1, makeEv(ms, typeKeyOn), 100);
      assert.equal(ms.server.pendingCount, 2);
      order.length = 0;
      ms.MidiClose(b);
      assert.deepEqual(order, [`alarm ${b} ${MIDICloseAppl}`]);
      order.length = 0;
      ms.MidiClose(a);
      assert.deepEqual(order, [`sleep ${d1}`, `sleep ${d2}`]);
      assert.equal(ms.server.pendingCount, 0);
      assert.equal(ms.MidiCountAppls(), 0);
      assert.equal(ms.MidiCountDrivers(), 2);
      ms.MidiOpen("again");
      assert.equal(ms.MidiIsConnected(d1, d1), false);
      ms.advance(150);
      assert.equal(ran, false);
      assert.equal(ms.MidiCountEvs(d1), 0);
    },
  );
  await t.step("images 0 and 127 cannot be closed or renamed", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    const log = watch(ms, a);
    ms.MidiClose(0);
    ms.MidiClose(127);
    ms.MidiSetName(0, "zero");
    ms.MidiSetName(127, "top");
    assert.equal(ms.MidiGetName(0), "MidiShare");
    assert.equal(ms.MidiGetName(127), "MidiShare");
    assert.equal(ms.MidiCountAppls(), 2);
    assert.equal(ms.MidiCountDrivers(), 1);
    assert.deepEqual(log, []);
  });
});
