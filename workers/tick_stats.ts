/**
 * How late the kernel worker starts each tick after its due time: a histogram in
 * 25 µs buckets up to 10 ms, for `midishare status` and the benchmarks.
 *
 * Runs in the kernel worker. Real-time safe: fixed arrays.
 *
 * @module
 */

const BUCKET_US = 25;
const BUCKETS = 400;

/** Lateness percentiles of the ticks run so far, in microseconds. */
export interface TickLateness {
  /** Ticks measured. */
  ticks: number;
  /** Median lateness. */
  p50Us: number;
  /** 99th percentile. */
  p99Us: number;
  /** Largest lateness. */
  maxUs: number;
}

/** The histogram; see the module documentation. */
export class TickStats {
  readonly #counts = new Float64Array(BUCKETS + 1);
  #ticks = 0;
  #maxUs = 0;

  /** Records a tick started `lateMs` after its due time. */
  record(lateMs: number): void {
    const us = lateMs * 1000;
    this.#counts[Math.min(BUCKETS, Math.max(0, Math.floor(us / BUCKET_US)))]!++;
    this.#ticks++;
    if (us > this.#maxUs) this.#maxUs = us;
  }

  /** Percentiles (bucket upper bounds) and the maximum. */
  summary(): TickLateness {
    const at = (q: number) => {
      let seen = 0;
      for (let b = 0; b <= BUCKETS; b++) {
        seen += this.#counts[b]!;
        if (seen >= q * this.#ticks) return (b + 1) * BUCKET_US;
      }
      return BUCKETS * BUCKET_US;
    };
    return {
      ticks: this.#ticks,
      p50Us: at(0.5),
      p99Us: at(0.99),
      maxUs: Math.round(this.#maxUs),
    };
  }
}
