/**
 * The driver's UDP socket (spec inet.md §3.1, §11): bound to `0.0.0.0:P`, sending
 * every datagram to port P of its destination (the broadcast address included),
 * receiving from any source port, and taking each datagram's reception time as soon
 * as it arrives.
 *
 * Runs in the Inet driver process. Needs `--unstable-net` (`Deno.listenDatagram`).
 * Not real-time safe: each send is an asynchronous operation; the receive buffer is
 * reused.
 *
 * @module
 */

/** Largest datagram read whole; longer ones are truncated (and found malformed). */
const RECEIVE_BYTES = 65_536;

/** Options of {@link createUdpSocket}. */
export interface UdpSocketOptions {
  /** The port P: bound locally, and the destination port of every datagram. */
  readonly port: number;
  /** The local MidiShare time, read right after a datagram arrives. */
  readonly now: () => number;
  /**
   * A datagram arrived from `address` at `receivedAt`; `bytes` is valid only during
   * the call.
   */
  readonly onDatagram: (
    address: string,
    bytes: Uint8Array,
    receivedAt: number,
  ) => void;
  /** A datagram to `address` could not be sent. */
  readonly onSendFailed: (address: string, reason: string) => void;
  /** A receive error other than the socket closing (logged by the caller). */
  readonly onReceiveError?: (reason: string) => void;
}

/** The socket; see the module documentation. */
export interface UdpSocket {
  /** Whether the socket is open. */
  readonly isOpen: boolean;
  /** Opens it on `0.0.0.0:P`; returns null, or the error text. */
  open(): string | null;
  /** Sends `bytes` to `address:P`; failures go to `onSendFailed`. */
  send(address: string, bytes: Uint8Array): void;
  /** Closes it once the datagrams already handed over are sent. */
  close(): void;
  /** Resolves when every datagram handed over has been sent or has failed. */
  drain(): Promise<void>;
}

/**
 * Creates the socket, closed.
 *
 * @param options Port, clock and callbacks.
 * @returns The socket.
 * @see spec inet.md §3.1
 */
export function createUdpSocket(options: UdpSocketOptions): UdpSocket {
  return new DriverUdpSocket(options);
}

class DriverUdpSocket implements UdpSocket {
  readonly #o: UdpSocketOptions;
  #conn: Deno.DatagramConn | null = null;
  // A socket being closed after its last sends; reopening takes it back.
  #closing: Deno.DatagramConn | null = null;
  readonly #pending = new Set<Promise<void>>();

  constructor(options: UdpSocketOptions) {
    this.#o = options;
  }

  get isOpen(): boolean {
    return this.#conn !== null;
  }

  open(): string | null {
    if (this.#conn !== null) return null;
    if (this.#closing !== null) {
      // Still bound: closing it now would make binding again fail for a moment.
      this.#conn = this.#closing;
      this.#closing = null;
      return null;
    }
    try {
      this.#conn = Deno.listenDatagram({
        transport: "udp",
        hostname: "0.0.0.0",
        port: this.#o.port,
      });
    } catch (error) {
      return errorText(error);
    }
    this.#receive(this.#conn);
    return null;
  }

  send(address: string, bytes: Uint8Array): void {
    const conn = this.#conn;
    if (conn === null) return;
    const addr: Deno.NetAddr = {
      transport: "udp",
      hostname: address,
      port: this.#o.port,
    };
    const sending = conn.send(bytes, addr).then(
      () => {},
      (error) => {
        if (this.#conn === conn) {
          this.#o.onSendFailed(address, errorText(error));
        }
      },
    );
    this.#pending.add(sending);
    sending.finally(() => this.#pending.delete(sending));
  }

  close(): void {
    const conn = this.#conn;
    if (conn === null) return;
    this.#conn = null;
    this.#closing = conn;
    this.drain().finally(() => {
      if (this.#closing !== conn) return; // reopened meanwhile
      this.#closing = null;
      closeQuietly(conn);
    });
  }

  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled(this.#pending);
  }

  async #receive(conn: Deno.DatagramConn): Promise<void> {
    const buffer = new Uint8Array(RECEIVE_BYTES);
    while (true) {
      let bytes: Uint8Array, from: Deno.Addr;
      try {
        [bytes, from] = await conn.receive(buffer);
      } catch (error) {
        if (this.#conn !== conn && this.#closing !== conn) return; // closed
        if (error instanceof Deno.errors.BadResource) return;
        this.#o.onReceiveError?.(errorText(error));
        continue;
      }
      const receivedAt = this.#o.now();
      if (this.#conn !== conn || from.transport !== "udp") continue;
      this.#o.onDatagram(from.hostname, bytes, receivedAt);
    }
  }
}

function closeQuietly(conn: Deno.DatagramConn): void {
  try {
    conn.close();
  } catch {
    // Already closed: nothing is lost.
  }
}

/** The text of an error for a log line. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
