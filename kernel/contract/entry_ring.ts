/**
 * A growable ring of fixed-width entries of numbers, and the helpers of the
 * in-process notification queue that the generated `NotificationQueue` runs on.
 *
 * Runs on the caller's thread. Real-time safe: the ring doubles when full, which
 * amortizes to nothing; copying an event takes cells from the client's pool.
 *
 * @module
 */

import { type CellPool, NIL } from "../memory/cell_pool.ts";
import { copyEvent } from "../memory/event_store.ts";

/** What the in-process queue needs to know of its client. */
export interface NotificationQueueHooks {
  /** The pool delivered events are copied into, or null while inactive. */
  eventPool(): CellPool | null;
  /** Changes whenever the client's pool is reset: cells copied before are not ours. */
  poolEpoch(): number;
  /** The serial of the client's record of `refNum`, 0 when none. */
  recordSerial(refNum: number): number;
  /** Frees a copied event that has nowhere to go. */
  discard(cell: number): void;
  /** A copy for `refNum` (−1: unknown) did not fit the pool: the client counts it. */
  eventLost(refNum: number): void;
}

/**
 * Copies an event delivered to `refNum` into the client's pool at once (the sender's
 * cell is reused after the call).
 * @returns the copy's cell, or −1 when the client has no pool or it is exhausted
 *   (the copy is then lost for this client only, and counted)
 */
export function copyDelivered(
  hooks: NotificationQueueHooks,
  refNum: number,
  pool: CellPool,
  cell: number,
): number {
  const target = hooks.eventPool();
  if (target === null) return -1;
  const copy = copyEvent(pool, cell, target);
  if (copy !== NIL) return copy;
  hooks.eventLost(refNum);
  return -1;
}

/** A ring of entries of `width` numbers each, oldest first. */
export class EntryRing {
  readonly #width: number;
  #numbers: Float64Array;
  #head = 0;
  #tail = 0;
  #next = 0;

  /** An empty ring with room for `entries` entries before it grows. */
  constructor(width: number, entries = 256) {
    this.#width = width;
    this.#numbers = new Float64Array(width * entries);
  }

  /** The entries' numbers; replaced when the ring grows, so read it after {@link reserve}. */
  get numbers(): Float64Array {
    return this.#numbers;
  }

  /** Whether no entry waits. */
  get isEmpty(): boolean {
    return this.#head === this.#tail;
  }

  /** The offset of a new entry at the tail; it counts once {@link commit}ted. */
  reserve(): number {
    const width = this.#width, length = this.#numbers.length;
    this.#next = this.#tail + width === length ? 0 : this.#tail + width;
    if (this.#next === this.#head) this.#grow();
    return this.#tail;
  }

  /** Adds the entry reserved last. */
  commit(): void {
    this.#tail = this.#next;
  }

  /**
   * The offset of the oldest entry, which leaves the ring (its numbers stay readable
   * in the current {@link numbers} until the next {@link reserve}); −1 when empty.
   */
  take(): number {
    if (this.#head === this.#tail) return -1;
    const at = this.#head, width = this.#width;
    this.#head = at + width === this.#numbers.length ? 0 : at + width;
    return at;
  }

  /** Doubles the ring, unrolling it so that the head is at 0. */
  #grow(): void {
    const old = this.#numbers, bigger = new Float64Array(old.length * 2);
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
    this.#next = length + this.#width;
    this.#numbers = bigger;
  }
}
