// The smoothing filter of the clock estimator (spec §6.3): the test vectors of §6.3
// (§10 item 56), the profiles, partial histories and truncation toward zero.

import assert from "node:assert/strict";
import {
  createOffsetAverage,
  type EstimatorProfile,
  FAST_PROFILE,
  profileForLatency,
  SLOW_PROFILE,
} from "./offset_average.ts";

/** Feeds `values`; returns "trimmed/average" per value, or "-" when no yield. */
function run(profile: EstimatorProfile, values: number[]): string[] {
  const f = createOffsetAverage(profile);
  return values.map((v) => f.put(v) ? `${f.trimmed}/${f.average}` : "-");
}

Deno.test("createOffsetAverage() reproduces the fast vectors of §6.3 (§10 item 56)", async (t) => {
  await t.step("first yield at sample 10, then ten samples of 7", () => {
    const out = run(FAST_PROFILE, [
      ...[5, 3, 9, 1, 4, 4, 2, 8, 6, 0],
      ...Array<number>(10).fill(7),
    ]);
    assert.deepEqual(out.slice(0, 9), Array<string>(9).fill("-"));
    assert.deepEqual(out.slice(9), [
      "4/4",
      ...["4/4", "4/4", "4/4", "5/4", "5/4"],
      ...["6/5", "6/5", "6/5", "7/6", "7/6"],
    ]);
  });
  await t.step("negative values truncate toward zero (−2.5 gives −2)", () => {
    const out = run(FAST_PROFILE, [-3, -3, -3, -3, -2, -2, -2, -2, -2, -3]);
    assert.equal(out[9], "-2/-2");
  });
});

Deno.test("createOffsetAverage() reproduces the slow vectors of §6.3 (§10 item 56)", () => {
  const values = Array.from({ length: 25 }, (_, i) => i + 1);
  const out = run(SLOW_PROFILE, values);
  assert.deepEqual(out.slice(0, 20), Array<string>(20).fill("-"));
  assert.deepEqual(out.slice(20), [
    "10/10",
    "11/10",
    "11/10",
    "11/10",
    "12/11",
  ]);
});

Deno.test("createOffsetAverage() yields on every value once the history is full", () => {
  const f = createOffsetAverage(FAST_PROFILE);
  for (let i = 0; i < 9; i++) assert.equal(f.put(0), false);
  for (let i = 0; i < 100; i++) assert.equal(f.put(i), true);
});

Deno.test("createOffsetAverage() caps the history at 50 and the threshold at 4 or more", () => {
  const f = createOffsetAverage({
    historySize: 80,
    retained: 2,
    threshold: 1,
    exponentialHistory: 0,
  });
  const yields: number[] = [];
  for (let n = 1; n <= 60; n++) if (f.put(n)) yields.push(n);
  // i > 4 first holds at the 5th value; from there on every value yields.
  assert.equal(yields[0], 5);
  assert.equal(yields.length, 56);
  // Full at the 50th value: 2 middle values of 11..60 are 35 and 36.
  assert.equal(f.trimmed, 35);
});

Deno.test("createOffsetAverage() returns zero, never minus zero", () => {
  const f = createOffsetAverage(FAST_PROFILE);
  for (let i = 0; i < 10; i++) f.put(i % 2 === 0 ? -1 : 0);
  assert.ok(Object.is(f.trimmed, 0));
  assert.ok(Object.is(f.average, 0));
});

Deno.test("createOffsetAverage() weighs the history up to H in single precision", () => {
  // Fast profile: Dv = 10, weights 10, 9, 8, 8, ...: a step from 0 to 100.
  const f = createOffsetAverage({
    ...FAST_PROFILE,
    historySize: 4,
    retained: 4,
  });
  const out: number[] = [];
  for (const v of [0, 0, 0, 0, 100, 100, 100, 100, 100, 100]) {
    if (f.put(v)) out.push(f.average);
  }
  // Trimmed means 0, 25, 50, 75, 100, 100, 100; averages computed by hand.
  assert.deepEqual(out, [0, 22, 44, 68, 93, 98, 99]);
});

Deno.test("profileForLatency() is fast up to 10 ms and slow above", () => {
  assert.equal(profileForLatency(0), FAST_PROFILE);
  assert.equal(profileForLatency(10), FAST_PROFILE);
  assert.equal(profileForLatency(11), SLOW_PROFILE);
  assert.equal(profileForLatency(1500), SLOW_PROFILE);
});
