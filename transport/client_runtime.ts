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
import type { NotificationReceiver } from "@midishare/kernel/contract";
import { type CellPool, eventDate, NIL } from "@midishare/kernel/memory";
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
  beginCall,
  peekProtocol,
  readServerFrame,
  type ServerFrameReceiver,
  writeHello,
} from "./gen/frames_gen.ts";
import {
  eventWireSize,
  MAX_CLIENT_NAME_LENGTH,
  MAX_EVENT_BYTES,
  MAX_FRAME_BYTES,
  PROTOCOL_MAGIC,
  PROTOCOL_VERSION,
  type ReadEventResult,
  WireReader,
  WireWriter,
} from "./wire.ts";

/** The states of a client (design §4.3). */
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
  /**
   * How long to wait for a server to come up, in ms; default 30 000 (a server
   * started from JSR for the first time is downloaded first). A server that exits
   * with an error fails the start at once.
   */
  startTimeoutMs?: number;
}

interface Pending {
  read: (r: WireReader) => unknown;
  onReply: ((result: unknown) => void) | undefined;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** The JSR package whose entry point is the whole system (server, drivers, tools). */
export const SERVER_PACKAGE = "@midishare/midishare";

/** Where this module lies in a JSR package: `/@midishare/transport/<version>/...`. */
const JSR_PATH = /\/@midishare\/transport\/([0-9][0-9A-Za-z.+-]*)\/[^/]+\.ts$/;

/**
 * The `jsr:` specifier of the server package at the version of this module, when
 * this module was loaded from a JSR registry (jsr.io or the one `JSR_URL` names);
 * null otherwise. Every package of the workspace is published at one version.
 * @param moduleUrl the URL of this module (default `import.meta.url`)
 */
export function serverPackageSpecifier(
  moduleUrl: string = import.meta.url,
): string | null {
  const url = new URL(moduleUrl);
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  const match = JSR_PATH.exec(url.pathname);
  return match === null ? null : `jsr:${SERVER_PACKAGE}@${match[1]}`;
}

/**
 * The command that starts a server: `MIDISHARE_SERVER_COMMAND` (a JSON array) if set;
 * this binary's `serve` when it is the compiled MidiShare; `main.ts serve` beside this
 * checkout; for a client loaded from JSR, Deno running the server package of the
 * same version (`deno run -A --unstable-net jsr:@midishare/midishare@<version>
 * serve`, without the configuration or lock file of the directory it starts in);
 * otherwise the `midishare` command on the PATH.
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
  const server = serverPackageSpecifier();
  if (server !== null) {
    return [
      exe,
      "run",
      "-A",
      "--unstable-net",
      "--no-config",
      "--no-lock",
      server,
      "serve",
    ];
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
  // The write under way, if any.
  #writing: Promise<void> | null = null;
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
  readonly #event: ReadEventResult = { cell: NIL, end: 0 };
  readonly #receiver: ServerFrameReceiver = this.#createReceiver();
  // Resolved when the client enters the exception state; replaced when it leaves it.
  #lost = Promise.withResolvers<MidiShareError>();
  // Whether the connection keeps the process alive (Deno's default for a new one).
  #isRefed = true;

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

  /**
   * Resolves, with the error later calls reject with, when the client enters the
   * exception state (the server is gone or the channel broke); at once when it is in
   * it. Never rejects. After {@link leaveException}, a new promise waits for the next
   * loss.
   */
  get lost(): Promise<MidiShareError> {
    return this.#lost.promise;
  }

  /**
   * Leaves the exception state: the client is passive again, so that its next call
   * connects to a server (starting one unless `autoStart` is false). Does nothing in
   * the other states.
   */
  leaveException(): void {
    if (this.#state !== "exception") return;
    this.#state = "passive";
    this.#exception = "";
    this.#lost = Promise.withResolvers<MidiShareError>();
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

  /**
   * Writes what is queued, then closes the connection (the server then closes this
   * client's applications and drivers). The client is passive afterwards when the
   * handler has nothing open any more.
   */
  async close(): Promise<void> {
    await this.#flushNow();
    const conn = this.#conn;
    this.#byeReason = "closed by the client";
    conn?.close();
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
    if (this.#state === "exception") {
      this.#scratch.reset();
      this.#frameSeq = -1;
      return this.#scratch;
    }
    if (this.#state === "passive") this.connect().catch(() => {});
    const out = this.#out;
    this.#frameSeq = isRequest ? (this.#seq = (this.#seq % 0x7fffffff) + 1) : 0;
    this.#frameStart = beginCall(out, callId, this.#frameSeq);
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
    this.#updateRef();
    this.#scheduleFlush();
    return promise;
  }

  /**
   * Lets the process end while this client has nothing left to do, as Deno does for
   * its own resources: the connection keeps the process alive only while an
   * application or driver is open, a request waits for its reply or frames wait to be
   * written. (Scheduled tasks and DTasks belong to open applications.) Called after
   * each of those can have changed; the frames a call queues are written by an
   * operation that keeps the process alive by itself, and this runs again after it.
   */
  #updateRef(): void {
    const conn = this.#conn;
    if (conn === null) return;
    const hasWork = this.#pending.size > 0 || this.#out.length > 0 ||
      this.#writing !== null || this.#handler!.hasOpenRefnums();
    if (hasWork === this.#isRefed) return;
    this.#isRefed = hasWork;
    if (hasWork) conn.ref();
    else conn.unref();
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
    this.#isRefed = true;
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
    const log = `${path}.log`;
    const argv = [cmd!, ...args, "--socket", path, "--log-file", log];
    logDebug(`starting a MidiShare server: ${argv.join(" ")}`);
    await Deno.writeTextFile(
      log,
      `${new Date().toISOString()} starting a MidiShare server: ${
        argv.join(" ")
      }\n`,
      { append: true, mode: 0o600 },
    );
    // What the server prints before it opens its log (a module it cannot load, a
    // bad option) goes to the log too: Deno.Command cannot redirect to a file.
    const child = new Deno.Command("/bin/sh", {
      args: [
        "-c",
        'umask 077; log=$1; shift; exec "$@" 2>>"$log"',
        "midishare",
        log,
        ...argv,
      ],
      // A log file is no terminal: no colour codes in it.
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "null",
      stderr: "null",
      detached: true,
    }).spawn();
    child.unref();
    const exit = { code: null as number | null };
    child.status.then((status) => exit.code = status.code);
    const timeoutMs = this.#options.startTimeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const conn = await this.#tryConnect();
      if (conn !== null) return conn;
      // Status 0: another server holds the lock and is about to listen.
      if (exit.code !== null && exit.code !== 0) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const what = exit.code !== null && exit.code !== 0
      ? `exited with status ${exit.code} before it listened`
      : `did not start within ${timeoutMs} ms`;
    throw new MidiShareError(
      "UNREACHABLE",
      `The MidiShare server ${what}; the end of its log ${log}:\n${await logTail(
        log,
      )}`,
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

  /** Writes what is queued; resolves when it is written (or the socket broke). */
  #flushNow(): Promise<void> {
    // A write under way takes the frames queued meanwhile before it ends.
    if (this.#writing !== null) return this.#writing;
    const conn = this.#conn;
    if (this.#state !== "active" || conn === null || this.#out.length === 0) {
      return Promise.resolve();
    }
    this.#writing = this.#writeQueued(conn);
    return this.#writing;
  }

  async #writeQueued(conn: Deno.UnixConn): Promise<void> {
    await Promise.resolve(); // so that #writing is set before this can end
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
      this.#writing = null;
    }
    this.#updateRef();
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
        this.#updateRef();
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
    const h = () => this.#handler!;
    return {
      eventPool: () => h().eventPool(),
      deliver: (ref, port, pool, cell) => {
        this.#reached(eventDate(pool, cell));
        h().deliver(ref, port, pool, cell);
      },
      runTask: (ref, id, serial, date) => {
        this.#reached(date);
        h().runTask(ref, id, serial, date);
      },
      readyDTask: (ref, id, serial, date) => {
        this.#reached(date);
        h().readyDTask(ref, id, serial, date);
      },
      endTick: () => h().endTick(),
      applAlarm: (ref, code) => h().applAlarm(ref, code),
      driverWakeup: (ref) => h().driverWakeup(ref),
      driverSleep: (ref) => h().driverSleep(ref),
      dormant: () => h().dormant(),
      stateChanged: (appls, drivers, isAwake, origin) =>
        this.#setState(appls, drivers, isAwake, origin),
      welcome: (...args) => this.#welcomed(...args),
      refuse: (message) => {
        this.#exception = `The server refused this client: ${message}`;
        this.#state = "exception";
        this.#welcome?.reject(this.#unreachable());
      },
      reply: (seq, r) => this.#reply(seq, r),
      bye: (reason) => {
        this.#byeReason = reason;
      },
    };
  }

  #reply(seq: number, r: WireReader): void {
    const pending = this.#pending.get(seq);
    if (pending === undefined) return;
    this.#pending.delete(seq);
    const result = pending.read(r);
    if (pending.onReply !== undefined) pending.onReply(result);
    pending.resolve(result);
  }

  #setState(
    applCount: number,
    driverCount: number,
    isAwake: boolean,
    origin: number,
  ): void {
    if (this.#isAwake) this.#frozenTime = this.time();
    this.#applCount = applCount;
    this.#driverCount = driverCount;
    this.#isAwake = isAwake;
    // NaN !== NaN: only a real change of origin is a new wake-up.
    const isNewOrigin = !(origin === this.#origin ||
      (Number.isNaN(origin) && Number.isNaN(this.#origin)));
    if (isNewOrigin) this.#floorTime = 0; // a new wake-up: time restarts
    this.#origin = origin;
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
    // Server and client read the same system clock: trust it, unless the server's
    // reading falls outside this handshake, which only a clock that differs explains.
    // (The round trip's midpoint is no better: its two halves are not symmetric.)
    const isConsistent = serverNow >= this.#helloSentAt && serverNow <= now;
    this.#clockOffset = isConsistent
      ? 0
      : serverNow - (this.#helloSentAt + now) / 2;
    this.#setState(applCount, driverCount, isAwake, origin);
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
    if (this.#state === "exception") this.#lost.resolve(error);
  }

  #unreachable(detail?: string): MidiShareError {
    return new MidiShareError(
      "UNREACHABLE",
      this.#exception || `The MidiShare server is unreachable: ${detail ?? ""}`,
    );
  }
}

/** The last lines of a log, indented, for an error message. */
async function logTail(path: string, lineCount = 10): Promise<string> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    return `  (cannot read it: ${(error as Error).message})`;
  }
  return text.trimEnd().split("\n").slice(-lineCount).map((line) => `  ${line}`)
    .join("\n");
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.length) done += await conn.write(bytes.subarray(done));
}
