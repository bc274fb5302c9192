/**
 * The kernel's end of a client's request ring (layout in `transport/shared_ring.ts`):
 * reads the records the client published, copying each frame out before it is
 * decoded, so that a client writing over its ring meanwhile changes nothing already
 * checked. The head is the kernel's own: never read back from the shared memory.
 *
 * Runs in the kernel worker. Real-time safe: no allocation except the error thrown
 * for a malformed ring.
 *
 * @module
 */

import {
  BARRIER_MARK,
  recordBytes,
  RING_DATA_BYTES,
  RING_HEAD,
  RING_HEADER_BYTES,
  RING_MAX_FRAME_BYTES,
  RING_TAIL,
  WRAP_MARK,
} from "@midishare/transport/shared_ring";

/** A ring whose records break the layout: the client is disconnected. */
export class RingError extends Error {
  override name = "RingError";
}

/** The kernel's end of a request ring; see the module documentation. */
export class RingReader {
  /** The frame read last: its length word and payload, copied out of the ring. */
  readonly frame: Uint8Array = new Uint8Array(4 + RING_MAX_FRAME_BYTES);
  /** A view on {@link frame}. */
  readonly frameView: DataView = new DataView(this.frame.buffer);
  readonly #words: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #head = 0;

  /** The reader over the mapped ring `buffer` (of at least `RING_FILE_BYTES`). */
  constructor(buffer: ArrayBuffer) {
    this.#words = new Int32Array(buffer, 0, RING_HEADER_BYTES / 4);
    this.#bytes = new Uint8Array(buffer, RING_HEADER_BYTES, RING_DATA_BYTES);
    this.#view = new DataView(buffer, RING_HEADER_BYTES, RING_DATA_BYTES);
    Atomics.store(this.#words, RING_HEAD / 4, 0);
    Atomics.store(this.#words, RING_TAIL / 4, 0);
  }

  /**
   * Whether a record can be read now: something was published, and it is not a
   * barrier waiting for socket frames beyond `socketFrames`. A broken ring counts as
   * readable (reading it closes the client).
   */
  canRead(socketFrames: number): boolean {
    const tail = Atomics.load(this.#words, RING_TAIL / 4) >>> 0;
    if (tail === this.#head) return false;
    const at = this.#head & (RING_DATA_BYTES - 1);
    if (at > RING_DATA_BYTES - 8) return true;
    return this.#view.getUint32(at, true) !== BARRIER_MARK ||
      this.#view.getUint32(at + 4, true) <= socketFrames;
  }

  /**
   * Copies the next frame into {@link frame}; returns its payload length, or 0 when
   * nothing waits or a barrier waits for socket frames beyond `socketFrames`.
   * @throws {RingError} when the records break the layout
   */
  next(socketFrames: number): number {
    while (true) {
      const tail = Atomics.load(this.#words, RING_TAIL / 4) >>> 0;
      const available = (tail - this.#head) >>> 0;
      if (available === 0) return 0;
      if (available > RING_DATA_BYTES || (available & 3) !== 0) {
        throw new RingError(`its tail moved by ${available} bytes`);
      }
      const at = this.#head & (RING_DATA_BYTES - 1);
      const length = this.#view.getUint32(at, true);
      if (length === WRAP_MARK) {
        const toEnd = RING_DATA_BYTES - at;
        if (toEnd > available) throw new RingError("a wrap mark past its tail");
        this.#head = (this.#head + toEnd) >>> 0;
        continue;
      }
      if (length === BARRIER_MARK) {
        if (available < 8) throw new RingError("a barrier past its tail");
        if (this.#view.getUint32(at + 4, true) > socketFrames) return 0;
        this.#head = (this.#head + 8) >>> 0;
        continue;
      }
      const size = recordBytes(length);
      if (
        length === 0 || length > RING_MAX_FRAME_BYTES || size > available ||
        at + size > RING_DATA_BYTES
      ) throw new RingError(`a frame of ${length} bytes at byte ${at}`);
      // A loop, not a subarray: no allocation per frame.
      const frame = this.frame, bytes = this.#bytes;
      for (let i = 0, n = 4 + length; i < n; i++) frame[i] = bytes[at + i]!;
      this.#head = (this.#head + size) >>> 0;
      return length;
    }
  }

  /** Hands the bytes read so far back to the client. */
  release(): void {
    Atomics.store(this.#words, RING_HEAD / 4, this.#head | 0);
  }
}
