// Applications: names and per-application info values (spec §7.3).

import assert from "node:assert/strict";
import { MIDIChgName, MIDIerrIndex } from "./mod.ts";
import { newKernel, rethrow } from "./_test_util.ts";

import { driverInfos, watch } from "./_applications_test_util.ts";

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
