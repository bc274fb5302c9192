/**
 * How the kernel loop waits: until the next tick (waking a learnt margin early and
 * polling the last microseconds) or until a request (idle sleep). It does not poll
 * for a next request after a reply: on two cores, a thread spinning at real-time
 * priority takes the core the client needs to ask again.
 *
 * Runs in the kernel worker. Real-time safe: no allocation; it blocks the worker
 * thread on purpose, in a futex (`kernel_wait.ts`) or a bounded busy poll.
 *
 * @module
 */

import type { KernelWait } from "./kernel_wait.ts";
import type { ServerClock } from "./server_clock.ts";

/** Most the kernel wakes ahead of a tick to absorb wake-up delays, in ms. */
const MAX_WAKE_MARGIN_MS = 0.25;

/** Longest idle sleep while clients have request rings (see `kernel_loop.ts`). */
export const RING_IDLE_WAKE_MS = 100;

/** Ticks with nothing scheduled before the kernel sleeps until a request. */
export const IDLE_TICKS_BEFORE_SLEEP = 100;

/**
 * Longest idle sleep while MidiShare is awake and hooks exist: their periodic work
 * (the port rescans) runs in the ticks caught up on waking.
 */
export const HOOK_IDLE_WAKE_MS = 1000;

/** Options of {@link LoopSleep}. */
export interface LoopSleepOptions {
  /** The server clock. */
  clock: ServerClock;
  /** Whether a request waits (in the request ring or a client's ring). */
  hasRequest: () => boolean;
  /** The loop's counters; each sleep counts a wakeup. */
  counters: { wakeups: number };
}

/** The kernel loop's ways to wait. */
export class LoopSleep {
  readonly #wait: KernelWait;
  readonly #clock: ServerClock;
  readonly #hasRequest: () => boolean;
  readonly #counters: { wakeups: number };
  // How much earlier than a tick the loop asks to be woken, learnt from wake delays.
  #wakeMarginMs = 0;

  /** Waits with `wait`. */
  constructor(wait: KernelWait, options: LoopSleepOptions) {
    this.#wait = wait;
    this.#clock = options.clock;
    this.#hasRequest = options.hasRequest;
    this.#counters = options.counters;
  }

  /**
   * Sleeps until a request (the wake word changes from `seen`) or for `limitMs` at
   * most (forever when undefined).
   */
  untilRequest(seen: number, limitMs: number | undefined): void {
    this.#wait.wait(seen, limitMs);
    this.#counters.wakeups++;
  }

  /**
   * Sleeps until the next tick or a request. The system wakes a sleeping thread some
   * tens of microseconds late; the loop learns that delay (a moving average), asks to
   * be woken that much earlier, and polls the last microseconds to the boundary.
   */
  untilTick(seen: number): void {
    const toTick = this.#clock.msToNextTick();
    if (toTick <= 0) return;
    const sleepMs = toTick - this.#wakeMarginMs;
    if (sleepMs > 0) {
      const target = performance.now() + sleepMs;
      if (this.#wait.wait(seen, sleepMs) === "timed-out") {
        const late = Math.min(MAX_WAKE_MARGIN_MS, performance.now() - target);
        this.#wakeMarginMs = Math.max(0, this.#wakeMarginMs * 0.9 + late * 0.1);
      }
      this.#counters.wakeups++;
    }
    const due = performance.now() + this.#clock.msToNextTick();
    while (performance.now() < due && !this.#hasRequest()) {
      // the last microseconds before the tick
    }
  }
}
