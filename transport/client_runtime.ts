/**
 * The client's side of the socket: the three states of the design (passive, active,
 * exception), the handshake, starting a server when none runs, the outgoing call
 * frames (batched until the end of the current task, in call order), and the read
 * loop that resolves requests and hands notifications over in server order.
 *
 * Runs on the client's main thread. Decoding a notification allocates nothing; the
 * read loop's promises and request promises are the only allocations.
 *
 * @module
 */

import { MidiShareError } from "@midishare/kernel/api";
import type { ClientInbox } from "@midishare/kernel/client";
import { epochNow } from "./clock.ts";
import { logDebug } from "./logger.ts";
import {
  checkSocketPath,
  defaultSocketPath,
  ensurePrivateDir,
  socketDir,
} from "./socket_path.ts";
import type { StubRuntime } from "./stub_runtime.ts";
import {
  F_APPL_ALARM,
  F_BYE,
  F_CALL,
  F_DELIVER,
  F_DORMANT,
  F_DTASK,
  F_END_TICK,
  F_HELLO,
  F_REFUSE,
  F_REPLY,
  F_RUN_TASK,
  F_SLEEP,
  F_STATE,
  F_WAKEUP,
  F_WELCOME,
  MAX_CLIENT_NAME_LENGTH,
  MAX_FRAME_BYTES,
  PROTOCOL_MAGIC,
  PROTOCOL_VERSION,
  WireReader,
  WireWriter,
} from "./wire.ts";

/** The states of a client (design §4.3). */
export type ClientState = "passive" | "active" | "exception";

/**
 * Receives the server's notifications, in server order: the kernel's client inbox
 * (tasks, alarms, driver calls), plus the deliveries read straight off the wire.
 */
export interface NotificationHandler extends
  Pick<
    ClientInbox,
    | "runTask"
    | "readyDTask"
    | "endTick"
    | "applAlarm"
    | "driverWakeup"
    | "driverSleep"
    | "dormant"
  > {
  /** An event for `refNum`'s FIFO, to read with `r.event(...)`. */
  deliver(refNum: number, r: WireReader): void;
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
}

interface Pending {
  read: (r: WireReader) => unknown;
  onReply: ((result: unknown) => void) | undefined;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The command that starts a server: `MIDISHARE_SERVER_COMMAND` (a JSON array) if set;
 * this binary's `serve` when it is the compiled MidiShare; `main.ts serve` beside this
 * checkout; otherwise the `midishare` binary on the PATH (a client loaded from JSR).
 */
export function defaultServerCommand(): string[] {
  const env = Deno.env.get("MIDISHARE_SERVER_COMMAND");
  if (env !== undefined && env !== "") return JSON.parse(env) as string[];
  const exe = Deno.execPath();
  const base = exe.slice(exe.lastIndexOf("/") + 1);
  if (base !== "deno") return [exe, "serve"];
  const main = new URL("../main.ts", import.meta.url);
  if (main.protocol === "file:") {
    return [exe, "run", "-A", main.pathname, "serve"];
  }
  return ["midishare", "serve"];
}

/** The socket side of a client; see the module documentation. */
export class ClientRuntime implements StubRuntime {
  #handler: NotificationHandler | null = null;
  readonly #socketPath: string;
  readonly #options: ClientRuntimeOptions;
  #state: ClientState = "passive";
  #conn: Deno.UnixConn | null = null;
  #connecting: Promise<void> | null = null;
  #exception = "";
  #out = new WireWriter(4096);
  #spare = new WireWriter(4096);
  readonly #scratch = new WireWriter(256);
  #frameStart = 0;
  #frameSeq = 0;
  #seq = 0;
  readonly #pending = new Map<number, Pending>();
  #isFlushScheduled = false;
  #isWriting = false;
  #byeReason: string | null = null;
  #welcome: PromiseWithResolvers<void> | null = null;
  // Mirrored server state (spec §7.1: client-side reads of shared state).
  #applCount = 0;
  #driverCount = 0;
  #isAwake = false;
  #origin = NaN;
  #clockOffset = 0;
  #frozenTime = 0;
  // The latest server tick known from a notification: the local clock never reads less.
  #floorTime = 0;
  #clientId = 0;
  #helloSentAt = 0;

  /** A passive client runtime; nothing happens until the first call after {@link setHandler}. */
  constructor(options: ClientRuntimeOptions = {}) {
    this.#options = options;
    this.#socketPath = options.socketPath ?? defaultSocketPath();
  }

  /** Sets who receives the notifications (before the first call). */
  setHandler(handler: NotificationHandler): void {
    this.#handler = handler;
  }

  /** The current state. */
  get state(): ClientState {
    return this.#state;
  }

  /** The socket path used. */
  get socketPath(): string {
    return this.#socketPath;
  }

  /** The id the server gave this client (0 before the handshake). */
  get clientId(): number {
    return this.#clientId;
  }

  /** `MidiCountAppls` from the mirrored state. */
  get applCount(): number {
    return this.#applCount;
  }

  /** `MidiCountDrivers` from the mirrored state. */
  get driverCount(): number {
    return this.#driverCount;
  }

  /** Whether MidiShare is awake, from the mirrored state. */
  get isAwake(): boolean {
    return this.#isAwake;
  }

  /** `MidiGetTime`, computed locally from the origin the server handed over. */
  time(): number {
    if (!this.#isAwake || Number.isNaN(this.#origin)) return this.#frozenTime;
    const t = Math.floor(epochNow() + this.#clockOffset - this.#origin) >>> 0;
    return ((t - this.#floorTime) | 0) < 0 ? this.#floorTime : t;
  }

  /**
   * The server's time with its fraction of a millisecond (NaN while dormant): how
   * far into tick `MidiGetTime()` the wall clock is, for latency measurements.
   */
  preciseTime(): number {
    if (!this.#isAwake || Number.isNaN(this.#origin)) return NaN;
    return epochNow() + this.#clockOffset - this.#origin;
  }

  /** A date the server has reached (a task or event date it just sent). */
  #reached(date: number): void {
    if (((date - this.#floorTime) | 0) > 0) this.#floorTime = date;
  }

  /** Connects (starting a server if needed); resolves when active. */
  connect(): Promise<void> {
    if (this.#state === "active") return Promise.resolve();
    if (this.#state === "exception") return Promise.reject(this.#unreachable());
    this.#connecting ??= this.#doConnect().catch((error) => {
      // Stay passive so that a later call tries again; what waited fails now.
      try {
        this.#conn?.close();
      } catch {
        // Already closed by the read loop.
      }
      this.#conn = null;
      if (this.#state !== "exception") this.#state = "passive";
      this.#out.reset();
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
      throw error;
    }).finally(() => {
      this.#connecting = null;
    });
    return this.#connecting;
  }

  /** Closes the connection (the server then closes this client's applications). */
  async close(): Promise<void> {
    await this.#flushNow();
    const conn = this.#conn;
    this.#byeReason = "closed by the client";
    conn?.close();
  }

  // ---- StubRuntime

  beginCall(callId: number, isRequest: boolean): WireWriter {
    if (this.#state === "exception") {
      this.#scratch.reset();
      this.#frameSeq = -1;
      return this.#scratch;
    }
    if (this.#state === "passive") this.connect().catch(() => {});
    const out = this.#out;
    this.#frameStart = out.beginFrame(F_CALL);
    out.u16(callId);
    this.#frameSeq = isRequest ? (this.#seq = (this.#seq % 0x7fffffff) + 1) : 0;
    out.u32(this.#frameSeq);
    return out;
  }

  send(): void {
    if (this.#frameSeq < 0) return; // exception state: one-way calls are dropped
    this.#out.endFrame(this.#frameStart);
    this.#scheduleFlush();
  }

  request<T>(
    read: (r: WireReader) => T,
    onReply?: (result: T) => void,
  ): Promise<T> {
    if (this.#frameSeq < 0) return Promise.reject(this.#unreachable());
    this.#out.endFrame(this.#frameStart);
    const { promise, resolve, reject } = Promise.withResolvers<T>();
    this.#pending.set(this.#frameSeq, {
      read,
      onReply: onReply as ((result: unknown) => void) | undefined,
      resolve: resolve as (value: unknown) => void,
      reject,
    });
    this.#scheduleFlush();
    return promise;
  }

  // ---- Connection

  async #doConnect(): Promise<void> {
    let conn = await this.#tryConnect();
    if (conn === null) {
      if (this.#options.autoStart === false) {
        throw new MidiShareError(
          "UNREACHABLE",
          `No MidiShare server answers on ${this.#socketPath}`,
        );
      }
      conn = await this.#startServer();
    }
    this.#conn = conn;
    this.#byeReason = null;
    this.#welcome = Promise.withResolvers<void>();
    const hello = new WireWriter(128);
    const start = hello.beginFrame(F_HELLO);
    hello.u32(PROTOCOL_MAGIC);
    hello.u16(PROTOCOL_VERSION);
    hello.u32(Deno.pid);
    // The server refuses a HELLO over MAX_HELLO_BYTES: a name is only a label.
    hello.str((this.#options.name ?? "").slice(0, MAX_CLIENT_NAME_LENGTH));
    hello.endFrame(start);
    this.#helloSentAt = epochNow();
    await writeAll(conn, hello.bytes.subarray(0, hello.length));
    this.#readLoop(conn);
    await this.#welcome.promise;
    this.#state = "active";
    this.#scheduleFlush();
  }

  /**
   * Connects when a server listens; null when none does. The socket's directory and
   * file are checked first (socket_path.ts): a socket another user could have put
   * there is refused before a byte is sent to it.
   */
  async #tryConnect(): Promise<Deno.UnixConn | null> {
    let isThere: boolean;
    try {
      isThere = await checkSocketPath(this.#socketPath);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return null;
      throw new MidiShareError("UNREACHABLE", (error as Error).message, {
        cause: error,
      });
    }
    if (!isThere) return null;
    try {
      return await Deno.connect({ transport: "unix", path: this.#socketPath });
    } catch (error) {
      if (
        error instanceof Deno.errors.NotFound ||
        error instanceof Deno.errors.ConnectionRefused
      ) return null;
      throw new MidiShareError(
        "UNREACHABLE",
        `Cannot connect to ${this.#socketPath}: ${String(error)}`,
        { cause: error },
      );
    }
  }

  /**
   * Starts a server in the background and connects to it. Clients starting at once
   * queue on a lock file, so only the first one starts a server.
   */
  async #startServer(): Promise<Deno.UnixConn> {
    const path = this.#socketPath;
    try {
      await ensurePrivateDir(socketDir(path));
    } catch (error) {
      throw new MidiShareError(
        "UNREACHABLE",
        (error as Error).message,
        { cause: error },
      );
    }
    using lock = await Deno.open(`${path}.start`, {
      create: true,
      write: true,
      mode: 0o600,
    });
    await lock.lock(true);
    const already = await this.#tryConnect();
    if (already !== null) return already;
    const [cmd, ...args] = this.#options.serverCommand ??
      defaultServerCommand();
    logDebug(`starting a MidiShare server: ${cmd} ${args.join(" ")}`);
    const child = new Deno.Command(cmd!, {
      args: [...args, "--socket", path, "--log-file", `${path}.log`],
      stdin: "null",
      stdout: "null",
      stderr: "null",
      detached: true,
    }).spawn();
    child.unref();
    const deadline = Date.now() + (this.#options.startTimeoutMs ?? 10_000);
    while (Date.now() < deadline) {
      const conn = await this.#tryConnect();
      if (conn !== null) return conn;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new MidiShareError(
      "UNREACHABLE",
      `The MidiShare server did not start within ${
        this.#options.startTimeoutMs ?? 10_000
      } ms: see ${path}.log`,
    );
  }

  // ---- Writing

  #scheduleFlush(): void {
    if (this.#isFlushScheduled) return;
    this.#isFlushScheduled = true;
    queueMicrotask(() => {
      this.#isFlushScheduled = false;
      this.#flushNow();
    });
  }

  async #flushNow(): Promise<void> {
    if (this.#state !== "active" || this.#isWriting) return;
    const conn = this.#conn;
    if (conn === null) return;
    this.#isWriting = true;
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
      this.#isWriting = false;
    }
  }

  // ---- Reading

  async #readLoop(conn: Deno.UnixConn): Promise<void> {
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
        const n = await conn.read(buf.subarray(length));
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
          this.#frame(r);
          pos += 4 + size;
        }
        buf.copyWithin(0, pos, length);
        length -= pos;
      }
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    try {
      conn.close();
    } catch {
      // Already closed.
    }
    this.#disconnected(failure);
  }

  #frame(r: WireReader): void {
    const h = this.#handler!;
    switch (r.u8()) {
      case F_DELIVER: {
        const ref = r.u8();
        this.#reached(r.view.getUint32(r.pos, true));
        h.deliver(ref, r);
        return;
      }
      case F_RUN_TASK: {
        const ref = r.u8(), id = r.i32(), serial = r.i32(), date = r.u32();
        this.#reached(date);
        h.runTask(ref, id, serial, date);
        return;
      }
      case F_DTASK: {
        const ref = r.u8(), id = r.i32(), serial = r.i32(), date = r.u32();
        this.#reached(date);
        h.readyDTask(ref, id, serial, date);
        return;
      }
      case F_END_TICK:
        h.endTick();
        return;
      case F_REPLY:
        this.#reply(r);
        return;
      case F_APPL_ALARM:
        h.applAlarm(r.u8(), r.i32());
        return;
      case F_WAKEUP:
        h.driverWakeup(r.u8());
        return;
      case F_SLEEP:
        h.driverSleep(r.u8());
        return;
      case F_DORMANT:
        h.dormant();
        return;
      case F_STATE:
        this.#readState(r);
        return;
      case F_WELCOME:
        this.#readWelcome(r);
        return;
      case F_REFUSE:
        this.#exception = `The server refused this client: ${r.str()}`;
        this.#state = "exception";
        this.#welcome?.reject(this.#unreachable());
        return;
      case F_BYE:
        this.#byeReason = r.str();
        return;
      default:
        throw new SyntaxError("Unknown frame kind from the server");
    }
  }

  #reply(r: WireReader): void {
    const seq = r.u32();
    const pending = this.#pending.get(seq);
    if (pending === undefined) return;
    this.#pending.delete(seq);
    const result = pending.read(r);
    if (pending.onReply !== undefined) pending.onReply(result);
    pending.resolve(result);
  }

  #readState(r: WireReader): void {
    const wasAwake = this.#isAwake;
    if (wasAwake) this.#frozenTime = this.time();
    this.#applCount = r.u16();
    this.#driverCount = r.u16();
    this.#isAwake = r.bool();
    const origin = r.f64();
    if (origin !== this.#origin) this.#floorTime = 0; // a new wake-up: time restarts
    this.#origin = origin;
  }

  #readWelcome(r: WireReader): void {
    const now = epochNow();
    if (r.u32() !== PROTOCOL_MAGIC || r.u16() !== PROTOCOL_VERSION) {
      throw new SyntaxError("The server answered with another protocol");
    }
    this.#clientId = r.u16();
    r.u32(); // server pid
    const serverNow = r.f64();
    // Server and client read the same system clock: trust it, unless the server's
    // reading falls outside this handshake, which only a clock that differs explains.
    // (The round trip's midpoint is no better: its two halves are not symmetric.)
    const isConsistent = serverNow >= this.#helloSentAt && serverNow <= now;
    this.#clockOffset = isConsistent
      ? 0
      : serverNow - (this.#helloSentAt + now) / 2;
    this.#readState(r);
    this.#welcome?.resolve();
  }

  #disconnected(failure: string): void {
    this.#conn = null;
    const bye = this.#byeReason;
    const wasActive = this.#state === "active";
    this.#welcome?.reject(this.#unreachable(failure));
    this.#welcome = null;
    if (this.#state !== "exception") {
      if (bye !== null && !this.#handler!.hasOpenRefnums()) {
        // The server quit as designed: the next call starts another one.
        this.#state = "passive";
      } else {
        this.#state = "exception";
        this.#exception = bye === null
          ? `The MidiShare server is unreachable: ${failure}`
          : `The MidiShare server stopped: ${bye}`;
      }
    }
    this.#frozenTime = this.time();
    this.#isAwake = false;
    this.#applCount = this.#driverCount = 0;
    this.#out.reset();
    const error = this.#unreachable();
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
    if (this.#state === "exception" && wasActive) {
      this.#handler!.lost(this.#exception);
    }
  }

  #unreachable(detail?: string): MidiShareError {
    return new MidiShareError(
      "UNREACHABLE",
      this.#exception || `The MidiShare server is unreachable: ${detail ?? ""}`,
    );
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) done += await conn.write(bytes.subarray(done));
}
