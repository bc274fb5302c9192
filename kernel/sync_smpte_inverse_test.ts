// Synchronisation: MidiSmpte2Time() inverts the formulas of spec §7.17 and
// MidiTime2Smpte() below 24 hours.

import assert from "node:assert/strict";
import type { TSmpteLocation } from "./mod.ts";
import { newKernel, Random, testSeed } from "./_test_util.ts";

import { DAY_MS, FORMATS, loc } from "./_sync_test_util.ts";

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
