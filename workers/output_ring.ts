/**
 * A single-producer, single-consumer ring of byte records in a `SharedArrayBuffer`,
 * for the two workers of the server: requests go from the listening worker to the
 * kernel worker in one ring, replies and notifications come back in another.
 *
 * Real-time safe on both sides: records are written and read in place (never across
 * the end of the buffer), nothing is allocated, nothing waits. A full ring refuses a
 * record; the producer decides what to do.
 *
 * Layout of the buffer:
 *
 * | bytes | meaning |
 * | --- | --- |
 * | 0..3 | head: offset of the next record to read (written by the consumer) |
 * | 4..7 | tail: offset where the next record goes (written by the producer) |
 * | 8..11 | records refused because the ring was full |
 * | 64.. | records: a 32-bit length, the payload, padding to 4 bytes |
 *
 * A length of `0xFFFFFFFF` means "continue at offset 0". Record lengths and payload
 * words are little-endian.
 *
 * @module
 */

const HEAD = 0;
const TAIL = 1;
const REFUSED = 2;
const DATA_OFFSET = 64;
const WRAP = -1;

/** Allocates the shared memory of a ring whose records fit in `capacityBytes`. */
export function createRingBuffer(capacityBytes: number): SharedArrayBuffer {
  const capacity = Math.ceil(capacityBytes / 4) * 4;
  return new SharedArrayBuffer(DATA_OFFSET + capacity);
}

/** One side of a ring; see the module documentation. */
export class Ring {
  /** The shared memory. */
  readonly buffer: SharedArrayBuffer;
  /** The records as bytes (offsets from {@link reserve} and {@link peek} index it). */
  readonly bytes: Uint8Array;
  /** The records as a view for multi-byte fields. */
  readonly view: DataView;
  readonly #header: Int32Array;
  readonly #capacity: number;
  #pendingTail = -1;
  #readEnd = -1;

  /** Wraps the memory of a ring created by {@link createRingBuffer}. */
  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.#header = new Int32Array(buffer, 0, 16);
    this.#capacity = buffer.byteLength - DATA_OFFSET;
    this.bytes = new Uint8Array(buffer, DATA_OFFSET, this.#capacity);
    this.view = new DataView(buffer, DATA_OFFSET, this.#capacity);
  }

  /** The largest payload a record can have. */
  get maxPayload(): number {
    return this.#capacity / 2 - 8;
  }

  /** Records refused so far because the ring was full. */
  get refusedCount(): number {
    return Atomics.load(this.#header, REFUSED);
  }

  /** Bytes in use, for diagnostics. */
  get usedBytes(): number {
    const head = Atomics.load(this.#header, HEAD);
    const tail = Atomics.load(this.#header, TAIL);
    return (tail - head + this.#capacity) % this.#capacity;
  }

  // ---- Producer side

  /**
   * Reserves a record of `length` payload bytes.
   * @returns the offset of the payload in {@link bytes}, or −1 when the ring is full
   *   (counted) or the record too large
   */
  reserve(length: number): number {
    const size = 4 + ((length + 3) & ~3);
    const cap = this.#capacity;
    if (length < 0 || size > cap / 2) return this.#refuse();
    const head = Atomics.load(this.#header, HEAD);
    let tail = Atomics.load(this.#header, TAIL);
    // Free bytes, keeping one word empty so that head === tail means empty.
    const free = (head - tail - 4 + 2 * cap) % cap;
    if (tail + size > cap) {
      // Not enough room before the end: wrap, which wastes the end of the buffer.
      if (cap - tail + size > free) return this.#refuse();
      this.view.setInt32(tail, WRAP, true);
      tail = 0;
    } else if (size > free) {
      return this.#refuse();
    }
    this.view.setInt32(tail, length, true);
    this.#pendingTail = tail + size === cap ? 0 : tail + size;
    return tail + 4;
  }

  /** Publishes the record reserved last. */
  commit(): void {
    Atomics.store(this.#header, TAIL, this.#pendingTail);
  }

  #refuse(): number {
    Atomics.add(this.#header, REFUSED, 1);
    return -1;
  }

  // ---- Consumer side

  /**
   * The payload offset of the oldest record, or −1 when the ring is empty; its length
   * is {@link peekLength}.
   */
  peek(): number {
    let head = Atomics.load(this.#header, HEAD);
    const tail = Atomics.load(this.#header, TAIL);
    if (head === tail) return -1;
    if (this.view.getInt32(head, true) === WRAP) {
      head = 0;
      Atomics.store(this.#header, HEAD, 0);
      if (head === tail) return -1;
    }
    const length = this.view.getInt32(head, true);
    const end = head + 4 + ((length + 3) & ~3);
    this.#readEnd = end === this.#capacity ? 0 : end;
    return head + 4;
  }

  /** Payload length of the record returned by the last {@link peek}. */
  peekLength(offset: number): number {
    return this.view.getInt32(offset - 4, true);
  }

  /** Frees the record returned by the last {@link peek}. */
  release(): void {
    Atomics.store(this.#header, HEAD, this.#readEnd);
  }
}
