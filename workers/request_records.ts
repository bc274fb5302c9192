/**
 * Frames of the clients turned into request records of the kernel: a HELLO becomes a
 * connect record, a call frame a call record whose event is decoded straight into the
 * shared pool and charged to its client, a close a disconnect record; the records go
 * into the request ring in arrival order.
 *
 * Runs in the listening worker. Not real-time safe (a full ring is waited out with a
 * timer); events are decoded into cells without JavaScript objects.
 *
 * @module
 */

import { type CellPool, NIL } from "@midishare/kernel";
import {
  C_QUOTA_LOSSES,
  ChargedPool,
  R_QUOTA_LOSSES,
  type ServerAccounts,
} from "@midishare/kernel/server";
import { decodeCallArgs, isRequestCall } from "./gen/listener_decode_gen.ts";
import {
  type ClientFrameReceiver,
  peekProtocol,
  readClientFrame,
} from "@midishare/transport/gen/frames_gen";
import {
  PROTOCOL_MAGIC,
  PROTOCOL_VERSION,
  type ReadEventResult,
  type WireReader,
  WireWriter,
} from "@midishare/transport/wire";
import { wakeKernel } from "./kernel_wait.ts";
import { REQ_CALL, REQ_CONNECT, REQ_DISCONNECT } from "./shared_layout.ts";
import type { Ring } from "./output_ring.ts";
import { ProtocolError } from "./connection.ts";

/** Where frames come from: a connection, or a client's request ring. */
export interface FrameSource {
  /** The client id. */
  readonly id: number;
  /** Whether its HELLO came. */
  isGreeted: boolean;
  /** Closes it when no HELLO came in time; cleared by the HELLO. */
  handshakeTimer: ReturnType<typeof setTimeout> | undefined;
}

/** Where {@link RequestRecords} puts its records, and how it refuses a client. */
export interface RequestRecordsOptions {
  /** The control words of the shared memory (to wake the kernel). */
  control: Int32Array;
  /** The request ring. */
  requests: Ring;
  /** The shared pool events are decoded into. */
  pool: CellPool;
  /** The accounts of the pool. */
  accounts: ServerAccounts;
  /** Refuses a client that speaks another protocol. */
  refuse: (c: FrameSource, message: string) => void;
}

/** Frames to request records; see the module documentation. */
export class RequestRecords {
  /** Whether a frame since the last reset asked for a reply. */
  hasRequest = false;
  /** Whether a frame since the last reset needs the kernel awake at once. */
  needsKernel = false;
  readonly #control: Int32Array;
  readonly #requests: Ring;
  readonly #pool: CellPool;
  readonly #accounts: ServerAccounts;
  readonly #refuse: (c: FrameSource, message: string) => void;
  // The pool as seen by one client's calls: what they allocate is charged to it.
  readonly #charged: ChargedPool;
  readonly #record = new WireWriter(1024);
  readonly #event: ReadEventResult = { cell: NIL, end: 0 };
  // The connection whose frame is being read, and whether it left a request record.
  #current: FrameSource | null = null;
  #hasRecord = false;
  readonly #receiver: ClientFrameReceiver = {
    hello: (magic, version, pid, name) =>
      this.#hello(this.#current!, magic, version, pid, name),
    call: (callId, seq, r) => this.#call(this.#current!, callId, seq, r),
  };

  /** Records into `options.requests`. */
  constructor(options: RequestRecordsOptions) {
    this.#control = options.control;
    this.#requests = options.requests;
    this.#pool = options.pool;
    this.#accounts = options.accounts;
    this.#refuse = options.refuse;
    this.#charged = new ChargedPool(this.#pool, this.#accounts);
  }

  /**
   * Handles one frame of `c`; returns whether a request record waits to be written.
   *
   * @throws {ProtocolError} when the frame breaks the protocol.
   * @throws {SyntaxError} when its bytes cannot be decoded.
   */
  frame(c: FrameSource, r: WireReader): boolean {
    this.#current = c;
    this.#hasRecord = false;
    const kind = r.bytes[r.pos]!;
    // Another version may lay its HELLO out differently: only its first fields, the
    // magic number and the version, are read the same way by every version.
    if (!c.isGreeted && !this.#isOwnProtocol(c, r)) return false;
    if (!readClientFrame(r, this.#receiver)) {
      throw new ProtocolError(
        `unexpected frame kind 0x${kind.toString(16)}${
          c.isGreeted ? "" : " before HELLO"
        }`,
      );
    }
    return this.#hasRecord;
  }

  /** The record prepared last (a call record after {@link frame} returned true). */
  get record(): WireWriter {
    return this.#record;
  }

  /** Prepares the disconnect record of client `id`, to be written. */
  disconnect(id: number): void {
    const w = this.#record;
    w.reset();
    w.u16(id);
    w.u16(REQ_DISCONNECT);
  }

  /** Copies the waiting record into the request ring; false when the ring is full. */
  tryWrite(): boolean {
    const ring = this.#requests, w = this.#record;
    const at = ring.reserve(w.length);
    if (at < 0) return false;
    ring.bytes.set(w.bytes.subarray(0, w.length), at);
    ring.commit();
    return true;
  }

  /** Copies the waiting record into the request ring, waiting while it is full. */
  async write(): Promise<void> {
    while (!this.tryWrite()) {
      // The kernel drains the ring at least every millisecond.
      this.wakeKernel();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /** Wakes the kernel worker. */
  wakeKernel(): void {
    wakeKernel(this.#control);
  }

  /** A call frame: its arguments become a request record for the kernel. */
  #call(c: FrameSource, callId: number, seq: number, r: WireReader): void {
    if (!c.isGreeted) throw new ProtocolError("a call before HELLO");
    if (seq !== 0) this.hasRequest = this.needsKernel = true;
    if ((seq !== 0) !== isRequestCall(callId)) {
      throw new ProtocolError(
        `call ${callId} ${seq === 0 ? "needs" : "takes no"} reply sequence`,
      );
    }
    const w = this.#record, event = this.#event, charged = this.#charged;
    w.reset();
    w.u16(c.id);
    w.u16(REQ_CALL);
    w.u32(seq);
    w.u16(callId);
    event.cell = NIL;
    charged.client = c.id;
    charged.isRefused = false;
    try {
      if (!decodeCallArgs(callId, r, w, charged, event)) {
        throw new ProtocolError(`unknown call id ${callId}`);
      }
      if (event.cell !== NIL) this.#accounts.tag(this.#pool, event.cell, c.id);
      if (!r.isDone) {
        throw new ProtocolError(
          `${r.end - r.pos} bytes after the arguments of call ${callId}`,
        );
      }
    } catch (error) {
      if (event.cell !== NIL) {
        this.#accounts.tag(this.#pool, event.cell, c.id);
        this.#accounts.release(this.#pool, event.cell);
      }
      throw error;
    }
    if (charged.isRefused) {
      // Over its quota: the event is lost for this client; the kernel counts a nil.
      this.#accounts.addClient(c.id, C_QUOTA_LOSSES, 1);
      this.#accounts.addRef((event.refNum ?? 0) & 0x7f, R_QUOTA_LOSSES, 1);
    }
    this.#hasRecord = true;
  }

  /** Whether a HELLO speaks this protocol; refuses the client when not. */
  #isOwnProtocol(c: FrameSource, r: WireReader): boolean {
    const protocol = peekProtocol(r);
    if (protocol === null) return true; // not a HELLO: the frame reader says why
    const [magic, version] = protocol;
    if (magic !== PROTOCOL_MAGIC) {
      this.#refuse(c, "Not a MidiShare client: wrong magic number");
      return false;
    }
    if (version !== PROTOCOL_VERSION) {
      this.#refuse(
        c,
        `Protocol version ${version} refused: this server speaks version ${PROTOCOL_VERSION}`,
      );
      return false;
    }
    return true;
  }

  /** A HELLO: the client becomes known to the kernel. */
  #hello(
    c: FrameSource,
    magic: number,
    version: number,
    pid: number,
    name: string,
  ): void {
    if (c.isGreeted) throw new ProtocolError("a second HELLO");
    if (magic !== PROTOCOL_MAGIC || version !== PROTOCOL_VERSION) {
      throw new ProtocolError("a HELLO of another protocol");
    }
    const w = this.#record;
    w.reset();
    w.u16(c.id);
    w.u16(REQ_CONNECT);
    w.u32(pid);
    w.str(name);
    this.#accounts.clearClientCounters(c.id);
    c.isGreeted = true;
    clearTimeout(c.handshakeTimer);
    this.needsKernel = true;
    this.#hasRecord = true;
  }
}
