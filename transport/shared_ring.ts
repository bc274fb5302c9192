/**
 * A client's request ring: memory shared by one client process and the server's
 * kernel worker, where the client writes its one-way call frames (the very bytes it
 * would write to its socket) and the kernel reads them at its next pass, with no
 * system call and no thread woken on either side.
 *
 * Layout (little-endian, every record 4-byte aligned):
 *
 * | bytes | what | written by |
 * | --- | --- | --- |
 * | 0 | u32 head: bytes read so far (mod 2^32) | the kernel |
 * | 4 | u32 tail: bytes written so far (mod 2^32) | the client |
 * | 64 … | the records, {@link RING_DATA_BYTES} bytes | the client |
 *
 * A record is a frame (u32 length, then that many bytes), a wrap mark
 * ({@link WRAP_MARK}: the rest of the data area is skipped) or a barrier
 * ({@link BARRIER_MARK}, then u32 n: the records after it wait until the kernel has
 * handled the client's first n socket frames, so that frames taking either way keep
 * call order). A record never wraps.
 *
 * The kernel's wake page, one for all clients ({@link WAKE_PAGE_BYTES}): u32 at
 * {@link WAKE_COUNTER}, the futex word the kernel sleeps on (a waker adds 1 and
 * wakes it); u32 at {@link WAKE_SLEEPING}, 1 while the kernel sleeps or is about to
 * (a request in a ring must then wake it); u32 at {@link WAKE_DEEP}, 1 while it
 * sleeps until a request rather than a tick (a one-way frame must then wake it too).
 *
 * Runs on a client's main thread (the writer). Real-time safe: no allocation.
 *
 * @module
 */

import { MAX_FRAME_BYTES } from "./wire.ts";

/** Byte of the head word. */
export const RING_HEAD = 0;
/** Byte of the tail word. */
export const RING_TAIL = 4;
/** Bytes before the data area. */
export const RING_HEADER_BYTES = 64;
/** Bytes of the data area (a power of two). */
export const RING_DATA_BYTES = 256 * 1024;
/** Bytes of the whole shared file. */
export const RING_FILE_BYTES = RING_HEADER_BYTES + RING_DATA_BYTES;
/** Largest frame that takes the ring; larger ones take the socket. */
export const RING_MAX_FRAME_BYTES: number = Math.min(
  16 * 1024,
  MAX_FRAME_BYTES,
);
/** Length word of a wrap mark. */
export const WRAP_MARK = 0xffffffff;
/** Length word of a barrier. */
export const BARRIER_MARK = 0xfffffffe;

/** Bytes of the kernel's wake page. */
export const WAKE_PAGE_BYTES = 4096;
/** Byte of the wake counter (the futex word) in the wake page. */
export const WAKE_COUNTER = 0;
/** Byte of the kernel's sleeping flag in the wake page. */
export const WAKE_SLEEPING = 4;
/** Byte of the kernel's deep-sleep flag in the wake page. */
export const WAKE_DEEP = 8;

/** What the server answers to `OpenSharedRing`, as JSON. */
export interface SharedRingOffer {
  /** Path of the ring's memory file (readable by this user only). */
  memory: string;
  /** Path of the socket the kernel writes this client's frames to. */
  socket: string;
  /** What the client writes first on that socket: 32 hexadecimal digits. */
  token: string;
  /** Bytes of the memory file ({@link RING_FILE_BYTES}). */
  bytes: number;
  /** Path of the kernel's wake page (readable by this user only). */
  wake: string;
}

/** Record bytes of a frame of `length` bytes (length word and padding included). */
export function recordBytes(length: number): number {
  return (4 + length + 3) & ~3;
}

/** The client's end of a request ring; see the module documentation. */
export class RingWriter {
  readonly #words: Int32Array;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #tail: number;

  /** The writer over the mapped ring `buffer`. */
  constructor(buffer: ArrayBuffer) {
    this.#words = new Int32Array(buffer, 0, RING_HEADER_BYTES / 4);
    this.#bytes = new Uint8Array(buffer, RING_HEADER_BYTES, RING_DATA_BYTES);
    this.#view = new DataView(buffer, RING_HEADER_BYTES, RING_DATA_BYTES);
    this.#tail = Atomics.load(this.#words, RING_TAIL / 4) >>> 0;
  }

  /**
   * Copies the frame `bytes[start, end)` (length word included) into the ring;
   * false when it has no room (nothing is written then).
   */
  writeFrame(bytes: Uint8Array, start: number, end: number): boolean {
    const at = this.#reserve(recordBytes(end - start - 4));
    if (at < 0) return false;
    this.#bytes.set(bytes.subarray(start, end), at);
    return true;
  }

  /** Writes a barrier at socket frame `n`; false when the ring has no room. */
  writeBarrier(n: number): boolean {
    const at = this.#reserve(8);
    if (at < 0) return false;
    this.#view.setUint32(at, BARRIER_MARK, true);
    this.#view.setUint32(at + 4, n, true);
    return true;
  }

  /** Makes the records written so far visible to the kernel. */
  publish(): void {
    Atomics.store(this.#words, RING_TAIL / 4, this.#tail | 0);
  }

  /** Reserves `size` contiguous bytes (wrapping first when needed); −1 when full. */
  #reserve(size: number): number {
    const head = Atomics.load(this.#words, RING_HEAD / 4) >>> 0;
    const used = (this.#tail - head) >>> 0;
    let free = RING_DATA_BYTES - used;
    let at = this.#tail & (RING_DATA_BYTES - 1);
    const toEnd = RING_DATA_BYTES - at;
    if (size > toEnd) {
      if (free < toEnd + size) return -1;
      this.#view.setUint32(at, WRAP_MARK, true);
      this.#tail = (this.#tail + toEnd) >>> 0;
      free -= toEnd;
      at = 0;
    }
    if (free < size) return -1;
    this.#tail = (this.#tail + size) >>> 0;
    return at;
  }
}
