/**
 * Directed connections between refnums (spec §7.6): at most one per ordered pair,
 * visited from the most recent.
 *
 * Runs in the kernel worker. Real-time safe: fixed tables, no allocation.
 *
 * @module
 */

import { REFNUM_COUNT } from "../api/constants.ts";

/** The connection table. */
export class Connections {
  readonly #matrix = new Uint8Array(REFNUM_COUNT * REFNUM_COUNT);
  readonly #lists = new Uint8Array(REFNUM_COUNT * REFNUM_COUNT);
  readonly #counts = new Uint8Array(REFNUM_COUNT);

  /** Whether `src → dst` exists. */
  isConnected(src: number, dst: number): boolean {
    return this.#matrix[src * REFNUM_COUNT + dst] === 1;
  }

  /** Makes `src → dst`; returns whether it was new. */
  connect(src: number, dst: number): boolean {
    if (this.isConnected(src, dst)) return false;
    this.#matrix[src * REFNUM_COUNT + dst] = 1;
    this.#lists[src * REFNUM_COUNT + this.#counts[src]!] = dst;
    this.#counts[src]!++;
    return true;
  }

  /** Breaks `src → dst`; returns whether it existed. */
  disconnect(src: number, dst: number): boolean {
    if (!this.isConnected(src, dst)) return false;
    this.#matrix[src * REFNUM_COUNT + dst] = 0;
    const base = src * REFNUM_COUNT, count = this.#counts[src]!;
    let i = 0;
    while (this.#lists[base + i] !== dst) i++;
    this.#lists.copyWithin(base + i, base + i + 1, base + count);
    this.#counts[src] = count - 1;
    return true;
  }

  /** Number of destinations of `src`. */
  destCount(src: number): number {
    return this.#counts[src]!;
  }

  /** The `i`-th destination of `src`, most recent first. */
  dest(src: number, i: number): number {
    return this.#lists[src * REFNUM_COUNT + this.#counts[src]! - 1 - i]!;
  }

  /** Removes every connection to and from `ref`, silently. */
  removeAll(ref: number): void {
    for (let other = 0; other < REFNUM_COUNT; other++) {
      this.disconnect(ref, other);
      this.disconnect(other, ref);
    }
  }
}
