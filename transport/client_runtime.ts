/**
 * The client's side of the socket, as the generated stubs see it: the outgoing call
 * frames (batched until the end of the current task, in call order) and the requests
 * waiting for their reply, over a {@link ServerConnection} that holds the three
 * states of the design (passive, active, exception), the handshake and the read loop.
 *
 * Runs on the client's main thread. Decoding a notification allocates nothing; the
 * read loop's promises and request promises are the only allocations.
 *
 * @module
 */

import type { MidiShareError } from "@midishare/kernel/api";
import type { NotificationReceiver } from "@midishare/kernel/contract";
import type { CellPool } from "@midishare/kernel/memory";
import { OutgoingFrames } from "./outgoing_frames.ts";
import { PendingRequests } from "./pending_requests.ts";
import { ServerConnection } from "./server_connection.ts";
import { defaultSocketPath } from "./socket_path.ts";
import type { StubRuntime } from "./stub_runtime.ts";
import { beginCall } from "./gen/frames_gen.ts";
import { RemotePort } from "./gen/client_stubs_gen.ts";
import { SharedRingClient, wantsSharedRing } from "./shared_ring_client.ts";
import {
  eventWireSize,
  MAX_EVENT_BYTES,
  type WireReader,
  WireWriter,
} from "./wire.ts";

/** The states of a client. */
export type ClientState = "passive" | "active" | "exception";

/**
 * The client side of a runtime: it receives the server's notifications, in server
 * order, and answers what the runtime needs to know of the client.
 */
export interface NotificationHandler extends NotificationReceiver {
  /** Whether this client still has applications or drivers open. */
  hasOpenRefnums(): boolean;
  /** The server is gone: the client's applications are closed. */
  lost(reason: string): void;
}

/** Options of {@link ClientRuntime}. */
export interface ClientRuntimeOptions {
  /** Socket path; default `MIDISHARE_SOCKET` or the per-user default. */
  socketPath?: string;
  /** Start a server when none answers; default true. */
  autoStart?: boolean;
  /** Command that starts a server (the socket path is appended as `--socket P`). */
  serverCommand?: string[];
  /** Name given to the server in its log. */
  name?: string;
  /** How long to wait for a server to come up, in ms; default 10 000. */
  startTimeoutMs?: number;
  /**
   * Send one-way calls through a request ring shared with the server when FFI is
   * allowed (the default); false, or `MIDISHARE_SHARED_RING=off`, keeps every call
   * on the socket.
   */
  sharedRing?: boolean;
}

/** The socket side of a client; see the module documentation. */
export class ClientRuntime implements StubRuntime {
  #handler: NotificationHandler | null = null;
  readonly #socketPath: string;
  readonly #connection: ServerConnection;
  readonly #frames = new OutgoingFrames();
  readonly #scratch = new WireWriter(256);
  #frameStart = 0;
  #frameSeq = 0;
  #seq = 0;
  readonly #pending = new PendingRequests();
  #isFlushScheduled = false;
  // The request ring once attached, and the call frames queued for the socket.
  #ring: SharedRingClient | null = null;
  #socketFrames = 0;
  readonly #wantsRing: boolean;
  readonly #hasWork = () =>
    this.#pending.size > 0 || this.#frames.hasWork ||
    this.#handler!.hasOpenRefnums();

  /** A passive client runtime; nothing happens until the first call after {@link setHandler}. */
  constructor(options: ClientRuntimeOptions = {}) {
    this.#socketPath = options.socketPath ?? defaultSocketPath();
    this.#wantsRing = wantsSharedRing(options.sharedRing);
    this.#connection = new ServerConnection(this.#socketPath, options, {
      handler: () => this.#handler!,
      reply: (seq, r) => this.#pending.reply(seq, r),
      afterRead: () => this.#updateRef(),
      activated: () => {
        this.#scheduleFlush();
        if (this.#wantsRing) this.#attachRing();
      },
      failed: (error) => {
        this.#frames.reset();
        this.#socketFrames = 0;
        this.#ring?.close();
        this.#ring = null;
        this.#pending.rejectAll(error);
      },
    });
  }

  /** Sets who receives the notifications (before the first call). */
  setHandler(handler: NotificationHandler): void {
    this.#handler = handler;
  }

  /** The current state. */
  get state(): ClientState {
    return this.#connection.state;
  }

  /** The socket path used. */
  get socketPath(): string {
    return this.#socketPath;
  }

  /** The id the server gave this client (0 before the handshake). */
  get clientId(): number {
    return this.#connection.clientId;
  }

  /** `MidiCountAppls` from the mirrored state. */
  get applCount(): number {
    return this.#connection.mirror.applCount;
  }

  /** `MidiCountDrivers` from the mirrored state. */
  get driverCount(): number {
    return this.#connection.mirror.driverCount;
  }

  /** Whether MidiShare is awake, from the mirrored state. */
  get isAwake(): boolean {
    return this.#connection.mirror.isAwake;
  }

  /**
   * Resolves, with the error later calls reject with, when the client enters the
   * exception state (the server is gone or the channel broke); at once when it is in
   * it. Never rejects. After {@link leaveException}, a new promise waits for the next
   * loss.
   */
  get lost(): Promise<MidiShareError> {
    return this.#connection.lost;
  }

  /**
   * Leaves the exception state: the client is passive again, so that its next call
   * connects to a server (starting one unless `autoStart` is false). Does nothing in
   * the other states.
   */
  leaveException(): void {
    this.#connection.leaveException();
  }

  /** `MidiGetTime`, computed locally from the origin the server handed over. */
  time(): number {
    return this.#connection.mirror.time();
  }

  /**
   * The server's time with its fraction of a millisecond (NaN while dormant): how
   * far into tick `MidiGetTime()` the wall clock is, for latency measurements.
   */
  preciseTime(): number {
    return this.#connection.mirror.preciseTime();
  }

  /** Connects (starting a server if needed); resolves when active. */
  connect(): Promise<void> {
    return this.#connection.connect();
  }

  /**
   * Writes what is queued, then closes the connection (the server then closes this
   * client's applications and drivers). The client is passive afterwards when the
   * handler has nothing open any more.
   */
  async close(): Promise<void> {
    await this.#flushNow();
    this.#connection.close();
  }

  // ---- StubRuntime

  checkEvent(pool: CellPool, cell: number): void {
    // Checked here: a frame over the limit would make the server drop the connection.
    const size = eventWireSize(pool, cell);
    if (size > MAX_EVENT_BYTES) {
      throw new RangeError(
        `Cannot send the event: it takes ${size} bytes, more than the ${MAX_EVENT_BYTES} an event may take between processes; it was not sent and is still yours`,
      );
    }
  }

  beginCall(callId: number, isRequest: boolean): WireWriter {
    const state = this.#connection.state;
    if (state === "exception") {
      this.#scratch.reset();
      this.#frameSeq = -1;
      return this.#scratch;
    }
    if (state === "passive") this.connect().catch(() => {});
    const out = this.#frames.writer;
    this.#frameSeq = isRequest ? (this.#seq = (this.#seq % 0x7fffffff) + 1) : 0;
    this.#frameStart = beginCall(out, callId, this.#frameSeq);
    return out;
  }

  send(): void {
    if (this.#frameSeq < 0) return; // exception state: one-way calls are dropped
    const out = this.#frames.writer;
    out.endFrame(this.#frameStart);
    if (
      this.#ring?.tryRing(
        out.bytes,
        this.#frameStart,
        out.length,
        this.#socketFrames,
      )
    ) {
      out.length = this.#frameStart;
    } else this.#tookSocket();
    this.#scheduleFlush();
  }

  request<T>(
    read: (r: WireReader) => T,
    onReply?: (result: T) => void,
  ): Promise<T> {
    if (this.#frameSeq < 0) {
      return Promise.reject(this.#connection.unreachable());
    }
    const out = this.#frames.writer;
    out.endFrame(this.#frameStart);
    const ring = this.#ring;
    if (
      ring?.tryRing(out.bytes, this.#frameStart, out.length, this.#socketFrames)
    ) {
      out.length = this.#frameStart;
      ring.wakeForRequest();
    } else this.#tookSocket();
    const promise = this.#pending.add(this.#frameSeq, read, onReply);
    this.#updateRef();
    this.#scheduleFlush();
    return promise;
  }

  /**
   * Lets the process end while this client has nothing left to do (keep_alive.ts):
   * an application or driver open, a request waiting for its reply and frames
   * waiting to be written keep it alive. Called after each of those can have
   * changed; the frames a call queues are written by an operation that keeps the
   * process alive by itself, and this runs again after it.
   */
  #updateRef(): void {
    this.#connection.updateRef(this.#hasWork);
  }

  // ---- The request ring

  /** Asks for a request ring; the client keeps its socket meanwhile or without. */
  #attachRing(): void {
    const conn = this.#connection;
    SharedRingClient.attach(new RemotePort(this))
      .then((ring) => {
        if (ring === null) return;
        if (conn.state !== "active" || this.#ring !== null) {
          ring.close();
          return;
        }
        this.#ring = ring;
        conn.readSecondSocket(ring.conn);
      }, () => {
        // The connection failed: its own error path reports it.
      });
  }

  /** Counts a call frame queued for the socket. */
  #tookSocket(): void {
    this.#socketFrames++;
    this.#ring?.tookSocket();
  }

  // ---- Writing

  #scheduleFlush(): void {
    if (this.#isFlushScheduled) return;
    this.#isFlushScheduled = true;
    queueMicrotask(this.#scheduledFlush);
  }

  // Made once: a client flushes at the end of every task that made a call.
  readonly #scheduledFlush = () => {
    this.#isFlushScheduled = false;
    this.#flush();
  };
  readonly #afterWrite = () => this.#updateRef();

  /** Starts writing what is queued, unless a write is under way or nothing is. */
  #flush(): void {
    // A kernel asleep until a request would not look at the ring's one-way frames.
    this.#ring?.wakeForOneWay();
    const frames = this.#frames, conn = this.#connection.conn;
    if (
      frames.writing !== null || !frames.hasQueued ||
      this.#connection.state !== "active" || conn === null
    ) return;
    frames.flush(conn, this.#afterWrite);
  }

  /** Writes what is queued; resolves when it is written (or the socket broke). */
  #flushNow(): Promise<void> {
    this.#flush();
    return this.#frames.writing ?? Promise.resolve();
  }
}
