// Drivers: MidiRegisterDriver() and MidiUnregisterDriver() (spec §7.4, §8).

import assert from "node:assert/strict";
import {
  MIDICloseDriver,
  MIDIerrIndex,
  MIDIerrSpace,
  MidiInputOutputSlot,
  MidiInputSlot,
  MIDIOpenDriver,
  MidiOutputSlot,
  type TDriverInfos,
  type TDriverOperation,
  typeKeyOn,
} from "./mod.ts";
import { makeEv, newKernel, rethrow } from "./_test_util.ts";

import { connectedDriver, infos, slot, watch } from "./_drivers_test_util.ts";

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
