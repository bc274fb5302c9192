/**
 * The output lateness of the RtMidi driver: how long after its date each message
 * reached RtMidi, counted in buckets of 10 µs up to 10 ms, for `midishare status`.
 *
 * Runs in the kernel worker. Recording is real-time safe: no allocation.
 *
 * @module
 */

const LATENESS_BUCKET_US = 10;
const LATENESS_BUCKETS = 1000;

/** Output lateness figures, µs. */
export interface LatenessFigures {
  /** How many messages were measured. */
  count: number;
  /** The median. */
  p50Us: number;
  /** The 99th percentile. */
  p99Us: number;
  /** The largest. */
  maxUs: number;
}

/** A histogram of output lateness; see the module documentation. */
export class LatenessHistogram {
  readonly #lateness = new Float64Array(LATENESS_BUCKETS + 1);
  #count = 0;
  #max = 0;

  /** How many messages were measured. */
  get count(): number {
    return this.#count;
  }

  /** The largest lateness seen, µs. */
  get maxUs(): number {
    return this.#max;
  }

  /** Counts one message `lateUs` µs late; values out of 0..10 s are ignored. */
  record(lateUs: number): void {
    if (lateUs >= 0 && lateUs < 1e7) {
      this
        .#lateness[
          Math.min(LATENESS_BUCKETS, Math.floor(lateUs / LATENESS_BUCKET_US))
        ]!++;
      this.#count++;
      if (lateUs > this.#max) this.#max = lateUs;
    }
  }

  /**
   * The upper bound of the first bucket by which a share `q` (0..1) of the messages
   * is counted, µs.
   */
  quantileUs(q: number): number {
    let seen = 0;
    for (let b = 0; b <= LATENESS_BUCKETS; b++) {
      seen += this.#lateness[b]!;
      if (seen >= q * this.#count) {
        return (b + 1) * LATENESS_BUCKET_US;
      }
    }
    return LATENESS_BUCKETS * LATENESS_BUCKET_US;
  }

  /** The figures `midishare status` shows. */
  figures(): LatenessFigures {
    return {
      count: this.count,
      p50Us: this.quantileUs(0.5),
      p99Us: this.quantileUs(0.99),
      maxUs: Math.round(this.maxUs),
    };
  }
}
