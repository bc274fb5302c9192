/**
 * Contract cases: time, SMPTE conversions, synchronisation and the obsolete port
 * state (spec §5.1, §7.7, §7.11, §7.17). Private to `tests/contract/`.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  kSync24fs,
  kSync25fs,
  kSync30dfs,
  kSync30fs,
  MIDIChangeSync,
  MIDISyncAnyPort,
  MIDISyncExternal,
  MIDISyncInternal,
} from "@midishare/client";
import {
  assertThrows,
  closeAll,
  code,
  type ContractCase,
  openAll,
  watchAlarms,
} from "./_case_kit.ts";

/** [time, format, hours, minutes, seconds, frames, fracs], from the formulas of §7.17. */
const SMPTE_VALUES = [
  [3_723_456, kSync24fs, 1, 2, 3, 10, 94],
  [3_723_456, kSync25fs, 1, 2, 3, 11, 40],
  [3_723_456, kSync30dfs, 1, 2, 3, 14, 8],
  [3_723_456, kSync30fs, 1, 2, 3, 13, 68],
  [60_000, kSync30dfs, 0, 0, 59, 28, 20],
  [600_000, kSync30dfs, 0, 10, 0, 0, 1],
  [86_399_999, kSync25fs, 23, 59, 59, 24, 97],
  [86_399_913, kSync30dfs, 23, 59, 59, 29, 98],
  [1, kSync30fs, 0, 0, 0, 0, 3],
] as const;

/** Cases about time and synchronisation. */
export const timeCases: ContractCase[] = [
  {
    name: "MidiGetTime() moves by one per millisecond of MidiShare time",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const before = await s.ms.MidiGetTime();
      await s.settle(30);
      const after = await s.ms.MidiGetTime();
      assert.ok(after - before >= 30, `from ${before} to ${after}`);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiTime2Smpte() follows the formulas of the spec and MidiSmpte2Time() inverts it below 24 hours",
    async fn(s) {
      for (
        const [t, format, hours, minutes, seconds, frames, fracs]
          of SMPTE_VALUES
      ) {
        const loc = await s.ms.MidiTime2Smpte(t, format);
        assert.deepEqual(
          loc,
          { format, hours, minutes, seconds, frames, fracs },
          `${t} ms in format ${format}`,
        );
        assert.equal(await s.ms.MidiSmpte2Time(loc), t);
      }
      for (const format of [kSync24fs, kSync25fs, kSync30dfs, kSync30fs]) {
        const last = format === kSync30dfs ? 86_399_913 : 86_399_999;
        for (const t of [0, 1, 999, 33_367, 3_599_999, 43_210_987, last]) {
          const loc = await s.ms.MidiTime2Smpte(t, format);
          assert.equal(await s.ms.MidiSmpte2Time(loc), t, `${t} in ${format}`);
        }
      }
      await assertThrows(() => s.ms.MidiTime2Smpte(0, 4), RangeError);
      await assertThrows(() => s.ms.MidiTime2Smpte(0, -1), RangeError);
      await assertThrows(() => s.ms.MidiTime2Smpte("0" as never, 1), TypeError);
      await assertThrows(() => s.ms.MidiSmpte2Time(null as never), TypeError);
    },
  },
  {
    name:
      "MidiSetSyncMode() sets the mode MidiGetSyncInfo() reports, with MIDIChangeSync only on change",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const alarms = await watchAlarms(s.ms, a!);
      const before = await s.ms.MidiGetTime();
      const info = await s.ms.MidiGetSyncInfo();
      assert.equal(info.syncMode, MIDISyncInternal);
      assert.ok(
        info.time >= before - s.clockToleranceMs,
        `sync time ${info.time}, before ${before}`,
      );
      assert.deepEqual(
        [info.reenter, info.syncLocked, info.syncStart, info.syncStop],
        [0, 0, 0, 0],
      );
      assert.deepEqual([info.syncOffset, info.syncBreaks], [0, 0]);
      const mode = MIDISyncExternal | MIDISyncAnyPort;
      await s.ms.MidiSetSyncMode(mode);
      await s.ms.MidiSetSyncMode(mode);
      assert.equal((await s.ms.MidiGetSyncInfo()).syncMode, mode);
      await s.ms.MidiSetSyncMode(MIDISyncExternal | 5);
      assert.equal(
        (await s.ms.MidiGetSyncInfo()).syncMode,
        MIDISyncExternal | 5,
      );
      await s.ms.MidiSetSyncMode(MIDISyncInternal);
      assert.equal((await s.ms.MidiGetSyncInfo()).syncMode, MIDISyncInternal);
      await s.settle(0);
      assert.deepEqual(alarms.map((x) => x.code), [
        code(0, MIDIChangeSync),
        code(0, MIDIChangeSync),
        code(0, MIDIChangeSync),
      ]);
      await assertThrows(() => s.ms.MidiSetSyncMode("0" as never), TypeError);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiGetExtTime() is MidiGetTime() when never locked, and MidiInt2ExtTime() and MidiExt2IntTime() convert with a zero offset",
    async fn(s) {
      const [a] = await openAll(s, "a");
      await s.settle(5);
      const before = await s.ms.MidiGetTime();
      const ext = await s.ms.MidiGetExtTime();
      const after = await s.ms.MidiGetTime();
      const slack = s.clockToleranceMs;
      assert.ok(
        ext >= before - slack && ext <= after + slack,
        `${ext} outside ${before}..${after}`,
      );
      for (const t of [0, 12_345, 2 ** 31 - 1]) {
        assert.equal(await s.ms.MidiInt2ExtTime(t), t);
        assert.equal(await s.ms.MidiExt2IntTime(t), t);
      }
      await assertThrows(() => s.ms.MidiInt2ExtTime("1" as never), TypeError);
      await assertThrows(() => s.ms.MidiExt2IntTime(NaN), TypeError);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiGetPortState() is always true and MidiSetPortState() does nothing",
    async fn(s) {
      for (const port of [0, 5, 255]) {
        await s.ms.MidiSetPortState(port, false);
        assert.equal(await s.ms.MidiGetPortState(port), true);
      }
      await assertThrows(() => s.ms.MidiGetPortState("1" as never), TypeError);
    },
  },
  {
    name: "MidiGetSyncInfo() gives exactly the fields of TSyncInfo, as numbers",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const info = await s.ms.MidiGetSyncInfo();
      assert.deepEqual(Object.keys(info).sort(), [
        "reenter",
        "syncBreaks",
        "syncFormat",
        "syncLocked",
        "syncMode",
        "syncOffset",
        "syncPort",
        "syncSpeed",
        "syncStart",
        "syncStop",
        "time",
      ]);
      assert.ok(Object.values(info).every((v) => Number.isInteger(v)));
      await closeAll(s, a!);
    },
  },
];
