/**
 * What a client lost to its own pool, as MidiShare lets it (a copy that does not fit
 * the receiver's pool is lost for that client only; `MidiAddField` stops adding when
 * the pool is full): counted here, and reported to the server once per task so that
 * `midishare status` shows them.
 *
 * Runs on the client's thread. Counting is real-time safe; the report is a one-way
 * call queued once per task.
 *
 * @module
 */

import { REFNUM_COUNT } from "../api/constants.ts";

/** A client's losses, as {@link LossCounts.snapshot} gives them. */
export interface ClientLosses {
  /** Copies delivered to this client that did not fit its pool, in all. */
  lostCopies: number;
  /** The same by refnum, since the refnum was opened (refnums with losses only). */
  lostCopiesByRefNum: Record<number, number>;
  /** `MidiAddField` calls whose byte was not added. */
  truncatedFields: number;
}

/** What the counts need of their client. */
export interface LossCountsHost {
  /** Whether the client has `refNum` open. */
  isOpen(refNum: number): boolean;
  /** Whether the client has anything open (only then is the server told). */
  hasRecords(): boolean;
  /** The truncated `MidiAddField` calls so far. */
  truncatedFields(): number;
  /** Tells the server the totals: for `refNum` (−1: none) and in all. */
  report(
    refNum: number,
    refLostCopies: number,
    lostCopies: number,
    truncatedFields: number,
  ): void;
}

/** The loss counters of one client; see the module documentation. */
export class LossCounts {
  readonly #host: LossCountsHost;
  readonly #lostCopiesOf = new Int32Array(REFNUM_COUNT);
  #lostCopies = 0;
  // Refnums whose losses the server has not been told yet.
  readonly #toReport = new Uint8Array(REFNUM_COUNT);
  #isReportQueued = false;

  /** Counters at zero for the client `host` describes. */
  constructor(host: LossCountsHost) {
    this.#host = host;
  }

  /** A refnum was opened: its count starts again. */
  opened(refNum: number): void {
    this.#lostCopiesOf[refNum] = 0;
  }

  /** A copy for `refNum` (−1: unknown) did not fit the pool. */
  copyLost(refNum: number): void {
    this.#lostCopies++;
    if (refNum >= 0 && refNum < REFNUM_COUNT) this.#lostCopiesOf[refNum]!++;
    this.changed(refNum);
  }

  /** A count changed (−1: one that belongs to no refnum): report after this task. */
  changed(refNum: number): void {
    if (refNum >= 0 && refNum < REFNUM_COUNT) this.#toReport[refNum] = 1;
    if (this.#isReportQueued) return;
    this.#isReportQueued = true;
    queueMicrotask(() => this.#report());
  }

  /** The counts now. */
  snapshot(): ClientLosses {
    const byRef: Record<number, number> = {};
    this.#lostCopiesOf.forEach((n, ref) => {
      if (n > 0 && this.#host.isOpen(ref)) byRef[ref] = n;
    });
    return {
      lostCopies: this.#lostCopies,
      lostCopiesByRefNum: byRef,
      truncatedFields: this.#host.truncatedFields(),
    };
  }

  #report(): void {
    this.#isReportQueued = false;
    const host = this.#host;
    // Only a client with something open is connected: never connect for this.
    if (!host.hasRecords()) return;
    let isSent = false;
    for (let ref = 0; ref < REFNUM_COUNT; ref++) {
      if (this.#toReport[ref] === 0) continue;
      this.#toReport[ref] = 0;
      if (!host.isOpen(ref)) continue;
      host.report(
        ref,
        this.#lostCopiesOf[ref]!,
        this.#lostCopies,
        host.truncatedFields(),
      );
      isSent = true;
    }
    if (!isSent) host.report(-1, 0, this.#lostCopies, host.truncatedFields());
  }
}
