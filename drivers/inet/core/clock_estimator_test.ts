// The clock estimator of one remote (spec §6.3): locking after 10 or 21 samples, the
// anchor, the correction of init.local (§10 item 57), a drift followed for ten
// minutes (item 58) and dates across the 2^32 wrap of either clock (item 59).

import assert from "node:assert/strict";
import { dateDiff } from "@midishare/kernel/api";
import { createClockEstimator } from "./clock_estimator.ts";
import {
  headTranslation,
  localEventDate,
  nominalLocalDate,
  relativeDate,
} from "./date_translation.ts";

const TWO_32 = 2 ** 32;

Deno.test("createClockEstimator() locks after 10 samples with the fast profile", () => {
  const est = createClockEstimator({
    firstLocal: 6001,
    firstRemote: 5000,
    maxLatencyMs: 10,
  });
  assert.equal(est.isLocked, false);
  assert.equal(est.offset, 1001);
  for (let n = 1; n <= 9; n++) {
    assert.equal(est.sample(6001 + 100 * n, 5000 + 100 * n), false);
  }
  assert.equal(est.isLocked, false);
  assert.equal(est.sample(7001, 6000), true);
  assert.equal(est.isLocked, true);
  assert.equal(est.sampleCount, 10);
  assert.equal(est.sample(7101, 6100), false, "locks only once");
});

Deno.test("createClockEstimator() locks after 21 samples with the slow profile", () => {
  for (const maxLatencyMs of [20, 1500]) {
    const est = createClockEstimator({
      firstLocal: 0,
      firstRemote: 0,
      maxLatencyMs,
    });
    let lockedAt = 0;
    for (let n = 1; n <= 40; n++) {
      if (est.sample(n * 100, n * 100)) lockedAt = n;
    }
    assert.equal(lockedAt, 21, `maxLatencyMs ${maxLatencyMs}`);
  }
});

Deno.test("createClockEstimator() anchors init on the locking sample alone", () => {
  const est = createClockEstimator({
    firstLocal: 6001,
    firstRemote: 5000,
    maxLatencyMs: 10,
  });
  // Transit varies 1..3 ms; the anchor keeps the locking sample's own transit.
  const transit = [2, 3, 1, 2, 2, 3, 1, 1, 2, 3];
  transit.forEach((d, i) =>
    est.sample(6000 + 100 * (i + 1) + d, 5000 + 100 * (i + 1))
  );
  assert.equal(est.initLocal, 7003);
  assert.equal(est.initRemote, 6000);
  assert.equal(est.offset, 1003);
});

Deno.test("createClockEstimator() starts locked for the self remote", () => {
  const est = createClockEstimator({
    firstLocal: 100,
    firstRemote: 100,
    maxLatencyMs: 10,
    isLocked: true,
  });
  assert.equal(est.isLocked, true);
  for (let n = 1; n <= 20; n++) {
    assert.equal(est.sample(100 + n * 100, 100 + n * 100), false);
  }
  assert.equal(est.offset, 0);
});

Deno.test("createClockEstimator() moves init.local by a change of the average (§10 item 57)", async (t) => {
  const est = createClockEstimator({
    firstLocal: 2000,
    firstRemote: 1000,
    maxLatencyMs: 10,
  });
  for (let n = 1; n <= 10; n++) est.sample(2000 + 100 * n, 1000 + 100 * n);
  assert.equal(est.isLocked, true);
  assert.equal(est.average, 0);
  const anchor = { initLocal: est.initLocal, initRemote: est.initRemote };

  await t.step("an apparent offset grown by 5 ms moves init.local by 5", () => {
    for (let n = 11; n <= 30; n++) {
      est.sample(2005 + 100 * n, 1000 + 100 * n);
      // init.local − anchor always equals the average moved since the first yield.
      assert.equal(
        est.initLocal - anchor.initLocal,
        est.average,
        `sample ${n}`,
      );
    }
    assert.equal(est.average, 5);
    assert.equal(est.initLocal, anchor.initLocal + 5);
    assert.equal(est.initRemote, anchor.initRemote);
  });

  await t.step("translated dates move by the same 5 ms", () => {
    const opts = { groupingMs: 10, maxLatencyMs: 10 };
    const before = nominalLocalDate(5000, { pair: anchor, ...opts });
    const after = nominalLocalDate(5000, { pair: est, ...opts });
    assert.equal(after - before, 5);
  });

  await t.step("a change back moves init.local back", () => {
    for (let n = 31; n <= 50; n++) est.sample(2000 + 100 * n, 1000 + 100 * n);
    assert.equal(est.average, 0);
    assert.equal(est.initLocal, anchor.initLocal);
  });
});

/**
 * Ten minutes of a peer whose clock runs `driftPerSecond` ms per second faster than
 * ours: a HostID every 100 ms, an event every 250 ms collected `g` later, every packet
 * 1 ms in transit. Returns the smallest and largest error, in ms, of the local event
 * dates against the event's instant in our clock plus τ0 + g + M (τ0 = 1 ms, the
 * transit time of the anchor sample).
 */
function simulateDrift(
  options: {
    driftPerSecond: number;
    localStart: number;
    remoteStart: number;
    maxLatencyMs: number;
  },
): {
  minError: number;
  maxError: number;
  eventCount: number;
  lateCount: number;
} {
  const { driftPerSecond, localStart, remoteStart, maxLatencyMs } = options;
  const g = 10, transit = 1;
  const localAt = (t: number) => (localStart + t) >>> 0;
  const remoteAt = (t: number) =>
    (remoteStart + Math.floor(t * (1 + driftPerSecond / 1000))) >>> 0;
  const est = createClockEstimator({
    firstLocal: localAt(transit),
    firstRemote: remoteAt(0),
    maxLatencyMs,
  });
  let minError = Infinity, maxError = -Infinity, eventCount = 0, lateCount = 0;
  for (let t = 0; t <= 600_000; t++) {
    if (t > 0 && t % 100 === 0) est.sample(localAt(t + transit), remoteAt(t));
    if (!est.isLocked || t % 250 !== 0) continue;
    // An event dated by the peer at its time t, collected when its clock reads e + g.
    const e = remoteAt(t);
    const collection = (e + g) >>> 0;
    const collectedAt = t + g; // our ms, close enough: g ms of drift is 0.01 ms
    const r = localAt(collectedAt + transit);
    const head = headTranslation(r, collection, { pair: est, maxLatencyMs });
    const date = localEventDate(
      relativeDate(e, collection, g),
      r,
      head.delayMs,
    );
    const expected = localAt(t + transit + g + maxLatencyMs);
    const error = dateDiff(date, expected);
    minError = Math.min(minError, error);
    maxError = Math.max(maxError, error);
    eventCount++;
    if (head.isLate) lateCount++;
  }
  return { minError, maxError, eventCount, lateCount };
}

/**
 * Asserts that every error lies within ±1 ms of one constant, and that this constant
 * is at most `maxBias` ms from 0: the FTMA lags about half its window behind a drift,
 * and its truncation toward zero adds at most 1 ms, in the direction of the drift.
 */
function assertFollowed(
  r: { minError: number; maxError: number; lateCount: number },
  maxBias: number,
): void {
  const range = `errors ${r.minError}..${r.maxError} ms`;
  assert.ok(r.maxError - r.minError <= 2, range);
  assert.ok(Math.abs((r.minError + r.maxError) / 2) <= maxBias, range);
  assert.equal(r.lateCount, 0);
}

Deno.test("createClockEstimator() follows a drift of 1 ms/s for ten minutes within ±1 ms (§10 item 58)", async (t) => {
  for (const driftPerSecond of [1, -1]) {
    await t.step(`drift ${driftPerSecond} ms/s, fast profile (LAN)`, () => {
      const r = simulateDrift({
        driftPerSecond,
        localStart: 123_456,
        remoteStart: 9_000_000,
        maxLatencyMs: 10,
      });
      assert.ok(r.eventCount > 2390, `${r.eventCount} events`);
      assertFollowed(r, 1);
    });
  }
  await t.step(
    "drift 1 ms/s, slow profile (WAN): lag bounded, not growing",
    () => {
      // The exponential average keeps 99 % of its history, so it settles about 12 ms
      // behind a 1 ms/s drift; without tracking the error would reach 600 ms.
      const r = simulateDrift({
        driftPerSecond: 1,
        localStart: 123_456,
        remoteStart: 9_000_000,
        maxLatencyMs: 1500,
      });
      assert.ok(
        r.minError >= 0 && r.maxError <= 15,
        `${r.minError}..${r.maxError}`,
      );
    },
  );
});

Deno.test("createClockEstimator() works across the 2^32 wrap of either clock (§10 item 59)", async (t) => {
  const cases = [
    { name: "local clock wraps", localStart: TWO_32 - 300_000, remoteStart: 5 },
    { name: "peer clock wraps", localStart: 5, remoteStart: TWO_32 - 300_000 },
    {
      name: "both wrap at different times",
      localStart: TWO_32 - 100_000,
      remoteStart: TWO_32 - 400_000,
    },
  ];
  for (const c of cases) {
    await t.step(c.name, () => {
      for (const driftPerSecond of [1, -1]) {
        const r = simulateDrift({ driftPerSecond, maxLatencyMs: 10, ...c });
        assertFollowed(r, 1);
      }
    });
  }
  await t.step("the offset of a pair across the wrap is modular", () => {
    const est = createClockEstimator({
      firstLocal: 10,
      firstRemote: TWO_32 - 10,
      maxLatencyMs: 10,
    });
    assert.equal(est.offset, 20);
    for (let n = 1; n <= 10; n++) {
      est.sample(10 + 100 * n, (n * 100 - 10) >>> 0);
    }
    assert.equal(est.isLocked, true);
    assert.equal(est.offset, 20);
    assert.equal(est.initLocal, 1010);
  });
});
