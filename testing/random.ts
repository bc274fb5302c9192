/**
 * A seeded pseudo-random generator for tests of every folder: print its seed on
 * failure, replay with `MIDISHARE_SEED=<seed>`. Not shipped in any package.
 *
 * @module
 */

/** A deterministic generator (mulberry32); print `seed` when a test fails. */
export class Random {
  /** The starting value. */
  readonly seed: number;
  #state: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.#state = this.seed;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

/** A seed from `MIDISHARE_SEED` or the clock, printed so a failure can be replayed. */
export function testSeed(): number {
  const canRead =
    Deno.permissions.querySync({ name: "env", variable: "MIDISHARE_SEED" })
      .state === "granted";
  const fixed = canRead ? Deno.env.get("MIDISHARE_SEED") : undefined;
  return fixed === undefined ? Date.now() >>> 0 : Number(fixed) >>> 0;
}
