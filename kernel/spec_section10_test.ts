// The 24 behaviours of spec §10, "most often gotten wrong", one step each; the
// bodies of steps 12 to 16 (events and the MIDI codec) are in
// _spec_section10_events_test_util.ts.

import assert from "node:assert/strict";
import {
  createLocalKernel,
  MIDIChgConnect,
  MIDICloseAppl,
  MIDIerrSpace,
  MidiShareDriverRef,
  typeDProcess,
  typeKeyOn,
  typePrivate,
  typeTextual,
} from "./mod.ts";
import { drain, makeEv } from "./_test_util.ts";

import {
  badFieldIndexesHarmless,
  controllersExpandToControlChanges,
  noteSplitOnlyByEncoder,
  pair,
  reservedTypesNeverDelivered,
  sysExCellCosts,
} from "./_spec_section10_events_test_util.ts";

Deno.test("spec §10 behaviours", async (t) => {
  await t.step("1. counts and indexes after the first MidiOpen", () => {
    const ms = createLocalKernel();
    assert.equal(ms.MidiCountDrivers(), 0);
    ms.MidiOpen("first");
    assert.equal(ms.MidiCountAppls(), 2);
    assert.equal(ms.MidiGetIndAppl(1), 0);
    assert.equal(ms.MidiGetNamedAppl("MidiShare"), 0);
    assert.equal(ms.MidiCountDrivers(), 1);
  });

  await t.step(
    "2. refnums reused lowest-first and highest-first; full table gives -1",
    () => {
      const ms = createLocalKernel();
      const apps = [ms.MidiOpen("a"), ms.MidiOpen("b"), ms.MidiOpen("c")];
      assert.deepEqual(apps, [1, 2, 3]);
      ms.MidiClose(2);
      assert.equal(ms.MidiOpen("d"), 2);
      const drv = [
        ms.MidiRegisterDriver({ name: "x", version: 1 }, {}),
        ms.MidiRegisterDriver({ name: "y", version: 1 }, {}),
      ];
      assert.deepEqual(drv, [126, 125]);
      ms.MidiUnregisterDriver(126);
      assert.equal(ms.MidiRegisterDriver({ name: "z", version: 1 }, {}), 126);
      let last = 0;
      while (last >= 0) last = ms.MidiOpen("fill");
      assert.equal(last, MIDIerrSpace);
    },
  );

  await t.step(
    "3. a fresh event has refNum 255 and date 0; sending stamps refNum",
    () => {
      const { ms, a, b } = pair();
      const e = ms.MidiNewEv(typeKeyOn)!;
      assert.equal(e.refNum, 255);
      assert.equal(e.date, 0);
      ms.MidiSendIm(a, e);
      ms.advance(1);
      assert.equal(ms.MidiGetEv(b)?.refNum, a);
    },
  );

  await t.step(
    "4. MidiSendIm and past-dated MidiSend deliver at the next tick",
    () => {
      const { ms, a, b } = pair();
      ms.advance(10);
      ms.MidiSendIm(a, makeEv(ms, typeKeyOn));
      const past = makeEv(ms, typeKeyOn, [], { date: 3 });
      ms.MidiSend(a, past);
      assert.equal(ms.MidiCountEvs(b), 0);
      ms.advance(1);
      const got = drain(ms, b);
      assert.deepEqual(got.map((e) => e.date), [10, 3]);
    },
  );

  await t.step(
    "5. equal dates in send order, across clients too; late first",
    () => {
      const { ms, a, b } = pair();
      const other = ms.connectClient();
      const c = other.MidiOpen("c");
      other.MidiConnect(c, b, true);
      ms.MidiSendAt(a, makeEv(ms, typeKeyOn, [1]), 5);
      other.MidiSendAt(c, makeEv(other, typeKeyOn, [2]), 5);
      ms.MidiSendAt(a, makeEv(ms, typeKeyOn, [3]), 5);
      ms.advance(4);
      // Sent during tick 4's wait, so considered at tick 5: late (date 4) comes first.
      ms.MidiSendAt(a, makeEv(ms, typeKeyOn, [4]), 4);
      ms.advance(1);
      assert.deepEqual(drain(ms, b).map((e) => e.fields[0]), [4, 1, 2, 3]);
    },
  );

  await t.step(
    "6. RcvAlarm once per tick after all events; undrained events do not retrigger",
    () => {
      const { ms, a, b } = pair();
      const seen: number[] = [];
      ms.MidiSetRcvAlarm(b, (ref) => seen.push(ms.MidiCountEvs(ref)));
      for (let i = 0; i < 3; i++) ms.MidiSendAt(a, makeEv(ms, typeKeyOn), 2);
      ms.advance(5);
      assert.deepEqual(seen, [3]);
      ms.MidiSendAt(a, makeEv(ms, typeKeyOn), 7);
      ms.advance(3);
      assert.deepEqual(seen, [3, 4]);
    },
  );

  await t.step(
    "7. private events reach only the sender, unfiltered; tasks never filtered",
    () => {
      const { ms, a, b } = pair();
      ms.MidiConnect(a, a, true);
      ms.MidiSetFilter(a, ms.MidiNewFilter()); // rejects everything
      const p = makeEv(ms, typePrivate + 3, [7, -1, 0, 9]);
      ms.MidiSendIm(a, p);
      let ran = false;
      ms.MidiTask(() => ran = true, 1, a);
      ms.advance(1);
      assert.equal(ms.MidiCountEvs(b), 0);
      assert.deepEqual(drain(ms, a).map((e) => e.fields), [[7, -1, 0, 9]]);
      assert.ok(ran);
    },
  );

  await t.step(
    "8. channel bits only for 0..7; new filter rejects all; live changes apply",
    () => {
      const { ms, a, b } = pair();
      const f = ms.MidiNewFilter();
      ms.MidiSetFilter(b, f);
      ms.MidiSendIm(a, makeEv(ms, typeKeyOn, [], { chan: 3 }));
      ms.advance(1);
      assert.equal(ms.MidiCountEvs(b), 0);
      ms.MidiAcceptPort(f, 0, true);
      ms.MidiAcceptType(f, typeKeyOn, true);
      ms.MidiAcceptType(f, typeTextual, true);
      ms.MidiSendIm(a, makeEv(ms, typeKeyOn, [], { chan: 3 }));
      ms.MidiSendIm(a, makeEv(ms, typeTextual, [], { chan: 3 }));
      ms.advance(1);
      assert.deepEqual(drain(ms, b).map((e) => e.type), [typeTextual]);
      ms.MidiAcceptChan(f, 3, true);
      ms.MidiSendIm(a, makeEv(ms, typeKeyOn, [], { chan: 3 }));
      ms.advance(1);
      assert.deepEqual(drain(ms, b).map((e) => e.type), [typeKeyOn]);
    },
  );

  await t.step(
    "9. every destination its own copy; sent and freed handles throw",
    () => {
      const { ms, a, b } = pair();
      const c = ms.MidiOpen("c");
      ms.MidiConnect(a, c, true);
      const e = makeEv(ms, typeKeyOn, [60, 100]);
      ms.MidiSendIm(a, e);
      assert.throws(() => e.date, { code: "DEAD" });
      ms.advance(1);
      const eb = ms.MidiGetEv(b)!, ec = ms.MidiGetEv(c)!;
      ms.MidiSetField(eb, 0, 1);
      ms.MidiFreeEv(eb);
      assert.equal(ms.MidiGetField(ec, 0), 60);
      assert.throws(() => ms.MidiFreeEv(eb), { code: "DEAD" });
    },
  );

  await t.step(
    "10. connections directed, one hop, self allowed, folders apart, alarms on change",
    () => {
      const { ms, a, b } = pair();
      const c = ms.MidiOpen("c");
      const codes: number[] = [];
      ms.MidiSetApplAlarm(c, (_r, code) => codes.push(code));
      ms.MidiConnect(b, c, true);
      ms.MidiConnect(b, c, true); // no change
      ms.MidiConnect(a, a, true);
      assert.deepEqual(codes, [
        (b << 16) | MIDIChgConnect,
        (a << 16) | MIDIChgConnect,
      ]);
      assert.equal(ms.MidiIsConnected(c, b), false);
      ms.MidiSendIm(a, makeEv(ms, typeKeyOn));
      ms.advance(1);
      assert.equal(ms.MidiCountEvs(a), 1);
      assert.equal(ms.MidiCountEvs(b), 1);
      assert.equal(ms.MidiCountEvs(c), 0); // b does not forward
      const d = ms.MidiRegisterDriver({ name: "d", version: 1 }, {});
      ms.MidiConnect(a, d, true);
      ms.MidiConnect(d, 0, true);
      assert.equal(ms.MidiIsConnected(a, d), false);
      assert.equal(ms.MidiIsConnected(d, 0), false);
      assert.equal(
        codes.filter((c) => (c & 0xffff) === MIDIChgConnect).length,
        2,
      );
    },
  );

  await t.step(
    "11. MidiClose drops everything silently; last close no alarm; time restarts",
    () => {
      const { ms, a, b } = pair();
      const codes: number[] = [];
      ms.MidiSetApplAlarm(b, (_r, code) => codes.push(code));
      ms.MidiSendAt(a, makeEv(ms, typeKeyOn), 5);
      ms.MidiSendIm(b, makeEv(ms, typeKeyOn));
      ms.MidiDTask(() => {}, 1, a);
      ms.advance(2);
      ms.MidiClose(a);
      assert.deepEqual(codes, [(a << 16) | MIDICloseAppl]);
      assert.equal(ms.server.pendingCount, 0);
      ms.advance(10);
      assert.equal(ms.MidiCountEvs(b), 0);
      assert.equal(ms.MidiGetTime(), 12);
      const watcher = ms.connectClient();
      const w = watcher.MidiRegisterDriver({ name: "w", version: 1 }, {});
      void w;
      ms.MidiClose(b);
      assert.equal(ms.MidiCountAppls(), 0);
      ms.MidiOpen("again");
      assert.equal(ms.MidiGetTime(), 0);
    },
  );

  await t.step(
    "12. reserved types are null; dead and reserved never delivered",
    reservedTypesNeverDelivered,
  );

  await t.step(
    "13. typeNote reaches applications unsplit; only the encoder splits it",
    noteSplitOnlyByEncoder,
  );

  await t.step(
    "14. 14-bit controllers and (N)RPN expand to Control Changes, never reassembled",
    controllersExpandToControlChanges,
  );

  await t.step(
    "15. SysEx excludes F0/F7; AddField needs a cell at 12; costs match",
    sysExCellCosts,
  );

  await t.step(
    "16. bad indexes read 0 and write nothing; SetField never extends; key sign -1 reads 255",
    badFieldIndexesHarmless,
  );

  await t.step(
    "17. MidiAddSeq puts an event after those of the same date",
    () => {
      const ms = createLocalKernel();
      ms.MidiOpen("x");
      const s = ms.MidiNewSeq()!;
      const mk = (date: number, tag: number) =>
        makeEv(ms, typeKeyOn, [tag], { date });
      for (const [d, tag] of [[5, 1], [5, 2], [1, 3], [5, 4], [3, 5]]) {
        ms.MidiAddSeq(s, mk(d!, tag!));
      }
      const tags: number[] = [];
      ms.MidiApplySeq(s, (e) => tags.push(ms.MidiGetField(e, 0)));
      assert.deepEqual(tags, [3, 5, 1, 2, 4]);
    },
  );

  await t.step(
    "18. MidiForgetTask: box nulled, same-tick victim skipped, self harmless, DTask uncounted",
    () => {
      const ms = createLocalKernel();
      const r = ms.MidiOpen("x");
      const ran: string[] = [];
      const victim = { value: null as ReturnType<typeof ms.MidiTask> };
      const self = { value: null as ReturnType<typeof ms.MidiTask> };
      ms.MidiTask(
        () => {
          ran.push("killer");
          ms.MidiForgetTask(victim);
        },
        3,
        r,
      );
      victim.value = ms.MidiTask(() => ran.push("victim"), 3, r);
      self.value = ms.MidiTask(
        () => {
          ran.push("self");
          ms.MidiForgetTask(self);
        },
        3,
        r,
      );
      const dt = { value: ms.MidiDTask(() => ran.push("dtask"), 1, r) };
      ms.advance(3);
      assert.deepEqual(ran, ["killer", "self"]);
      assert.equal(victim.value, null);
      assert.equal(self.value, null);
      assert.equal(ms.MidiCountDTasks(r), 1);
      ms.MidiForgetTask(dt);
      assert.equal(dt.value, null);
      assert.equal(ms.MidiCountDTasks(r), 0);
    },
  );

  await t.step(
    "19. DTasks run only through MidiExec1DTask, one each; flush keeps future ones",
    () => {
      const ms = createLocalKernel();
      const r = ms.MidiOpen("x");
      const ran: number[] = [];
      for (const d of [1, 2, 50]) ms.MidiDTask((date) => ran.push(date), d, r);
      ms.advance(5);
      assert.deepEqual(ran, []);
      assert.equal(ms.MidiCountDTasks(r), 2);
      ms.MidiExec1DTask(r);
      assert.deepEqual(ran, [1]);
      ms.MidiFlushDTasks(r);
      assert.equal(ms.MidiCountDTasks(r), 0);
      ms.advance(50);
      assert.equal(ms.MidiCountDTasks(r), 1);
      ms.MidiExec1DTask(r);
      assert.deepEqual(ran, [1, 50]);
      assert.equal(typeDProcess, 129);
    },
  );

  await t.step(
    "20. before the first MidiOpen: no events, configured size, growth returns n",
    () => {
      const ms = createLocalKernel({ poolCellCount: 100 });
      assert.equal(ms.MidiNewEv(typeKeyOn), null);
      assert.equal(ms.MidiTotalSpace(), 100);
      assert.equal(ms.MidiGrowSpace(50), 50);
      assert.equal(ms.MidiTotalSpace(), 150);
      ms.MidiOpen("x");
      assert.equal(ms.MidiTotalSpace(), 150);
      assert.equal(ms.MidiFreeSpace(), 150);
    },
  );

  await t.step(
    "21. driver wakeup before MidiRegisterDriver returns; sleep keeps slots and ports",
    () => {
      const ms = createLocalKernel();
      const a = ms.MidiOpen("a");
      const log: string[] = [];
      const d = ms.MidiRegisterDriver({ name: "d", version: 100 }, {
        wakeup: (ref) => {
          log.push(`wakeup ${ref}`);
          ms.MidiConnect(ref, MidiShareDriverRef, true);
          ms.MidiConnect(MidiShareDriverRef, ref, true);
        },
        sleep: (ref) => log.push(`sleep ${ref}`),
      });
      assert.deepEqual(log, [`wakeup ${d}`]);
      const slot = ms.MidiAddSlot(d, "out", 2);
      ms.MidiConnectSlot(5, slot, true);
      ms.MidiClose(a);
      assert.deepEqual(log, [`wakeup ${d}`, `sleep ${d}`]);
      ms.MidiOpen("a");
      assert.equal(log.at(-1), `wakeup ${d}`);
      assert.equal(ms.MidiIsSlotConnected(5, slot), true);
      assert.equal(ms.MidiGetDriverInfos(d)?.slots, 1);
    },
  );

  await t.step(
    "22. slot routing ignores direction; ports become slots and back",
    () => {
      const ms = createLocalKernel();
      const app = ms.MidiOpen("app");
      const d = ms.MidiRegisterDriver({ name: "d", version: 1 }, {
        wakeup: (ref) => {
          ms.MidiConnect(ref, MidiShareDriverRef, true);
          ms.MidiConnect(MidiShareDriverRef, ref, true);
        },
      });
      const inputOnly = ms.MidiAddSlot(d, "in", 1);
      ms.MidiConnectSlot(9, inputOnly, true);
      ms.MidiConnect(app, 0, true);
      ms.MidiConnect(0, app, true);
      ms.MidiSendIm(app, makeEv(ms, typeKeyOn, [], { port: 9 }));
      ms.advance(1);
      const atDriver = drain(ms, d);
      assert.deepEqual(atDriver.map((e) => [e.port, e.ref]), [[
        inputOnly.slotRef,
        app,
      ]]);
      ms.MidiSendIm(d, makeEv(ms, typeKeyOn, [], { port: inputOnly.slotRef }));
      ms.advance(1);
      assert.deepEqual(drain(ms, app).map((e) => [e.port, e.ref]), [[9, d]]);
    },
  );

  await t.step(
    "23. MidiWriteSync writes only into an empty box and returns the previous content",
    () => {
      const ms = createLocalKernel();
      const box = { value: null as unknown };
      assert.equal(ms.MidiWriteSync(box, 1), null);
      assert.equal(ms.MidiWriteSync(box, 2), 1);
      assert.equal(box.value, 1);
      assert.equal(ms.MidiReadSync(box), 1);
      assert.equal(box.value, null);
    },
  );

  await t.step(
    "24. MidiSmpte2Time(MidiTime2Smpte(t, f)) === t below 24 hours",
    () => {
      const ms = createLocalKernel();
      const day = 24 * 3600 * 1000;
      for (let f = 0; f < 4; f++) {
        for (let t = 0; t < day; t += 997_003) {
          for (const dt of [0, 1, 33, 34, 41, 999]) {
            const time = Math.min(t + dt, day - 1);
            assert.equal(
              ms.MidiSmpte2Time(ms.MidiTime2Smpte(time, f)),
              time,
              `t=${time} f=${f}`,
            );
          }
        }
      }
    },
  );
});
