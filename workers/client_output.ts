/**
 * The output of one socket client in the kernel worker: frames addressed to the
 * client go into the shared output ring, which the listening worker copies to the
 * client's socket, or, once the client has a request ring, into the buffer the kernel
 * writes to the client's second socket itself (`socket_output.ts`). The generated
 * codecs write the kernel's notifications into it (through a `NotificationWriter`),
 * and the kernel loop its welcome and replies.
 *
 * Runs in the kernel worker. Real-time safe while the ring has room: frames are
 * written in place in the ring. When it is full they wait in order in the
 * {@link OutputBacklog}.
 *
 * @module
 */

import type { FrameOut } from "@midishare/transport/wire";
import type { OutputBacklog } from "./output_backlog.ts";
import type { Ring } from "./output_ring.ts";
import { OUT_CLOSE, OUT_FRAMES } from "./shared_layout.ts";
import { utf8 } from "@midishare/transport/wire";
import type { SocketOutput } from "./socket_output.ts";

/** Shared by the outputs of one kernel worker. */
export interface OutputState {
  /** Set when a frame was written; the loop clears it when it wakes the listener. */
  hasOutput: boolean;
  /** Frames that wait for room in the ring, in order. */
  backlog: OutputBacklog;
}

/** The frames for one socket client; see the module documentation. */
export class ClientOutput implements FrameOut {
  readonly #client: number;
  readonly #ring: Ring;
  readonly #state: OutputState;
  /** Where the frame opened last is written: the ring's memory or a backlog record. */
  #bytes: Uint8Array;
  #view: DataView;
  #isInRing = true;
  #socket: SocketOutput | null = null;

  /** The output of client `client`, writing into `ring`. */
  constructor(client: number, ring: Ring, state: OutputState) {
    this.#client = client;
    this.#ring = ring;
    this.#state = state;
    this.#bytes = ring.bytes;
    this.#view = ring.view;
  }

  /**
   * Sends every later frame to `socket` instead of the ring (what the ring holds
   * already is written by the listener before: the client reads both in turn).
   */
  redirect(socket: SocketOutput | null): void {
    this.#socket = socket;
  }

  /** The buffer of the frame opened last. */
  get bytes(): Uint8Array {
    return this.#bytes;
  }

  /** A view on {@link bytes}. */
  get view(): DataView {
    return this.#view;
  }

  /**
   * Reserves a record of `length` bytes after its 4-byte header, in the ring or, when
   * the ring is full or records already wait, in the backlog; writes the header and
   * returns the offset after it in {@link bytes}, or −1 when even the backlog is full.
   */
  #reserve(length: number, kind = OUT_FRAMES): number {
    const backlog = this.#state.backlog;
    let at = backlog.isEmpty ? this.#ring.reserve(4 + length) : -1;
    if (at >= 0) {
      this.#bytes = this.#ring.bytes;
      this.#view = this.#ring.view;
      this.#isInRing = true;
    } else {
      const record = backlog.allocate(4 + length);
      if (record === null) return -1;
      this.#bytes = record;
      this.#view = new DataView(record.buffer);
      this.#isInRing = false;
      at = 0;
    }
    this.#view.setUint16(at, this.#client, true);
    this.#view.setUint16(at + 2, kind, true);
    return at + 4;
  }

  /** Opens one frame of `payloadBytes`; see `FrameOut.openFrame`. */
  openFrame(payloadBytes: number): number {
    const socket = this.#socket;
    if (socket !== null) {
      const at = socket.reserve(4 + payloadBytes);
      if (at < 0) return -1;
      this.#bytes = socket.bytes;
      this.#view = socket.view;
      this.#view.setUint32(at, payloadBytes, true);
      return at + 4;
    }
    const at = this.#reserve(4 + payloadBytes);
    if (at < 0) return -1;
    this.#view.setUint32(at, payloadBytes, true);
    return at + 4;
  }

  /** Commits the frame opened last. */
  closeFrame(): void {
    if (this.#socket !== null) {
      this.#socket.commit();
      return;
    }
    if (this.#isInRing) this.#ring.commit();
    else this.#state.backlog.push(this.#bytes);
    this.#state.hasOutput = true;
  }

  /** Has the listener close the client's connection, logging `reason`. */
  close(reason: string): void {
    const text = utf8(reason);
    const at = this.#reserve(text.length, OUT_CLOSE);
    if (at < 0) return;
    this.#bytes.set(text, at);
    if (this.#isInRing) this.#ring.commit();
    else this.#state.backlog.push(this.#bytes);
    this.#state.hasOutput = true;
  }

  /** Writes whole frames built elsewhere (a reply). */
  writeFrames(bytes: Uint8Array, length: number): void {
    const socket = this.#socket;
    if (socket !== null) {
      const at = socket.reserve(length);
      if (at < 0) return;
      socket.bytes.set(bytes.subarray(0, length), at);
      socket.commit();
      return;
    }
    const at = this.#reserve(length);
    if (at < 0) return;
    this.#bytes.set(bytes.subarray(0, length), at);
    this.closeFrame();
  }
}
