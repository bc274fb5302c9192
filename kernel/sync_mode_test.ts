// Synchronisation: the sync mode, the sync info and the external time of a
// MidiShare that never locked (spec §7.17).

import assert from "node:assert/strict";
import {
  createLocalKernel,
  MIDIChangeSync,
  MIDISyncAnyPort,
  MIDISyncExternal,
  MIDISyncInternal,
} from "./mod.ts";
import { newKernel, rethrow } from "./_test_util.ts";

Deno.test("MidiSetSyncMode() sets the global sync mode", async (t) => {
  await t.step("reserved bits 8..13 are cleared", () => {
    const ms = newKernel();
    ms.MidiOpen("a");
    ms.MidiSetSyncMode(0xffff);
    assert.equal(ms.MidiGetSyncInfo().syncMode, 0xc0ff);
    ms.MidiSetSyncMode(0x3f00);
    assert.equal(ms.MidiGetSyncInfo().syncMode, 0);
    ms.MidiSetSyncMode(MIDISyncExternal | 0x0100 | 7);
    assert.equal(ms.MidiGetSyncInfo().syncMode, MIDISyncExternal | 7);
  });
  await t.step("MIDIChangeSync with R = 0 only when the mode changes", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    const other = ms.connectClient({ reportError: rethrow });
    const o = other.MidiOpen("o");
    const codes: number[] = [], otherCodes: number[] = [];
    ms.MidiSetApplAlarm(a, (_r, code) => codes.push(code));
    other.MidiSetApplAlarm(o, (_r, code) => otherCodes.push(code));
    ms.MidiSetSyncMode(MIDISyncExternal);
    ms.MidiSetSyncMode(MIDISyncExternal); // same
    ms.MidiSetSyncMode(MIDISyncExternal | 0x2000); // same once reserved bits go
    ms.MidiSetSyncMode(MIDISyncExternal | MIDISyncAnyPort);
    ms.MidiSetSyncMode(MIDISyncInternal);
    ms.MidiSetSyncMode(0);
    const expected = [MIDIChangeSync, MIDIChangeSync, MIDIChangeSync];
    assert.deepEqual(codes, expected, "(0 << 16) | MIDIChangeSync");
    assert.deepEqual(otherCodes, expected);
  });
  await t.step("the mode is global: every client reads it", () => {
    const ms = newKernel();
    ms.MidiOpen("a");
    const other = ms.connectClient();
    ms.MidiSetSyncMode(MIDISyncAnyPort | 3);
    assert.equal(other.MidiGetSyncInfo().syncMode, MIDISyncAnyPort | 3);
  });
});

Deno.test("MidiGetSyncInfo() reports a MidiShare that never locked", async (t) => {
  await t.step("internal mode", () => {
    const ms = newKernel();
    ms.MidiOpen("a");
    ms.advance(123);
    const info = ms.MidiGetSyncInfo();
    assert.equal(info.time, ms.MidiGetTime());
    assert.equal(info.time, 123);
    assert.equal(info.reenter, 0);
    assert.equal(info.syncMode, 0);
    assert.equal(info.syncLocked, 0);
    assert.equal(info.syncStart, 0);
    assert.equal(info.syncStop, 0);
    assert.equal(info.syncOffset, 0);
    assert.equal(info.syncBreaks, 0);
    assert.equal(info.syncFormat, 0);
  });
  await t.step("external mode without any time code stays unlocked", () => {
    const ms = newKernel();
    ms.MidiOpen("a");
    ms.MidiSetSyncMode(MIDISyncExternal | MIDISyncAnyPort);
    ms.advance(1000);
    const info = ms.MidiGetSyncInfo();
    assert.equal(info.time, 1000);
    assert.equal(info.syncLocked, 0);
    assert.equal(info.syncStart, 0);
    assert.equal(info.syncStop, 0);
    assert.equal(info.syncOffset, 0);
    assert.equal(info.syncBreaks, 0);
  });
});

Deno.test("MidiGetExtTime() equals MidiGetTime() when never locked", async (t) => {
  await t.step("at several times", () => {
    const ms = newKernel();
    ms.MidiOpen("a");
    for (const step of [0, 1, 10, 500]) {
      ms.advance(step);
      assert.equal(ms.MidiGetExtTime(), ms.MidiGetTime());
    }
    ms.MidiSetSyncMode(MIDISyncExternal);
    ms.advance(7);
    assert.equal(ms.MidiGetExtTime(), ms.MidiGetTime());
  });
  await t.step("across the 2^32 wrap", () => {
    const ms = createLocalKernel({ wakeTime: 2 ** 32 - 3 });
    ms.MidiOpen("a");
    ms.advance(5);
    assert.equal(ms.MidiGetTime(), 2);
    assert.equal(ms.MidiGetExtTime(), 2);
  });
});

Deno.test("MidiInt2ExtTime() and MidiExt2IntTime() are the identity mod 2^32 when never locked", async (t) => {
  await t.step("unsigned results", () => {
    const ms = newKernel();
    ms.MidiOpen("a");
    const cases: [number, number][] = [
      [0, 0],
      [1, 1],
      [123456, 123456],
      [2 ** 31, 2 ** 31],
      [2 ** 32 - 1, 2 ** 32 - 1],
      [-1, 2 ** 32 - 1],
      [2 ** 32 + 5, 5],
    ];
    for (const [t, expected] of cases) {
      assert.equal(ms.MidiInt2ExtTime(t), expected, `Int2Ext(${t})`);
      assert.equal(ms.MidiExt2IntTime(t), expected, `Ext2Int(${t})`);
    }
  });
  await t.step("a non-number is a TypeError", () => {
    const ms = newKernel();
    assert.throws(
      () => ms.MidiInt2ExtTime("1" as unknown as number),
      TypeError,
    );
    assert.throws(() => ms.MidiExt2IntTime(NaN), TypeError);
  });
});
