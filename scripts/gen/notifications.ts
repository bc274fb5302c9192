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
    const slots = f.fields.map(([name, type], i) => {
      const at = `at + ${3 + i}`;
      if (type === "event") {
        return `const copy = this.#copy(${name}Pool, ${name}Cell);
    if (copy < 0) return;
    q[${at}] = copy;`;
      }
      return `q[${at}] = ${type === "bool" ? `${name} ? 1 : 0` : name};`;
    });
    const stamp = ref === undefined ? "0" : `this.#hooks.recordSerial(${ref})`;
    return `  ${f.name}(${params(f.fields).join(", ")}): void {
    const at = this.#reserve(), q = this.#queue;${
      slots.map((l) => `\n    ${l}`).join("")
    }
    q[at] = ${index};
    q[at + 1] = ${stamp};
    q[at + 2] = this.#hooks.poolEpoch();
    this.#commit();
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
    const hasEvent = f.fields.some(([, t]) => t === "event");
    const guard = ref === undefined
      ? call
      : `if (q[at + 1] === this.#hooks.recordSerial(${ref})) ${call}
        ${
        hasEvent
          ? `else this.#hooks.discard(${
            f.fields.find(([, t]) => t === "event")![0]
          }Cell);`
          : ""
      }`;
    return `      case ${index}: {
        ${reads.join("\n        ")}
        ${guard}
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
 * Runs on the caller's thread. Recording is real-time safe (the queue doubles when
 * full, which amortizes to nothing); {@link NotificationQueue.replayInto} runs callbacks.
 *
 * @module
 */

import { type CellPool, NIL } from "../../memory/cell_pool.ts";
import { copyEvent } from "../../memory/event_store.ts";
import type {
  ClientNotifications,
  NotificationReceiver,
} from "./client_notifications_gen.ts";

/** What the queue needs to know of its client. */
export interface NotificationQueueHooks {
  /** The pool delivered events are copied into, or null while inactive. */
  eventPool(): CellPool | null;
  /** Changes whenever the client's pool is reset: cells copied before are not ours. */
  poolEpoch(): number;
  /** The serial of the client's record of \`refNum\`, 0 when none. */
  recordSerial(refNum: number): number;
  /** Frees a copied event that has nowhere to go. */
  discard(cell: number): void;
}

/** Numbers per entry: kind, record serial, pool epoch, then the fields. */
const WIDTH = ${width};

/** A queue of notifications for one in-process client. */
export class NotificationQueue implements ClientNotifications {
  readonly #hooks: NotificationQueueHooks;
  #queue = new Float64Array(WIDTH * 256);
  #head = 0;
  #tail = 0;
  #next = 0;

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
    if (this.#head === this.#tail) return false;
    while (this.#head !== this.#tail) {
      const q = this.#queue, at = this.#head;
      this.#head = at + WIDTH === q.length ? 0 : at + WIDTH;
      switch (q[at]) {
${cases.join("\n")}
      }
    }
    return true;
  }

  /** Copies a delivered event into the client's pool; −1 when it is lost. */
  #copy(pool: CellPool, cell: number): number {
    const target = this.#hooks.eventPool();
    if (target === null) return -1;
    const copy = copyEvent(pool, cell, target);
    // An exhausted pool loses the copy for this client only (spec §6.2).
    return copy === NIL ? -1 : copy;
  }

  /** The offset of a new entry at the tail (committed by {@link #commit}). */
  #reserve(): number {
    const q = this.#queue;
    this.#next = this.#tail + WIDTH === q.length ? 0 : this.#tail + WIDTH;
    if (this.#next === this.#head) this.#grow();
    return this.#tail;
  }

  #commit(): void {
    this.#tail = this.#next;
  }

  /** Doubles the ring, unrolling it so that the head is at 0. */
  #grow(): void {
    const old = this.#queue, bigger = new Float64Array(old.length * 2);
    let length: number;
    if (this.#head <= this.#tail) {
      bigger.set(old.subarray(this.#head, this.#tail));
      length = this.#tail - this.#head;
    } else {
      const first = old.subarray(this.#head);
      bigger.set(first);
      bigger.set(old.subarray(0, this.#tail), first.length);
      length = first.length + this.#tail;
    }
    this.#head = 0;
    this.#tail = length;
    this.#next = length + WIDTH;
    this.#queue = bigger;
  }
}
`;
}
