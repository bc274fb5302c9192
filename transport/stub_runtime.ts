/**
 * What the generated client stubs need from the client runtime: a writer for the
 * call frame, and a way to send it with or without waiting for the reply.
 *
 * @module
 */

import type { CellPool } from "@midishare/kernel/memory";
import type { WireReader, WireWriter } from "./wire.ts";

/** The client runtime as the generated stubs see it. */
export interface StubRuntime {
  /**
   * Checks that an event may cross, before its call frame starts.
   * @throws {RangeError} for an event larger than a frame may carry; it was not sent
   */
  checkEvent(pool: CellPool, cell: number): void;
  /** Starts a call frame for `callId`; returns the writer to put the arguments in. */
  beginCall(callId: number, isRequest: boolean): WireWriter;
  /** Finishes a one-way call; it takes effect in call order. */
  send(): void;
  /**
   * Finishes a request; resolves with the reply read by `read`, or rejects with
   * `MidiShareError("UNREACHABLE")`. `onReply` runs as soon as the reply frame is read,
   * before any later frame, so that client-side state follows server order.
   */
  request<T>(
    read: (r: WireReader) => T,
    onReply?: (result: T) => void,
  ): Promise<T>;
}
