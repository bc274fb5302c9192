// Synchronisation and SMPTE: spec §7.17. Expected SMPTE values are worked out by hand
// from the formulas of §7.17 (the working is in the comments), not from the code.

import assert from "node:assert/strict";
import {
  createLocalKernel,
  kSync24fs,
  kSync25fs,
  kSync30dfs,
  kSync30fs,
  MIDIChangeSync,
  MIDISyncAnyPort,
  MIDISyncExternal,
  MIDISyncInternal,
  type TSmpteLocation,
} from "./mod.ts";
import { newKernel, Random, rethrow, testSeed } from "./_test_util.ts";

/** A location from "hh:mm:ss:ff.cc". */
function loc(format: number, text: string): TSmpteLocation {
  const [hours, minutes, seconds, frames, fracs] = text.split(/[:.]/).map(
    Number,
  );
  return {
    format,
    hours: hours!,
    minutes: minutes!,
    seconds: seconds!,
    frames: frames!,
    fracs: fracs!,
  };
}

const DAY_MS = 86_400_000;
const FORMATS = [kSync24fs, kSync25fs, kSync30dfs, kSync30fs];

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

Deno.test("MidiTime2Smpte() gives the known locations of §7.17", async (t) => {
  const ms = newKernel();
  await t.step("3 723 456 ms in each format", () => {
    // 25 fps: F = 9 308 640, N = 93 086, fracs 40, frames 11, S = 3723.
    assert.deepEqual(
      ms.MidiTime2Smpte(3_723_456, kSync25fs),
      loc(1, "01:02:03:11.40"),
    );
    // 24 fps: F = 8 936 294, N = 89 362, fracs 94, frames 89 362 - 89 352 = 10.
    assert.deepEqual(
      ms.MidiTime2Smpte(3_723_456, kSync24fs),
      loc(0, "01:02:03:10.94"),
    );
    // 30 fps: F = 11 170 368, N = 111 703, fracs 68, frames 111 703 - 111 690 = 13.
    assert.deepEqual(
      ms.MidiTime2Smpte(3_723_456, kSync30fs),
      loc(3, "01:02:03:13.68"),
    );
    // 30 df: F = 11 159 208, N = 111 592, fracs 8; D = 6, M = 3700;
    // L = 111 592 + 108 + 2 * 2 = 111 704, frames 14, S = 3723.
    assert.deepEqual(
      ms.MidiTime2Smpte(3_723_456, kSync30dfs),
      loc(2, "01:02:03:14.08"),
    );
  });
  await t.step("fractions of a frame", () => {
    assert.deepEqual(ms.MidiTime2Smpte(0, kSync25fs), loc(1, "00:00:00:00.00"));
    // 25 fps: 1 ms = 2.5 hundredths; 39 ms = 97.5; 40 ms = one frame.
    assert.deepEqual(ms.MidiTime2Smpte(1, kSync25fs), loc(1, "00:00:00:00.02"));
    assert.deepEqual(
      ms.MidiTime2Smpte(39, kSync25fs),
      loc(1, "00:00:00:00.97"),
    );
    assert.deepEqual(
      ms.MidiTime2Smpte(40, kSync25fs),
      loc(1, "00:00:00:01.00"),
    );
    // 24 fps: 1000 ms = 24 frames exactly; 999 ms: F = 2397, frame 23.97.
    assert.deepEqual(
      ms.MidiTime2Smpte(1000, kSync24fs),
      loc(0, "00:00:01:00.00"),
    );
    assert.deepEqual(
      ms.MidiTime2Smpte(999, kSync24fs),
      loc(0, "00:00:00:23.97"),
    );
    // 30 fps: 100 ms = 3 frames.
    assert.deepEqual(
      ms.MidiTime2Smpte(100, kSync30fs),
      loc(3, "00:00:00:03.00"),
    );
  });
  await t.step("hours wrap at 24", () => {
    assert.deepEqual(
      ms.MidiTime2Smpte(DAY_MS + 1000, kSync25fs),
      loc(1, "00:00:01:00.00"),
    );
    assert.deepEqual(
      ms.MidiTime2Smpte(DAY_MS - 40, kSync25fs),
      loc(1, "23:59:59:24.00"),
    );
  });
  await t.step(
    "30 drop frame: frames 0 and 1 skipped at each minute but every tenth",
    () => {
      // 60 000 ms: F = 179 820, N = 1798, fracs 20; L = 1798: 00:00:59:28.20.
      assert.deepEqual(
        ms.MidiTime2Smpte(60_000, kSync30dfs),
        loc(2, "00:00:59:28.20"),
      );
      // 60 027 ms: F = 179 901, N = 1799, L = 1799: 00:00:59:29.01.
      assert.deepEqual(
        ms.MidiTime2Smpte(60_027, kSync30dfs),
        loc(2, "00:00:59:29.01"),
      );
      // 60 060 ms: F = 180 000 exactly, N = 1800, M = 1800, L = 1802: 00:01:00:02.
      assert.deepEqual(
        ms.MidiTime2Smpte(60_060, kSync30dfs),
        loc(2, "00:01:00:02.00"),
      );
      // 120 053 ms: F = 359 799, N = 3597, L = 3597 + 2 = 3599: 00:01:59:29.99.
      assert.deepEqual(
        ms.MidiTime2Smpte(120_053, kSync30dfs),
        loc(2, "00:01:59:29.99"),
      );
      // 120 054 ms: F = 359 802, N = 3598, L = 3598 + 2 * 2 = 3602: 00:02:00:02.02.
      assert.deepEqual(
        ms.MidiTime2Smpte(120_054, kSync30dfs),
        loc(2, "00:02:00:02.02"),
      );
      // 599 999 ms: F = 1 798 198, N = 17 981, L = 17 981 + 2 * 9 = 17 999: 00:09:59:29.98.
      assert.deepEqual(
        ms.MidiTime2Smpte(599_999, kSync30dfs),
        loc(2, "00:09:59:29.98"),
      );
      // 600 000 ms: F = 1 798 201, N = 17 982, D = 1, M = 0, L = 18 000: 00:10:00:00.01,
      // the tenth minute keeps frames 0 and 1.
      assert.deepEqual(
        ms.MidiTime2Smpte(600_000, kSync30dfs),
        loc(2, "00:10:00:00.01"),
      );
      // 660 059 ms: F = 1 978 198, N = 19 781, M = 1799, L = 19 781 + 18: 00:10:59:29.98.
      assert.deepEqual(
        ms.MidiTime2Smpte(660_059, kSync30dfs),
        loc(2, "00:10:59:29.98"),
      );
      // 660 060 ms: F = 1 978 201, N = 19 782, M = 1800, L = 19 782 + 18 + 2: 00:11:00:02.01.
      assert.deepEqual(
        ms.MidiTime2Smpte(660_060, kSync30dfs),
        loc(2, "00:11:00:02.01"),
      );
    },
  );
  await t.step(
    "30 drop frame never shows frames 0 or 1 at a minute not divisible by 10",
    () => {
      for (let t = 0; t < 3_700_000; t += 7) {
        const l = ms.MidiTime2Smpte(t, kSync30dfs);
        if (l.seconds === 0 && l.minutes % 10 !== 0) {
          assert.ok(l.frames >= 2, `${t} ms gives ${JSON.stringify(l)}`);
        }
      }
    },
  );
  await t.step("a format outside 0..3 is a RangeError", () => {
    for (const format of [4, -1, 100, 5.5]) {
      assert.throws(() => ms.MidiTime2Smpte(0, format), RangeError);
    }
  });
  await t.step("a non-number is a TypeError", () => {
    assert.throws(
      () => ms.MidiTime2Smpte("0" as unknown as number, 0),
      TypeError,
    );
    assert.throws(() => ms.MidiTime2Smpte(0, NaN), TypeError);
  });
});

Deno.test("MidiSmpte2Time() inverts the formulas of §7.17", async (t) => {
  const ms = newKernel();
  await t.step("known locations", () => {
    // 25 fps: N = 93 086, t = ceil(9 308 640 * 10 / 25) = 3 723 456.
    assert.equal(ms.MidiSmpte2Time(loc(1, "01:02:03:11.40")), 3_723_456);
    // 24 fps: N = 89 362, t = ceil(8 936 294 / 2.4) = ceil(3 723 455.83).
    assert.equal(ms.MidiSmpte2Time(loc(0, "01:02:03:10.94")), 3_723_456);
    // 30 fps: one frame is 33.3 ms: 00:00:00:01.00 → ceil(33.33) = 34.
    assert.equal(ms.MidiSmpte2Time(loc(3, "00:00:00:01.00")), 34);
    assert.equal(ms.MidiSmpte2Time(loc(3, "00:00:01:00.00")), 1000);
    // 30 df: TM = 1, N = 1800 + 2 - 2 = 1800, t = ceil(180 000 * 1001 / 3000) = 60 060.
    assert.equal(ms.MidiSmpte2Time(loc(2, "00:01:00:02.00")), 60_060);
    // 30 df: TM = 10, N = 18 000 - 18 = 17 982, t = ceil(599 999.4) = 600 000.
    assert.equal(ms.MidiSmpte2Time(loc(2, "00:10:00:00.00")), 600_000);
    // 30 df: TM = 62, N = 108 000 + 3600 + 90 + 14 - 2 * 56 = 111 592,
    // t = ceil((11 159 200 + 8) * 1001 / 3000) = ceil(3 723 455.4) = 3 723 456.
    assert.equal(ms.MidiSmpte2Time(loc(2, "01:02:03:14.08")), 3_723_456);
  });
  await t.step("a format outside 0..3 is a RangeError", () => {
    for (const format of [4, -1, 100]) {
      assert.throws(
        () => ms.MidiSmpte2Time({ ...loc(0, "00:00:00:00.00"), format }),
        RangeError,
      );
    }
  });
  await t.step("a non-object location is a TypeError", () => {
    for (const bad of [null, undefined, 5, "00:00:00:00", true]) {
      assert.throws(
        () => ms.MidiSmpte2Time(bad as unknown as TSmpteLocation),
        TypeError,
      );
    }
    assert.throws(
      () =>
        ms.MidiSmpte2Time({
          ...loc(0, "00:00:00:00.00"),
          hours: "1" as unknown as number,
        }),
      TypeError,
    );
  });
});

Deno.test("MidiSmpte2Time(MidiTime2Smpte(t, f)) returns t below 24 hours", async (t) => {
  const ms = newKernel();
  const check = (time: number, format: number): void => {
    const back = ms.MidiSmpte2Time(ms.MidiTime2Smpte(time, format));
    if (back !== time) {
      const l = ms.MidiTime2Smpte(time, format);
      assert.fail(
        `format ${format}: ${time} ms reads ${
          JSON.stringify(l)
        } and comes back as ${back}`,
      );
    }
  };
  // The last 200 ms of the day have their own step below.
  const END = DAY_MS - 200;
  await t.step("every ms of the first 11 minutes", () => {
    for (const format of FORMATS) {
      for (let time = 0; time < 700_000; time++) check(time, format);
    }
  });
  await t.step("every 97 ms of the day", () => {
    for (const format of FORMATS) {
      for (let time = 0; time < END; time += 97) check(time, format);
    }
  });
  await t.step("around every minute boundary of the day", () => {
    for (const format of FORMATS) {
      for (let minute = 1; minute < 1440; minute++) {
        // Drop-frame minutes start up to 60 ms after the real minute.
        for (const base of [minute * 60_000, Math.ceil(minute * 60_060)]) {
          const to = Math.min(base + 150, END);
          for (let time = base - 150; time < to; time++) check(time, format);
        }
      }
    }
  });
  await t.step("random times (seeded)", () => {
    const random = new Random(seed());
    try {
      for (let i = 0; i < 200_000; i++) {
        check(random.int(END), random.pick(FORMATS));
      }
    } catch (error) {
      throw new Error(`Round trip failed with seed ${random.seed}`, {
        cause: error,
      });
    }
  });
  await t.step("the last 200 ms below 24 hours", () => {
    // At 30000/1001 fps, frame 24 × 107 892 (24:00:00;00) starts 86 399 914 ms after
    // 0, before real 24 h: with hours taken mod 24 (§7.17) those last 86 ms read as
    // 00:00:00;00 to ;02 and cannot round-trip. The spec's §10 #24 promise therefore holds
    // for format 2 below 86 399 914 ms; this is reported as a spec defect.
    const DF_DAY_MS = 86_399_914;
    for (const format of FORMATS) {
      for (let time = END; time < DAY_MS; time++) {
        if (format === 2 && time >= DF_DAY_MS) {
          const loc = ms.MidiTime2Smpte(time, format);
          assert.deepEqual(
            [loc.hours, loc.minutes, loc.seconds, loc.frames < 3],
            [0, 0, 0, true],
            `format 2 at ${time} ms wraps to the start of a day`,
          );
        } else check(time, format);
      }
    }
  });
});

/** `testSeed()` when env access is granted (`-A`), else a fixed seed. */
function seed(): number {
  const { state } = Deno.permissions.querySync({
    name: "env",
    variable: "MIDISHARE_SEED",
  });
  return state === "granted" ? testSeed() : 0x5eed_1234;
}
