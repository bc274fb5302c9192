// Date translation (spec §6.4, step 4 of §3.8): the worked example of §6.4 exactly
// (§10 item 21), lateness at the limit (item 20), and the 16-bit and 32-bit wraps.

import assert from "node:assert/strict";
import { createClockEstimator } from "./clock_estimator.ts";
import {
  clockOffset,
  headTranslation,
  localEventDate,
  nominalLocalDate,
  relativeDate,
} from "./date_translation.ts";

const TWO_32 = 2 ** 32;

Deno.test("localEventDate() reproduces the worked example of §6.4 (§10 item 21)", async (t) => {
  // Receiver clock = sender clock + 1000, transit 1 ms, LAN defaults g = M = 10.
  const est = createClockEstimator({
    firstLocal: 6001,
    firstRemote: 5000,
    maxLatencyMs: 10,
  });
  for (let r = 5100; r <= 6000; r += 100) est.sample(r + 1001, r);
  await t.step("lock on R = 6000, L = 7001 gives O = 1001", () => {
    assert.equal(est.isLocked, true);
    assert.deepEqual([est.initLocal, est.initRemote, est.offset], [
      7001,
      6000,
      1001,
    ]);
  });
  const rel = relativeDate(6500, 6510, 10);
  await t.step("an event due at 6500 collected at 6510 has rel 0", () => {
    assert.equal(rel, 0);
  });
  await t.step("received at 7511: lat 0, Δ 10, local date 7521", () => {
    const head = headTranslation(7511, 6510, { pair: est, maxLatencyMs: 10 });
    assert.deepEqual(head, { latenessMs: 0, delayMs: 10, isLate: false });
    assert.equal(localEventDate(rel, 7511, head.delayMs), 7521);
    assert.equal(
      nominalLocalDate(6500, { pair: est, groupingMs: 10, maxLatencyMs: 10 }),
      7521,
    );
  });
  await t.step("16 ms in transit: lat 15, late, Δ 0, local date 7526", () => {
    const head = headTranslation(7526, 6510, { pair: est, maxLatencyMs: 10 });
    assert.deepEqual(head, { latenessMs: 15, delayMs: 0, isLate: true });
    assert.equal(localEventDate(rel, 7526, head.delayMs), 7526);
  });
});

Deno.test("headTranslation() is on time up to M and late above (§10 item 20)", () => {
  const pair = { initLocal: 1000, initRemote: 1000 };
  const at = (lat: number) =>
    headTranslation(5000 + lat, 5000, { pair, maxLatencyMs: 10 });
  assert.deepEqual(at(0), { latenessMs: 0, delayMs: 10, isLate: false });
  assert.deepEqual(at(10), { latenessMs: 10, delayMs: 0, isLate: false });
  assert.deepEqual(at(11), { latenessMs: 11, delayMs: 0, isLate: true });
  assert.deepEqual(at(-3), { latenessMs: -3, delayMs: 13, isLate: false });
});

Deno.test("headTranslation() reads the lateness as signed 16 bits like the original", () => {
  const pair = { initLocal: 0, initRemote: 0 };
  // 40000 ms late wraps to −25536: the original then shifts by M + 25536.
  const head = headTranslation(40_000, 0, {
    pair,
    maxLatencyMs: 10,
  });
  assert.equal(head.latenessMs, 40_000 - 65_536);
  assert.equal(head.isLate, false);
});

Deno.test("headTranslation() works across the 2^32 wrap of either clock (§10 item 59)", () => {
  // Local just wrapped, peer about to wrap; offset 0 − (2^32 − 100) = 100.
  const pair = { initLocal: 0, initRemote: TWO_32 - 100 };
  assert.equal(clockOffset(pair), 100);
  const head = headTranslation(150, TWO_32 - 52, { pair, maxLatencyMs: 10 });
  // Transit r − d = 150 − (−52) = 202; minus O = 100 gives lat 102.
  assert.equal(head.latenessMs, 102);
  const onTime = headTranslation(49, TWO_32 - 52, { pair, maxLatencyMs: 10 });
  assert.deepEqual(onTime, { latenessMs: 1, delayMs: 9, isLate: false });
});

Deno.test("relativeDate() is signed 16-bit and wraps with the clock", () => {
  assert.equal(relativeDate(100, 110, 10), 0);
  assert.equal(relativeDate(107, 110, 10), 7);
  assert.equal(relativeDate(97, 110, 10), -3);
  assert.equal(relativeDate(TWO_32 - 5, 3, 10), 2);
  assert.equal(relativeDate(40_100, 110, 10), 40_000 - 65_536);
});

Deno.test("localEventDate() wraps at 2^32 and takes negative relative dates", () => {
  assert.equal(localEventDate(-3, 1, 0), TWO_32 - 2);
  assert.equal(localEventDate(5, TWO_32 - 10, 10), 5);
});
