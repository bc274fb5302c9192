/**
 * The contract between the two halves of the kernel: what the server half tells one
 * client half, in server order (the callback channel of the design), generated from
 * the `NOTIFICATIONS` table of `transport/interface.ts`. The server writes these
 * notifications as frames on the client's socket; the in-process composition queues
 * them in a {@link NotificationQueue}; the client's inbox receives them.
 *
 * Runs on both sides. May import `../api/` and `../memory/`.
 *
 * @example Queue a tick's end and replay it
 * ```ts
 * import assert from "node:assert/strict";
 * import { NotificationQueue, type NotificationReceiver } from "./mod.ts";
 *
 * const queue = new NotificationQueue({
 *   eventPool: () => null,
 *   poolEpoch: () => 0,
 *   recordSerial: () => 0,
 *   discard: () => {},
 * });
 * queue.endTick();
 * let ticks = 0;
 * const receiver = { endTick: () => void ticks++ } as NotificationReceiver;
 * queue.replayInto(receiver);
 * assert.equal(ticks, 1);
 * ```
 *
 * @module
 */

export type { KernelCalls } from "./gen/kernel_calls_gen.ts";
export type {
  ClientNotifications,
  NotificationReceiver,
} from "./gen/client_notifications_gen.ts";
export { NotificationQueue } from "./gen/notification_queue_gen.ts";
export {
  copyDelivered,
  EntryRing,
  type NotificationQueueHooks,
} from "./entry_ring.ts";
