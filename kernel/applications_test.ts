// Applications and refnums: spec §4, §7.1 to §7.3, §7.7 and the admission limit of §2.7.

import assert from "node:assert/strict";
import {
  type LocalMidiShare,
  MIDIChgConnect,
  MIDIChgName,
  MIDICloseAppl,
  MIDIerrIndex,
  MIDIerrSpace,
  MIDIOpenAppl,
  MIDIOpenDriver,
  MidiShareDriverRef,
  typeKeyOn,
} from "./mod.ts";
import { drain, makeEv, newKernel, rethrow } from "./_test_util.ts";

/** Records the alarms of `ref` as [R, change]; a wrong refnum argument shows up too. */
function watch(ms: LocalMidiShare, ref: number): [number, number][] {
  const log: [number, number][] = [];
  ms.MidiSetApplAlarm(ref, (r, code) => {
    if (r !== ref) log.push([-1000 - r, -1]);
    log.push([code >> 16, code & 0xffff]);
  });
  return log;
}

function driverInfos(name: string): { name: string; version: number } {
  return { name, version: 100 };
}

Deno.test("MidiGetVersion() returns 195 before anything else", async (t) => {
  await t.step("on a fresh client that never opened anything", () => {
    const ms = newKernel();
    assert.equal(ms.MidiGetVersion(), 195);
    assert.equal(ms.connectClient().MidiGetVersion(), 195);
  });
  await t.step("while awake and after going dormant again", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    assert.equal(ms.MidiGetVersion(), 195);
    ms.MidiClose(a);
    assert.equal(ms.MidiGetVersion(), 195);
  });
});

Deno.test("MidiCountAppls() counts open applications and refnum 0 while awake", async (t) => {
  await t.step("0 while dormant, even with drivers registered", () => {
    const ms = newKernel();
    assert.equal(ms.MidiCountAppls(), 0);
    ms.MidiRegisterDriver(driverInfos("d"), {});
    assert.equal(ms.MidiCountAppls(), 0);
  });
  await t.step("2 after the first MidiOpen, drivers never counted", () => {
    const ms = newKernel();
    ms.MidiOpen("a");
    assert.equal(ms.MidiCountAppls(), 2);
    ms.MidiRegisterDriver(driverInfos("d"), {});
    assert.equal(ms.MidiCountAppls(), 2);
    const b = ms.MidiOpen("b");
    assert.equal(ms.MidiCountAppls(), 3);
    ms.MidiClose(b);
    assert.equal(ms.MidiCountAppls(), 2);
  });
  await t.step("0 again after the last MidiClose", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    ms.MidiClose(a);
    assert.equal(ms.MidiCountAppls(), 0);
  });
});

Deno.test("MidiGetIndAppl() lists applications in ascending refnum order", async (t) => {
  await t.step("index 1 is refnum 0, drivers are skipped", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    const d = ms.MidiRegisterDriver(driverInfos("d"), {});
    const b = ms.MidiOpen("b"), c = ms.MidiOpen("c");
    ms.MidiClose(b);
    const listed = [];
    for (let i = 1; i <= ms.MidiCountAppls(); i++) {
      listed.push(ms.MidiGetIndAppl(i));
    }
    assert.deepEqual(listed, [0, a, c]);
    assert.ok(!listed.includes(d));
    assert.ok(!listed.includes(MidiShareDriverRef));
  });
  await t.step("an index out of range gives MIDIerrIndex (-4)", () => {
    const ms = newKernel();
    assert.equal(ms.MidiGetIndAppl(1), MIDIerrIndex);
    ms.MidiOpen("a");
    for (const index of [0, -1, 3, 127, 1000]) {
      assert.equal(ms.MidiGetIndAppl(index), -4, `index ${index}`);
    }
  });
});

Deno.test("MidiGetNamedAppl() finds applications and drivers by exact name", async (t) => {
  await t.step('"MidiShare" gives 0 while awake, -4 while dormant', () => {
    const ms = newKernel();
    assert.equal(ms.MidiGetNamedAppl("MidiShare"), MIDIerrIndex);
    ms.MidiOpen("a");
    assert.equal(ms.MidiGetNamedAppl("MidiShare"), 0);
  });
  await t.step("the match is exact and case-sensitive", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("Synth");
    assert.equal(ms.MidiGetNamedAppl("Synth"), a);
    assert.equal(ms.MidiGetNamedAppl("synth"), -4);
    assert.equal(ms.MidiGetNamedAppl("Synt"), -4);
    assert.equal(ms.MidiGetNamedAppl("Synth "), -4);
    assert.equal(ms.MidiGetNamedAppl("midishare"), -4);
  });
  await t.step(
    "drivers are searched too; the first match ascending wins",
    () => {
      const ms = newKernel();
      ms.MidiOpen("x");
      const d = ms.MidiRegisterDriver(driverInfos("port"), {});
      assert.equal(ms.MidiGetNamedAppl("port"), d);
      const a = ms.MidiOpen("port");
      const b = ms.MidiOpen("port");
      assert.equal(ms.MidiGetNamedAppl("port"), a);
      ms.MidiClose(a);
      assert.equal(ms.MidiGetNamedAppl("port"), b);
    },
  );
  await t.step("a driver named MidiShare is found while dormant", () => {
    const ms = newKernel();
    const d = ms.MidiRegisterDriver(driverInfos("MidiShare"), {});
    assert.equal(ms.MidiGetNamedAppl("MidiShare"), d);
  });
  await t.step("stored names are cut to 31 characters", () => {
    const ms = newKernel();
    const long = "abcdefghijklmnopqrstuvwxyz0123456789"; // 36 characters
    const a = ms.MidiOpen(long);
    assert.equal(ms.MidiGetNamedAppl(long.slice(0, 31)), a);
    assert.equal(ms.MidiGetNamedAppl(long), -4);
    assert.equal(ms.MidiGetNamedAppl(long.slice(0, 32)), -4);
    assert.equal(ms.MidiGetNamedAppl(long.slice(0, 30)), -4);
  });
  await t.step("a name of exactly 31 characters matches", () => {
    const ms = newKernel();
    const name = "x".repeat(31);
    const a = ms.MidiOpen(name);
    assert.equal(ms.MidiGetNamedAppl(name), a);
  });
  await t.step("a closed application is no longer found", () => {
    const ms = newKernel();
    ms.MidiOpen("keep");
    const a = ms.MidiOpen("gone");
    ms.MidiClose(a);
    assert.equal(ms.MidiGetNamedAppl("gone"), MIDIerrIndex);
    assert.equal(ms.MidiGetNamedAppl(""), MIDIerrIndex);
  });
});

Deno.test("MidiOpen() allocates the lowest free refnum with a fresh state", async (t) => {
  await t.step("refnums 1, 2, 3, then reused lowest first", () => {
    const ms = newKernel();
    const refs = [1, 2, 3, 4, 5].map((i) => ms.MidiOpen(`a${i}`));
    assert.deepEqual(refs, [1, 2, 3, 4, 5]);
    ms.MidiClose(4);
    ms.MidiClose(2);
    assert.equal(ms.MidiOpen("x"), 2);
    assert.equal(ms.MidiOpen("y"), 4);
    assert.equal(ms.MidiOpen("z"), 6);
  });
  await t.step("drivers do not take application refnums", () => {
    const ms = newKernel();
    const d = ms.MidiRegisterDriver(driverInfos("d"), {});
    assert.equal(d, 126);
    assert.equal(ms.MidiOpen("a"), 1);
  });
  await t.step("the name is cut to 31 characters", () => {
    const ms = newKernel();
    const long = "0123456789".repeat(5);
    const a = ms.MidiOpen(long);
    assert.equal(ms.MidiGetName(a), long.slice(0, 31));
    const e = ms.MidiOpen("");
    assert.equal(ms.MidiGetName(e), "");
  });
  await t.step(
    "no filter, no alarms, info null, empty FIFO, no connection",
    () => {
      const ms = newKernel();
      const a = ms.MidiOpen("a");
      ms.MidiSetInfo(a, "old");
      ms.MidiSetFilter(a, ms.MidiNewFilter());
      ms.MidiSetRcvAlarm(a, () => {});
      ms.MidiSetApplAlarm(a, () => {});
      ms.MidiConnect(a, a, true);
      ms.MidiConnect(0, a, true);
      ms.MidiClose(a);
      const b = ms.MidiOpen("b");
      assert.equal(b, a, "same refnum reused");
      assert.equal(ms.MidiGetFilter(b), null);
      assert.equal(ms.MidiGetRcvAlarm(b), null);
      assert.equal(ms.MidiGetApplAlarm(b), null);
      assert.equal(ms.MidiGetInfo(b), null);
      assert.equal(ms.MidiCountEvs(b), 0);
      assert.equal(ms.MidiCountDTasks(b), 0);
      assert.equal(ms.MidiIsConnected(b, b), false);
      assert.equal(ms.MidiIsConnected(0, b), false);
    },
  );
  await t.step("MIDIOpenAppl goes to the others, not to the new one", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    const log = watch(ms, a);
    const b = ms.MidiOpen("b");
    assert.deepEqual(log, [[b, MIDIOpenAppl]]);
  });
  await t.step("a non-string name is a TypeError and opens nothing", () => {
    const ms = newKernel();
    for (const bad of [123, null, undefined, {}, ["a"]]) {
      assert.throws(() => ms.MidiOpen(bad as unknown as string), TypeError);
    }
    assert.equal(ms.MidiCountAppls(), 0);
    assert.equal(ms.MidiOpen("a"), 1);
  });
});

Deno.test("MidiOpen() admits at most 124 applications and drivers together", async (t) => {
  await t.step("124 applications with nothing else; the next gets -1", () => {
    const ms = newKernel();
    const refs = [];
    for (let i = 0; i < 124; i++) refs.push(ms.MidiOpen(`a${i}`));
    assert.deepEqual(refs, Array.from({ length: 124 }, (_, i) => i + 1));
    assert.equal(ms.MidiOpen("one more"), MIDIerrSpace);
    assert.equal(ms.MidiCountAppls(), 125);
    assert.equal(
      ms.MidiRegisterDriver(driverInfos("d"), {}),
      MIDIerrSpace,
    );
    assert.equal(ms.MidiCountDrivers(), 1);
  });
  await t.step(
    "a refused MidiOpen leaves a free slot for the next close",
    () => {
      const ms = newKernel();
      for (let i = 0; i < 124; i++) ms.MidiOpen(`a${i}`);
      ms.MidiClose(50);
      assert.equal(ms.MidiOpen("again"), 50);
      assert.equal(ms.MidiOpen("again"), MIDIerrSpace);
    },
  );
  await t.step("drivers registered while awake count", () => {
    const ms = newKernel();
    ms.MidiOpen("a");
    for (let i = 0; i < 10; i++) ms.MidiRegisterDriver(driverInfos("d"), {});
    let opened = 1;
    while (ms.MidiOpen("fill") >= 0) opened++;
    assert.equal(opened, 114);
    assert.equal(opened + 10, 124);
    assert.equal(ms.MidiCountAppls() + ms.MidiCountDrivers(), 126);
    assert.equal(ms.MidiRegisterDriver(driverInfos("d"), {}), -1);
  });
  await t.step("drivers registered while dormant count", () => {
    const ms = newKernel();
    for (let i = 0; i < 20; i++) ms.MidiRegisterDriver(driverInfos("d"), {});
    let opened = 0;
    while (ms.MidiOpen("fill") >= 0) opened++;
    assert.equal(opened, 104);
    assert.equal(ms.MidiOpen("fill"), MIDIerrSpace);
  });
  await t.step(
    "with 124 drivers registered while dormant, MidiOpen is refused without waking",
    () => {
      const ms = newKernel();
      let wakeups = 0;
      const drivers = [];
      for (let i = 0; i < 124; i++) {
        drivers.push(
          ms.MidiRegisterDriver(driverInfos(`d${i}`), {
            wakeup: () => wakeups++,
          }),
        );
      }
      assert.ok(drivers.every((d) => d > 0));
      assert.equal(ms.MidiOpen("a"), MIDIerrSpace);
      assert.equal(wakeups, 0);
      assert.equal(ms.MidiCountAppls(), 0);
      assert.equal(ms.MidiCountDrivers(), 124);
      assert.equal(ms.MidiGetName(MidiShareDriverRef), null);
      assert.equal(ms.MidiGetName(0), null);
      ms.MidiUnregisterDriver(drivers[0]!);
      const a = ms.MidiOpen("a");
      assert.equal(a, 1);
      assert.equal(wakeups, 123);
      assert.equal(ms.MidiOpen("b"), MIDIerrSpace);
    },
  );
});

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

Deno.test("MidiGetName() gives the name of any open refnum", async (t) => {
  await t.step("applications, drivers and both images", () => {
    const ms = newKernel();
    const other = ms.connectClient({ reportError: rethrow });
    const a = ms.MidiOpen("alpha");
    const d = other.MidiRegisterDriver(driverInfos("driver"), {});
    assert.equal(other.MidiGetName(a), "alpha");
    assert.equal(ms.MidiGetName(d), "driver");
    assert.equal(ms.MidiGetName(0), "MidiShare");
    assert.equal(ms.MidiGetName(127), "MidiShare");
  });
  await t.step("a bad refnum gives null", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    ms.MidiOpen("b");
    ms.MidiClose(a);
    for (const ref of [a, -1, 50, 126, 128, 300, -32768]) {
      assert.equal(ms.MidiGetName(ref), null, `refnum ${ref}`);
    }
  });
});

Deno.test("MidiSetName() renames any open application or driver", async (t) => {
  await t.step(
    "any client renames any refnum > 0, with MIDIChgName to all",
    () => {
      const ms = newKernel();
      const other = ms.connectClient({ reportError: rethrow });
      const a = ms.MidiOpen("a");
      const d = ms.MidiRegisterDriver(driverInfos("d"), {});
      const o = other.MidiOpen("o");
      const logA = watch(ms, a), logO = watch(other, o);
      other.MidiSetName(a, "renamed");
      assert.equal(ms.MidiGetName(a), "renamed");
      other.MidiSetName(d, "new driver");
      assert.equal(ms.MidiGetName(d), "new driver");
      assert.deepEqual(ms.MidiGetDriverInfos(d)?.name, "new driver");
      const expected = [[a, MIDIChgName], [d, MIDIChgName]];
      assert.deepEqual(logA, expected, "the renamed one is told too");
      assert.deepEqual(logO, expected);
      assert.equal(ms.MidiGetNamedAppl("renamed"), a);
      assert.equal(ms.MidiGetNamedAppl("a"), MIDIerrIndex);
    },
  );
  await t.step("the new name is cut to 31 characters", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    ms.MidiSetName(a, "y".repeat(40));
    assert.equal(ms.MidiGetName(a), "y".repeat(31));
  });
  await t.step("images and bad refnums: no effect and no alarm", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    const b = ms.MidiOpen("b");
    ms.MidiClose(b);
    const log = watch(ms, a);
    for (const ref of [0, 127, b, -1, 50, 128, 300]) ms.MidiSetName(ref, "z");
    assert.deepEqual(log, []);
    assert.equal(ms.MidiGetName(b), null);
    assert.equal(ms.MidiGetNamedAppl("z"), MIDIerrIndex);
  });
  await t.step("a non-string name is a TypeError", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    assert.throws(() => ms.MidiSetName(a, 5 as unknown as string), TypeError);
    assert.equal(ms.MidiGetName(a), "a");
  });
});

Deno.test("MidiGetInfo() and MidiSetInfo() keep a value per application of this client", async (t) => {
  await t.step("initially null; any JS value, per application", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
    assert.equal(ms.MidiGetInfo(a), null);
    const value = { any: ["value"] };
    ms.MidiSetInfo(a, value);
    ms.MidiSetInfo(b, 42);
    assert.equal(ms.MidiGetInfo(a), value);
    assert.equal(ms.MidiGetInfo(b), 42);
    ms.MidiSetInfo(a, null);
    assert.equal(ms.MidiGetInfo(a), null);
  });
  await t.step("drivers have an info value too", () => {
    const ms = newKernel();
    const d = ms.MidiRegisterDriver(driverInfos("d"), {});
    ms.MidiSetInfo(d, "drv");
    assert.equal(ms.MidiGetInfo(d), "drv");
  });
  await t.step(
    "other clients' refnums and bad refnums: null and no effect",
    () => {
      const ms = newKernel();
      const other = ms.connectClient({ reportError: rethrow });
      const a = ms.MidiOpen("a");
      ms.MidiSetInfo(a, "mine");
      other.MidiSetInfo(a, "theirs");
      assert.equal(other.MidiGetInfo(a), null);
      assert.equal(ms.MidiGetInfo(a), "mine");
      for (const ref of [0, 127, 50, -1, 300]) {
        ms.MidiSetInfo(ref, "x");
        assert.equal(ms.MidiGetInfo(ref), null, `refnum ${ref}`);
      }
    },
  );
  await t.step("the value is gone after a close and reopen", () => {
    const ms = newKernel();
    ms.MidiOpen("keep");
    const a = ms.MidiOpen("a");
    ms.MidiSetInfo(a, "old");
    ms.MidiClose(a);
    assert.equal(ms.MidiGetInfo(a), null);
    assert.equal(ms.MidiOpen("b"), a);
    assert.equal(ms.MidiGetInfo(a), null);
  });
});

Deno.test("MidiSetFilter() installs, replaces and removes a filter", async (t) => {
  await t.step("round trip and effect on delivery", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
    ms.MidiConnect(a, b, true);
    const f = ms.MidiNewFilter(); // rejects everything
    ms.MidiSetFilter(b, f);
    assert.equal(ms.MidiGetFilter(b), f);
    ms.MidiSendIm(a, makeEv(ms, typeKeyOn));
    ms.advance(1);
    assert.equal(ms.MidiCountEvs(b), 0);
    ms.MidiSetFilter(b, null);
    assert.equal(ms.MidiGetFilter(b), null);
    ms.MidiSendIm(a, makeEv(ms, typeKeyOn));
    ms.advance(1);
    assert.equal(ms.MidiCountEvs(b), 1);
  });
  await t.step("one filter on several applications", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
    const f = ms.MidiNewFilter();
    ms.MidiSetFilter(a, f);
    ms.MidiSetFilter(b, f);
    assert.equal(ms.MidiGetFilter(a), f);
    assert.equal(ms.MidiGetFilter(b), f);
  });
  await t.step("another client's refnum: no effect", () => {
    const ms = newKernel();
    const other = ms.connectClient({ reportError: rethrow });
    other.MidiOpen("o");
    const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
    ms.MidiConnect(a, b, true);
    other.MidiSetFilter(b, other.MidiNewFilter());
    assert.equal(ms.MidiGetFilter(b), null);
    assert.equal(other.MidiGetFilter(b), null);
    ms.MidiSendIm(a, makeEv(ms, typeKeyOn));
    ms.advance(1);
    assert.equal(ms.MidiCountEvs(b), 1);
  });
  await t.step("bad refnums give null", () => {
    const ms = newKernel();
    ms.MidiOpen("a");
    const f = ms.MidiNewFilter();
    for (const ref of [0, 127, 50, -1]) {
      ms.MidiSetFilter(ref, f);
      assert.equal(ms.MidiGetFilter(ref), null, `refnum ${ref}`);
    }
  });
  await t.step("a non-filter is a TypeError", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    assert.throws(
      () =>
        ms.MidiSetFilter(
          a,
          {} as unknown as ReturnType<LocalMidiShare["MidiNewFilter"]>,
        ),
      TypeError,
    );
  });
});

Deno.test("MidiSetRcvAlarm() installs, replaces and removes the receive alarm", async (t) => {
  await t.step("round trip and calls", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
    ms.MidiConnect(a, b, true);
    const calls: string[] = [];
    const first = (r: number) => calls.push(`first ${r}`);
    const second = (r: number) => calls.push(`second ${r}`);
    assert.equal(ms.MidiGetRcvAlarm(b), null);
    ms.MidiSetRcvAlarm(b, first);
    assert.equal(ms.MidiGetRcvAlarm(b), first);
    ms.MidiSendIm(a, makeEv(ms, typeKeyOn));
    ms.advance(1);
    ms.MidiSetRcvAlarm(b, second);
    assert.equal(ms.MidiGetRcvAlarm(b), second);
    ms.MidiSendIm(a, makeEv(ms, typeKeyOn));
    ms.advance(1);
    ms.MidiSetRcvAlarm(b, null);
    assert.equal(ms.MidiGetRcvAlarm(b), null);
    ms.MidiSendIm(a, makeEv(ms, typeKeyOn));
    ms.advance(1);
    assert.deepEqual(calls, [`first ${b}`, `second ${b}`]);
    assert.equal(ms.MidiCountEvs(b), 3);
  });
  await t.step("a non-function is a TypeError", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    for (const bad of [1, "f", {}, true]) {
      assert.throws(
        () => ms.MidiSetRcvAlarm(a, bad as unknown as () => void),
        TypeError,
      );
    }
    assert.equal(ms.MidiGetRcvAlarm(a), null);
  });
  await t.step("another client's refnum: no effect", () => {
    const ms = newKernel();
    const other = ms.connectClient({ reportError: rethrow });
    other.MidiOpen("o");
    const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
    ms.MidiConnect(a, b, true);
    let called = 0;
    other.MidiSetRcvAlarm(b, () => called++);
    assert.equal(other.MidiGetRcvAlarm(b), null);
    assert.equal(ms.MidiGetRcvAlarm(b), null);
    ms.MidiSendIm(a, makeEv(ms, typeKeyOn));
    ms.advance(1);
    assert.equal(called, 0);
  });
});

Deno.test("MidiSetApplAlarm() installs, replaces and removes the application alarm", async (t) => {
  await t.step("round trip and calls", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    const calls: string[] = [];
    const first = (r: number, code: number) => calls.push(`1 ${r} ${code}`);
    const second = (r: number, code: number) => calls.push(`2 ${r} ${code}`);
    assert.equal(ms.MidiGetApplAlarm(a), null);
    ms.MidiSetApplAlarm(a, first);
    assert.equal(ms.MidiGetApplAlarm(a), first);
    const b = ms.MidiOpen("b");
    ms.MidiSetApplAlarm(a, second);
    assert.equal(ms.MidiGetApplAlarm(a), second);
    ms.MidiConnect(b, a, true);
    ms.MidiSetApplAlarm(a, null);
    assert.equal(ms.MidiGetApplAlarm(a), null);
    ms.MidiOpen("c");
    assert.deepEqual(calls, [
      `1 ${a} ${(b << 16) | MIDIOpenAppl}`,
      `2 ${a} ${(b << 16) | MIDIChgConnect}`,
    ]);
  });
  await t.step("works for driver refnums", () => {
    const ms = newKernel();
    ms.MidiOpen("a");
    const d = ms.MidiRegisterDriver(driverInfos("d"), {});
    const log = watch(ms, d);
    assert.notEqual(ms.MidiGetApplAlarm(d), null);
    const d2 = ms.MidiRegisterDriver(driverInfos("d2"), {});
    assert.deepEqual(log, [[d2, MIDIOpenDriver]]);
  });
  await t.step("a non-function is a TypeError", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    for (const bad of [1, "f", {}, false]) {
      assert.throws(
        () => ms.MidiSetApplAlarm(a, bad as unknown as () => void),
        TypeError,
      );
    }
    assert.equal(ms.MidiGetApplAlarm(a), null);
  });
  await t.step("another client's refnum: no effect", () => {
    const ms = newKernel();
    const other = ms.connectClient({ reportError: rethrow });
    other.MidiOpen("o");
    const a = ms.MidiOpen("a");
    let called = 0;
    other.MidiSetApplAlarm(a, () => called++);
    assert.equal(other.MidiGetApplAlarm(a), null);
    assert.equal(ms.MidiGetApplAlarm(a), null);
    ms.MidiOpen("b");
    ms.MidiSetName(a, "x");
    assert.equal(called, 0);
  });
  await t.step("bad refnums give null", () => {
    const ms = newKernel();
    ms.MidiOpen("a");
    for (const ref of [0, 127, 50, -1]) {
      ms.MidiSetApplAlarm(ref, () => {});
      assert.equal(ms.MidiGetApplAlarm(ref), null, `refnum ${ref}`);
    }
  });
});

Deno.test("MidiGetPortState() is always true and MidiSetPortState() does nothing", async (t) => {
  await t.step("before and after opening, whatever was set", () => {
    const ms = newKernel();
    assert.equal(ms.MidiGetPortState(0), true);
    const a = ms.MidiOpen("a");
    const log = watch(ms, a);
    for (const port of [0, 1, 5, 255]) {
      ms.MidiSetPortState(port, false);
      assert.equal(ms.MidiGetPortState(port), true, `port ${port}`);
    }
    ms.MidiSetPortState(1, true);
    assert.equal(ms.MidiGetPortState(1), true);
    assert.deepEqual(log, [], "obsolete change codes are never sent");
  });
  await t.step("port state does not affect routing", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
    ms.MidiConnect(a, b, true);
    ms.MidiSetPortState(0, false);
    ms.MidiSendIm(a, makeEv(ms, typeKeyOn, [], { port: 0 }));
    ms.advance(1);
    assert.equal(ms.MidiCountEvs(b), 1);
  });
});
