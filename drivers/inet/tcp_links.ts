/**
 * The WAN driver's TCP side (spec inet.md §3.1, §3.9, §5.2, §5.3): the listener on
 * `0.0.0.0:P`, outgoing connections to `peer:P`, and every connection's reads and
 * writes. Each connection has a numeric handle; each packet is one write, in order,
 * with Nagle's algorithm off; a connection closes once its queued writes are done.
 *
 * Runs in the Inet driver process. Not real-time safe.
 *
 * @module
 */

import { errorText } from "./udp_socket.ts";

/** Bytes read at once from a connection. */
const READ_BYTES = 16_384;

/** Options of {@link createTcpLinks}. */
export interface TcpLinksOptions {
  /** The port P of the listener and of every outgoing connection. */
  readonly port: number;
  /** The local MidiShare time, read right after bytes arrive. */
  readonly now: () => number;
  /** A connection from `address` was accepted as `id`. */
  readonly onAccepted: (id: number, address: string) => void;
  /** The outgoing connection `id` is established. */
  readonly onConnected: (id: number) => void;
  /** The outgoing connection `id` failed. */
  readonly onConnectFailed: (id: number, reason: string) => void;
  /** Bytes arrived on `id`; valid only during the call. */
  readonly onData: (id: number, bytes: Uint8Array, receivedAt: number) => void;
  /** Connection `id` ended: end of stream or read error. */
  readonly onClosed: (id: number) => void;
  /** A write on `id` failed. */
  readonly onSendFailed: (id: number, reason: string) => void;
}

/** See the module documentation. */
export interface TcpLinks {
  /** Opens the listener; returns null, or the error text. */
  listen(): string | null;
  /** Closes the listener. */
  closeListener(): void;
  /** Starts a connection to `address:P`; returns its handle. */
  connect(address: string): number;
  /** Queues one packet on `id`, written in one call. */
  send(id: number, bytes: Uint8Array): void;
  /** Closes `id` after its queued writes. */
  close(id: number): void;
  /** Resolves when every queued write is done (or failed). */
  drain(): Promise<void>;
}

/**
 * Creates the TCP side, with no listener and no connection.
 *
 * @param options Port, clock and callbacks.
 * @returns The links.
 * @see spec inet.md §3.9, §5
 */
export function createTcpLinks(options: TcpLinksOptions): TcpLinks {
  return new DriverTcpLinks(options);
}

interface Link {
  conn: Deno.TcpConn | null;
  writing: Promise<void>;
  isClosed: boolean;
}

class DriverTcpLinks implements TcpLinks {
  readonly #o: TcpLinksOptions;
  #listener: Deno.TcpListener | null = null;
  readonly #links = new Map<number, Link>();
  #nextId = 1;

  constructor(options: TcpLinksOptions) {
    this.#o = options;
  }

  listen(): string | null {
    if (this.#listener !== null) return null;
    try {
      // Deno does not expose the backlog; the maximum is enforced on accept (5.3).
      this.#listener = Deno.listen({
        transport: "tcp",
        hostname: "0.0.0.0",
        port: this.#o.port,
      });
    } catch (error) {
      return errorText(error);
    }
    this.#accept(this.#listener);
    return null;
  }

  closeListener(): void {
    const listener = this.#listener;
    this.#listener = null;
    try {
      listener?.close();
    } catch {
      // Already closed.
    }
  }

  connect(address: string): number {
    const id = this.#nextId++;
    const link: Link = {
      conn: null,
      writing: Promise.resolve(),
      isClosed: false,
    };
    this.#links.set(id, link);
    Deno.connect({ transport: "tcp", hostname: address, port: this.#o.port })
      .then((conn) => {
        if (link.isClosed) return closeQuietly(conn);
        conn.setNoDelay(true);
        link.conn = conn;
        this.#o.onConnected(id);
        this.#read(id, link, conn);
      }, (error) => {
        if (link.isClosed) return;
        this.#links.delete(id);
        this.#o.onConnectFailed(id, errorText(error));
      });
    return id;
  }

  send(id: number, bytes: Uint8Array): void {
    const link = this.#links.get(id);
    const conn = link?.conn ?? null;
    if (link === undefined || conn === null || link.isClosed) return;
    link.writing = link.writing.then(async () => {
      try {
        for (let done = 0; done < bytes.length;) {
          done += await conn.write(bytes.subarray(done));
        }
      } catch (error) {
        if (!link.isClosed) this.#o.onSendFailed(id, errorText(error));
      }
    });
  }

  close(id: number): void {
    const link = this.#links.get(id);
    if (link === undefined) return;
    this.#links.delete(id);
    link.isClosed = true;
    const conn = link.conn;
    if (conn !== null) link.writing.finally(() => closeQuietly(conn));
  }

  async drain(): Promise<void> {
    await Promise.allSettled([...this.#links.values()].map((l) => l.writing));
  }

  async #accept(listener: Deno.TcpListener): Promise<void> {
    while (this.#listener === listener) {
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
      } catch {
        // Closed (quit), or out of descriptors for a moment: stop or try again.
        if (this.#listener !== listener) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      conn.setNoDelay(true);
      const id = this.#nextId++;
      const link: Link = { conn, writing: Promise.resolve(), isClosed: false };
      this.#links.set(id, link);
      this.#o.onAccepted(id, (conn.remoteAddr as Deno.NetAddr).hostname);
      this.#read(id, link, conn);
    }
  }

  async #read(id: number, link: Link, conn: Deno.TcpConn): Promise<void> {
    const buffer = new Uint8Array(READ_BYTES);
    try {
      while (!link.isClosed) {
        const n = await conn.read(buffer);
        if (n === null) break;
        const receivedAt = this.#o.now();
        if (!link.isClosed) {
          this.#o.onData(id, buffer.subarray(0, n), receivedAt);
        }
      }
    } catch {
      // A read error ends the connection like the end of the stream (5.6).
    }
    if (link.isClosed) return;
    this.#links.delete(id);
    link.isClosed = true;
    link.writing.finally(() => closeQuietly(conn));
    this.#o.onClosed(id);
  }
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch {
    // Already closed: nothing is lost.
  }
}
