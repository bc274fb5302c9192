/**
 * Contract cases: drivers and slots, and routing through the 0/127 bridge (spec §7.4,
 * §7.5, §8). Private to `tests/contract/`.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  MIDIChgConnect,
  MIDIChgName,
  MIDICloseDriver,
  MIDIerrIndex,
  MidiInputOutputSlot,
  MidiInputSlot,
  MIDIOpenAppl,
  MIDIOpenDriver,
  MidiOutputSlot,
  typeKeyOn,
} from "@midishare/client";
import {
  assertThrows,
  closeAll,
  code,
  connectedDriver,
  type ContractCase,
  LEAD_MS,
  newEvent,
  openAll,
  settlePast,
  watchAlarms,
} from "./_case_kit.ts";

/** Cases about drivers and slots. */
export const driverCases: ContractCase[] = [
  {
    name:
      "MidiRegisterDriver() takes the highest free refnum and, while awake, runs wakeup before it resolves, then MIDIOpenDriver",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const alarms = await watchAlarms(s.ms, a!);
      const log: string[] = [];
      const d1 = await connectedDriver(s, "one", log);
      assert.equal(d1, 126);
      assert.deepEqual(log, ["wakeup 126"]);
      const d2 = await connectedDriver(s, "two", log);
      assert.equal(d2, 125);
      await s.ms.MidiUnregisterDriver(d2);
      assert.deepEqual(log, ["wakeup 126", "wakeup 125", "sleep 125"]);
      const d3 = await connectedDriver(s, "three", log);
      assert.equal(d3, 125);
      await s.settle(0);
      assert.equal(await s.ms.MidiIsConnected(d1, 127), true);
      assert.equal(await s.ms.MidiIsConnected(127, d1), true);
      assert.deepEqual(alarms.map((x) => x.code), [
        code(126, MIDIOpenDriver),
        code(126, MIDIChgConnect),
        code(127, MIDIChgConnect),
        code(125, MIDIOpenDriver),
        code(125, MIDIChgConnect),
        code(127, MIDIChgConnect),
        code(125, MIDICloseDriver),
        code(125, MIDIOpenDriver),
        code(125, MIDIChgConnect),
        code(127, MIDIChgConnect),
      ]);
      await s.ms.MidiUnregisterDriver(d1);
      await s.ms.MidiUnregisterDriver(d3);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiRegisterDriver() throws a TypeError for infos or operations of the wrong shape",
    async fn(s) {
      await assertThrows(
        () => s.ms.MidiRegisterDriver(null as never, {}),
        TypeError,
      );
      await assertThrows(
        () => s.ms.MidiRegisterDriver({ name: 1, version: 1 } as never, {}),
        TypeError,
      );
      await assertThrows(
        () => s.ms.MidiRegisterDriver({ name: "d", version: 1 }, null as never),
        TypeError,
      );
      await assertThrows(
        () =>
          s.ms.MidiRegisterDriver({ name: "d", version: 1 }, {
            wakeup: 5,
          } as never),
        TypeError,
      );
      assert.equal(await s.ms.MidiCountDrivers(), 0);
    },
  },
  {
    name:
      "MidiRegisterDriver() while dormant is silent; wakeup comes at each wake-up and sleep at each sleep, slots kept",
    async fn(s) {
      const log: string[] = [];
      const d = await connectedDriver(s, "sleepy", log);
      assert.equal(d, 126);
      assert.deepEqual(log, []);
      assert.equal(await s.ms.MidiCountDrivers(), 1);
      const slot = await s.ms.MidiAddSlot(d, "port", MidiInputOutputSlot);
      assert.deepEqual(slot, { drvRef: d, slotRef: 0 });
      await s.ms.MidiConnectSlot(3, slot, true);
      const [a] = await openAll(s, "a");
      await s.settle(0);
      assert.deepEqual(log, [`wakeup ${d}`]);
      assert.equal(await s.ms.MidiCountDrivers(), 2);
      assert.equal(await s.ms.MidiIsConnected(d, 127), true);
      await s.ms.MidiClose(a!);
      await s.settle(0);
      assert.deepEqual(log, [`wakeup ${d}`, `sleep ${d}`]);
      assert.equal(await s.ms.MidiCountDrivers(), 1);
      const [b] = await openAll(s, "b");
      await s.settle(0);
      assert.deepEqual(log, [`wakeup ${d}`, `sleep ${d}`, `wakeup ${d}`]);
      // The driver lost its connections at the sleep and made them again.
      assert.equal(await s.ms.MidiIsConnected(127, d), true);
      assert.deepEqual(await s.ms.MidiGetIndSlot(d, 1), slot);
      assert.equal(await s.ms.MidiIsSlotConnected(3, slot), true);
      await s.ms.MidiUnregisterDriver(d);
      assert.deepEqual(log.at(-1), `sleep ${d}`);
      await closeAll(s, b!);
    },
  },
  {
    name:
      "MidiUnregisterDriver() ignores applications, refnum 127 and free refnums",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const d = await connectedDriver(s, "d");
      for (const ref of [a!, 127, 0, 50, -3]) {
        await s.ms.MidiUnregisterDriver(ref);
      }
      await s.settle(0);
      assert.equal(await s.ms.MidiCountDrivers(), 2);
      assert.equal(await s.ms.MidiCountAppls(), 2);
      await assertThrows(
        () => s.ms.MidiUnregisterDriver("d" as never),
        TypeError,
      );
      await s.ms.MidiUnregisterDriver(d);
      await s.settle(0);
      assert.equal(await s.ms.MidiCountDrivers(), 1);
      assert.equal(await s.ms.MidiGetName(d), null);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiGetIndDriver() lists 127 first, then drivers in descending refnum order, and MIDIerrIndex outside 1..MidiCountDrivers()",
    async fn(s) {
      const [a] = await openAll(s, "a");
      assert.equal(await s.ms.MidiCountDrivers(), 1);
      const d1 = await connectedDriver(s, "one");
      const d2 = await connectedDriver(s, "two");
      assert.equal(await s.ms.MidiCountDrivers(), 3);
      assert.equal(await s.ms.MidiCountAppls(), 2);
      const listed = [];
      for (let i = 1; i <= 3; i++) listed.push(await s.ms.MidiGetIndDriver(i));
      assert.deepEqual(listed, [127, d1, d2]);
      for (const index of [0, 4, -1]) {
        assert.equal(await s.ms.MidiGetIndDriver(index), MIDIerrIndex);
      }
      // Drivers are never applications.
      assert.equal(await s.ms.MidiGetIndAppl(3), MIDIerrIndex);
      assert.equal(await s.ms.MidiGetNamedAppl("two"), d2);
      await s.ms.MidiUnregisterDriver(d1);
      await s.ms.MidiUnregisterDriver(d2);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiGetDriverInfos() gives name, version and slot count, MidiShare's for 127, and null for an application",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const d = await s.ms.MidiRegisterDriver(
        { name: "infos", version: 0x1234, slots: 99 },
        {},
      );
      await s.ms.MidiAddSlot(d, "one", MidiInputSlot);
      await s.ms.MidiAddSlot(d, "two", MidiOutputSlot);
      assert.deepEqual(await s.ms.MidiGetDriverInfos(d), {
        name: "infos",
        version: 0x1234,
        slots: 2,
      });
      assert.deepEqual(await s.ms.MidiGetDriverInfos(127), {
        name: "MidiShare",
        version: 195,
        slots: 0,
      });
      assert.equal(await s.ms.MidiGetDriverInfos(a!), null);
      assert.equal(await s.ms.MidiGetDriverInfos(0), null);
      assert.equal(await s.ms.MidiGetDriverInfos(60), null);
      await s.ms.MidiUnregisterDriver(d);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiOpen() wakes registered drivers in descending refnum order, the last MidiClose() puts them to sleep, and a driver unregistered while dormant gets no sleep",
    async fn(s) {
      const log: string[] = [];
      const d1 = await connectedDriver(s, "one", log);
      const d2 = await connectedDriver(s, "two", log);
      const [a] = await openAll(s, "a");
      await s.settle(0);
      assert.deepEqual(log, [`wakeup ${d1}`, `wakeup ${d2}`]);
      await s.ms.MidiClose(a!);
      await s.settle(0);
      assert.deepEqual(log.slice(2), [`sleep ${d1}`, `sleep ${d2}`]);
      await s.ms.MidiUnregisterDriver(d1);
      await s.ms.MidiUnregisterDriver(d2);
      await s.settle(0);
      assert.equal(log.length, 4);
      assert.equal(await s.ms.MidiCountDrivers(), 0);
    },
  },
  {
    name:
      "MidiSetName() renames a driver with MIDIChgName, and MidiGetName() gives a driver's name",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const d = await s.ms.MidiRegisterDriver({ name: "old", version: 1 }, {});
      const alarms = await watchAlarms(s.ms, a!);
      assert.equal(await s.ms.MidiGetName(d), "old");
      await s.ms.MidiSetName(d, "new");
      assert.equal(await s.ms.MidiGetName(d), "new");
      await s.ms.MidiSetName(127, "not MidiShare");
      assert.equal(await s.ms.MidiGetName(127), "MidiShare");
      await s.settle(0);
      assert.deepEqual(alarms.map((x) => x.code), [code(d, MIDIChgName)]);
      await s.ms.MidiUnregisterDriver(d);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiUnregisterDriver() removes the slots without slot alarms, then sends MIDICloseDriver; names of drivers and slots keep 31 characters",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const d = await s.ms.MidiRegisterDriver({
        name: "d".repeat(40),
        version: 1,
      }, {});
      assert.equal(await s.ms.MidiGetName(d), "d".repeat(31));
      const slot = await s.ms.MidiAddSlot(d, "s".repeat(40), MidiInputSlot);
      assert.equal((await s.ms.MidiGetSlotInfos(slot))?.name, "s".repeat(31));
      await s.ms.MidiConnectSlot(1, slot, true);
      const alarms = await watchAlarms(s.ms, a!);
      await s.ms.MidiUnregisterDriver(d);
      await s.settle(0);
      assert.deepEqual(alarms.map((x) => x.code), [code(d, MIDICloseDriver)]);
      assert.equal(await s.ms.MidiGetSlotInfos(slot), null);
      assert.equal(await s.ms.MidiGetDriverInfos(d), null);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiClose() of the last application empties each driver's FIFO and DTask list, discards its tasks and breaks its connections, keeping its slots",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const d = await s.ms.MidiRegisterDriver({ name: "d", version: 1 }, {});
      const slot = await s.ms.MidiAddSlot(d, "s", MidiInputOutputSlot);
      await s.ms.MidiConnectSlot(0, slot, true);
      await s.ms.MidiConnect(127, d, true);
      await s.ms.MidiConnect(a!, 0, true);
      const runs: string[] = [];
      const now = await s.ms.MidiGetTime();
      await s.ms.MidiSendAt(a!, await newEvent(s.ms, typeKeyOn), now + LEAD_MS);
      await s.ms.MidiDTask(() => runs.push("dtask"), now + LEAD_MS, d);
      const taskDate = now + 2 * LEAD_MS;
      await s.ms.MidiTask(() => runs.push("task"), taskDate, d);
      await s.settle(LEAD_MS + 1);
      assert.equal(await s.ms.MidiCountEvs(d), 1);
      assert.equal(await s.ms.MidiCountDTasks(d), 1);
      await s.ms.MidiClose(a!);
      await s.settle(0);
      assert.equal(await s.ms.MidiCountEvs(d), 0);
      assert.equal(await s.ms.MidiCountDTasks(d), 0);
      const [b] = await openAll(s, "b");
      await settlePast(s, taskDate);
      assert.deepEqual(runs, []);
      assert.equal(await s.ms.MidiIsConnected(127, d), false);
      assert.equal(await s.ms.MidiIsSlotConnected(0, slot), true);
      await s.ms.MidiUnregisterDriver(d);
      await closeAll(s, b!);
    },
  },
  {
    name: "MidiSetApplAlarm() on a driver hears the changes of applications",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const d = await s.ms.MidiRegisterDriver({ name: "d", version: 1 }, {});
      const alarms = await watchAlarms(s.ms, d);
      assert.equal(typeof await s.ms.MidiGetApplAlarm(d), "function");
      const [b] = await openAll(s, "b");
      await s.ms.MidiSetName(a!, "renamed");
      await s.settle(0);
      assert.deepEqual(alarms, [
        { ref: d, code: code(b!, MIDIOpenAppl) },
        { ref: d, code: code(a!, MIDIChgName) },
      ]);
      await s.ms.MidiUnregisterDriver(d);
      await closeAll(s, a!, b!);
    },
  },
];
