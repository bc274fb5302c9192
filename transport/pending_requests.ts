/**
 * The requests a client sent and whose reply has not arrived, by sequence number.
 *
 * Runs on the client's main thread. Not real-time safe: each request allocates its
 * promise.
 *
 * @module
 */

import type { WireReader } from "./wire.ts";

interface Pending {
  read: (r: WireReader) => unknown;
  onReply: ((result: unknown) => void) | undefined;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** The requests waiting for their reply; see the module documentation. */
export class PendingRequests {
  readonly #pending = new Map<number, Pending>();

  /** How many requests wait. */
  get size(): number {
    return this.#pending.size;
  }

  /**
   * Adds a request.
   * @param seq its sequence number
   * @param read reads its result from the reply
   * @param onReply runs with the result before the promise resolves
   * @returns the promise of its result
   */
  add<T>(
    seq: number,
    read: (r: WireReader) => T,
    onReply?: (result: T) => void,
  ): Promise<T> {
    const { promise, resolve, reject } = Promise.withResolvers<T>();
    this.#pending.set(seq, {
      read,
      onReply: onReply as ((result: unknown) => void) | undefined,
      resolve: resolve as (value: unknown) => void,
      reject,
    });
    return promise;
  }

  /** Settles the request `seq` with its reply; an unknown `seq` is ignored. */
  reply(seq: number, r: WireReader): void {
    const pending = this.#pending.get(seq);
    if (pending === undefined) return;
    this.#pending.delete(seq);
    const result = pending.read(r);
    if (pending.onReply !== undefined) pending.onReply(result);
    pending.resolve(result);
  }

  /** Rejects every waiting request with `error` and forgets them. */
  rejectAll(error: unknown): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
