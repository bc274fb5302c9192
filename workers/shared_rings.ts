/**
 * The clients' request rings and the sockets the kernel worker writes to itself: the
 * fast path of a client that may map shared memory.
 *
 * A client asks `OpenSharedRing`: the kernel creates a sealed memory file, maps it,
 * and answers its path (`/proc/<server pid>/fd/<n>`, which only this user can open),
 * the path of the kernel's socket and a token. The client maps the file, connects to
 * that socket, writes the token and asks `AttachSharedRing`: the kernel accepts the
 * connection whose token matches and closes the file (the mappings stay). From then
 * on the client writes its one-way calls into the ring, which the kernel reads at its
 * next pass, and every frame for the client goes out on that socket, written by the
 * kernel once per pass. Requests (calls with a reply) still take the client's first
 * socket; barriers in the ring keep call order across both.
 *
 * A frame read from a ring goes through the same checks as one read from a socket;
 * a ring that breaks its layout or a frame that breaks the protocol closes the
 * client, like a malformed frame on its socket. When a client leaves, its socket is
 * closed and its ring unmapped.
 *
 * Runs in the kernel worker. Draining and flushing are real-time safe (no allocation);
 * opening, attaching and removing are not.
 *
 * @module
 */

import type { ServerAccounts } from "@midishare/kernel/server";
import { logDebug, logWarn } from "@midishare/transport/logger";
import {
  type Mapping,
  mapSharedFile,
} from "@midishare/transport/shared_memory";
import {
  RING_FILE_BYTES,
  type SharedRingOffer,
} from "@midishare/transport/shared_ring";
import { WireReader } from "@midishare/transport/wire";
import { EAGAIN, type Libc } from "./libc.ts";
import { RingReader } from "./shared_ring_reader.ts";
import { MAX_SOCKET_OUTPUT_BYTES, SocketOutput } from "./socket_output.ts";
import { mebibytes } from "./connection_budget.ts";
import type { FrameSource, RequestRecords } from "./request_records.ts";

/** Bytes of the token a client writes first on the kernel's socket. */
const TOKEN_CHARS = 32;
/** Connections without their token yet that are kept; more are closed. */
const MAX_UNMATCHED = 64;

/** Options of {@link SharedRings}. */
export interface SharedRingsOptions {
  /** The C library. */
  libc: Libc;
  /** Where the kernel's socket listens. */
  socketPath: string;
  /** Path of the kernel's wake page, for the clients. */
  wakePath: string;
  /** The decoder of call frames (the listener's, run on the kernel's side). */
  records: RequestRecords;
  /** The accounts of the pool (output waiting, for the overload policy). */
  accounts: ServerAccounts;
  /** Handles a call record read from `r` (after its client and kind). */
  handle(client: number, r: WireReader): void;
  /** Has the client's connection closed, telling it why. */
  close(client: number, reason: string): void;
  /**
   * Bytes the output waiting for the clients' sockets may hold together (the
   * connection memory budget); past it, the client holding the most is closed.
   */
  memoryBytes: number;
}

/** One client's ring and socket. */
class SharedClient implements FrameSource {
  readonly id: number;
  isGreeted = true;
  handshakeTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  readonly mapping: Mapping;
  readonly reader: RingReader;
  readonly token: string;
  /** The memory file until the client attached. */
  memoryFd: number;
  /** The kernel's connection to the client, once attached. */
  socket: SocketOutput | null = null;
  /** Whether the client left (its id may be given to another connection). */
  hasLeft = false;
  /** Whether the client attached its ring. */
  isAttached = false;
  /** Whether the client is being closed: its ring is no longer read. */
  isClosing = false;

  constructor(id: number, memoryFd: number, mapping: Mapping, token: string) {
    this.id = id;
    this.memoryFd = memoryFd;
    this.mapping = mapping;
    this.reader = new RingReader(mapping.buffer);
    this.token = token;
  }
}

/** The request rings of the clients; see the module documentation. */
export class SharedRings {
  readonly #libc: Libc;
  readonly #socketPath: string;
  readonly #wakePath: string;
  readonly #listenFd: number;
  readonly #records: RequestRecords;
  readonly #accounts: ServerAccounts;
  readonly #handle: (client: number, r: WireReader) => void;
  readonly #close: (client: number, reason: string) => void;
  readonly #clients: (SharedClient | undefined)[] = [];
  // The attached clients, densely, for the passes of the loop.
  readonly #attached: SharedClient[] = [];
  readonly #reader = new WireReader(
    new Uint8Array(0),
    new DataView(new ArrayBuffer(0)),
    0,
    0,
  );
  readonly #token = new Uint8Array(TOKEN_CHARS);
  // Connections accepted before their token came.
  readonly #unmatched: number[] = [];
  #hasWaitingOutput = false;
  readonly #memoryBytes: number;

  /** Listens on `options.socketPath`; throws when it cannot. */
  constructor(options: SharedRingsOptions) {
    this.#libc = options.libc;
    this.#socketPath = options.socketPath;
    this.#wakePath = options.wakePath;
    this.#records = options.records;
    this.#accounts = options.accounts;
    this.#handle = options.handle;
    this.#close = options.close;
    this.#memoryBytes = options.memoryBytes;
    removeStaleSocket(this.#socketPath);
    this.#listenFd = this.#libc.listenUnix(this.#socketPath);
    if (this.#listenFd < 0) {
      throw new Error(
        `cannot listen on ${this.#socketPath} (errno ${this.#libc.errno()})`,
      );
    }
  }

  /** Whether a client has attached its ring. */
  get hasClients(): boolean {
    return this.#attached.length > 0;
  }

  /** Whether output waits for a client's socket (the loop keeps ticking). */
  get hasWaitingOutput(): boolean {
    return this.#hasWaitingOutput;
  }

  /**
   * `OpenSharedRing` of `client`: the offer as JSON, or `"null"`. A client whose
   * ring is attached keeps it: its output goes to that ring's socket, and removing
   * it would leave the output to a socket nobody writes, outside the budget.
   */
  open(client: number): string {
    if (this.#clients[client]?.isAttached) return "null";
    this.remove(client);
    const libc = this.#libc;
    const fd = libc.sealedMemoryFile(
      `midishare-ring-${client}`,
      RING_FILE_BYTES,
    );
    if (fd < 0) return "null";
    const mapping = mapSharedFile(`/proc/self/fd/${fd}`, RING_FILE_BYTES);
    if (mapping === null) {
      libc.close(fd);
      return "null";
    }
    const token = Array.from(
      crypto.getRandomValues(new Uint8Array(TOKEN_CHARS / 2)),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("");
    this.#clients[client] = new SharedClient(client, fd, mapping, token);
    const offer: SharedRingOffer = {
      memory: `/proc/${Deno.pid}/fd/${fd}`,
      socket: this.#socketPath,
      token,
      bytes: RING_FILE_BYTES,
      wake: this.#wakePath,
    };
    return JSON.stringify(offer);
  }

  /** `AttachSharedRing` of `client`: whether its ring and socket are now in use. */
  attach(client: number): boolean {
    const c = this.#clients[client];
    if (c === undefined || c.isAttached) return false;
    // Its connection may have been accepted already, by another client's attach.
    if (c.socket === null) this.#acceptWaiting();
    if (c.socket === null) {
      this.remove(client);
      return false;
    }
    this.#libc.close(c.memoryFd);
    c.memoryFd = -1;
    c.isAttached = true;
    this.#attached.push(c);
    logDebug(`client ${client}: request ring attached`);
    return true;
  }

  /** The kernel's socket output of `client` once attached, else null. */
  socketOf(client: number): SocketOutput | null {
    const c = this.#clients[client];
    return c?.isAttached ? c.socket : null;
  }

  /**
   * Handles the frames waiting in the ring of `client`, up to a barrier beyond its
   * first `socketFrames` socket frames.
   */
  drain(client: number, socketFrames: number): void {
    const c = this.#clients[client];
    if (c?.isAttached) this.#drain(c, socketFrames);
  }

  /**
   * Handles what a client that left wrote before it left. A broken ring is not
   * reported to the listener then: the client's id may already be another's.
   */
  drainLeaving(client: number, socketFrames: number): void {
    const c = this.#clients[client];
    if (!c?.isAttached) return;
    c.hasLeft = true;
    this.#drain(c, socketFrames);
  }

  /** Handles the frames waiting in every ring; `socketFrames` per client id. */
  drainAll(socketFrames: Int32Array): void {
    const attached = this.#attached;
    for (let i = 0; i < attached.length; i++) {
      const c = attached[i]!;
      this.#drain(c, socketFrames[c.id]!);
    }
  }

  /** Writes what waits for each client's socket, one `send` each. */
  flushAll(): void {
    const attached = this.#attached;
    let waiting = 0;
    for (let i = 0; i < attached.length; i++) {
      const socket = attached[i]!.socket!;
      if (!socket.hasOutput) continue;
      // A broken socket: the client is gone, and its first socket tells the listener.
      socket.flush(this.#libc, this.#accounts);
      waiting += socket.waitingBytes;
      if (socket.droppedFrames > 0 && !attached[i]!.isClosing) {
        attached[i]!.isClosing = true;
        socket.discard();
        this.#close(
          attached[i]!.id,
          `it does not read its socket (${
            mebibytes(MAX_SOCKET_OUTPUT_BYTES)
          } waiting)`,
        );
      }
    }
    this.#hasWaitingOutput = waiting > 0;
    if (waiting > this.#memoryBytes) this.#enforceBudget(waiting);
  }

  /** Closes the clients whose output waits the most until the rest fits the budget. */
  #enforceBudget(waiting: number): void {
    while (waiting > this.#memoryBytes) {
      let biggest: SharedClient | undefined;
      for (const c of this.#attached) {
        if (
          !c.isClosing && (biggest === undefined ||
            c.socket!.waitingBytes > biggest.socket!.waitingBytes)
        ) biggest = c;
      }
      if (biggest === undefined) return;
      const held = biggest.socket!.waitingBytes;
      waiting -= held;
      biggest.isClosing = true;
      biggest.socket!.discard();
      this.#close(
        biggest.id,
        `the connection memory budget of ${
          mebibytes(this.#memoryBytes)
        } is exceeded: it holds ${mebibytes(held)} of output it does not read`,
      );
    }
  }

  /** Whether a ring holds a record that can be read now (`socketFrames` per id). */
  canRead(socketFrames: Int32Array): boolean {
    const attached = this.#attached;
    for (let i = 0; i < attached.length; i++) {
      const c = attached[i]!;
      if (!c.isClosing && c.reader.canRead(socketFrames[c.id]!)) return true;
    }
    return false;
  }

  /** Forgets `client`: closes its socket and memory file, unmaps its ring. */
  remove(client: number): void {
    const c = this.#clients[client];
    if (c === undefined) return;
    this.#clients[client] = undefined;
    const at = this.#attached.indexOf(c);
    if (at >= 0) this.#attached.splice(at, 1);
    if (c.socket !== null) this.#libc.close(c.socket.fd);
    if (c.memoryFd >= 0) this.#libc.close(c.memoryFd);
    c.mapping.unmap();
  }

  /** Closes everything, the listening socket and its file included. */
  stop(): void {
    for (let client = 0; client < this.#clients.length; client++) {
      this.remove(client);
    }
    for (const fd of this.#unmatched) this.#libc.close(fd);
    this.#libc.close(this.#listenFd);
    removeStaleSocket(this.#socketPath);
  }

  #drain(c: SharedClient, socketFrames: number): void {
    if (c.isClosing) return;
    const reader = c.reader, r = this.#reader, records = this.#records;
    try {
      for (
        let length = reader.next(socketFrames);
        length > 0;
        length = reader.next(socketFrames)
      ) {
        r.reset(reader.frame, reader.frameView, 4, 4 + length);
        if (!records.frame(c, r)) continue;
        const record = records.record;
        r.reset(record.bytes, record.view, 4, record.length);
        this.#handle(c.id, r);
      }
    } catch (error) {
      c.isClosing = true;
      const reason = `its request ring broke the protocol: ${
        (error as Error).message
      }`;
      logWarn(`client ${c.id}: ${reason}`);
      if (!c.hasLeft) this.#close(c.id, reason);
    }
    reader.release();
  }

  /**
   * Accepts the connections waiting on the kernel's socket and matches their tokens;
   * a connection whose token has not come yet waits for the next attach (a client
   * writes its token before it asks to attach).
   */
  #acceptWaiting(): void {
    const libc = this.#libc, unmatched = this.#unmatched;
    for (
      let fd = libc.accept(this.#listenFd);
      fd >= 0;
      fd = libc.accept(this.#listenFd)
    ) {
      unmatched.push(fd);
    }
    let kept = 0;
    for (const fd of unmatched) {
      const n = libc.recv(fd, this.#token, TOKEN_CHARS);
      if (n < 0 && libc.errno() === EAGAIN && kept < MAX_UNMATCHED) {
        unmatched[kept++] = fd;
        continue;
      }
      const text = n === TOKEN_CHARS
        ? new TextDecoder().decode(this.#token)
        : "";
      const c = text === ""
        ? undefined
        : this.#clients.find((c) =>
          c !== undefined && c.socket === null && c.token === text
        );
      if (c === undefined) libc.close(fd);
      else c.socket = new SocketOutput(fd, c.id);
    }
    unmatched.length = kept;
  }
}

/** Removes what a server that died left at `path`, when it is a socket. */
function removeStaleSocket(path: string): void {
  try {
    if (Deno.lstatSync(path).isSocket) Deno.removeSync(path);
  } catch {
    // Nothing there.
  }
}
