/**
 * Where the kernel worker's output waits when the output ring is full: a burst larger
 * than the ring (say a 1 MiB SysEx to twenty applications in one tick) is delayed a few
 * ticks, not lost. Records keep their order: while anything waits here, new records
 * queue behind it.
 *
 * Runs in the kernel worker. Allocates only while the ring is full; beyond
 * {@link MAX_BACKLOG_BYTES} a record is dropped and counted, because a listener that
 * never catches up must not take the server's memory with it.
 *
 * @module
 */

import type { Ring } from "./output_ring.ts";

/** The most bytes that may wait at once: 64 times the largest event. */
export const MAX_BACKLOG_BYTES = 256 * 1024 * 1024;

/** Records waiting for room in the output ring, oldest first. */
export class OutputBacklog {
  #records: Uint8Array[] = [];
  #first = 0;
  #bytes = 0;
  /** Records dropped because the backlog was full. */
  droppedRecords = 0;

  /** Whether records wait. */
  get isEmpty(): boolean {
    return this.#first === this.#records.length;
  }

  /** Bytes waiting. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * A new record of `length` bytes to fill and then {@link push}; null (counted) when
   * the backlog is full.
   */
  allocate(length: number): Uint8Array | null {
    if (this.#bytes + length > MAX_BACKLOG_BYTES) {
      this.droppedRecords++;
      return null;
    }
    return new Uint8Array(length);
  }

  /** Queues a record filled after {@link allocate}. */
  push(record: Uint8Array): void {
    this.#records.push(record);
    this.#bytes += record.length;
  }

  /** Moves the oldest records into `ring` while it has room; whether any moved. */
  flushInto(ring: Ring): boolean {
    const records = this.#records;
    let moved = false;
    while (this.#first < records.length) {
      const record = records[this.#first]!;
      const at = ring.reserve(record.length);
      if (at < 0) break;
      ring.bytes.set(record, at);
      ring.commit();
      this.#bytes -= record.length;
      this.#first++;
      moved = true;
    }
    if (this.#first === records.length) {
      this.#records = [];
      this.#first = 0;
    }
    return moved;
  }
}
