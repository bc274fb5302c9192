/**
 * A client's fast path to the server (see `shared_ring.ts` for the ring): asking for
 * a request ring, mapping it and the kernel's wake page, connecting to the kernel's
 * socket, and then sending each call frame through the ring, or through the first
 * socket when it does not fit, with barriers keeping call order across both ways. A
 * request wakes a sleeping kernel at once (a futex on the wake page); one-way calls
 * wait for its next tick unless it sleeps until a request.
 *
 * Runs on the client's main thread. Sending is real-time safe (no allocation, no
 * system call); attaching is not.
 *
 * @module
 */

import type { RemotePort } from "./gen/client_stubs_gen.ts";
import { writeAll } from "./outgoing_frames.ts";
import {
  canMapSharedMemory,
  futexWake,
  type Mapping,
  mapSharedFile,
} from "./shared_memory.ts";
import {
  RING_FILE_BYTES,
  RING_MAX_FRAME_BYTES,
  RingWriter,
  type SharedRingOffer,
  WAKE_COUNTER,
  WAKE_DEEP,
  WAKE_PAGE_BYTES,
  WAKE_SLEEPING,
} from "./shared_ring.ts";

/** Whether a client should ask for a request ring: FFI allowed, not turned off. */
export function wantsSharedRing(option: boolean | undefined): boolean {
  if (option === false) return false;
  try {
    if (Deno.env.get("MIDISHARE_SHARED_RING") === "off") return false;
  } catch {
    // No right to read the environment: the default.
  }
  return canMapSharedMemory();
}

/** An attached request ring and the kernel's socket; see the module documentation. */
export class SharedRingClient {
  /** The kernel's socket: frames for this client arrive here once attached. */
  readonly conn: Deno.UnixConn;
  readonly #ring: RingWriter;
  readonly #mapping: Mapping;
  readonly #wakePage: Mapping;
  readonly #wake: Int32Array;
  // Whether a frame took the socket since the last barrier (the first ring frame
  // waits for every frame the socket took before the ring was attached).
  #needsBarrier = true;
  #hasPublished = false;

  private constructor(
    conn: Deno.UnixConn,
    mapping: Mapping,
    wakePage: Mapping,
  ) {
    this.conn = conn;
    this.#mapping = mapping;
    this.#wakePage = wakePage;
    this.#wake = new Int32Array(wakePage.buffer, 0, WAKE_PAGE_BYTES / 4);
    this.#ring = new RingWriter(mapping.buffer);
  }

  /**
   * Asks the server for a request ring through `port`; the attached ring, or null
   * when the server offers none or it cannot be used (the client keeps its socket).
   */
  static async attach(port: RemotePort): Promise<SharedRingClient | null> {
    const offer = JSON.parse(await port.OpenSharedRing()) as
      | SharedRingOffer
      | null;
    if (offer === null || offer.bytes !== RING_FILE_BYTES) return null;
    const mapping = mapSharedFile(offer.memory, offer.bytes);
    if (mapping === null) return null;
    const wakePage = mapSharedFile(offer.wake, WAKE_PAGE_BYTES);
    if (wakePage === null) {
      mapping.unmap();
      return null;
    }
    let conn: Deno.UnixConn | null = null;
    try {
      conn = await Deno.connect({ transport: "unix", path: offer.socket });
      // Only the first socket keeps the process alive (keep_alive.ts).
      conn.unref();
      await writeAll(conn, new TextEncoder().encode(offer.token));
      if (await port.AttachSharedRing()) {
        return new SharedRingClient(conn, mapping, wakePage);
      }
    } catch {
      // The server went away meanwhile: the first socket's read loop says so.
    }
    conn?.close();
    mapping.unmap();
    wakePage.unmap();
    return null;
  }

  /** A call frame was queued for the first socket: the next ring frame waits for it. */
  tookSocket(): void {
    this.#needsBarrier = true;
  }

  /**
   * Moves the call frame `bytes[start, end)` into the ring; false when it must take
   * the socket (too big, or no room). `socketFrames` counts the call frames the client
   * queued for its first socket since it connected (a barrier waits for them).
   */
  tryRing(
    bytes: Uint8Array,
    start: number,
    end: number,
    socketFrames: number,
  ): boolean {
    if (end - start - 4 > RING_MAX_FRAME_BYTES) return false;
    const ring = this.#ring;
    if (this.#needsBarrier) {
      if (!ring.writeBarrier(socketFrames)) return false;
      this.#needsBarrier = false;
    }
    if (!ring.writeFrame(bytes, start, end)) return false;
    ring.publish();
    this.#hasPublished = true;
    return true;
  }

  /** After a request in the ring: wakes the kernel if it sleeps. */
  wakeForRequest(): void {
    this.#hasPublished = false;
    if (Atomics.load(this.#wake, WAKE_SLEEPING / 4) !== 0) this.#wakeKernel();
  }

  /**
   * After one-way frames: wakes the kernel if it sleeps until a request (it would
   * not look at the ring before); else they wait for its next tick.
   */
  wakeForOneWay(): void {
    if (!this.#hasPublished) return;
    this.#hasPublished = false;
    if (Atomics.load(this.#wake, WAKE_DEEP / 4) !== 0) this.#wakeKernel();
  }

  #wakeKernel(): void {
    Atomics.add(this.#wake, WAKE_COUNTER / 4, 1);
    futexWake(this.#wakePage.pointer);
  }

  /** Closes the kernel's socket and unmaps the ring. */
  close(): void {
    try {
      this.conn.close();
    } catch {
      // Closed by its read loop already.
    }
    this.#mapping.unmap();
    this.#wakePage.unmap();
  }
}
