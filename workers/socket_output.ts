/**
 * The frames the kernel worker writes itself to the socket of a client with a
 * request ring: gathered during a pass of the loop, written with one `send` at its
 * end, so that the client is woken once however many notifications it got.
 *
 * Runs in the kernel worker. Allocates only when a burst outgrows the buffer (it
 * then doubles, up to {@link MAX_SOCKET_OUTPUT_BYTES}; a frame beyond is dropped and
 * counted).
 *
 * @module
 */

import {
  C_OUTPUT_SINCE,
  type ServerAccounts,
  wallStamp,
} from "@midishare/kernel/server";
import { epochNow } from "@midishare/transport/clock";
import { EAGAIN, EINTR, type Libc } from "./libc.ts";

/** Most bytes that may wait for one client's socket: 64 MiB, as on the listener. */
export const MAX_SOCKET_OUTPUT_BYTES = 64 * 1024 * 1024;

// The size a buffer grown by a burst shrinks back to once written.
const SHRINK_ABOVE_BYTES = 64 * 1024;

/** What is left after {@link SocketOutput.flush}. */
export type FlushResult = "done" | "waiting" | "broken";

/** The output of one client written by the kernel; see the module documentation. */
export class SocketOutput {
  /** The buffer frames are written into. */
  bytes: Uint8Array = new Uint8Array(SHRINK_ABOVE_BYTES);
  /** A view on {@link bytes}. */
  view: DataView = new DataView(this.bytes.buffer);
  /** Frames dropped because too much waited. */
  droppedFrames = 0;
  readonly #fd: number;
  readonly #client: number;
  #length = 0;
  #reserved = 0;
  #isDiscarding = false;

  /** Output to socket `fd` of `client`. */
  constructor(fd: number, client: number) {
    this.#fd = fd;
    this.#client = client;
  }

  /** The socket's descriptor. */
  get fd(): number {
    return this.#fd;
  }

  /** Whether bytes wait to be written. */
  get hasOutput(): boolean {
    return this.#length > 0;
  }

  /** Bytes waiting to be written. */
  get waitingBytes(): number {
    return this.#length;
  }

  /** Drops what waits and every later frame (the client is being closed). */
  discard(): void {
    this.#isDiscarding = true;
    this.#length = 0;
    this.bytes = new Uint8Array(0);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Reserves `size` bytes at the end; their offset, or −1 (counted) when too much waits. */
  reserve(size: number): number {
    if (this.#isDiscarding) return -1;
    const need = this.#length + size;
    if (need > this.bytes.length) {
      if (need > MAX_SOCKET_OUTPUT_BYTES) {
        this.droppedFrames++;
        return -1;
      }
      let length = this.bytes.length * 2;
      while (length < need) length *= 2;
      const bigger = new Uint8Array(length);
      bigger.set(this.bytes.subarray(0, this.#length));
      this.bytes = bigger;
      this.view = new DataView(bigger.buffer);
    }
    this.#reserved = need;
    return this.#length;
  }

  /** Keeps what was reserved last. */
  commit(): void {
    this.#length = this.#reserved;
  }

  /**
   * Writes what waits, without blocking; what the socket does not take waits for the
   * next pass, and the accounts say since when (the overload policy reads it).
   */
  flush(libc: Libc, accounts: ServerAccounts): FlushResult {
    let written = 0;
    while (written < this.#length) {
      const n = written === 0
        ? libc.send(this.#fd, this.bytes, this.#length)
        : libc.send(
          this.#fd,
          this.bytes.subarray(written),
          this.#length - written,
        );
      if (n > 0) {
        written += n;
        continue;
      }
      const errno = libc.errno();
      if (errno === EINTR) continue;
      if (errno !== EAGAIN) {
        this.#length = 0;
        return "broken";
      }
      break;
    }
    this.bytes.copyWithin(0, written, this.#length);
    this.#length -= written;
    const since = accounts.client(this.#client, C_OUTPUT_SINCE);
    if (this.#length === 0) {
      if (since !== 0) accounts.setClient(this.#client, C_OUTPUT_SINCE, 0);
      // A burst's buffer is given back once written.
      if (this.bytes.length > SHRINK_ABOVE_BYTES) {
        this.bytes = new Uint8Array(SHRINK_ABOVE_BYTES);
        this.view = new DataView(this.bytes.buffer);
      }
      return "done";
    }
    if (since === 0) {
      accounts.setClient(this.#client, C_OUTPUT_SINCE, wallStamp(epochNow()));
    }
    return "waiting";
  }
}
