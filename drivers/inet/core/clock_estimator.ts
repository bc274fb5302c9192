/**
 * The clock offset and drift estimator of one remote (spec §6.3): the clock pair
 * `init`, its lock on the first average, and its correction by later averages.
 *
 * Runs in the Inet driver, on the packet reception path. Not real-time safe: see
 * {@link createOffsetAverage}.
 *
 * For each sample (L, R): `x := i32((L − R) − D0)` goes into the filter; when it
 * yields an average `a`, the first yield remembers `last := a` and later ones move
 * `init.local` by `a − last`; the first yield of an unlocked estimator anchors
 * `init := (L, R)` on that sample and locks.
 *
 * @module
 */

import type { ClockPair } from "./date_translation.ts";
import {
  createOffsetAverage,
  type EstimatorProfile,
  type OffsetAverage,
  profileForLatency,
} from "./offset_average.ts";

/** Options of {@link createClockEstimator}. */
export interface ClockEstimatorOptions {
  /** `L0`: local reception date of the HostID that created the remote. */
  readonly firstLocal: number;
  /** `R0`: the peer's send date carried by that HostID. */
  readonly firstRemote: number;
  /** The configured maximum latency; selects the profile (fast if ≤ 10). */
  readonly maxLatencyMs: number;
  /** Locked from the start (the LAN self remote). Default false. */
  readonly isLocked?: boolean;
  /** Overrides the profile chosen from `maxLatencyMs`. */
  readonly profile?: EstimatorProfile;
}

/**
 * The estimator of one remote. It is the remote's {@link ClockPair}: its
 * `initLocal` and `initRemote` always hold the current pair.
 */
export interface ClockEstimator extends ClockPair {
  /** Whether the estimator has locked (the remote may open). */
  readonly isLocked: boolean;
  /** `O = init.local − init.remote`, unsigned 32-bit. */
  readonly offset: number;
  /** The averaged change of the offset since the first HostID, `a`, or null. */
  readonly average: number | null;
  /** Samples taken so far (the creating HostID is not one). */
  readonly sampleCount: number;
  /**
   * Takes one clock sample.
   *
   * @param local `L`, local reception date.
   * @param remote `R`, the peer's date (HostID time or Midi packet date).
   * @returns true when this sample locked the estimator, else false.
   */
  sample(local: number, remote: number): boolean;
}

/**
 * Creates the estimator of a remote created by a HostID received at `firstLocal`
 * carrying `firstRemote`.
 *
 * @param options The first sample, the maximum latency and the lock state.
 * @returns An estimator whose pair is `(firstLocal, firstRemote)`.
 * @example A peer 1000 ms ahead of us locks after 10 samples (fast profile)
 * ```ts
 * import assert from "node:assert/strict";
 * import { createClockEstimator } from "./clock_estimator.ts";
 *
 * const est = createClockEstimator({
 *   firstLocal: 6001,
 *   firstRemote: 5000,
 *   maxLatencyMs: 10,
 * });
 * let lockedAt = 0;
 * for (let n = 1; n <= 10; n++) {
 *   if (est.sample(6001 + 100 * n, 5000 + 100 * n)) lockedAt = n;
 * }
 * assert.equal(lockedAt, 10);
 * assert.equal(est.offset, 1001);
 * ```
 * @see spec inet.md §6.3
 */
export function createClockEstimator(
  options: ClockEstimatorOptions,
): ClockEstimator {
  return new ClockEstimatorImpl(options);
}

class ClockEstimatorImpl implements ClockEstimator {
  readonly #d0: number;
  readonly #filter: OffsetAverage;
  #initLocal: number;
  #initRemote: number;
  #isLocked: boolean;
  #last: number | null = null;
  #samples = 0;

  constructor(options: ClockEstimatorOptions) {
    this.#initLocal = options.firstLocal >>> 0;
    this.#initRemote = options.firstRemote >>> 0;
    this.#d0 = (this.#initLocal - this.#initRemote) >>> 0;
    this.#isLocked = options.isLocked ?? false;
    this.#filter = createOffsetAverage(
      options.profile ?? profileForLatency(options.maxLatencyMs),
    );
  }

  get initLocal(): number {
    return this.#initLocal;
  }

  get initRemote(): number {
    return this.#initRemote;
  }

  get isLocked(): boolean {
    return this.#isLocked;
  }

  get offset(): number {
    return (this.#initLocal - this.#initRemote) >>> 0;
  }

  get average(): number | null {
    return this.#last;
  }

  get sampleCount(): number {
    return this.#samples;
  }

  sample(local: number, remote: number): boolean {
    this.#samples++;
    const x = (local - remote - this.#d0) | 0;
    if (!this.#filter.put(x)) return false;
    const a = this.#filter.average;
    if (this.#last === null) this.#last = a;
    else if (a !== this.#last) {
      this.#initLocal = (this.#initLocal + (a - this.#last)) >>> 0;
      this.#last = a;
    }
    if (this.#isLocked) return false;
    this.#initLocal = local >>> 0;
    this.#initRemote = remote >>> 0;
    this.#isLocked = true;
    return true;
  }
}
