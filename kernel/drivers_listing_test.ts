// Drivers: counting, listing and describing the drivers (spec §7.4).

import assert from "node:assert/strict";
import { MIDIerrIndex, MidiInputSlot, MidiOutputSlot } from "./mod.ts";
import { newKernel } from "./_test_util.ts";

import { infos } from "./_drivers_test_util.ts";

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
