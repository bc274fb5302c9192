/**
 * The listening worker's logic: accepts clients on the Unix socket, checks their
 * handshake, decodes their call frames with the generated decoder straight into the
 * shared pool, and puts them in arrival order into the request ring; writes the
 * kernel's replies and notifications back to each socket.
 *
 * A malformed, truncated, oversized or out-of-protocol frame closes only its sender's
 * connection, with a log line saying why. A client that does not read its socket is
 * closed once 64 MiB wait for it. A connection must send its HELLO, a frame of at
 * most 4 KiB, within the handshake deadline. Every connection buffer counts against
 * one memory budget; past it, the connection that holds the most is closed. Accept
 * errors (descriptors running out) pause accepting, never end it (accept_loop.ts).
 *
 * The cells a call's event takes are charged to its client (the quota, see
 * `ServerAccounts`): beyond the quota the event is lost for that client and counted.
 * For each client, the listener publishes since when output waits for its socket, so
 * that the kernel stops routing events to a client that lags (the overload policy).
 *
 * Runs in the listening worker. Not real-time safe (sockets, promises); events are
 * decoded into cells without JavaScript objects.
 *
 * @module
 */

import { attachCellPool, type CellPool, NIL } from "@midishare/kernel";
import {
  C_OUTPUT_SINCE,
  C_QUOTA_LOSSES,
  ChargedPool,
  R_QUOTA_LOSSES,
  ServerAccounts,
  wallStamp,
} from "@midishare/kernel/server";
import { epochNow } from "@midishare/transport/clock";
import { decodeCallArgs, isRequestCall } from "./gen/listener_decode_gen.ts";
import { logDebug, logInfo, logWarn } from "@midishare/transport/logger";
import { socketDir } from "@midishare/transport/socket_path";
import { Ring } from "./output_ring.ts";
import { acceptLoop } from "./accept_loop.ts";
import {
  DEFAULT_LISTENER_LIMITS,
  type ListenerLimits,
  mebibytes,
  MemoryBudget,
  SHED_UNGREETED_AFTER_MS,
} from "./connection_budget.ts";
import {
  type ClientFrameReceiver,
  peekProtocol,
  readClientFrame,
  writeBye,
  writeRefuse,
} from "@midishare/transport/gen/frames_gen";
import {
  MAX_FRAME_BYTES,
  MAX_HELLO_BYTES,
  PROTOCOL_MAGIC,
  PROTOCOL_VERSION,
  type ReadEventResult,
  WireReader,
  WireWriter,
} from "@midishare/transport/wire";
import {
  CTL_DEEP_SLEEP,
  CTL_KERNEL_WAKE,
  CTL_LISTENER_WAKE,
  MAX_CONNECTIONS,
  OUT_FRAMES,
  REQ_CALL,
  REQ_CONNECT,
  REQ_DISCONNECT,
  type SharedMemory,
} from "./shared_layout.ts";

/** How long the listener polls for a reply after forwarding a request, in ms. */
const SPIN_FOR_REPLY_MS = 0.2;

/** Bytes waiting for a client that does not read, before it is closed. */
const MAX_PENDING_OUTPUT = 64 << 20;

/** Read buffer of a connection before its HELLO: room for the largest HELLO. */
const HELLO_BUFFER_BYTES = 8 * 1024;
/** Read buffer of a greeted connection; a larger frame grows it to its size. */
const READ_BUFFER_BYTES = 64 * 1024;
/** Write queue of a connection; one grown past this shrinks back once written. */
const WRITE_BUFFER_BYTES = 4096;

/** A frame error: the sender's connection is closed with this reason. */
class ProtocolError extends Error {
  override name = "ProtocolError";
}

/** One client connection. */
class Connection {
  readonly id: number;
  readonly conn: Deno.Conn;
  isGreeted = false;
  isClosed = false;
  /** When it was accepted (`performance.now()`). */
  readonly acceptedAt = performance.now();
  /** Closes it when no HELLO came in time; cleared by the HELLO. */
  handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bytes of its read buffer. */
  inputBytes = 0;
  #out = new WireWriter(WRITE_BUFFER_BYTES);
  #spare = new WireWriter(WRITE_BUFFER_BYTES);
  #isWriting = false;
  readonly #budget: MemoryBudget;
  /** What {@link memoryBytes} was when last counted in the budget. */
  #counted = 0;
  readonly #accounts: ServerAccounts;
  // When the first byte of `#out`, and of the batch being written, was queued.
  #outSince = 0;
  #batchSince = 0;

  constructor(
    id: number,
    conn: Deno.Conn,
    budget: MemoryBudget,
    accounts: ServerAccounts,
  ) {
    this.id = id;
    this.conn = conn;
    this.#budget = budget;
    this.#accounts = accounts;
    accounts.setClient(id, C_OUTPUT_SINCE, 0);
  }

  /** Tells the kernel since when the oldest byte for this client waits (0: none). */
  #publish(): void {
    const since = this.isClosed
      ? 0
      : this.#batchSince !== 0
      ? this.#batchSince
      : this.#outSince;
    this.#accounts.setClient(this.id, C_OUTPUT_SINCE, since);
  }

  /** Marks the connection closed; the kernel no longer sees output waiting. */
  markClosed(): void {
    this.isClosed = true;
    this.#publish();
  }

  /** Bytes queued and not yet written. */
  get pendingBytes(): number {
    return this.#out.length;
  }

  /** Bytes its buffers hold (read buffer and both write queues). */
  get memoryBytes(): number {
    return this.inputBytes + this.#out.bytes.length + this.#spare.bytes.length;
  }

  /** Brings the budget up to date with {@link memoryBytes} (0 once closed). */
  recount(): void {
    const now = this.isClosed ? 0 : this.memoryBytes;
    this.#budget.used += now - this.#counted;
    this.#counted = now;
  }

  /** Queues bytes (copied) to write. */
  enqueue(bytes: Uint8Array, start: number, end: number): void {
    if (this.#out.length === 0) {
      this.#outSince = wallStamp(epochNow());
      if (this.#batchSince === 0) this.#publish();
    }
    const at = this.#out.reserve(end - start);
    this.#out.bytes.set(bytes.subarray(start, end), at);
    this.recount();
  }

  /** Writes what is queued; resolves when the queue is empty or the socket failed. */
  async flush(): Promise<void> {
    if (this.#isWriting || this.isClosed) return;
    this.#isWriting = true;
    try {
      while (this.#out.length > 0 && !this.isClosed) {
        const batch = this.#out;
        this.#out = this.#spare;
        this.#spare = batch;
        this.#batchSince = this.#outSince;
        this.#outSince = 0;
        let done = 0;
        while (done < batch.length) {
          done += await this.conn.write(
            batch.bytes.subarray(done, batch.length),
          );
        }
        batch.reset();
        this.#batchSince = 0;
        this.#publish();
      }
    } catch {
      // A broken socket: the read loop sees it too and closes the connection.
    } finally {
      this.#isWriting = false;
      // A burst grew the queues: give the memory back once it is written.
      if (
        this.#out.length === 0 && this.#out.bytes.length > WRITE_BUFFER_BYTES
      ) {
        this.#out = new WireWriter(WRITE_BUFFER_BYTES);
      }
      if (this.#spare.bytes.length > WRITE_BUFFER_BYTES) {
        this.#spare = new WireWriter(WRITE_BUFFER_BYTES);
      }
      this.recount();
    }
  }
}

/** The listener; see the module documentation. */
export class Listener {
  readonly #control: Int32Array;
  readonly #requests: Ring;
  readonly #output: Ring;
  readonly #pool: CellPool;
  readonly #accounts: ServerAccounts;
  // The pool as seen by one client's calls: what they allocate is charged to it.
  readonly #charged: ChargedPool;
  readonly #socketPath: string;
  readonly #conns: (Connection | undefined)[] = [];
  readonly #record = new WireWriter(1024);
  readonly #event: ReadEventResult = { cell: NIL, end: 0 };
  // The connection whose frame is being read, and whether it left a request record.
  #current: Connection | null = null;
  #hasRecord = false;
  readonly #receiver: ClientFrameReceiver = {
    hello: (magic, version, pid, name) =>
      this.#hello(this.#current!, magic, version, pid, name),
    call: (callId, seq, r) => this.#call(this.#current!, callId, seq, r),
  };
  #server: Deno.Listener | null = null;
  #hasRequest = false;
  #needsKernel = false;
  #isStopping = false;
  readonly #limits: ListenerLimits;
  readonly #budget: MemoryBudget;

  /** A listener over the server's shared memory, for `socketPath`. */
  constructor(
    memory: SharedMemory,
    socketPath: string,
    limits: ListenerLimits = DEFAULT_LISTENER_LIMITS,
  ) {
    this.#control = new Int32Array(memory.control);
    this.#requests = new Ring(memory.requests);
    this.#output = new Ring(memory.output);
    this.#pool = attachCellPool(memory.pool);
    this.#accounts = new ServerAccounts(memory.accounts);
    this.#charged = new ChargedPool(this.#pool, this.#accounts);
    this.#socketPath = socketPath;
    this.#limits = limits;
    this.#budget = new MemoryBudget(limits.connectionMemoryBytes);
  }

  /** Starts listening; the accept and output loops then run in the background. */
  async start(): Promise<void> {
    this.#server = await listenPrivately(this.#socketPath);
    this.#acceptLoop(this.#server);
    this.#outputLoop();
  }

  /** Says goodbye to every client, closes them and stops listening. */
  async stop(reason: string): Promise<void> {
    this.#isStopping = true;
    this.#server?.close();
    const bye = new WireWriter(64);
    writeBye(bye, reason);
    this.#drainOutput();
    const flushes = [];
    for (const c of this.#conns) {
      if (c === undefined || c.isClosed) continue;
      if (c.isGreeted) c.enqueue(bye.bytes, 0, bye.length);
      flushes.push(c.flush());
    }
    await Promise.race([
      Promise.all(flushes),
      new Promise((resolve) => setTimeout(resolve, 500)),
    ]);
    for (const c of this.#conns) if (c !== undefined) this.#close(c, null);
  }

  async #acceptLoop(server: Deno.Listener): Promise<void> {
    await acceptLoop(server, {
      isStopping: () => this.#isStopping,
      accepted: (conn) => this.#accepted(conn),
      shed: () => this.#shedUngreeted(),
    });
  }

  #accepted(conn: Deno.Conn): void {
    const id = this.#freeId();
    if (id < 0) {
      logWarn(`refusing a client: ${MAX_CONNECTIONS} clients connected`);
      conn.close();
      return;
    }
    const c = new Connection(id, conn, this.#budget, this.#accounts);
    this.#conns[id] = c;
    const deadlineMs = this.#limits.handshakeTimeoutMs;
    c.handshakeTimer = setTimeout(() => {
      if (!c.isGreeted) this.#close(c, `no HELLO within ${deadlineMs} ms`);
    }, deadlineMs);
    this.#readLoop(c);
  }

  /** Closes the connections open for a while without HELLO; returns how many. */
  #shedUngreeted(): number {
    const before = performance.now() - SHED_UNGREETED_AFTER_MS;
    let count = 0;
    for (const c of this.#conns) {
      if (c === undefined || c.isClosed || c.isGreeted) continue;
      if (c.acceptedAt > before) continue;
      this.#close(c, null);
      count++;
    }
    return count;
  }

  /**
   * Closes the connections holding the most until the buffers fit in the budget
   * again (a slow reader's output, or a frame that is never finished).
   */
  #enforceBudget(): void {
    const budget = this.#budget;
    while (budget.isExceeded) {
      let biggest: Connection | undefined;
      for (const c of this.#conns) {
        if (c === undefined || c.isClosed) continue;
        if (biggest === undefined || c.memoryBytes > biggest.memoryBytes) {
          biggest = c;
        }
      }
      if (biggest === undefined) return;
      const what = biggest.inputBytes > biggest.memoryBytes / 2
        ? "its unfinished frame"
        : "output it does not read";
      this.#close(
        biggest,
        `the connection memory budget of ${
          mebibytes(budget.limit)
        } is used up and this connection holds the most: ${
          mebibytes(biggest.memoryBytes)
        } (${what})`,
      );
    }
  }

  #freeId(): number {
    for (let id = 1; id <= MAX_CONNECTIONS; id++) {
      if (this.#conns[id] === undefined) return id;
    }
    return -1;
  }

  async #readLoop(c: Connection): Promise<void> {
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
          this.#enforceBudget();
          if (c.isClosed) break;
        }
        const n = await c.conn.read(buf.subarray(length));
        if (n === null) break;
        length += n;
        let pos = 0;
        let wrote = false;
        this.#hasRequest = false;
        this.#needsKernel = false;
        const outputSeen = Atomics.load(this.#control, CTL_LISTENER_WAKE);
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
          if (this.#frame(c, reader)) {
            wrote = true;
            if (!this.#tryWriteRecord()) await this.#writeRecord();
          }
          if (c.isClosed) return;
          pos += 4 + size;
        }
        // A one-way call takes effect at the next tick, when the kernel wakes anyway;
        // only a waiting client, or a kernel asleep until requests, needs a wake-up.
        if (
          wrote &&
          (this.#needsKernel ||
            Atomics.load(this.#control, CTL_DEEP_SLEEP) === 1)
        ) this.#wakeKernel();
        if (this.#hasRequest) this.#spinForOutput(outputSeen);
        buf.copyWithin(0, pos, length);
        length -= pos;
        wanted = length >= 4 ? 4 + view.getUint32(0, true) : 0;
      }
      if (length > 0) {
        logInfo(`client ${c.id}: closed in the middle of a frame`);
      }
      this.#close(c, null);
    } catch (error) {
      // A peer that resets or leaves is a normal end, not a fault of the protocol.
      const isHangUp = error instanceof Deno.errors.ConnectionReset ||
        error instanceof Deno.errors.BrokenPipe;
      const why = error instanceof ProtocolError || error instanceof SyntaxError
        ? error.message
        : isHangUp
        ? null
        : `socket error: ${String(error)}`;
      this.#close(c, why);
    }
  }

  /** Handles one frame; returns whether a request record waits in `#record`. */
  #frame(c: Connection, r: WireReader): boolean {
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

  /** A call frame: its arguments become a request record for the kernel. */
  #call(c: Connection, callId: number, seq: number, r: WireReader): void {
    if (!c.isGreeted) throw new ProtocolError("a call before HELLO");
    if (seq !== 0) this.#hasRequest = this.#needsKernel = true;
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
  #isOwnProtocol(c: Connection, r: WireReader): boolean {
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
    c: Connection,
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
    this.#needsKernel = true;
    this.#hasRecord = true;
  }

  #refuse(c: Connection, message: string): void {
    logWarn(`client ${c.id}: ${message}`);
    const w = new WireWriter(128);
    writeRefuse(w, message);
    c.enqueue(w.bytes, 0, w.length);
    c.flush().finally(() => this.#close(c, null));
  }

  /** Copies `#record` into the request ring; false when the ring is full. */
  #tryWriteRecord(): boolean {
    const ring = this.#requests, w = this.#record;
    const at = ring.reserve(w.length);
    if (at < 0) return false;
    ring.bytes.set(w.bytes.subarray(0, w.length), at);
    ring.commit();
    return true;
  }

  /** Copies `#record` into the request ring, waiting while it is full. */
  async #writeRecord(): Promise<void> {
    while (!this.#tryWriteRecord()) {
      // The kernel drains the ring at least every millisecond.
      this.#wakeKernel();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /**
   * A client waits for a reply: poll for the kernel's output for up to
   * {@link SPIN_FOR_REPLY_MS} rather than sleep (a thread woken from sleep costs tens of
   * microseconds), then write what came.
   */
  #spinForOutput(seen: number): void {
    const until = performance.now() + SPIN_FOR_REPLY_MS;
    while (Atomics.load(this.#control, CTL_LISTENER_WAKE) === seen) {
      if (performance.now() >= until) return;
    }
    this.#drainOutput();
  }

  #wakeKernel(): void {
    Atomics.add(this.#control, CTL_KERNEL_WAKE, 1);
    Atomics.notify(this.#control, CTL_KERNEL_WAKE);
  }

  #close(c: Connection, reason: string | null): void {
    if (c.isClosed) return;
    c.markClosed();
    clearTimeout(c.handshakeTimer);
    c.recount();
    if (reason !== null) {
      logWarn(`client ${c.id}: closing the connection: ${reason}`);
    } else logDebug(`client ${c.id}: connection closed`);
    try {
      c.conn.close();
    } catch {
      // Already closed by the peer: nothing more to release.
    }
    if (c.isGreeted) {
      const w = this.#record;
      w.reset();
      w.u16(c.id);
      w.u16(REQ_DISCONNECT);
      // The id is free again only after the kernel has seen the disconnect.
      this.#writeRecord().then(() => {
        this.#wakeKernel();
        this.#conns[c.id] = undefined;
      });
    } else {
      this.#conns[c.id] = undefined;
    }
  }

  async #outputLoop(): Promise<void> {
    const ctl = this.#control;
    while (!this.#isStopping) {
      const seen = Atomics.load(ctl, CTL_LISTENER_WAKE);
      this.#drainOutput();
      const wait = Atomics.waitAsync(ctl, CTL_LISTENER_WAKE, seen, 1000);
      if (wait.async) await wait.value;
    }
  }

  /** Moves every output record into its connection's queue, then starts writing. */
  #drainOutput(): void {
    const ring = this.#output;
    for (let at = ring.peek(); at >= 0; at = ring.peek()) {
      const length = ring.peekLength(at);
      const id = ring.view.getUint16(at, true);
      const kind = ring.view.getUint16(at + 2, true);
      const c = this.#conns[id];
      if (kind === OUT_FRAMES && c !== undefined && !c.isClosed) {
        c.enqueue(ring.bytes, at + 4, at + length);
        if (c.pendingBytes > MAX_PENDING_OUTPUT) {
          this.#close(c, "it does not read its socket (64 MiB waiting)");
        }
      }
      ring.release();
    }
    this.#enforceBudget();
    for (const c of this.#conns) {
      if (c !== undefined && c.pendingBytes > 0) c.flush();
    }
  }
}

/**
 * Listens on `path` with a socket of mode 0600 from the first instant: it is bound
 * in a new private directory beside `path`, restricted, then renamed into place, so
 * that another user never finds it open in a directory they may enter. Binds at
 * `path` directly (then restricts it) when the longer temporary path does not fit
 * in a socket address.
 */
async function listenPrivately(path: string): Promise<Deno.Listener> {
  const privateDir = await Deno.makeTempDir({
    dir: socketDir(path),
    prefix: ".bind-",
  });
  try {
    const bound = `${privateDir}/s`;
    let server: Deno.Listener;
    try {
      server = Deno.listen({ transport: "unix", path: bound });
    } catch {
      // A path too long for a socket address: the window is tiny, as before.
      const direct = Deno.listen({ transport: "unix", path });
      await Deno.chmod(path, 0o600);
      return direct;
    }
    await Deno.chmod(bound, 0o600);
    await Deno.rename(bound, path);
    return server;
  } finally {
    await Deno.remove(privateDir, { recursive: true });
  }
}
