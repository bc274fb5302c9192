/**
 * Contract cases: slots, and routing through them and the 0/127 bridge (spec §7.5,
 * §8). Private to `tests/contract/`.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  MIDIAddSlot,
  MIDIChgSlotConnect,
  MIDIChgSlotName,
  MIDIerrIndex,
  MIDIerrRefNum,
  MIDIerrSpace,
  MidiInputOutputSlot,
  MidiInputSlot,
  MIDIOpenDriver,
  MidiOutputSlot,
  MIDIRemoveSlot,
  type SlotRefNum,
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
  takeAll,
  watchAlarms,
} from "./_case_kit.ts";

/** Whether bit `n` is set in a 32-byte port set. */
function hasBit(cnx: ArrayLike<number>, n: number): boolean {
  return ((cnx[n >> 3]! >> (n & 7)) & 1) === 1;
}

/** Cases about drivers and slots. */
/** Cases about slots. */
export const slotCases: ContractCase[] = [
  {
    name:
      "MidiAddSlot() takes the lowest free slotRef with MIDIAddSlot, and MidiGetIndSlot() lists slots by slotRef",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const alarms = await watchAlarms(s.ms, a!);
      const d = await s.ms.MidiRegisterDriver({ name: "d", version: 1 }, {});
      const slots: SlotRefNum[] = [];
      for (const name of ["s0", "s1", "s2"]) {
        slots.push(await s.ms.MidiAddSlot(d, name, MidiInputOutputSlot));
      }
      assert.deepEqual(slots.map((x) => x.slotRef), [0, 1, 2]);
      assert.ok(slots.every((x) => x.drvRef === d));
      await s.ms.MidiRemoveSlot(slots[1]!);
      assert.deepEqual(await s.ms.MidiGetIndSlot(d, 2), slots[2]);
      const again = await s.ms.MidiAddSlot(d, "again", MidiOutputSlot);
      assert.deepEqual(again, slots[1]);
      const listed = [];
      for (let i = 1; i <= 3; i++) listed.push(await s.ms.MidiGetIndSlot(d, i));
      assert.deepEqual(listed, slots);
      await s.settle(0);
      assert.deepEqual(alarms.map((x) => x.code), [
        code(d, MIDIOpenDriver),
        code(d, MIDIAddSlot),
        code(d, MIDIAddSlot),
        code(d, MIDIAddSlot),
        code(d, MIDIRemoveSlot),
        code(d, MIDIAddSlot),
      ]);
      await s.ms.MidiUnregisterDriver(d);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiAddSlot() returns MIDIerrRefNum for an application and MIDIerrSpace after 64 slots, and throws a RangeError for a bad direction",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const d = await s.ms.MidiRegisterDriver({ name: "d", version: 1 }, {});
      assert.deepEqual(await s.ms.MidiAddSlot(a!, "x", MidiInputSlot), {
        drvRef: a,
        slotRef: MIDIerrRefNum,
      });
      for (let i = 0; i < 64; i++) {
        const slot = await s.ms.MidiAddSlot(d, `s${i}`, MidiInputSlot);
        assert.equal(slot.slotRef, i);
      }
      assert.deepEqual(await s.ms.MidiAddSlot(d, "65th", MidiInputSlot), {
        drvRef: -1,
        slotRef: MIDIerrSpace,
      });
      await assertThrows(() => s.ms.MidiAddSlot(d, "x", 0), RangeError);
      await assertThrows(() => s.ms.MidiAddSlot(d, "x", 4), RangeError);
      await assertThrows(() => s.ms.MidiAddSlot(d, 3 as never, 1), TypeError);
      assert.equal((await s.ms.MidiGetDriverInfos(d))?.slots, 64);
      await s.ms.MidiUnregisterDriver(d);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiGetIndSlot() returns MIDIerrRefNum for a non-driver and MIDIerrIndex for an index out of range",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const d = await s.ms.MidiRegisterDriver({ name: "d", version: 1 }, {});
      await s.ms.MidiAddSlot(d, "only", MidiInputSlot);
      assert.deepEqual(await s.ms.MidiGetIndSlot(a!, 1), {
        drvRef: a,
        slotRef: MIDIerrRefNum,
      });
      for (const index of [0, 2, -1]) {
        assert.deepEqual(await s.ms.MidiGetIndSlot(d, index), {
          drvRef: -1,
          slotRef: MIDIerrIndex,
        });
      }
      await s.ms.MidiUnregisterDriver(d);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiSetSlotName() renames a slot with MIDIChgSlotName, and MidiGetSlotInfos() gives name, direction and ports, null when unknown",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const d = await s.ms.MidiRegisterDriver({ name: "d", version: 1 }, {});
      const slot = await s.ms.MidiAddSlot(d, "in", MidiInputSlot);
      const alarms = await watchAlarms(s.ms, a!);
      await s.ms.MidiSetSlotName(slot, "x".repeat(40));
      await s.ms.MidiSetSlotName({ drvRef: d, slotRef: 9 }, "nothing");
      await s.ms.MidiConnectSlot(9, slot, true);
      await s.ms.MidiConnectSlot(200, slot, true);
      await s.settle(0);
      const infos = await s.ms.MidiGetSlotInfos(slot);
      assert.ok(infos !== null);
      assert.equal(infos.name, "x".repeat(31));
      assert.equal(infos.direction, MidiInputSlot);
      assert.equal(infos.cnx.length, 32);
      const ports = [];
      for (let p = 0; p < 256; p++) if (hasBit(infos.cnx, p)) ports.push(p);
      assert.deepEqual(ports, [9, 200]);
      assert.equal(
        await s.ms.MidiGetSlotInfos({ drvRef: d, slotRef: 9 }),
        null,
      );
      assert.equal(
        await s.ms.MidiGetSlotInfos({ drvRef: a!, slotRef: 0 }),
        null,
      );
      assert.deepEqual(alarms.map((x) => x.code), [
        code(d, MIDIChgSlotName),
        code(d, MIDIChgSlotConnect),
        code(d, MIDIChgSlotConnect),
      ]);
      await assertThrows(() => s.ms.MidiGetSlotInfos(null as never), TypeError);
      await assertThrows(
        () => s.ms.MidiSetSlotName(slot, null as never),
        TypeError,
      );
      await s.ms.MidiUnregisterDriver(d);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiConnectSlot() connects a port and a slot that MidiIsSlotConnected() reports, with MIDIChgSlotConnect only on change",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const d = await s.ms.MidiRegisterDriver({ name: "d", version: 1 }, {});
      const slot = await s.ms.MidiAddSlot(d, "out", MidiOutputSlot);
      const alarms = await watchAlarms(s.ms, a!);
      await s.ms.MidiConnectSlot(5, slot, true);
      await s.ms.MidiConnectSlot(5, slot, true);
      await s.ms.MidiConnectSlot(256, slot, true);
      await s.ms.MidiConnectSlot(-1, slot, true);
      await s.ms.MidiConnectSlot(5, { drvRef: d, slotRef: 3 }, true);
      assert.equal(await s.ms.MidiIsSlotConnected(5, slot), true);
      assert.equal(await s.ms.MidiIsSlotConnected(6, slot), false);
      assert.equal(await s.ms.MidiIsSlotConnected(256, slot), false);
      assert.equal(
        await s.ms.MidiIsSlotConnected(5, { drvRef: d, slotRef: 3 }),
        false,
      );
      await s.ms.MidiConnectSlot(5, slot, false);
      await s.ms.MidiConnectSlot(5, slot, false);
      assert.equal(await s.ms.MidiIsSlotConnected(5, slot), false);
      await s.settle(0);
      assert.deepEqual(alarms.map((x) => x.code), [
        code(d, MIDIChgSlotConnect),
        code(d, MIDIChgSlotConnect),
      ]);
      await assertThrows(
        () => s.ms.MidiConnectSlot(5, 7 as never, true),
        TypeError,
      );
      await assertThrows(
        () => s.ms.MidiIsSlotConnected("5" as never, slot),
        TypeError,
      );
      await s.ms.MidiUnregisterDriver(d);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiRemoveSlot() disconnects the slot silently and frees it, with MIDIRemoveSlot; an unknown slot does nothing",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const d = await s.ms.MidiRegisterDriver({ name: "d", version: 1 }, {});
      const slot = await s.ms.MidiAddSlot(d, "gone", MidiInputOutputSlot);
      await s.ms.MidiConnectSlot(3, slot, true);
      const alarms = await watchAlarms(s.ms, a!);
      await s.ms.MidiRemoveSlot(slot);
      await s.ms.MidiRemoveSlot(slot);
      await s.ms.MidiRemoveSlot({ drvRef: a!, slotRef: 0 });
      assert.equal(await s.ms.MidiIsSlotConnected(3, slot), false);
      assert.equal(await s.ms.MidiGetSlotInfos(slot), null);
      assert.equal((await s.ms.MidiGetDriverInfos(d))?.slots, 0);
      await s.settle(0);
      assert.deepEqual(alarms.map((x) => x.code), [code(d, MIDIRemoveSlot)]);
      await assertThrows(
        () => s.ms.MidiRemoveSlot(undefined as never),
        TypeError,
      );
      await s.ms.MidiUnregisterDriver(d);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiConnectSlot() routes an application's events on port p to every slot of p, with port = slotRef, and a driver's input back on p",
    async fn(s) {
      const [a, b] = await openAll(s, "a", "b");
      const d = await connectedDriver(s, "bridge");
      const s0 = await s.ms.MidiAddSlot(d, "s0", MidiInputOutputSlot);
      const s1 = await s.ms.MidiAddSlot(d, "s1", MidiInputOutputSlot);
      await s.ms.MidiConnectSlot(7, s1, true);
      await s.ms.MidiConnectSlot(8, s0, true);
      await s.ms.MidiConnectSlot(8, s1, true);
      await s.ms.MidiConnect(a!, 0, true);
      await s.ms.MidiConnect(0, b!, true);
      // Applications and drivers live in separate folders.
      await s.ms.MidiConnect(a!, d, true);
      assert.equal(await s.ms.MidiIsConnected(a!, d), false);
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      for (const port of [7, 8, 9]) {
        await s.ms.MidiSendAt(
          a!,
          await newEvent(s.ms, typeKeyOn, [port, 1], { port }),
          date,
        );
      }
      await s.settle(LEAD_MS + 1);
      const output = await takeAll(s.ms, d);
      assert.deepEqual(
        output.map((e) => [e.fields[0], e.port, e.refNum, e.date]).sort(),
        [[7, 1, a, date], [8, 0, a, date], [8, 1, a, date]].sort(),
      );
      // Events reaching 0 are not echoed to applications connected from 0.
      assert.equal(await s.ms.MidiCountEvs(b!), 0);
      const input = await newEvent(s.ms, typeKeyOn, [60, 100], { port: 1 });
      await s.ms.MidiSendAt(d, input, date + 5);
      await settlePast(s, date + 5);
      const heard = await takeAll(s.ms, b!);
      assert.deepEqual(
        heard.map((e) => [e.port, e.refNum, e.date, e.fields]).sort(),
        [[7, d, date + 5, [60, 100]], [8, d, date + 5, [60, 100]]],
      );
      await s.ms.MidiUnregisterDriver(d);
      await closeAll(s, a!, b!);
    },
  },
  {
    name:
      "MidiConnect() between two drivers delivers one copy per slot of the destination connected to the event's port, and 127 drops a slot that does not exist",
    async fn(s) {
      const [b] = await openAll(s, "b");
      const d1 = await connectedDriver(s, "one");
      const d2 = await s.ms.MidiRegisterDriver({ name: "two", version: 1 }, {});
      const s0 = await s.ms.MidiAddSlot(d2, "s0", MidiInputOutputSlot);
      const s1 = await s.ms.MidiAddSlot(d2, "s1", MidiInputOutputSlot);
      await s.ms.MidiConnectSlot(4, s0, true);
      await s.ms.MidiConnectSlot(4, s1, true);
      await s.ms.MidiConnectSlot(5, s1, true);
      await s.ms.MidiConnect(d1, d2, true);
      await s.ms.MidiConnect(0, b!, true);
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      for (const port of [4, 5, 6]) {
        await s.ms.MidiSendAt(
          d1,
          await newEvent(s.ms, typeKeyOn, [port, 1], { port }),
          date,
        );
      }
      await s.settle(LEAD_MS + 1);
      const got = await takeAll(s.ms, d2);
      assert.deepEqual(
        got.map((e) => [e.fields[0], e.port, e.refNum]).sort(),
        [[4, 0, d1], [4, 1, d1], [5, 1, d1]],
      );
      // d1 has no slot at all: what it sends to 127 reaches no port.
      assert.equal(await s.ms.MidiCountEvs(b!), 0);
      await s.ms.MidiUnregisterDriver(d1);
      await s.ms.MidiUnregisterDriver(d2);
      await closeAll(s, b!);
    },
  },
];
