/**
 * The dates at which a station sends HostID packets (spec §4.4, §5.2, §5.4, §5.5):
 * the LAN burst then every 100 ms, the WAN hand-shake every 100 ms, the WAN
 * complete rate every 200 ms, and pauses.
 *
 * Dates are compared with the wrap-safe helpers of `kernel/dates.ts`. Runs in the
 * Inet driver. Real-time safe: no allocation.
 *
 * @module
 */

import { addMs, isDue } from "@midishare/kernel/api";

/** A sending pattern: one at once, `burstCount` more `burstMs` apart, then periodic. */
export interface HostIdPattern {
  /** Packets after the first one sent `burstMs` apart. */
  readonly burstCount: number;
  /** Spacing of the burst, ms. */
  readonly burstMs: number;
  /** Period after the burst, ms. */
  readonly periodMs: number;
}

/** LAN after a wake-up: 0, 50, 100, 150, 200, 250 ms, then every 100 ms (§4.4). */
export const LAN_HOST_ID_PATTERN: HostIdPattern = Object.freeze({
  burstCount: 5,
  burstMs: 50,
  periodMs: 100,
});

/** WAN before completion: one at once, then every 100 ms (§5.2, §5.3). */
export const WAN_HANDSHAKE_PATTERN: HostIdPattern = Object.freeze({
  burstCount: 0,
  burstMs: 0,
  periodMs: 100,
});

/** WAN after completion or a pause: one at once, then every 200 ms (§5.4, §5.5). */
export const WAN_COMPLETE_PATTERN: HostIdPattern = Object.freeze({
  burstCount: 0,
  burstMs: 0,
  periodMs: 200,
});

/** The HostID dates towards one destination; see the module documentation. */
export interface HostIdSchedule {
  /** The next send date, or null when stopped. */
  readonly nextDate: number | null;
  /** Starts `pattern` with a first packet due at `now`. */
  start(now: number, pattern: HostIdPattern): void;
  /** Stops sending until the next {@link start}. */
  stop(): void;
  /**
   * Whether a HostID is due at `now`; when it is, moves to the next date of the
   * pattern. A station that falls behind sends one packet, not one per missed date,
   * and keeps the pattern's phase.
   */
  poll(now: number): boolean;
}

/**
 * Creates a stopped schedule.
 *
 * @returns A schedule with no next date.
 * @example The LAN burst after a wake-up at 1000
 * ```ts
 * import assert from "node:assert/strict";
 * import {
 *   createHostIdSchedule,
 *   LAN_HOST_ID_PATTERN,
 * } from "./host_id_schedule.ts";
 *
 * const s = createHostIdSchedule();
 * s.start(1000, LAN_HOST_ID_PATTERN);
 * const sent: number[] = [];
 * for (let now = 1000; now <= 1450; now++) if (s.poll(now)) sent.push(now);
 * assert.deepEqual(sent, [1000, 1050, 1100, 1150, 1200, 1250, 1350, 1450]);
 * ```
 * @see spec inet.md §4.4, §5.4
 */
export function createHostIdSchedule(): HostIdSchedule {
  return new HostIdScheduleImpl();
}

class HostIdScheduleImpl implements HostIdSchedule {
  #next: number | null = null;
  #pattern: HostIdPattern = LAN_HOST_ID_PATTERN;
  #sent = 0;

  get nextDate(): number | null {
    return this.#next;
  }

  start(now: number, pattern: HostIdPattern): void {
    this.#pattern = pattern;
    this.#next = now >>> 0;
    this.#sent = 0;
  }

  stop(): void {
    this.#next = null;
  }

  poll(now: number): boolean {
    if (this.#next === null || !isDue(this.#next, now)) return false;
    do {
      const p = this.#pattern;
      const step = this.#sent < p.burstCount ? p.burstMs : p.periodMs;
      this.#sent++;
      this.#next = addMs(this.#next, step);
    } while (isDue(this.#next, now));
    return true;
  }
}
