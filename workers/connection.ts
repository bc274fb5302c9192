/**
 * One client connection of the listening worker: its socket, its handshake state, and
 * the write queues of what the kernel sends it, counted in the connections' memory
 * budget; and the error that closes a connection whose frames break the protocol.
 *
 * Runs in the listening worker. Not real-time safe (sockets, promises).
 *
 * @module
 */

import {
  C_OUTPUT_SINCE,
  type ServerAccounts,
  wallStamp,
} from "@midishare/kernel/server";
import { epochNow } from "@midishare/transport/clock";
import { WireWriter } from "@midishare/transport/wire";
import type { MemoryBudget } from "./connection_budget.ts";

/** Write queue of a connection; one grown past this shrinks back once written. */
const WRITE_BUFFER_BYTES = 4096;

/** A frame error: the sender's connection is closed with this reason. */
export class ProtocolError extends Error {
  override name = "ProtocolError";
}

/**
 * One client connection: its socket, whether it greeted, and its write queues, whose
 * oldest waiting byte it publishes for the kernel's overload policy.
 */
export class Connection {
  /** Its client id. */
  readonly id: number;
  /** Its socket. */
  readonly conn: Deno.Conn;
  /** Whether its HELLO came. */
  isGreeted = false;
  /** Whether it was closed. */
  isClosed = false;
  /** When it was accepted (`performance.now()`). */
  readonly acceptedAt = performance.now();
  /** Closes it when no HELLO came in time; cleared by the HELLO. */
  handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bytes of its read buffer. */
  inputBytes = 0;
  #out = new WireWriter(WRITE_BUFFER_BYTES);
  #spare = new WireWriter(WRITE_BUFFER_BYTES);
  #isWriting = false;
  readonly #budget: MemoryBudget;
  /** What {@link memoryBytes} was when last counted in the budget. */
  #counted = 0;
  readonly #accounts: ServerAccounts;
  // When the first byte of `#out`, and of the batch being written, was queued.
  #outSince = 0;
  #batchSince = 0;

  /** A connection `id` on `conn`, its buffers counted in `budget`. */
  constructor(
    id: number,
    conn: Deno.Conn,
    budget: MemoryBudget,
    accounts: ServerAccounts,
  ) {
    this.id = id;
    this.conn = conn;
    this.#budget = budget;
    this.#accounts = accounts;
    accounts.setClient(id, C_OUTPUT_SINCE, 0);
  }

  /** Tells the kernel since when the oldest byte for this client waits (0: none). */
  #publish(): void {
    const since = this.isClosed
      ? 0
      : this.#batchSince !== 0
      ? this.#batchSince
      : this.#outSince;
    this.#accounts.setClient(this.id, C_OUTPUT_SINCE, since);
  }

  /** Marks the connection closed; the kernel no longer sees output waiting. */
  markClosed(): void {
    this.isClosed = true;
    this.#publish();
  }

  /** Bytes queued and not yet written. */
  get pendingBytes(): number {
    return this.#out.length;
  }

  /** Bytes its buffers hold (read buffer and both write queues). */
  get memoryBytes(): number {
    return this.inputBytes + this.#out.bytes.length + this.#spare.bytes.length;
  }

  /** Brings the budget up to date with {@link memoryBytes} (0 once closed). */
  recount(): void {
    const now = this.isClosed ? 0 : this.memoryBytes;
    this.#budget.used += now - this.#counted;
    this.#counted = now;
  }

  /** Queues bytes (copied) to write. */
  enqueue(bytes: Uint8Array, start: number, end: number): void {
    if (this.#out.length === 0) {
      this.#outSince = wallStamp(epochNow());
      if (this.#batchSince === 0) this.#publish();
    }
    const at = this.#out.reserve(end - start);
    this.#out.bytes.set(bytes.subarray(start, end), at);
    this.recount();
  }

  /** Writes what is queued; resolves when the queue is empty or the socket failed. */
  async flush(): Promise<void> {
    if (this.#isWriting || this.isClosed) return;
    this.#isWriting = true;
    try {
      while (this.#out.length > 0 && !this.isClosed) {
        const batch = this.#out;
        this.#out = this.#spare;
        this.#spare = batch;
        this.#batchSince = this.#outSince;
        this.#outSince = 0;
        let done = 0;
        while (done < batch.length) {
          done += await this.conn.write(
            batch.bytes.subarray(done, batch.length),
          );
        }
        batch.reset();
        this.#batchSince = 0;
        this.#publish();
      }
    } catch {
      // A broken socket: the read loop sees it too and closes the connection.
    } finally {
      this.#isWriting = false;
      // A burst grew the queues: give the memory back once it is written.
      if (
        this.#out.length === 0 && this.#out.bytes.length > WRITE_BUFFER_BYTES
      ) {
        this.#out = new WireWriter(WRITE_BUFFER_BYTES);
      }
      if (this.#spare.bytes.length > WRITE_BUFFER_BYTES) {
        this.#spare = new WireWriter(WRITE_BUFFER_BYTES);
      }
      this.recount();
    }
  }
}
