/**
 * The server's millisecond clock: tick k of a wake-up is due at `origin + k` ms of
 * wall-clock time; the kernel worker runs every due tick in order, none skipped.
 *
 * Runs in the kernel worker. Real-time safe.
 *
 * @module
 */

import { epochNow } from "@midishare/transport/clock";

/** The clock; see the module documentation. */
export class ServerClock {
  /** Epoch ms of tick 0 of the current wake-up; NaN while dormant. */
  origin = NaN;
  /** Ticks run since the wake-up. */
  ticksDone = 0;

  /** Follows the kernel's wake state: starts at 0 on wake-up, stops on sleep. */
  sync(isAwake: boolean): void {
    if (isAwake && Number.isNaN(this.origin)) {
      this.origin = epochNow();
      this.ticksDone = 0;
    } else if (!isAwake) {
      this.origin = NaN;
    }
  }

  /** Ticks due now and not yet run. */
  dueTicks(): number {
    if (Number.isNaN(this.origin)) return 0;
    return Math.floor(epochNow() - this.origin) - this.ticksDone;
  }

  /** Milliseconds until the next tick is due (0 if overdue); Infinity while dormant. */
  msToNextTick(): number {
    if (Number.isNaN(this.origin)) return Infinity;
    return Math.max(0, this.origin + this.ticksDone + 1 - epochNow());
  }
}
