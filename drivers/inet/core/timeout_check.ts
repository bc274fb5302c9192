/**
 * The LAN timeout check (spec §4.6, D9): every 500 ms while at least one remote
 * exists, remove the remotes whose expiry is before the check date. A peer thus
 * disappears 500 to 1000 ms after its last HostID, and a remote heard once 1500 to
 * 2000 ms after its creation.
 *
 * Runs in the Inet driver. Real-time safe: no allocation.
 *
 * @module
 */

import { addMs, isBefore, isDue } from "@midishare/kernel/api";

/** Period of the check, ms. */
export const TIMEOUT_CHECK_MS = 500;

/** See the module documentation. */
export interface TimeoutCheck {
  /** The next check date, or null when no remote exists. */
  readonly nextDate: number | null;
  /** A remote exists at `now`: starts the checks if they are stopped. */
  arm(now: number): void;
  /**
   * Runs the check if it is due at `now`: calls `expire(now)`, then keeps checking
   * every 500 ms while `remain()` is true.
   */
  poll(now: number, expire: (now: number) => void, remain: () => boolean): void;
  /** Stops the checks. */
  stop(): void;
}

/**
 * Creates a stopped check.
 *
 * @returns The check.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTimeoutCheck } from "./timeout_check.ts";
 *
 * const check = createTimeoutCheck();
 * check.arm(100);
 * assert.equal(check.nextDate, 600);
 * check.poll(600, () => {}, () => true);
 * assert.equal(check.nextDate, 1100);
 * check.poll(1100, () => {}, () => false);
 * assert.equal(check.nextDate, null);
 * ```
 * @see spec inet.md §4.6
 */
export function createTimeoutCheck(): TimeoutCheck {
  let next: number | null = null;
  return {
    get nextDate() {
      return next;
    },
    arm(now) {
      if (next === null) next = addMs(now, TIMEOUT_CHECK_MS);
    },
    poll(now, expire, remain) {
      if (next === null || !isDue(next, now)) return;
      expire(now);
      if (!remain()) {
        next = null;
        return;
      }
      do next = addMs(next, TIMEOUT_CHECK_MS); while (!isBefore(now, next));
    },
    stop() {
      next = null;
    },
  };
}
