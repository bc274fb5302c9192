/**
 * The read loop of one client connection: reads its socket into a buffer that grows
 * for a large frame and shrinks back, cuts the bytes into frames, hands each to the
 * request records, and wakes the kernel when a client waits or the kernel sleeps.
 *
 * Runs in the listening worker, one loop per connection. Not real-time safe
 * (sockets, promises).
 *
 * @module
 */

import {
  MAX_FRAME_BYTES,
  MAX_HELLO_BYTES,
  WireReader,
} from "@midishare/transport/wire";
import { logInfo } from "@midishare/transport/logger";
import { CTL_DEEP_SLEEP, CTL_LISTENER_WAKE } from "./shared_layout.ts";
import { type Connection, ProtocolError } from "./connection.ts";
import type { RequestRecords } from "./request_records.ts";

/** Read buffer of a connection before its HELLO: room for the largest HELLO. */
const HELLO_BUFFER_BYTES = 8 * 1024;
/** Read buffer of a greeted connection; a larger frame grows it to its size. */
const READ_BUFFER_BYTES = 64 * 1024;

/** What the read loop of a connection needs of the listener. */
export interface ReadLoopHost {
  /** The control words of the shared memory. */
  readonly control: Int32Array;
  /** Turns frames into request records. */
  readonly records: RequestRecords;
  /** Closes the connections holding the most while the budget is exceeded. */
  enforceBudget(): void;
  /** Polls briefly for the kernel's reply, then writes what came. */
  spinForOutput(seen: number): void;
  /** Closes a connection, logging `reason` unless null. */
  close(c: Connection, reason: string | null): void;
}

/**
 * Reads `c` until it closes or breaks the protocol, then closes it through `host`.
 *
 * @param c The connection.
 * @param host The listener's side.
 */
export async function readLoop(
  c: Connection,
  host: ReadLoopHost,
): Promise<void> {
  const records = host.records;
  let buf = new Uint8Array(HELLO_BUFFER_BYTES);
  let view = new DataView(buf.buffer);
  let length = 0;
  // Bytes the frame at the start of `buf` needs in all, once its length is known.
  let wanted = 0;
  const reader = new WireReader(buf, view, 0, 0);
  const resize = (size: number) => {
    const next = new Uint8Array(size);
    next.set(buf.subarray(0, length));
    buf = next;
    view = new DataView(buf.buffer);
    c.inputBytes = size;
    c.recount();
  };
  c.inputBytes = buf.length;
  c.recount();
  try {
    while (!c.isClosed) {
      // Small until HELLO; then the usual size, or a large frame's own size.
      const size = Math.max(
        wanted,
        c.isGreeted ? READ_BUFFER_BYTES : HELLO_BUFFER_BYTES,
      );
      if (size > buf.length || (size < buf.length && length <= size)) {
        resize(size);
        host.enforceBudget();
        if (c.isClosed) break;
      }
      const n = await c.conn.read(buf.subarray(length));
      if (n === null) break;
      length += n;
      let pos = 0;
      let wrote = false;
      records.hasRequest = false;
      records.needsKernel = false;
      const outputSeen = Atomics.load(host.control, CTL_LISTENER_WAKE);
      while (length - pos >= 4) {
        const size = view.getUint32(pos, true);
        if (size === 0 || size > MAX_FRAME_BYTES) {
          throw new ProtocolError(
            `frame of ${size} bytes (the limit is ${MAX_FRAME_BYTES})`,
          );
        }
        if (!c.isGreeted && size > MAX_HELLO_BYTES) {
          throw new ProtocolError(
            `frame of ${size} bytes before HELLO (the limit is ${MAX_HELLO_BYTES})`,
          );
        }
        if (length - pos - 4 < size) break;
        reader.reset(buf, view, pos + 4, pos + 4 + size);
        if (records.frame(c, reader)) {
          wrote = true;
          if (!records.tryWrite()) await records.write();
        }
        if (c.isClosed) return;
        pos += 4 + size;
      }
      // A one-way call takes effect at the next tick, when the kernel wakes anyway;
      // only a waiting client, or a kernel asleep until requests, needs a wake-up.
      if (
        wrote &&
        (records.needsKernel ||
          Atomics.load(host.control, CTL_DEEP_SLEEP) === 1)
      ) records.wakeKernel();
      if (records.hasRequest) host.spinForOutput(outputSeen);
      buf.copyWithin(0, pos, length);
      length -= pos;
      wanted = length >= 4 ? 4 + view.getUint32(0, true) : 0;
    }
    if (length > 0) {
      logInfo(`client ${c.id}: closed in the middle of a frame`);
    }
    host.close(c, null);
  } catch (error) {
    // A peer that resets or leaves is a normal end, not a fault of the protocol.
    const isHangUp = error instanceof Deno.errors.ConnectionReset ||
      error instanceof Deno.errors.BrokenPipe;
    const why = error instanceof ProtocolError || error instanceof SyntaxError
      ? error.message
      : isHangUp
      ? null
      : `socket error: ${String(error)}`;
    host.close(c, why);
  }
}
