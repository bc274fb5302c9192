/**
 * What the kernel tells one client, in server order: the callback channel of the
 * design. The in-process kernel queues these for its client core; the server writes
 * them to the client's socket.
 *
 * Every method runs in the kernel worker, inside a tick or a request; implementations
 * must be real-time safe (no allocation on the per-event methods) and must not call
 * back into the kernel.
 *
 * @module
 */

import type { CellPool } from "../memory/cell_pool.ts";

/** The callback channel of one client. */
export interface ClientSink {
  /**
   * An event entered the receive FIFO of `refNum` with port `port`. The cell belongs
   * to the kernel and is reused after the call: copy it.
   */
  deliver(refNum: number, pool: CellPool, cell: number, port: number): void;
  /** A real-time task of `refNum` is due: run it (identified by the client's task id). */
  runTask(
    refNum: number,
    taskId: number,
    taskSerial: number,
    date: number,
  ): void;
  /** A deferred task of `refNum` reached its date: it joins the DTask list. */
  readyDTask(
    refNum: number,
    taskId: number,
    taskSerial: number,
    date: number,
  ): void;
  /** Everything of this tick for this client was sent: call the receive alarms. */
  endTick(): void;
  /** Application alarm of `refNum` with a change code `(R << 16) | change`. */
  applAlarm(refNum: number, code: number): void;
  /** A driver of this client wakes up. */
  driverWakeup(refNum: number): void;
  /**
   * A driver of this client goes to sleep: after its callback, its FIFO and ready
   * DTasks are cleared.
   */
  driverSleep(refNum: number): void;
  /** MidiShare went dormant: every pending task of every client is discarded. */
  dormant(): void;
  /** The number of applications or drivers, or the wake state, changed. */
  stateChanged(applCount: number, driverCount: number, isAwake: boolean): void;
}
