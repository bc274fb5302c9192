// Applications: the version, and counting, listing and finding applications
// (spec §7.1, §7.2).

import assert from "node:assert/strict";
import { MIDIerrIndex, MidiShareDriverRef } from "./mod.ts";
import { newKernel } from "./_test_util.ts";

import { driverInfos } from "./_applications_test_util.ts";

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
