/**
 * The limits the listening worker puts on each connection and on all of them: the
 * handshake deadline, the size of a frame before HELLO, and one memory budget for
 * every connection buffer (partial frames read, output waiting for a slow reader).
 *
 * Runs in the listening worker. Real-time safe: counting only.
 *
 * @module
 */

/** The listener's limits, as `serve` options set them. */
export interface ListenerLimits {
  /** How long a new connection has to send a valid HELLO, in ms. */
  handshakeTimeoutMs: number;
  /**
   * Bytes all connection buffers may hold together; past it the connection holding
   * the most is closed.
   */
  connectionMemoryBytes: number;
}

/** The default limits: a HELLO within 5 s, 256 MiB for every buffer together. */
export const DEFAULT_LISTENER_LIMITS: ListenerLimits = {
  handshakeTimeoutMs: 5000,
  connectionMemoryBytes: 256 << 20,
};

/** The smallest budget accepted: room for the largest frame read and written. */
export const MIN_CONNECTION_MEMORY_BYTES = 16 << 20;

/**
 * How long a connection may have been open without HELLO before it is shed when
 * descriptors run out, in ms.
 */
export const SHED_UNGREETED_AFTER_MS = 1000;

/** Bytes held by the buffers of every connection, against one limit. */
export class MemoryBudget {
  /** Bytes the buffers hold now. */
  used = 0;
  /** Bytes they may hold. */
  readonly limit: number;

  /** A budget of `limit` bytes. */
  constructor(limit: number) {
    this.limit = limit;
  }

  /** Whether the buffers hold more than the limit. */
  get isExceeded(): boolean {
    return this.used > this.limit;
  }
}

/** `bytes` in MiB, rounded to one decimal, for log lines. */
export function mebibytes(bytes: number): string {
  return `${Math.round(bytes / (1 << 20) * 10) / 10} MiB`;
}
