/**
 * The call frames a client queued and has not written yet: two buffers, one filled
 * by the calls while the other is written, so that the frames queued during a write
 * go out right after it, in call order.
 *
 * Runs on the client's main thread. Allocates only when a buffer grows.
 *
 * @module
 */

import { WireWriter } from "./wire.ts";

/** The queued call frames of a client; see the module documentation. */
export class OutgoingFrames {
  #out = new WireWriter(4096);
  #spare = new WireWriter(4096);
  // The write under way, if any.
  #writing: Promise<void> | null = null;

  /** Where the next frames go (changes after each write). */
  get writer(): WireWriter {
    return this.#out;
  }

  /** The write under way, or null. */
  get writing(): Promise<void> | null {
    return this.#writing;
  }

  /** Whether frames wait to be written. */
  get hasQueued(): boolean {
    return this.#out.length > 0;
  }

  /** Whether frames wait or are being written. */
  get hasWork(): boolean {
    return this.#out.length > 0 || this.#writing !== null;
  }

  /** Drops the frames not yet written. */
  reset(): void {
    this.#out.reset();
  }

  /**
   * Writes what is queued, and what is queued meanwhile, unless a write is under way.
   * @param conn the connection to the server
   * @param afterWrite runs once everything was written or the socket broke
   * @returns the write under way; resolves when it ends, never rejects
   */
  flush(conn: Deno.Conn, afterWrite: () => void): Promise<void> {
    // A write under way takes the frames queued meanwhile before it ends.
    if (this.#writing !== null) return this.#writing;
    if (this.#out.length === 0) return Promise.resolve();
    this.#writing = this.#writeQueued(conn, afterWrite);
    return this.#writing;
  }

  async #writeQueued(conn: Deno.Conn, afterWrite: () => void): Promise<void> {
    await Promise.resolve(); // so that #writing is set before this can end
    try {
      while (this.#out.length > 0) {
        const batch = this.#out;
        this.#out = this.#spare;
        this.#spare = batch;
        await writeAll(conn, batch.bytes.subarray(0, batch.length));
        batch.reset();
      }
    } catch {
      // The read loop sees the broken socket and moves to the exception state.
    } finally {
      this.#writing = null;
    }
    afterWrite();
  }
}

/** Writes every byte of `bytes` to `conn`. */
export async function writeAll(
  conn: Deno.Conn,
  bytes: Uint8Array,
): Promise<void> {
  let done = 0;
  while (done < bytes.length) done += await conn.write(bytes.subarray(done));
}
