/**
 * The clock of a station core: its `wakeAt` requests become one timer, and each time
 * the timer fires at or after the requested MidiShare date the core's `tick` runs
 * with the current MidiShare time. Dates are compared wrap-safe.
 *
 * Runs in the Inet driver process. Not real-time safe: a timer per request. The
 * timer may fire a little late; the cores take every date from `now()`, so lateness
 * moves packet dates, never the rendering dates (spec inet.md §6.4).
 *
 * @module
 */

import { dateDiff, isBefore } from "@midishare/kernel/api";

/** Options of {@link createStationRunner}. */
export interface StationRunnerOptions {
  /** The local MidiShare time (`MidiGetTime()`). */
  readonly now: () => number;
  /** Runs what is due at `now` (the core's `tick`). */
  readonly tick: (now: number) => void;
}

/** See the module documentation. */
export interface StationRunner {
  /** The core's `wakeAt` effect: a tick at `dateMs` or soon after; null cancels. */
  wakeAt(dateMs: number | null): void;
  /** Cancels the timer for good. */
  stop(): void;
}

/**
 * Creates the runner, with no timer armed.
 *
 * @param options The clock and the core's tick.
 * @returns The runner.
 * @example
 * ```ts ignore
 * import { createLanStation } from "./core/mod.ts";
 * import { createStationRunner } from "./station_runner.ts";
 *
 * let station: { tick(now: number): void };
 * const runner = createStationRunner({
 *   now: () => ms.MidiGetTime(),
 *   tick: (now) => station.tick(now),
 * });
 * // effects.wakeAt = (date) => runner.wakeAt(date)
 * ```
 */
export function createStationRunner(
  options: StationRunnerOptions,
): StationRunner {
  return new TimerRunner(options);
}

class TimerRunner implements StationRunner {
  readonly #o: StationRunnerOptions;
  #date: number | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #isStopped = false;
  readonly #fire = () => this.#onTimer();

  constructor(options: StationRunnerOptions) {
    this.#o = options;
  }

  wakeAt(dateMs: number | null): void {
    this.#date = dateMs;
    this.#arm();
  }

  stop(): void {
    this.#isStopped = true;
    this.#date = null;
    clearTimeout(this.#timer);
  }

  #arm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#date === null || this.#isStopped) return;
    const delay = Math.max(0, dateDiff(this.#date, this.#o.now()));
    this.#timer = setTimeout(this.#fire, delay);
  }

  #onTimer(): void {
    this.#timer = undefined;
    const date = this.#date;
    if (date === null || this.#isStopped) return;
    const now = this.#o.now();
    if (isBefore(now, date)) return this.#arm(); // early: wait for the date
    this.#o.tick(now);
    // The core asks again only when its next date changes: keep the timer alive.
    if (this.#timer === undefined && this.#date !== null) {
      if (this.#date === date) this.#timer = setTimeout(this.#fire, 1);
      else this.#arm();
    }
  }
}
