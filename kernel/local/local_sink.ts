/**
 * The callback channel of an in-process client: the kernel's notifications are
 * queued in server order, events copied into the client's pool at once, and the queue
 * is replayed into the client's inbox after the kernel step, so that no callback ever
 * runs inside the kernel (as with a socket between them).
 *
 * `ClientSink` methods run inside the kernel step and are real-time safe (the queue
 * doubles when full, which amortizes to nothing); `drainInto` runs callbacks.
 *
 * @module
 */

import { CELL_WORDS, type CellPool, NIL } from "../memory/cell_pool.ts";
import type { ClientInbox } from "../client/appl_calls.ts";
import type { ClientSink } from "../contract/client_sink.ts";
import { B_PORT } from "../memory/event_layout.ts";
import { copyEvent } from "../memory/event_store.ts";

const K_DELIVER = 1;
const K_RUN = 2;
const K_DTASK = 3;
const K_END_TICK = 4;
const K_APPL_ALARM = 5;
const K_WAKEUP = 6;
const K_SLEEP = 7;
const K_DORMANT = 8;
const STRIDE = 5;

/** A queueing {@link ClientSink} for one in-process client. */
export class LocalSink implements ClientSink {
  readonly #inbox: ClientInbox;
  readonly #poolEpoch: () => number;
  #queue: Int32Array = new Int32Array(STRIDE * 1024);
  #head = 0;
  #tail = 0;

  /**
   * A sink replaying into `inbox`.
   * @param inbox the client's inbox
   * @param poolEpoch changes whenever the client's pool is deactivated, so that
   *   events copied before are dropped, not freed twice
   */
  constructor(inbox: ClientInbox, poolEpoch: () => number) {
    this.#inbox = inbox;
    this.#poolEpoch = poolEpoch;
  }

  deliver(refNum: number, pool: CellPool, cell: number, port: number): void {
    const target = this.#inbox.targetPool();
    if (target === null) return;
    const copy = copyEvent(pool, cell, target);
    // An exhausted pool loses the copy for this client only (spec §6.2).
    if (copy === NIL) return;
    target.bytes[copy * CELL_WORDS * 4 + B_PORT] = port;
    const serial = this.#inbox.recordSerial(refNum);
    this.#push(K_DELIVER, refNum, copy, this.#poolEpoch(), serial);
  }

  runTask(refNum: number, taskId: number, serial: number, date: number): void {
    this.#push(K_RUN, refNum, taskId, serial, date);
  }

  readyDTask(
    refNum: number,
    taskId: number,
    serial: number,
    date: number,
  ): void {
    this.#push(K_DTASK, refNum, taskId, serial, date);
  }

  endTick(): void {
    this.#push(K_END_TICK, 0, 0, 0, 0);
  }

  applAlarm(refNum: number, code: number): void {
    this.#push(K_APPL_ALARM, refNum, code, this.#inbox.recordSerial(refNum), 0);
  }

  driverWakeup(refNum: number): void {
    this.#push(K_WAKEUP, refNum, 0, 0, 0);
  }

  driverSleep(refNum: number): void {
    this.#push(K_SLEEP, refNum, 0, 0, 0);
  }

  dormant(): void {
    this.#push(K_DORMANT, 0, 0, 0, 0);
  }

  stateChanged(): void {
    // The in-process client reads the kernel's state directly.
  }

  /** Replays queued notifications into the inbox; returns whether there were any. */
  drainInto(): boolean {
    if (this.#head === this.#tail) return false;
    const inbox = this.#inbox;
    // One entry at a time: a callback may queue more behind it.
    while (this.#head !== this.#tail) {
      const q = this.#queue, at = this.#head;
      this.#head = at + STRIDE === q.length ? 0 : at + STRIDE;
      const kind = q[at]!, ref = q[at + 1]!, a = q[at + 2]!, b = q[at + 3]!;
      const c = q[at + 4]!;
      switch (kind) {
        case K_DELIVER:
          // Copied into a pool since reset: the cell is not ours any more.
          if (b !== this.#poolEpoch()) break;
          if (c === inbox.recordSerial(ref)) inbox.deliver(ref, a);
          else inbox.discard(a);
          break;
        case K_RUN:
          inbox.runTask(ref, a, b, c >>> 0);
          break;
        case K_DTASK:
          inbox.readyDTask(ref, a, b, c >>> 0);
          break;
        case K_END_TICK:
          inbox.endTick();
          break;
        case K_APPL_ALARM:
          if (b === inbox.recordSerial(ref)) inbox.applAlarm(ref, a);
          break;
        case K_WAKEUP:
          inbox.driverWakeup(ref);
          break;
        case K_SLEEP:
          inbox.driverSleep(ref);
          break;
        case K_DORMANT:
          inbox.dormant();
          break;
      }
    }
    return true;
  }

  #push(kind: number, ref: number, a: number, b: number, c: number): void {
    let q = this.#queue;
    const next = this.#tail + STRIDE === q.length ? 0 : this.#tail + STRIDE;
    if (next === this.#head) q = this.#grow();
    const at = this.#tail;
    q[at] = kind;
    q[at + 1] = ref;
    q[at + 2] = a;
    q[at + 3] = b;
    q[at + 4] = c;
    this.#tail = at + STRIDE === q.length ? 0 : at + STRIDE;
  }

  /** Doubles the ring, unrolling it so that the head is at 0. */
  #grow(): Int32Array {
    const old = this.#queue;
    const bigger = new Int32Array(old.length * 2);
    if (this.#head <= this.#tail) {
      bigger.set(old.subarray(this.#head, this.#tail));
      this.#tail -= this.#head;
    } else {
      const first = old.subarray(this.#head);
      bigger.set(first);
      bigger.set(old.subarray(0, this.#tail), first.length);
      this.#tail += first.length;
    }
    this.#head = 0;
    this.#queue = bigger;
    return bigger;
  }
}
