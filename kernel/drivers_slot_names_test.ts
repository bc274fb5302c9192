// Drivers: slot names, slot infos and port-to-slot connections (spec §7.5).

import assert from "node:assert/strict";
import {
  MIDIChgSlotConnect,
  MIDIChgSlotName,
  MidiInputOutputSlot,
  MidiInputSlot,
} from "./mod.ts";
import { newKernel, rethrow } from "./_test_util.ts";

import { infos, slot, watch } from "./_drivers_test_util.ts";

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
