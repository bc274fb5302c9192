// Drivers and slots: spec §7.4, §7.5 and §8, routed with real driver refnums.

import assert from "node:assert/strict";
import {
  type LocalMidiShare,
  MIDIAddSlot,
  MIDIChgSlotConnect,
  MIDIChgSlotName,
  MIDICloseDriver,
  MIDIerrIndex,
  MIDIerrRefNum,
  MIDIerrSpace,
  MidiInputOutputSlot,
  MidiInputSlot,
  MIDIOpenDriver,
  MidiOutputSlot,
  MIDIRemoveSlot,
  type SlotRefNum,
  type TDriverInfos,
  type TDriverOperation,
  typeKeyOff,
  typeKeyOn,
} from "./mod.ts";
import { drain, makeEv, newKernel, rethrow } from "./_test_util.ts";

function infos(name: string, version = 100): TDriverInfos {
  return { name, version };
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

/** A driver that connects itself both ways with 127 at every wake-up. */
function connectedDriver(ms: LocalMidiShare, name: string): number {
  return ms.MidiRegisterDriver(infos(name), {
    wakeup: (r) => {
      ms.MidiConnect(r, 127, true);
      ms.MidiConnect(127, r, true);
    },
  });
}

/** The received events as "port/refNum" strings, sorted. */
function received(ms: LocalMidiShare, ref: number): string[] {
  return drain(ms, ref).map((e) => `${e.port}/${e.ref}`).sort();
}

function slot(drvRef: number, slotRef: number): SlotRefNum {
  return { drvRef, slotRef };
}

Deno.test("MidiRegisterDriver() registers a driver in the driver folder", async (t) => {
  await t.step("highest free refnum <= 126, reused highest first", () => {
    const ms = newKernel();
    const refs = [1, 2, 3].map((i) =>
      ms.MidiRegisterDriver(infos(`d${i}`), {})
    );
    assert.deepEqual(refs, [126, 125, 124]);
    ms.MidiUnregisterDriver(125);
    ms.MidiUnregisterDriver(126);
    assert.equal(ms.MidiRegisterDriver(infos("x"), {}), 126);
    assert.equal(ms.MidiRegisterDriver(infos("y"), {}), 125);
    assert.equal(ms.MidiRegisterDriver(infos("z"), {}), 123);
  });
  await t.step("name cut to 31, version kept on 16 bits, slots ignored", () => {
    const ms = newKernel();
    const long = "driver-name-".repeat(4);
    const d = ms.MidiRegisterDriver(
      { name: long, version: 70000, slots: 9 },
      {},
    );
    assert.deepEqual(ms.MidiGetDriverInfos(d), {
      name: long.slice(0, 31),
      version: 70000 & 0xffff,
      slots: 0,
    });
    assert.equal(ms.MidiGetName(d), long.slice(0, 31));
    const v = ms.MidiRegisterDriver(infos("v", 0x1234), {});
    assert.equal(ms.MidiGetDriverInfos(v)?.version, 0x1234);
  });
  await t.step("does not wake MidiShare", () => {
    const ms = newKernel();
    let wakeups = 0;
    ms.MidiRegisterDriver(infos("d"), { wakeup: () => wakeups++ });
    assert.equal(wakeups, 0);
    assert.equal(ms.MidiCountAppls(), 0);
    assert.equal(ms.MidiCountDrivers(), 1);
    assert.equal(ms.MidiGetName(127), null);
    assert.equal(ms.MidiGetName(0), null);
  });
  await t.step(
    "while awake: wakeup runs before it returns, then MIDIOpenDriver",
    () => {
      const ms = newKernel();
      const a = ms.MidiOpen("a");
      const order: string[] = [];
      ms.MidiSetApplAlarm(
        a,
        (_r, code) => order.push(`alarm ${code >> 16} ${code & 0xffff}`),
      );
      const d = ms.MidiRegisterDriver(infos("d"), {
        wakeup: (r) => order.push(`wakeup ${r}`),
      });
      assert.deepEqual(order, [`wakeup ${d}`, `alarm ${d} ${MIDIOpenDriver}`]);
    },
  );
  await t.step(
    "while awake: connections made in wakeup exist on return",
    () => {
      const ms = newKernel();
      ms.MidiOpen("a");
      const d = connectedDriver(ms, "d");
      assert.equal(ms.MidiIsConnected(d, 127), true);
      assert.equal(ms.MidiIsConnected(127, d), true);
    },
  );
  await t.step("while awake: other clients get MIDIOpenDriver", () => {
    const ms = newKernel();
    const other = ms.connectClient({ reportError: rethrow });
    const o = other.MidiOpen("o");
    const log = watch(other, o);
    const d = ms.MidiRegisterDriver(infos("d"), {});
    assert.deepEqual(log, [[d, MIDIOpenDriver]]);
  });
  await t.step("while dormant: no wakeup, no MIDIOpenDriver", () => {
    const ms = newKernel();
    const d1 = ms.MidiRegisterDriver(infos("d1"), {});
    const log = watch(ms, d1);
    let wakeups = 0;
    ms.MidiRegisterDriver(infos("d2"), { wakeup: () => wakeups++ });
    assert.equal(wakeups, 0);
    assert.deepEqual(log, []);
  });
  await t.step(
    "while dormant: wakeup at the next wake-up, descending refnums",
    () => {
      const ms = newKernel();
      const woken: number[] = [];
      const ops: TDriverOperation = { wakeup: (r) => woken.push(r) };
      ms.MidiRegisterDriver(infos("d1"), ops); // 126
      ms.MidiRegisterDriver(infos("d2"), ops); // 125
      ms.MidiRegisterDriver(infos("d3"), ops); // 124
      ms.MidiUnregisterDriver(126);
      assert.equal(ms.MidiRegisterDriver(infos("d4"), ops), 126); // registered last
      assert.deepEqual(woken, []);
      ms.MidiOpen("a");
      assert.deepEqual(woken, [126, 125, 124]);
      ms.MidiOpen("b");
      assert.deepEqual(woken, [126, 125, 124], "only at wake-up");
    },
  );
  await t.step("bad infos or op is a TypeError and registers nothing", () => {
    const ms = newKernel();
    const badInfos: unknown[] = [
      null,
      undefined,
      "d",
      5,
      { name: 1, version: 1 },
      { name: "d", version: "1" },
      { name: "d" },
      { version: 1 },
    ];
    for (const bad of badInfos) {
      assert.throws(
        () => ms.MidiRegisterDriver(bad as TDriverInfos, {}),
        TypeError,
        `infos ${JSON.stringify(bad)}`,
      );
    }
    const badOps: unknown[] = [null, undefined, "op", 3, { wakeup: 1 }, {
      sleep: "x",
    }];
    for (const bad of badOps) {
      assert.throws(
        () => ms.MidiRegisterDriver(infos("d"), bad as TDriverOperation),
        TypeError,
      );
    }
    assert.equal(ms.MidiCountDrivers(), 0);
  });
  await t.step("admission: -1 once applications and drivers reach 124", () => {
    const ms = newKernel();
    ms.MidiOpen("a");
    for (let i = 0; i < 123; i++) {
      assert.ok(ms.MidiRegisterDriver(infos(`d${i}`), {}) > 0);
    }
    assert.equal(ms.MidiRegisterDriver(infos("late"), {}), MIDIerrSpace);
    assert.equal(ms.MidiCountDrivers(), 124);
  });
});

Deno.test("MidiUnregisterDriver() removes a driver of this client", async (t) => {
  await t.step(
    "bad, application, 0, 127 and other clients' refnums: no effect",
    () => {
      const ms = newKernel();
      const other = ms.connectClient({ reportError: rethrow });
      const a = ms.MidiOpen("a");
      const log = watch(ms, a);
      let sleeps = 0;
      const d = ms.MidiRegisterDriver(infos("d"), { sleep: () => sleeps++ });
      log.length = 0;
      for (const ref of [-1, 0, a, 50, 127, 128, 300]) {
        ms.MidiUnregisterDriver(
          ref,
        );
      }
      other.MidiUnregisterDriver(d);
      assert.equal(ms.MidiCountDrivers(), 2);
      assert.equal(ms.MidiCountAppls(), 2);
      assert.notEqual(ms.MidiGetDriverInfos(d), null);
      assert.equal(sleeps, 0);
      assert.deepEqual(log, []);
    },
  );
  await t.step(
    "slots and connections go silently; sleep, then MIDICloseDriver to others",
    () => {
      const ms = newKernel();
      const a = ms.MidiOpen("a");
      const order: string[] = [];
      ms.MidiSetApplAlarm(
        a,
        (_r, code) => order.push(`alarm ${code >> 16} ${code & 0xffff}`),
      );
      const d = connectedDriver(ms, "d");
      ms.MidiSetApplAlarm(d, (_r, code) => order.push(`self ${code}`));
      const s0 = ms.MidiAddSlot(d, "s0", MidiInputOutputSlot);
      ms.MidiAddSlot(d, "s1", MidiOutputSlot);
      ms.MidiConnectSlot(1, s0, true);
      ms.MidiConnectSlot(2, s0, true);
      ms.MidiConnect(d, d, true);
      order.length = 0;
      // The driver sleeps through its own client's callback.
      const withSleep = ms.MidiRegisterDriver(infos("w"), {
        sleep: (r) => order.push(`sleep ${r}`),
      });
      order.length = 0;
      ms.MidiUnregisterDriver(withSleep);
      assert.deepEqual(order, [
        `sleep ${withSleep}`,
        `alarm ${withSleep} ${MIDICloseDriver}`,
        `self ${(withSleep << 16) | MIDICloseDriver}`,
      ]);
      order.length = 0;
      ms.MidiUnregisterDriver(d);
      assert.deepEqual(order, [`alarm ${d} ${MIDICloseDriver}`]);
      assert.equal(ms.MidiGetDriverInfos(d), null);
      assert.equal(ms.MidiGetSlotInfos(s0), null);
      assert.equal(ms.MidiGetName(d), null);
      assert.equal(ms.MidiCountDrivers(), 1);
      const again = ms.MidiRegisterDriver(infos("again"), {});
      assert.equal(again, d);
      assert.equal(ms.MidiGetDriverInfos(again)?.slots, 0);
      assert.deepEqual(ms.MidiGetIndSlot(again, 1), slot(-1, MIDIerrIndex));
      assert.equal(ms.MidiIsConnected(again, 127), false);
      assert.equal(ms.MidiIsConnected(127, again), false);
      assert.equal(ms.MidiIsConnected(again, again), false);
    },
  );
  await t.step("the driver itself is not told", () => {
    const ms = newKernel();
    ms.MidiOpen("a");
    const d = ms.MidiRegisterDriver(infos("d"), {});
    let called = 0;
    ms.MidiSetApplAlarm(d, () => called++);
    ms.MidiUnregisterDriver(d);
    assert.equal(called, 0);
  });
  await t.step("while dormant: no sleep callback and no alarm", () => {
    const ms = newKernel();
    const watcher = ms.MidiRegisterDriver(infos("watcher"), {});
    const log = watch(ms, watcher);
    let sleeps = 0;
    const d = ms.MidiRegisterDriver(infos("d"), { sleep: () => sleeps++ });
    ms.MidiUnregisterDriver(d);
    assert.equal(sleeps, 0);
    assert.deepEqual(log, []);
    assert.equal(ms.MidiCountDrivers(), 1);
  });
  await t.step("its pending events are discarded", () => {
    const ms = newKernel();
    const listener = ms.MidiOpen("listener");
    ms.MidiConnect(0, listener, true);
    const d = connectedDriver(ms, "d");
    const s = ms.MidiAddSlot(d, "in", MidiInputSlot);
    ms.MidiConnectSlot(4, s, true);
    ms.MidiSendAt(d, makeEv(ms, typeKeyOn, [], { port: s.slotRef }), 5);
    assert.equal(ms.server.pendingCount, 1);
    ms.MidiUnregisterDriver(d);
    assert.equal(ms.server.pendingCount, 0);
    ms.advance(10);
    assert.equal(ms.MidiCountEvs(listener), 0);
  });
});

Deno.test("MidiCountDrivers() counts registered drivers and 127 while awake", async (t) => {
  await t.step("0 dormant, 1 awake alone, n + 1 with n drivers", () => {
    const ms = newKernel();
    assert.equal(ms.MidiCountDrivers(), 0);
    ms.MidiRegisterDriver(infos("d1"), {});
    assert.equal(ms.MidiCountDrivers(), 1);
    const a = ms.MidiOpen("a");
    assert.equal(ms.MidiCountDrivers(), 2);
    ms.MidiRegisterDriver(infos("d2"), {});
    assert.equal(ms.MidiCountDrivers(), 3);
    ms.MidiClose(a);
    assert.equal(ms.MidiCountDrivers(), 2);
  });
  await t.step("another client sees the same count", () => {
    const ms = newKernel();
    const other = ms.connectClient();
    ms.MidiOpen("a");
    ms.MidiRegisterDriver(infos("d"), {});
    assert.equal(other.MidiCountDrivers(), 2);
  });
});

Deno.test("MidiGetIndDriver() lists 127 first, then drivers in descending order", async (t) => {
  await t.step("awake", () => {
    const ms = newKernel();
    ms.MidiOpen("a");
    const ds = [1, 2, 3].map((i) => ms.MidiRegisterDriver(infos(`d${i}`), {}));
    ms.MidiUnregisterDriver(ds[1]!);
    const listed = [];
    for (let i = 1; i <= ms.MidiCountDrivers(); i++) {
      listed.push(ms.MidiGetIndDriver(i));
    }
    assert.deepEqual(listed, [127, 126, 124]);
    for (const index of [0, -1, 4, 200]) {
      assert.equal(ms.MidiGetIndDriver(index), MIDIerrIndex, `index ${index}`);
    }
  });
  await t.step("dormant: no 127", () => {
    const ms = newKernel();
    assert.equal(ms.MidiGetIndDriver(1), MIDIerrIndex);
    ms.MidiRegisterDriver(infos("d1"), {});
    ms.MidiRegisterDriver(infos("d2"), {});
    assert.equal(ms.MidiGetIndDriver(1), 126);
    assert.equal(ms.MidiGetIndDriver(2), 125);
    assert.equal(ms.MidiGetIndDriver(3), MIDIerrIndex);
  });
  await t.step("applications are never listed", () => {
    const ms = newKernel();
    const apps = [ms.MidiOpen("a"), ms.MidiOpen("b")];
    ms.MidiRegisterDriver(infos("d"), {});
    for (let i = 1; i <= 3; i++) {
      assert.ok(!apps.includes(ms.MidiGetIndDriver(i)));
      assert.notEqual(ms.MidiGetIndDriver(i), 0);
    }
  });
});

Deno.test("MidiGetDriverInfos() describes drivers and 127 only", async (t) => {
  await t.step("a driver: name, version and current slot count", () => {
    const ms = newKernel();
    const d = ms.MidiRegisterDriver(infos("drv", 123), {});
    ms.MidiAddSlot(d, "a", MidiInputSlot);
    ms.MidiAddSlot(d, "b", MidiOutputSlot);
    assert.deepEqual(ms.MidiGetDriverInfos(d), {
      name: "drv",
      version: 123,
      slots: 2,
    });
  });
  await t.step("127 while awake", () => {
    const ms = newKernel();
    assert.equal(ms.MidiGetDriverInfos(127), null);
    ms.MidiOpen("a");
    assert.deepEqual(ms.MidiGetDriverInfos(127), {
      name: "MidiShare",
      version: 195,
      slots: 0,
    });
  });
  await t.step("applications, 0 and bad refnums give null", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    for (const ref of [a, 0, 50, -1, 128, 300]) {
      assert.equal(ms.MidiGetDriverInfos(ref), null, `refnum ${ref}`);
    }
  });
});

Deno.test("MidiAddSlot() adds a slot to a driver", async (t) => {
  await t.step("lowest free slotRef from 0, reusable after removal", () => {
    const ms = newKernel();
    const d = ms.MidiRegisterDriver(infos("d"), {});
    const slots = [0, 1, 2].map(() => ms.MidiAddSlot(d, "s", MidiInputSlot));
    assert.deepEqual(slots, [slot(d, 0), slot(d, 1), slot(d, 2)]);
    ms.MidiRemoveSlot(slot(d, 1));
    ms.MidiRemoveSlot(slot(d, 0));
    assert.deepEqual(ms.MidiAddSlot(d, "x", MidiInputSlot), slot(d, 0));
    assert.deepEqual(ms.MidiAddSlot(d, "y", MidiInputSlot), slot(d, 1));
    assert.deepEqual(ms.MidiAddSlot(d, "z", MidiInputSlot), slot(d, 3));
  });
  await t.step("slot numbers are per driver", () => {
    const ms = newKernel();
    const d1 = ms.MidiRegisterDriver(infos("d1"), {});
    const d2 = ms.MidiRegisterDriver(infos("d2"), {});
    assert.deepEqual(ms.MidiAddSlot(d1, "s", MidiInputSlot), slot(d1, 0));
    assert.deepEqual(ms.MidiAddSlot(d2, "s", MidiInputSlot), slot(d2, 0));
  });
  await t.step("name cut to 31, direction kept, no port connected", () => {
    const ms = newKernel();
    const d = ms.MidiRegisterDriver(infos("d"), {});
    const long = "slot-name-".repeat(4);
    const s = ms.MidiAddSlot(d, long, MidiOutputSlot);
    const got = ms.MidiGetSlotInfos(s)!;
    assert.equal(got.name, long.slice(0, 31));
    assert.equal(got.direction, MidiOutputSlot);
    assert.deepEqual(got.cnx, new Uint8Array(32));
  });
  await t.step("a direction other than 1..3 is a RangeError", () => {
    const ms = newKernel();
    const d = ms.MidiRegisterDriver(infos("d"), {});
    for (const dir of [0, 4, -1, 255]) {
      assert.throws(() => ms.MidiAddSlot(d, "s", dir), RangeError);
    }
    assert.equal(ms.MidiGetDriverInfos(d)?.slots, 0);
  });
  await t.step("not a driver: {drvRef: ref, slotRef: -2}", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    for (const ref of [a, 0, 127, 50, -1]) {
      assert.deepEqual(
        ms.MidiAddSlot(ref, "s", MidiInputSlot),
        slot(ref, MIDIerrRefNum),
        `refnum ${ref}`,
      );
    }
  });
  await t.step("64 slots in use: {drvRef: -1, slotRef: -1}", () => {
    const ms = newKernel();
    const d = ms.MidiRegisterDriver(infos("d"), {});
    for (let i = 0; i < 64; i++) {
      assert.deepEqual(ms.MidiAddSlot(d, `s${i}`, MidiInputSlot), slot(d, i));
    }
    assert.deepEqual(
      ms.MidiAddSlot(d, "65th", MidiInputSlot),
      slot(-1, MIDIerrSpace),
    );
    assert.equal(ms.MidiGetDriverInfos(d)?.slots, 64);
  });
  await t.step("MIDIAddSlot while awake only", () => {
    const ms = newKernel();
    const d = ms.MidiRegisterDriver(infos("d"), {});
    const log = watch(ms, d);
    ms.MidiAddSlot(d, "dormant", MidiInputSlot);
    assert.deepEqual(log, []);
    const a = ms.MidiOpen("a");
    const logA = watch(ms, a);
    log.length = 0;
    ms.MidiAddSlot(d, "awake", MidiInputSlot);
    assert.deepEqual(log, [[d, MIDIAddSlot]]);
    assert.deepEqual(logA, [[d, MIDIAddSlot]]);
  });
  await t.step("any client may add a slot to any driver", () => {
    const ms = newKernel();
    const other = ms.connectClient({ reportError: rethrow });
    const d = ms.MidiRegisterDriver(infos("d"), {});
    assert.deepEqual(other.MidiAddSlot(d, "s", MidiInputSlot), slot(d, 0));
    assert.equal(ms.MidiGetDriverInfos(d)?.slots, 1);
  });
});

Deno.test("MidiGetIndSlot() lists the slots of a driver in ascending order", async (t) => {
  await t.step("existing slots only", () => {
    const ms = newKernel();
    const d = ms.MidiRegisterDriver(infos("d"), {});
    for (let i = 0; i < 5; i++) ms.MidiAddSlot(d, `s${i}`, MidiInputSlot);
    ms.MidiRemoveSlot(slot(d, 1));
    ms.MidiRemoveSlot(slot(d, 3));
    const listed = [1, 2, 3].map((i) => ms.MidiGetIndSlot(d, i));
    assert.deepEqual(listed, [slot(d, 0), slot(d, 2), slot(d, 4)]);
  });
  await t.step("index out of range: {drvRef: -1, slotRef: -4}", () => {
    const ms = newKernel();
    const d = ms.MidiRegisterDriver(infos("d"), {});
    assert.deepEqual(ms.MidiGetIndSlot(d, 1), slot(-1, MIDIerrIndex));
    ms.MidiAddSlot(d, "s", MidiInputSlot);
    for (const index of [0, -1, 2, 64, 65]) {
      assert.deepEqual(
        ms.MidiGetIndSlot(d, index),
        slot(-1, MIDIerrIndex),
        `index ${index}`,
      );
    }
  });
  await t.step("not a driver: {drvRef: ref, slotRef: -2}", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    for (const ref of [a, 0, 127, 50]) {
      assert.deepEqual(ms.MidiGetIndSlot(ref, 1), slot(ref, MIDIerrRefNum));
    }
  });
});

Deno.test("MidiRemoveSlot() removes a slot and its port connections silently", async (t) => {
  await t.step(
    "disconnected without MIDIChgSlotConnect, MIDIRemoveSlot sent",
    () => {
      const ms = newKernel();
      const a = ms.MidiOpen("a");
      const d = ms.MidiRegisterDriver(infos("d"), {});
      const s = ms.MidiAddSlot(d, "s", MidiInputOutputSlot);
      ms.MidiConnectSlot(3, s, true);
      ms.MidiConnectSlot(4, s, true);
      const log = watch(ms, a);
      ms.MidiRemoveSlot(s);
      assert.deepEqual(log, [[d, MIDIRemoveSlot]]);
      assert.equal(ms.MidiGetSlotInfos(s), null);
      assert.equal(ms.MidiIsSlotConnected(3, s), false);
      assert.equal(ms.MidiGetDriverInfos(d)?.slots, 0);
    },
  );
  await t.step("the slotRef is reused without its old ports", () => {
    const ms = newKernel();
    const d = ms.MidiRegisterDriver(infos("d"), {});
    const s = ms.MidiAddSlot(d, "s", MidiInputSlot);
    ms.MidiConnectSlot(3, s, true);
    ms.MidiRemoveSlot(s);
    const again = ms.MidiAddSlot(d, "again", MidiOutputSlot);
    assert.deepEqual(again, s);
    assert.equal(ms.MidiIsSlotConnected(3, again), false);
    assert.deepEqual(ms.MidiGetSlotInfos(again)?.cnx, new Uint8Array(32));
  });
  await t.step("a removed slot is no longer routed", () => {
    const ms = newKernel();
    const app = ms.MidiOpen("app");
    ms.MidiConnect(app, 0, true);
    const d = connectedDriver(ms, "d");
    const s = ms.MidiAddSlot(d, "s", MidiOutputSlot);
    ms.MidiConnectSlot(3, s, true);
    ms.MidiRemoveSlot(s);
    ms.MidiSendIm(app, makeEv(ms, typeKeyOn, [], { port: 3 }));
    ms.advance(1);
    assert.equal(ms.MidiCountEvs(d), 0);
  });
  await t.step("an unknown slot: no effect, no alarm", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    const d = ms.MidiRegisterDriver(infos("d"), {});
    ms.MidiAddSlot(d, "s", MidiInputSlot);
    const log = watch(ms, a);
    for (const s of [slot(d, 1), slot(d, 64), slot(d, -1), slot(a, 0)]) {
      ms.MidiRemoveSlot(s);
    }
    assert.deepEqual(log, []);
    assert.equal(ms.MidiGetDriverInfos(d)?.slots, 1);
  });
  await t.step("while dormant: removed without alarm", () => {
    const ms = newKernel();
    const d = ms.MidiRegisterDriver(infos("d"), {});
    const log = watch(ms, d);
    const s = ms.MidiAddSlot(d, "s", MidiInputSlot);
    ms.MidiRemoveSlot(s);
    assert.equal(ms.MidiGetSlotInfos(s), null);
    assert.deepEqual(log, []);
  });
});

Deno.test("MidiSetSlotName() renames an existing slot", async (t) => {
  await t.step("cut to 31 characters, MIDIChgSlotName while awake", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    const d = ms.MidiRegisterDriver(infos("d"), {});
    const s = ms.MidiAddSlot(d, "s", MidiInputSlot);
    const log = watch(ms, a);
    ms.MidiSetSlotName(s, "renamed");
    assert.equal(ms.MidiGetSlotInfos(s)?.name, "renamed");
    ms.MidiSetSlotName(s, "n".repeat(40));
    assert.equal(ms.MidiGetSlotInfos(s)?.name, "n".repeat(31));
    assert.deepEqual(log, [[d, MIDIChgSlotName], [d, MIDIChgSlotName]]);
  });
  await t.step("an unknown slot: no effect, no alarm", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    const d = ms.MidiRegisterDriver(infos("d"), {});
    const s = ms.MidiAddSlot(d, "s", MidiInputSlot);
    const log = watch(ms, a);
    ms.MidiSetSlotName(slot(d, 1), "x");
    ms.MidiSetSlotName(slot(a, 0), "x");
    ms.MidiSetSlotName(slot(127, 0), "x");
    assert.deepEqual(log, []);
    assert.equal(ms.MidiGetSlotInfos(s)?.name, "s");
  });
  await t.step("while dormant: renamed without alarm", () => {
    const ms = newKernel();
    const d = ms.MidiRegisterDriver(infos("d"), {});
    const log = watch(ms, d);
    const s = ms.MidiAddSlot(d, "s", MidiInputSlot);
    ms.MidiSetSlotName(s, "quiet");
    assert.equal(ms.MidiGetSlotInfos(s)?.name, "quiet");
    assert.deepEqual(log, []);
  });
});

Deno.test("MidiGetSlotInfos() gives name, direction and the port set", async (t) => {
  await t.step("bit p & 7 of byte p >> 3 for each connected port", () => {
    const ms = newKernel();
    const d = ms.MidiRegisterDriver(infos("d"), {});
    const s = ms.MidiAddSlot(d, "ports", MidiInputOutputSlot);
    for (const p of [0, 9, 17, 255, 128]) ms.MidiConnectSlot(p, s, true);
    const expected = new Uint8Array(32);
    expected[0] = 0b1;
    expected[1] = 0b10;
    expected[2] = 0b10;
    expected[16] = 0b1;
    expected[31] = 0b1000_0000;
    const got = ms.MidiGetSlotInfos(s)!;
    assert.deepEqual(got, {
      name: "ports",
      direction: MidiInputOutputSlot,
      cnx: expected,
    });
  });
  await t.step("the port set is a snapshot", () => {
    const ms = newKernel();
    const d = ms.MidiRegisterDriver(infos("d"), {});
    const s = ms.MidiAddSlot(d, "s", MidiInputSlot);
    const before = ms.MidiGetSlotInfos(s)!;
    before.cnx[0] = 0xff;
    assert.equal(ms.MidiIsSlotConnected(0, s), false);
    ms.MidiConnectSlot(1, s, true);
    assert.equal(ms.MidiGetSlotInfos(s)?.cnx[0], 0b10);
  });
  await t.step("unknown slots give null", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    const d = ms.MidiRegisterDriver(infos("d"), {});
    ms.MidiAddSlot(d, "s", MidiInputSlot);
    for (
      const s of [
        slot(d, 1),
        slot(d, 64),
        slot(d, -1),
        slot(a, 0),
        slot(127, 0),
      ]
    ) {
      assert.equal(ms.MidiGetSlotInfos(s), null, JSON.stringify(s));
    }
  });
});

Deno.test("MidiConnectSlot() maps a port and a slot", async (t) => {
  await t.step("MIDIChgSlotConnect only on change while awake", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    const d = ms.MidiRegisterDriver(infos("d"), {});
    const s = ms.MidiAddSlot(d, "s", MidiInputSlot);
    const log = watch(ms, a);
    ms.MidiConnectSlot(7, s, true);
    ms.MidiConnectSlot(7, s, true);
    assert.equal(ms.MidiIsSlotConnected(7, s), true);
    ms.MidiConnectSlot(7, s, false);
    ms.MidiConnectSlot(7, s, false);
    assert.equal(ms.MidiIsSlotConnected(7, s), false);
    assert.deepEqual(log, [[d, MIDIChgSlotConnect], [d, MIDIChgSlotConnect]]);
  });
  await t.step("while dormant: mapped without alarm", () => {
    const ms = newKernel();
    const d = ms.MidiRegisterDriver(infos("d"), {});
    const log = watch(ms, d);
    const s = ms.MidiAddSlot(d, "s", MidiInputSlot);
    ms.MidiConnectSlot(7, s, true);
    assert.equal(ms.MidiIsSlotConnected(7, s), true);
    assert.deepEqual(log, []);
  });
  await t.step("bad port or unknown slot: no effect and false", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    const d = ms.MidiRegisterDriver(infos("d"), {});
    const s = ms.MidiAddSlot(d, "s", MidiInputSlot);
    const log = watch(ms, a);
    for (const p of [-1, 256, 1000]) {
      ms.MidiConnectSlot(p, s, true);
      assert.equal(ms.MidiIsSlotConnected(p, s), false, `port ${p}`);
    }
    assert.deepEqual(ms.MidiGetSlotInfos(s)?.cnx, new Uint8Array(32));
    for (const bad of [slot(d, 1), slot(d, 64), slot(a, 0), slot(127, 0)]) {
      ms.MidiConnectSlot(3, bad, true);
      assert.equal(ms.MidiIsSlotConnected(3, bad), false);
    }
    assert.deepEqual(log, []);
  });
  await t.step("any client may map and read", () => {
    const ms = newKernel();
    const other = ms.connectClient({ reportError: rethrow });
    const a = ms.MidiOpen("a");
    const log = watch(ms, a);
    const d = ms.MidiRegisterDriver(infos("d"), {});
    const s = ms.MidiAddSlot(d, "s", MidiInputSlot);
    log.length = 0;
    other.MidiConnectSlot(9, s, true);
    assert.equal(ms.MidiIsSlotConnected(9, s), true);
    assert.equal(other.MidiIsSlotConnected(9, s), true);
    assert.deepEqual(log, [[d, MIDIChgSlotConnect]]);
  });
});

Deno.test("MidiSend() through a driver follows the event flow of §8.3", async (t) => {
  await t.step(
    "output: one copy per connected slot, port = slotRef, refNum = app",
    () => {
      const ms = newKernel();
      const app = ms.MidiOpen("app"), listener = ms.MidiOpen("listener");
      ms.MidiConnect(app, 0, true);
      ms.MidiConnect(0, listener, true);
      const d = connectedDriver(ms, "d");
      const s0 = ms.MidiAddSlot(d, "s0", MidiOutputSlot);
      const s1 = ms.MidiAddSlot(d, "s1", MidiInputSlot); // direction plays no part
      const s2 = ms.MidiAddSlot(d, "s2", MidiOutputSlot);
      ms.MidiConnectSlot(5, s0, true);
      ms.MidiConnectSlot(5, s1, true);
      ms.MidiConnectSlot(7, s1, true);
      ms.MidiConnectSlot(7, s2, true);
      const e = makeEv(ms, typeKeyOn, [60, 100], { port: 5, chan: 3 });
      ms.MidiSendAt(app, e, 4);
      ms.advance(4);
      const got = drain(ms, d).sort((x, y) => x.port - y.port);
      assert.deepEqual(
        got,
        [0, 1].map((port) => ({
          type: typeKeyOn,
          date: 4,
          ref: app,
          port,
          chan: 3,
          fields: [60, 100],
        })),
      );
      ms.MidiSendIm(app, makeEv(ms, typeKeyOn, [], { port: 7 }));
      ms.MidiSendIm(app, makeEv(ms, typeKeyOn, [], { port: 9 }));
      ms.advance(1);
      assert.deepEqual(received(ms, d), [`1/${app}`, `2/${app}`]);
      assert.equal(
        ms.MidiCountEvs(listener),
        0,
        "0 does not echo to its listeners",
      );
    },
  );
  await t.step(
    "output: every driver connected from 127, and only those",
    () => {
      const ms = newKernel();
      const app = ms.MidiOpen("app");
      ms.MidiConnect(app, 0, true);
      const d1 = connectedDriver(ms, "d1");
      const d2 = connectedDriver(ms, "d2");
      const d3 = ms.MidiRegisterDriver(infos("d3"), {}); // not connected
      for (const d of [d1, d2, d3]) {
        ms.MidiConnectSlot(5, ms.MidiAddSlot(d, "s", MidiOutputSlot), true);
      }
      ms.MidiSendIm(app, makeEv(ms, typeKeyOn, [], { port: 5 }));
      ms.advance(1);
      assert.deepEqual(received(ms, d1), [`0/${app}`]);
      assert.deepEqual(received(ms, d2), [`0/${app}`]);
      assert.deepEqual(received(ms, d3), []);
    },
  );
  await t.step(
    "output: an application not connected to 0 reaches no driver",
    () => {
      const ms = newKernel();
      const app = ms.MidiOpen("app");
      const d = connectedDriver(ms, "d");
      ms.MidiConnectSlot(5, ms.MidiAddSlot(d, "s", MidiOutputSlot), true);
      ms.MidiSendIm(app, makeEv(ms, typeKeyOn, [], { port: 5 }));
      ms.advance(1);
      assert.equal(ms.MidiCountEvs(d), 0);
    },
  );
  await t.step(
    "input: each mapped port to every application connected from 0",
    () => {
      const ms = newKernel();
      const l1 = ms.MidiOpen("l1"),
        l2 = ms.MidiOpen("l2"),
        x = ms.MidiOpen("x");
      ms.MidiConnect(0, l1, true);
      ms.MidiConnect(0, l2, true);
      ms.MidiConnect(x, 0, true);
      const d = connectedDriver(ms, "d");
      const out = connectedDriver(ms, "out");
      ms.MidiConnectSlot(10, ms.MidiAddSlot(out, "o", MidiOutputSlot), true);
      for (let i = 0; i < 3; i++) ms.MidiAddSlot(d, `s${i}`, MidiInputSlot);
      const s3 = ms.MidiAddSlot(d, "s3", MidiOutputSlot); // direction plays no part
      ms.MidiConnectSlot(10, s3, true);
      ms.MidiConnectSlot(11, s3, true);
      const e = makeEv(ms, typeKeyOn, [64, 90], { port: 3, chan: 9, date: 2 });
      ms.advance(5);
      ms.MidiSend(d, e);
      ms.advance(1);
      for (const l of [l1, l2]) {
        const got = drain(ms, l).sort((p, q) => p.port - q.port);
        assert.deepEqual(
          got,
          [10, 11].map((port) => ({
            type: typeKeyOn,
            date: 2,
            ref: d,
            port,
            chan: 9,
            fields: [64, 90],
          })),
        );
      }
      assert.equal(ms.MidiCountEvs(x), 0);
      assert.equal(ms.MidiCountEvs(d), 0);
      assert.equal(
        ms.MidiCountEvs(out),
        0,
        "input never goes to output drivers",
      );
    },
  );
  await t.step("input: an unknown or unmapped slot drops the event", () => {
    const ms = newKernel();
    const l = ms.MidiOpen("l");
    ms.MidiConnect(0, l, true);
    const d = connectedDriver(ms, "d");
    const s0 = ms.MidiAddSlot(d, "s0", MidiInputSlot);
    ms.MidiAddSlot(d, "s1", MidiInputSlot); // no port
    ms.MidiConnectSlot(40, s0, true);
    for (const port of [40, 1, 2, 63, 255]) {
      ms.MidiSendIm(d, makeEv(ms, typeKeyOn, [], { port }));
    }
    ms.advance(1);
    assert.deepEqual(received(ms, l), []);
  });
  await t.step(
    "input: a driver not connected to 127 reaches no application",
    () => {
      const ms = newKernel();
      const l = ms.MidiOpen("l");
      ms.MidiConnect(0, l, true);
      const d = ms.MidiRegisterDriver(infos("d"), {});
      ms.MidiConnectSlot(1, ms.MidiAddSlot(d, "s", MidiInputSlot), true);
      ms.MidiSendIm(d, makeEv(ms, typeKeyOn, [], { port: 0 }));
      ms.advance(1);
      assert.equal(ms.MidiCountEvs(l), 0);
    },
  );
  await t.step("input: application filters apply to the mapped port", () => {
    const ms = newKernel();
    const l = ms.MidiOpen("l");
    ms.MidiConnect(0, l, true);
    const f = ms.MidiNewFilter();
    for (let i = 0; i < 256; i++) {
      ms.MidiAcceptPort(f, i, i !== 11);
      ms.MidiAcceptType(f, i, true);
    }
    for (let c = 0; c < 16; c++) ms.MidiAcceptChan(f, c, true);
    ms.MidiSetFilter(l, f);
    const d = connectedDriver(ms, "d");
    const s = ms.MidiAddSlot(d, "s", MidiInputSlot);
    ms.MidiConnectSlot(10, s, true);
    ms.MidiConnectSlot(11, s, true);
    ms.MidiSendIm(d, makeEv(ms, typeKeyOn, [], { port: s.slotRef }));
    ms.advance(1);
    assert.deepEqual(received(ms, l), [`10/${d}`]);
  });
  await t.step("driver to driver: the port is a MidiShare port", () => {
    const ms = newKernel();
    ms.MidiOpen("app");
    const d1 = ms.MidiRegisterDriver(infos("d1"), {});
    const d2 = ms.MidiRegisterDriver(infos("d2"), {});
    ms.MidiConnect(d1, d2, true);
    assert.equal(ms.MidiIsConnected(d1, d2), true);
    const k0 = ms.MidiAddSlot(d2, "k0", MidiOutputSlot);
    const k1 = ms.MidiAddSlot(d2, "k1", MidiOutputSlot);
    const k2 = ms.MidiAddSlot(d2, "k2", MidiOutputSlot);
    ms.MidiConnectSlot(5, k0, true);
    ms.MidiConnectSlot(5, k1, true);
    ms.MidiConnectSlot(6, k2, true);
    ms.MidiAddSlot(d1, "own", MidiInputSlot); // d1's slots play no part
    ms.MidiSendIm(d1, makeEv(ms, typeKeyOn, [], { port: 5 }));
    ms.advance(1);
    assert.deepEqual(received(ms, d2), [`0/${d1}`, `1/${d1}`]);
    ms.MidiSendIm(d1, makeEv(ms, typeKeyOn, [], { port: 6 }));
    ms.MidiSendIm(d1, makeEv(ms, typeKeyOn, [], { port: 0 }));
    ms.advance(1);
    assert.deepEqual(received(ms, d2), [`2/${d1}`]);
  });
  await t.step("the driver's filter applies, on the MidiShare port", () => {
    const ms = newKernel();
    const app = ms.MidiOpen("app");
    ms.MidiConnect(app, 0, true);
    const d = connectedDriver(ms, "d");
    const f = ms.MidiNewFilter();
    for (let i = 0; i < 256; i++) {
      ms.MidiAcceptPort(f, i, i !== 0 && i !== 5);
      ms.MidiAcceptType(f, i, i !== typeKeyOff);
    }
    for (let c = 0; c < 16; c++) ms.MidiAcceptChan(f, c, true);
    ms.MidiSetFilter(d, f);
    const s0 = ms.MidiAddSlot(d, "s0", MidiOutputSlot);
    const s1 = ms.MidiAddSlot(d, "s1", MidiOutputSlot);
    ms.MidiConnectSlot(5, s0, true);
    ms.MidiConnectSlot(6, s0, true);
    ms.MidiConnectSlot(6, s1, true);
    ms.MidiSendIm(app, makeEv(ms, typeKeyOn, [], { port: 5 }));
    ms.MidiSendIm(app, makeEv(ms, typeKeyOff, [], { port: 6 }));
    ms.advance(1);
    assert.deepEqual(received(ms, d), []);
    // Port 0 is rejected, but the filter sees port 6; the copies carry slots 0 and 1.
    ms.MidiSendIm(app, makeEv(ms, typeKeyOn, [], { port: 6 }));
    ms.advance(1);
    assert.deepEqual(received(ms, d), [`0/${app}`, `1/${app}`]);
  });
  await t.step("all 64 slots of a driver are routed", () => {
    const ms = newKernel();
    const app = ms.MidiOpen("app"), l = ms.MidiOpen("l");
    ms.MidiConnect(app, 0, true);
    ms.MidiConnect(0, l, true);
    const d = connectedDriver(ms, "d");
    for (let k = 0; k < 64; k++) {
      const s = ms.MidiAddSlot(d, `s${k}`, MidiInputOutputSlot);
      ms.MidiConnectSlot(1, s, true);
      ms.MidiConnectSlot(100 + k, s, true);
    }
    ms.MidiSendIm(app, makeEv(ms, typeKeyOn, [], { port: 1 }));
    ms.advance(1);
    const ports = drain(ms, d).map((e) => e.port).sort((x, y) => x - y);
    assert.deepEqual(ports, Array.from({ length: 64 }, (_, k) => k));
    for (const k of [0, 31, 32, 63]) {
      ms.MidiSendIm(app, makeEv(ms, typeKeyOn, [], { port: 100 + k }));
      ms.advance(1);
      assert.deepEqual(received(ms, d), [`${k}/${app}`], `slot ${k}`);
    }
    for (let k = 0; k < 64; k++) {
      ms.MidiSendIm(d, makeEv(ms, typeKeyOn, [k], { port: k }));
    }
    ms.advance(1);
    const input = drain(ms, l);
    assert.equal(input.length, 128);
    for (let k = 0; k < 64; k++) {
      const ports = input.filter((e) => e.fields[0] === k).map((e) => e.port);
      assert.deepEqual(ports.sort((x, y) => x - y), [1, 100 + k], `slot ${k}`);
    }
  });
});

Deno.test("MidiClose() of the last application puts drivers to sleep as in §8.4", async (t) => {
  await t.step(
    "connections, FIFO and ready DTasks lost; slots and mappings kept",
    () => {
      const ms = newKernel();
      let sleeps = 0;
      const d = ms.MidiRegisterDriver(infos("d"), { sleep: () => sleeps++ });
      const d2 = ms.MidiRegisterDriver(infos("d2"), {});
      const s0 = ms.MidiAddSlot(d, "s0", MidiOutputSlot);
      const s1 = ms.MidiAddSlot(d, "s1", MidiInputSlot);
      ms.MidiConnectSlot(5, s0, true);
      ms.MidiConnectSlot(8, s1, true);
      const baseline = ms.MidiFreeSpace();
      const app = ms.MidiOpen("app");
      ms.MidiConnect(app, 0, true);
      ms.MidiConnect(127, d, true);
      ms.MidiConnect(d, 127, true);
      ms.MidiConnect(d, d2, true);
      ms.MidiSendIm(app, makeEv(ms, typeKeyOn, [], { port: 5 }));
      ms.MidiDTask(() => {}, 0, d);
      let lateRan = false;
      ms.MidiDTask(() => lateRan = true, 50, d);
      ms.MidiTask(() => lateRan = true, 50, d);
      ms.advance(1);
      assert.equal(ms.MidiCountEvs(d), 1);
      assert.equal(ms.MidiCountDTasks(d), 1);
      const queued = ms.MidiAvailEv(d)!;
      const slotsBefore = [ms.MidiGetSlotInfos(s0), ms.MidiGetSlotInfos(s1)];

      ms.MidiClose(app);
      assert.equal(sleeps, 1);
      assert.equal(ms.MidiCountEvs(d), 0);
      assert.equal(ms.MidiCountDTasks(d), 0);
      assert.throws(() => queued.date, { code: "DEAD" });
      assert.equal(
        ms.MidiFreeSpace(),
        baseline,
        "cells of the FIFO and tasks back",
      );
      assert.equal(ms.server.pendingCount, 0);
      assert.deepEqual(
        [ms.MidiGetSlotInfos(s0), ms.MidiGetSlotInfos(s1)],
        slotsBefore,
      );
      assert.equal(ms.MidiGetDriverInfos(d)?.slots, 2);

      const again = ms.MidiOpen("again");
      assert.equal(ms.MidiIsConnected(127, d), false);
      assert.equal(ms.MidiIsConnected(d, 127), false);
      assert.equal(ms.MidiIsConnected(d, d2), false);
      assert.equal(ms.MidiIsSlotConnected(5, s0), true);
      assert.equal(ms.MidiIsSlotConnected(8, s1), true);
      ms.advance(60);
      assert.equal(lateRan, false);
      assert.equal(ms.MidiCountDTasks(d), 0);
      // The kept mapping routes again once the driver reconnects.
      ms.MidiConnect(again, 0, true);
      ms.MidiConnect(127, d, true);
      ms.MidiSendIm(again, makeEv(ms, typeKeyOn, [], { port: 5 }));
      ms.advance(1);
      assert.deepEqual(received(ms, d), [`0/${again}`]);
    },
  );
  await t.step(
    "a wakeup that reconnects restores the flow at every wake-up",
    () => {
      const ms = newKernel();
      const d = connectedDriver(ms, "d");
      const s = ms.MidiAddSlot(d, "s", MidiOutputSlot);
      ms.MidiConnectSlot(2, s, true);
      for (let round = 0; round < 3; round++) {
        const app = ms.MidiOpen("app");
        ms.MidiConnect(app, 0, true);
        ms.MidiSendIm(app, makeEv(ms, typeKeyOn, [], { port: 2 }));
        ms.advance(1);
        assert.deepEqual(received(ms, d), [`0/${app}`], `round ${round}`);
        ms.MidiClose(app);
      }
    },
  );
});
