// Drivers: adding, listing and removing slots (spec §7.5).

import assert from "node:assert/strict";
import {
  MIDIAddSlot,
  MIDIerrIndex,
  MIDIerrRefNum,
  MIDIerrSpace,
  MidiInputOutputSlot,
  MidiInputSlot,
  MidiOutputSlot,
  MIDIRemoveSlot,
  typeKeyOn,
} from "./mod.ts";
import { makeEv, newKernel, rethrow } from "./_test_util.ts";

import { connectedDriver, infos, slot, watch } from "./_drivers_test_util.ts";

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
