/**
 * The read loop of a client's connection: reads the socket, cuts its bytes into
 * length-prefixed frames and hands each one over, until the server closes the
 * connection or sends something malformed.
 *
 * Runs on the client's main thread. Allocates only when a frame outgrows the buffer.
 *
 * @module
 */

import { MAX_FRAME_BYTES, WireReader } from "./wire.ts";

/** Where {@link readFrames} hands its frames over. */
export interface FrameSink {
  /** Reads one frame; an exception ends the loop with its message. */
  frame(r: WireReader): void;
  /** Runs after the frames of each read of the socket. */
  afterRead(): void;
  /** The loop ended and the connection is closed; `failure` says why. */
  end(failure: string): void;
}

/**
 * Reads frames from `conn` until it ends, then closes it and calls `sink.end`.
 * @param conn the connection to the server
 * @param sink what receives the frames
 * @returns a promise that resolves once `sink.end` ran; never rejects
 */
export async function readFrames(
  conn: Deno.Conn,
  sink: FrameSink,
): Promise<void> {
  let buf = new Uint8Array(64 * 1024);
  let view = new DataView(buf.buffer);
  let length = 0;
  const r = new WireReader(buf, view, 0, 0);
  let failure = "the server closed the connection";
  try {
    while (true) {
      if (length === buf.length) {
        const bigger = new Uint8Array(buf.length * 2);
        bigger.set(buf);
        buf = bigger;
        view = new DataView(buf.buffer);
      }
      // The whole buffer when empty (the usual case): no view made per read.
      const n = await conn.read(length === 0 ? buf : buf.subarray(length));
      if (n === null) break;
      length += n;
      let pos = 0;
      while (length - pos >= 4) {
        const size = view.getUint32(pos, true);
        if (size === 0 || size > MAX_FRAME_BYTES) {
          throw new SyntaxError(
            `Invalid frame length ${size} from the server`,
          );
        }
        if (length - pos - 4 < size) break;
        r.reset(buf, view, pos + 4, pos + 4 + size);
        sink.frame(r);
        pos += 4 + size;
      }
      buf.copyWithin(0, pos, length);
      length -= pos;
      sink.afterRead();
    }
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  }
  try {
    conn.close();
  } catch {
    // Already closed.
  }
  sink.end(failure);
}
