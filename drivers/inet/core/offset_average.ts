/**
 * The smoothing filter of the clock estimator (spec §6.3): a trimmed moving average
 * (FTMA) followed by an exponential average, parametrised by a profile.
 *
 * Runs in the Inet driver, on the packet reception path. Not real-time safe: each
 * sample that yields sorts a copy of at most 50 values (no allocation, O(N log N)).
 *
 * @module
 */

/** The parameters of one estimator profile (spec §6.3, table "Profiles"). */
export interface EstimatorProfile {
  /** FTMA history size N (capped at 50). */
  readonly historySize: number;
  /** Values kept by the trimmed mean, K. */
  readonly retained: number;
  /** Threshold T after which a partial history yields (raised to 4 if smaller). */
  readonly threshold: number;
  /** Exponential history H. */
  readonly exponentialHistory: number;
}

/** The fast profile, chosen when the maximum latency is 10 ms or less. */
export const FAST_PROFILE: EstimatorProfile = Object.freeze({
  historySize: 10,
  retained: 8,
  threshold: 10,
  exponentialHistory: 2,
});

/** The slow profile, chosen when the maximum latency is above 10 ms. */
export const SLOW_PROFILE: EstimatorProfile = Object.freeze({
  historySize: 50,
  retained: 10,
  threshold: 20,
  exponentialHistory: 99,
});

/** Largest FTMA history. */
const FTMA_CAP = 50;
/** Smallest FTMA threshold. */
const THRESHOLD_FLOOR = 4;

/**
 * The profile for a configured maximum latency: fast when `maxLatencyMs ≤ 10`, slow
 * otherwise, whatever the mode.
 *
 * @param maxLatencyMs The configured maximum latency M, ms.
 * @returns {@link FAST_PROFILE} or {@link SLOW_PROFILE}.
 * @example Pick the profile of the LAN and WAN defaults
 * ```ts
 * import assert from "node:assert/strict";
 * import { FAST_PROFILE, profileForLatency, SLOW_PROFILE } from "./offset_average.ts";
 *
 * assert.equal(profileForLatency(10), FAST_PROFILE);
 * assert.equal(profileForLatency(1500), SLOW_PROFILE);
 * ```
 * @see spec inet.md §6.3
 */
export function profileForLatency(maxLatencyMs: number): EstimatorProfile {
  return maxLatencyMs <= 10 ? FAST_PROFILE : SLOW_PROFILE;
}

/** The FTMA followed by the exponential average; see the module documentation. */
export interface OffsetAverage {
  /** The trimmed mean of the last yield (0 before any). */
  readonly trimmed: number;
  /** The exponential average of the last yield (0 before any). */
  readonly average: number;
  /**
   * Puts one value in; returns whether the filter yielded, in which case
   * {@link trimmed} and {@link average} hold the new results.
   */
  put(value: number): boolean;
}

/**
 * Creates the filter of one remote for `profile`.
 *
 * @param profile The estimator profile.
 * @returns A filter with an empty history.
 * @example The first yield of the fast profile comes with the 10th value
 * ```ts
 * import assert from "node:assert/strict";
 * import { createOffsetAverage, FAST_PROFILE } from "./offset_average.ts";
 *
 * const f = createOffsetAverage(FAST_PROFILE);
 * const yields = [5, 3, 9, 1, 4, 4, 2, 8, 6, 0].map((v) => f.put(v));
 * assert.equal(yields.indexOf(true), 9);
 * assert.deepEqual([f.trimmed, f.average], [4, 4]);
 * ```
 * @see spec inet.md §6.3
 */
export function createOffsetAverage(profile: EstimatorProfile): OffsetAverage {
  return new OffsetAverageImpl(profile);
}

class OffsetAverageImpl implements OffsetAverage {
  readonly #size: number;
  readonly #retained: number;
  readonly #threshold: number;
  readonly #history: number;
  readonly #divider: number;
  readonly #values: Float64Array;
  readonly #scratch: Float64Array;
  #index = 0;
  #isFull = false;
  #avg = 0;
  #count = 0;
  #trimmed = 0;
  #average = 0;

  constructor(profile: EstimatorProfile) {
    this.#size = Math.min(profile.historySize, FTMA_CAP);
    this.#retained = profile.retained;
    this.#threshold = Math.max(profile.threshold, THRESHOLD_FLOOR);
    this.#history = profile.exponentialHistory;
    this.#divider = 10 * (Math.floor(this.#history / 10) + 1);
    this.#values = new Float64Array(this.#size);
    this.#scratch = new Float64Array(this.#size);
  }

  get trimmed(): number {
    return this.#trimmed;
  }

  get average(): number {
    return this.#average;
  }

  put(value: number): boolean {
    this.#values[this.#index] = value;
    this.#index++;
    if (this.#index === this.#size) {
      this.#index = 0;
      this.#isFull = true;
    }
    let mean: number;
    if (this.#isFull) mean = this.#trimmedMean(this.#size, this.#retained);
    else if (this.#index > this.#threshold) {
      const i = this.#index;
      const k = Math.max(1, Math.floor(this.#retained * this.#threshold / i));
      // The value just stored is left out, as in the original.
      mean = this.#trimmedMean(i - 1, k);
    } else return false;
    this.#trimmed = mean;
    this.#average = this.#step(mean);
    return true;
  }

  /** The mean of the `k` middle values of the first `n` values, truncated. */
  #trimmedMean(n: number, k: number): number {
    const sorted = this.#scratch.subarray(0, n);
    sorted.set(this.#values.subarray(0, n));
    sorted.sort();
    const skip = Math.floor((n - k) / 2);
    let sum = 0;
    for (let j = skip; j < skip + k; j++) sum += sorted[j] ?? 0;
    return Math.trunc(sum / k) + 0; // + 0 turns −0 into 0
  }

  /** One step of the exponential average in single precision. */
  #step(m: number): number {
    const c = this.#count;
    const dv = this.#divider;
    const old = Math.fround(c * this.#avg);
    const fresh = Math.fround((dv - c) * m);
    this.#avg = Math.fround(Math.fround(old + fresh) / dv);
    if (c < this.#history) this.#count = c + 1;
    return Math.trunc(this.#avg) + 0;
  }
}
