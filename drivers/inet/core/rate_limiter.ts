/**
 * A per-key window limiter for the rate-limited logs of bad packets and for Echo
 * replies (spec §7.9, D31, §10 item 30): at most `maxPerWindow` actions per key in
 * each window of `windowMs`, with a count of the suppressed ones to report on the
 * next line allowed. Keys are typically `"<kind> <address>"`.
 *
 * Memory is bounded: at most `maxKeys` keys are remembered; beyond that the key used
 * least recently is forgotten (with its suppressed count).
 *
 * Runs in the inet driver process. The clock is injected. Allocation-light: one small
 * record per key, reused while the key stays remembered.
 *
 * @module
 */

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** The current time in ms (MidiShare time or a monotonic clock). */
  readonly now: () => number;
  /** Window length in ms; default 1000. */
  readonly windowMs?: number;
  /** Actions allowed per key and window; default 1. */
  readonly maxPerWindow?: number;
  /** Keys remembered at most; default 256. */
  readonly maxKeys?: number;
}

/** The limiter; see the module documentation. */
export interface RateLimiter {
  /** Keys remembered now (at most `maxKeys`). */
  readonly keyCount: number;
  /** Keys forgotten to make room since creation. */
  readonly evictedCount: number;
  /**
   * Asks to act once for `key`. Returns −1 when the action is suppressed; otherwise
   * the number of actions suppressed for this key since its last allowed one
   * (0 or more), to append to the log line.
   */
  take(key: string): number;
  /** Forgets every key. */
  clear(): void;
}

interface KeyState {
  windowStart: number;
  used: number;
  suppressed: number;
}

/**
 * Creates a limiter with no key remembered.
 *
 * @param options clock, window, allowance and key bound
 * @returns the limiter
 * @throws {RangeError} when `windowMs`, `maxPerWindow` or `maxKeys` is not a
 *   positive integer
 * @see spec inet.md §7.9
 *
 * @example One line per second per kind and address
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRateLimiter } from "./mod.ts";
 *
 * let now = 0;
 * const limiter = createRateLimiter({ now: () => now });
 * assert.equal(limiter.take("badMagic 10.0.0.7"), 0);
 * assert.equal(limiter.take("badMagic 10.0.0.7"), -1);
 * assert.equal(limiter.take("badMagic 10.0.0.7"), -1);
 * now = 1000;
 * assert.equal(limiter.take("badMagic 10.0.0.7"), 2); // "2 more suppressed"
 * ```
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const windowMs = positive("windowMs", options.windowMs ?? 1000);
  const maxPerWindow = positive("maxPerWindow", options.maxPerWindow ?? 1);
  const maxKeys = positive("maxKeys", options.maxKeys ?? 256);
  return new RateLimiterImpl(options.now, windowMs, maxPerWindow, maxKeys);
}

function positive(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot create rate limiter: ${name} ${value} is not a positive integer`,
    );
  }
  return value;
}

class RateLimiterImpl implements RateLimiter {
  readonly #now: () => number;
  readonly #windowMs: number;
  readonly #maxPerWindow: number;
  readonly #maxKeys: number;
  // Insertion order is recency order: a key used is moved to the end.
  readonly #keys = new Map<string, KeyState>();
  #evicted = 0;

  constructor(
    now: () => number,
    windowMs: number,
    maxPerWindow: number,
    maxKeys: number,
  ) {
    this.#now = now;
    this.#windowMs = windowMs;
    this.#maxPerWindow = maxPerWindow;
    this.#maxKeys = maxKeys;
  }

  get keyCount(): number {
    return this.#keys.size;
  }

  get evictedCount(): number {
    return this.#evicted;
  }

  take(key: string): number {
    const now = this.#now();
    let state = this.#keys.get(key);
    if (state === undefined) {
      state = { windowStart: now, used: 0, suppressed: 0 };
      this.#evictFor();
    } else {
      this.#keys.delete(key);
      const elapsed = now - state.windowStart;
      // A clock that went back (or wrapped) also opens a new window.
      if (elapsed < 0 || elapsed >= this.#windowMs) {
        state.windowStart = now;
        state.used = 0;
      }
    }
    this.#keys.set(key, state);
    if (state.used >= this.#maxPerWindow) {
      state.suppressed++;
      return -1;
    }
    state.used++;
    const suppressed = state.suppressed;
    state.suppressed = 0;
    return suppressed;
  }

  clear(): void {
    this.#keys.clear();
  }

  #evictFor(): void {
    while (this.#keys.size >= this.#maxKeys) {
      const oldest = this.#keys.keys().next();
      if (oldest.done === true) return;
      this.#keys.delete(oldest.value);
      this.#evicted++;
    }
  }
}
