// Synchronisation: MidiTime2Smpte() against SMPTE locations worked out by hand
// from the formulas of spec §7.17 (the working is in the comments), not from the
// code.

import assert from "node:assert/strict";
import { kSync24fs, kSync25fs, kSync30dfs, kSync30fs } from "./mod.ts";
import { newKernel } from "./_test_util.ts";

import { DAY_MS, loc } from "./_sync_test_util.ts";

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
