/**
 * The generator of the notification interface of the kernel's contract and of the
 * in-process notification queue, from the `NOTIFICATIONS` table.
 *
 * Usage: imported by `scripts/gen_stubs.ts`.
 *
 * @module
 */

import { type FrameSpec, NOTIFICATIONS } from "@midishare/transport/interface";
import { live, methodDoc, params } from "./_frame_fields.ts";

/** `kernel/contract/gen/client_notifications_gen.ts`. */
export function notificationInterface(header: string): string {
  const methods = live(NOTIFICATIONS).map((f) =>
    `${methodDoc(f, "  ")}\n  ${f.name}(${params(f.fields).join(", ")}): void;`
  );
  return `${header}/**
 * What the server half of the kernel tells one client half, in server order: one
 * method per row of \`NOTIFICATIONS\`. The server implements it with frames on the
 * client's socket, the in-process composition with a queue in memory; the client's
 * inbox receives it.
 *
 * Implementations on the server side run inside a kernel step and must be real-time
 * safe (no allocation on the per-event methods) and must not call back into the kernel.
 *
 * @module
 */

import type { CellPool } from "../../memory/cell_pool.ts";

/** The callback channel of one client. */
export interface ClientNotifications {
${methods.join("\n")}
}

/** A receiver of notifications: it also says where delivered events are copied. */
export interface NotificationReceiver extends ClientNotifications {
  /** The pool delivered events are copied into, or null while the client has none. */
  eventPool(): CellPool | null;
  /**
   * A copy delivered to \`refNum\` (−1: unknown) did not fit the pool: it is lost
   * for this client only; the receiver counts it.
   */
  eventLost(refNum: number): void;
}
`;
}

/** The field naming the application of a notification that can go stale. */
function refField(frame: FrameSpec): string | undefined {
  if (frame.dropIfReopened !== true) return undefined;
  return frame.fields.find(([name]) => name === "refNum")?.[0];
}

/** `kernel/contract/gen/notification_queue_gen.ts`: the in-process queue. */
export function notificationQueue(header: string): string {
  const frames = live(NOTIFICATIONS);
  const width = 3 + Math.max(...frames.map((f) => f.fields.length));
  const pushes = frames.map((f, index) => {
    const ref = refField(f);
    const copies: string[] = [], slots: string[] = [];
    f.fields.forEach(([name, type], i) => {
      if (type === "event") {
        copies.push(
          `const ${name}Copy = copyDelivered(this.#hooks, ${
            f.fields.some(([n]) => n === "refNum") ? "refNum" : "-1"
          }, ${name}Pool, ${name}Cell);`,
          `if (${name}Copy < 0) return;`,
        );
        slots.push(`q[at + ${3 + i}] = ${name}Copy;`);
      } else {
        slots.push(
          `q[at + ${3 + i}] = ${type === "bool" ? `${name} ? 1 : 0` : name};`,
        );
      }
    });
    const stamp = ref === undefined ? "0" : `this.#hooks.recordSerial(${ref})`;
    return `  ${f.name}(${params(f.fields).join(", ")}): void {
    ${copies.join("\n    ")}
    const at = this.#ring.reserve(), q = this.#ring.numbers;
    q[at] = ${index};
    q[at + 1] = ${stamp};
    q[at + 2] = this.#hooks.poolEpoch();${
      slots.map((l) => `\n    ${l}`).join("")
    }
    this.#ring.commit();
  }`;
  });
  const cases = frames.map((f, index) => {
    const ref = refField(f);
    const reads = f.fields.flatMap(([name, type], i) => {
      const slot = `q[at + ${3 + i}]!`;
      if (type === "event") {
        return [
          `const ${name}Cell = ${slot}, ${name}Pool = this.#hooks.eventPool();`,
          `// Copied before the pool was reset: the cell is not ours any more.`,
          `if (${name}Pool === null || q[at + 2] !== this.#hooks.poolEpoch()) break;`,
        ];
      }
      return [`const ${name} = ${type === "bool" ? `${slot} === 1` : slot};`];
    });
    const call = `to.${f.name}(${
      f.fields.flatMap(([name, type]) =>
        type === "event" ? [`${name}Pool`, `${name}Cell`] : [name]
      ).join(", ")
    });`;
    const event = f.fields.find(([, t]) => t === "event")?.[0];
    const guard = ref === undefined ? [call] : [
      `if (q[at + 1] === this.#hooks.recordSerial(${ref})) ${call}`,
      ...(event === undefined
        ? []
        : [`else this.#hooks.discard(${event}Cell);`]),
    ];
    return `      case ${index}: {
        ${[...reads, ...guard].join("\n        ")}
        break;
      }`;
  });
  return `${header}/**
 * The in-process queue of the notifications of one client: it records each call of
 * {@link ClientNotifications} in server order and replays them later into the
 * client's receiver, so that no callback runs inside a kernel step (as with a socket
 * between them). Delivered events are copied into the receiver's pool at once; a
 * notification about an application that was closed and reopened since is dropped.
 *
 * Runs on the caller's thread. Recording is real-time safe;
 * {@link NotificationQueue.replayInto} runs callbacks.
 *
 * @module
 */

import {
  copyDelivered,
  EntryRing,
  type NotificationQueueHooks,
} from "../entry_ring.ts";
import type { CellPool } from "../../memory/cell_pool.ts";
import type {
  ClientNotifications,
  NotificationReceiver,
} from "./client_notifications_gen.ts";

/** Numbers per entry: kind, record serial, pool epoch, then the fields. */
const WIDTH = ${width};

/** A queue of notifications for one in-process client. */
export class NotificationQueue implements ClientNotifications {
  readonly #hooks: NotificationQueueHooks;
  readonly #ring = new EntryRing(WIDTH);

  /** An empty queue for the client that \`hooks\` describe. */
  constructor(hooks: NotificationQueueHooks) {
    this.#hooks = hooks;
  }

${pushes.join("\n\n")}

  /**
   * Replays the queued notifications into \`to\`, one at a time (a callback may queue
   * more behind it); returns whether there were any.
   */
  replayInto(to: NotificationReceiver): boolean {
    const ring = this.#ring;
    if (ring.isEmpty) return false;
    // Each entry's numbers are read before its callback runs: a callback may grow
    // the ring.
    for (let at = ring.take(); at >= 0; at = ring.take()) {
      const q = ring.numbers;
      switch (q[at]) {
${cases.join("\n")}
      }
    }
    return true;
  }
}
`;
}
