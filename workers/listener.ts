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

import { attachCellPool, type CellPool } from "@midishare/kernel";
import { ServerAccounts } from "@midishare/kernel/server";
import { logDebug, logWarn } from "@midishare/transport/logger";
import { Ring } from "./output_ring.ts";
import { acceptLoop } from "./accept_loop.ts";
import {
  DEFAULT_LISTENER_LIMITS,
  type ListenerLimits,
  mebibytes,
  MemoryBudget,
  SHED_UNGREETED_AFTER_MS,
} from "./connection_budget.ts";
import { writeBye, writeRefuse } from "@midishare/transport/gen/frames_gen";
import { WireWriter } from "@midishare/transport/wire";
import {
  CTL_LISTENER_WAKE,
  MAX_CONNECTIONS,
  OUT_CLOSE,
  OUT_FRAMES,
  type SharedMemory,
} from "./shared_layout.ts";
import { Connection } from "./connection.ts";
import { listenPrivately } from "./listen_privately.ts";
import { readLoop, type ReadLoopHost } from "./read_loop.ts";
import { RequestRecords } from "./request_records.ts";

/** How long the listener polls for a reply after forwarding a request, in ms. */
const SPIN_FOR_REPLY_MS = 0.2;

/** Bytes waiting for a client that does not read, before it is closed. */
const MAX_PENDING_OUTPUT = 64 << 20;

/** The listener; see the module documentation. */
export class Listener {
  readonly #control: Int32Array;
  readonly #requests: Ring;
  readonly #output: Ring;
  readonly #pool: CellPool;
  readonly #accounts: ServerAccounts;
  readonly #socketPath: string;
  readonly #conns: (Connection | undefined)[] = [];
  readonly #records: RequestRecords;
  readonly #host: ReadLoopHost;
  #server: Deno.Listener | null = null;
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
    this.#records = new RequestRecords({
      control: this.#control,
      requests: this.#requests,
      pool: this.#pool,
      accounts: this.#accounts,
      refuse: (c, message) => this.#refuse(c as Connection, message),
    });
    this.#host = {
      control: this.#control,
      records: this.#records,
      enforceBudget: () => this.#enforceBudget(),
      spinForOutput: (seen) => this.#spinForOutput(seen),
      close: (c, reason) => this.#close(c, reason),
    };
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
    readLoop(c, this.#host);
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

  #refuse(c: Connection, message: string): void {
    logWarn(`client ${c.id}: ${message}`);
    const w = new WireWriter(128);
    writeRefuse(w, message);
    c.enqueue(w.bytes, 0, w.length);
    c.flush().finally(() => this.#close(c, null));
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
      this.#records.disconnect(c.id);
      // The id is free again only after the kernel has seen the disconnect.
      this.#records.write().then(() => {
        this.#records.wakeKernel();
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
      } else if (kind === OUT_CLOSE && c !== undefined && !c.isClosed) {
        this.#close(
          c,
          new TextDecoder().decode(ring.bytes.slice(at + 4, at + length)),
        );
      }
      ring.release();
    }
    this.#enforceBudget();
    for (const c of this.#conns) {
      if (c !== undefined && c.pendingBytes > 0) c.flush();
    }
  }
}
