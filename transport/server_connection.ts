/**
 * A client's connection to the server and the three states of the design (passive,
 * active, exception): connecting (starting a server when none runs), the handshake,
 * the read loop that hands the server's frames over in server order, and what
 * happens when the server goes away.
 *
 * Runs on the client's main thread. Decoding a notification allocates nothing; the
 * read loop's promises are the only allocations.
 *
 * @module
 */

import { MidiShareError } from "@midishare/kernel/api";
import { eventDate, NIL } from "@midishare/kernel/memory";
import type {
  ClientRuntimeOptions,
  ClientState,
  NotificationHandler,
} from "./client_runtime.ts";
import { epochNow } from "./clock.ts";
import { connectServer } from "./connect_server.ts";
import { KeepAlive } from "./keep_alive.ts";
import { writeAll } from "./outgoing_frames.ts";
import { readFrames } from "./read_frames.ts";
import { ServerMirror } from "./server_mirror.ts";
import {
  peekProtocol,
  readServerFrame,
  type ServerFrameReceiver,
  writeHello,
} from "./gen/frames_gen.ts";
import {
  MAX_CLIENT_NAME_LENGTH,
  PROTOCOL_MAGIC,
  PROTOCOL_VERSION,
  type ReadEventResult,
  type WireReader,
  WireWriter,
} from "./wire.ts";

/** What a {@link ServerConnection} tells the runtime that owns it. */
export interface ConnectionHooks {
  /** Who receives the notifications. */
  handler(): NotificationHandler;
  /** The reply to request `seq` arrived. */
  reply(seq: number, r: WireReader): void;
  /** The frames of one read of the socket were handled. */
  afterRead(): void;
  /** The client became active: what was queued can be written. */
  activated(): void;
  /** Connecting failed, or the connection ended: what was queued or waits fails. */
  failed(error: unknown): void;
}

/** The connection side of a client runtime; see the module documentation. */
export class ServerConnection {
  readonly #socketPath: string;
  readonly #options: ClientRuntimeOptions;
  readonly #hooks: ConnectionHooks;
  #state: ClientState = "passive";
  #conn: Deno.UnixConn | null = null;
  #connecting: Promise<void> | null = null;
  #exception = "";
  #byeReason: string | null = null;
  #welcome: PromiseWithResolvers<void> | null = null;
  // Mirrored server state (spec §7.1: client-side reads of shared state).
  readonly #mirror = new ServerMirror();
  #clientId = 0;
  #helloSentAt = 0;
  readonly #event: ReadEventResult = { cell: NIL, end: 0 };
  readonly #receiver: ServerFrameReceiver = this.#createReceiver();
  // Resolved when the client enters the exception state; replaced when it leaves it.
  #lost = Promise.withResolvers<MidiShareError>();
  readonly #keepAlive = new KeepAlive();

  /**
   * A passive connection; nothing happens until {@link connect}.
   * @param socketPath the server's socket
   * @param options how to start a server, and the client's name
   * @param hooks what the owning runtime does on the connection's events
   */
  constructor(
    socketPath: string,
    options: ClientRuntimeOptions,
    hooks: ConnectionHooks,
  ) {
    this.#socketPath = socketPath;
    this.#options = options;
    this.#hooks = hooks;
  }

  /** The current state. */
  get state(): ClientState {
    return this.#state;
  }

  /** The socket while connected, else null. */
  get conn(): Deno.UnixConn | null {
    return this.#conn;
  }

  /** The id the server gave this client (0 before the handshake). */
  get clientId(): number {
    return this.#clientId;
  }

  /** The server's state, mirrored. */
  get mirror(): ServerMirror {
    return this.#mirror;
  }

  /** See `ClientRuntime.lost`. */
  get lost(): Promise<MidiShareError> {
    return this.#lost.promise;
  }

  /** See `ClientRuntime.leaveException`. */
  leaveException(): void {
    if (this.#state !== "exception") return;
    this.#state = "passive";
    this.#exception = "";
    this.#lost = Promise.withResolvers<MidiShareError>();
  }

  /** Connects (starting a server if needed); resolves when active. */
  connect(): Promise<void> {
    if (this.#state === "active") return Promise.resolve();
    if (this.#state === "exception") return Promise.reject(this.unreachable());
    this.#connecting ??= this.#doConnect().catch((error) => {
      // Stay passive so that a later call tries again; what waited fails now.
      try {
        this.#conn?.close();
      } catch {
        // Already closed by the read loop.
      }
      this.#conn = null;
      if (this.#state !== "exception") this.#state = "passive";
      this.#hooks.failed(error);
      throw error;
    }).finally(() => {
      this.#connecting = null;
    });
    return this.#connecting;
  }

  /**
   * Reads the kernel's socket of an attached request ring: its frames come after
   * every frame of the first socket, and go to the same receiver. The server closes
   * it only with the first socket, whose read loop tells what happened.
   */
  readSecondSocket(conn: Deno.UnixConn): void {
    readFrames(conn, {
      frame: (r) => this.#frame(r),
      afterRead: () => this.#hooks.afterRead(),
      end: () => {},
    });
  }

  /** Closes the connection, telling the client it closed it itself. */
  close(): void {
    const conn = this.#conn;
    this.#byeReason = "closed by the client";
    conn?.close();
  }

  /**
   * Refs or unrefs the socket (keep_alive.ts) while connected.
   * @param hasWork whether the client has work; read only while connected
   */
  updateRef(hasWork: () => boolean): void {
    const conn = this.#conn;
    if (conn === null) return;
    this.#keepAlive.update(conn, hasWork());
  }

  /** The error calls fail with in the exception state. */
  unreachable(detail?: string): MidiShareError {
    return new MidiShareError(
      "UNREACHABLE",
      this.#exception || `The MidiShare server is unreachable: ${detail ?? ""}`,
    );
  }

  async #doConnect(): Promise<void> {
    const conn = await connectServer(this.#socketPath, this.#options);
    this.#conn = conn;
    this.#keepAlive.connected();
    this.#byeReason = null;
    this.#welcome = Promise.withResolvers<void>();
    const hello = new WireWriter(128);
    writeHello(
      hello,
      PROTOCOL_MAGIC,
      PROTOCOL_VERSION,
      Deno.pid,
      // The server refuses a HELLO over MAX_HELLO_BYTES: a name is only a label.
      (this.#options.name ?? "").slice(0, MAX_CLIENT_NAME_LENGTH),
    );
    this.#helloSentAt = epochNow();
    await writeAll(conn, hello.bytes.subarray(0, hello.length));
    readFrames(conn, {
      frame: (r) => this.#frame(r),
      afterRead: () => this.#hooks.afterRead(),
      end: (failure) => this.#disconnected(failure),
    });
    await this.#welcome.promise;
    this.#state = "active";
    this.#hooks.activated();
  }

  #frame(r: WireReader): void {
    // Another version may lay its welcome out differently: only its first fields,
    // the magic number and the version, are read the same way by every version.
    const protocol = peekProtocol(r);
    if (
      protocol !== null &&
      (protocol[0] !== PROTOCOL_MAGIC || protocol[1] !== PROTOCOL_VERSION)
    ) throw new SyntaxError("The server answered with another protocol");
    if (!readServerFrame(r, this.#receiver, this.#event)) {
      throw new SyntaxError("Unknown frame kind from the server");
    }
  }

  /** What the frames from the server go to. */
  #createReceiver(): ServerFrameReceiver {
    const h = () => this.#hooks.handler();
    const mirror = this.#mirror;
    return {
      eventPool: () => h().eventPool(),
      eventLost: (ref) => h().eventLost(ref),
      deliver: (ref, port, pool, cell) => {
        mirror.reached(eventDate(pool, cell));
        h().deliver(ref, port, pool, cell);
      },
      runTask: (ref, id, serial, date) => {
        mirror.reached(date);
        h().runTask(ref, id, serial, date);
      },
      readyDTask: (ref, id, serial, date) => {
        mirror.reached(date);
        h().readyDTask(ref, id, serial, date);
      },
      endTick: () => h().endTick(),
      applAlarm: (ref, code) => h().applAlarm(ref, code),
      driverWakeup: (ref) => h().driverWakeup(ref),
      driverSleep: (ref) => h().driverSleep(ref),
      dormant: () => h().dormant(),
      stateChanged: (appls, drivers, isAwake, origin) =>
        mirror.setState(appls, drivers, isAwake, origin),
      welcome: (...args) => this.#welcomed(...args),
      refuse: (message) => {
        this.#exception = `The server refused this client: ${message}`;
        this.#state = "exception";
        this.#welcome?.reject(this.unreachable());
      },
      reply: (seq, r) => this.#hooks.reply(seq, r),
      bye: (reason) => {
        this.#byeReason = reason;
      },
    };
  }

  #welcomed(
    magic: number,
    version: number,
    clientId: number,
    _serverPid: number,
    serverNow: number,
    applCount: number,
    driverCount: number,
    isAwake: boolean,
    origin: number,
  ): void {
    const now = epochNow();
    if (magic !== PROTOCOL_MAGIC || version !== PROTOCOL_VERSION) {
      throw new SyntaxError("The server answered with another protocol");
    }
    this.#clientId = clientId;
    this.#mirror.welcomed(this.#helloSentAt, serverNow, now);
    this.#mirror.setState(applCount, driverCount, isAwake, origin);
    this.#welcome?.resolve();
  }

  #disconnected(failure: string): void {
    this.#conn = null;
    const bye = this.#byeReason;
    const wasActive = this.#state === "active";
    this.#welcome?.reject(this.unreachable(failure));
    this.#welcome = null;
    if (this.#state !== "exception") {
      if (bye !== null && !this.#hooks.handler().hasOpenRefnums()) {
        // The server quit as designed: the next call starts another one.
        this.#state = "passive";
      } else {
        this.#state = "exception";
        this.#exception = bye === null
          ? `The MidiShare server is unreachable: ${failure}`
          : `The MidiShare server stopped: ${bye}`;
      }
    }
    this.#mirror.lose();
    const error = this.unreachable();
    this.#hooks.failed(error);
    if (this.#state === "exception" && wasActive) {
      this.#hooks.handler().lost(this.#exception);
    }
    if (this.#state === "exception") this.#lost.resolve(error);
  }
}
