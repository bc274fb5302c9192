/**
 * One page's WebSocket on the web server: checks every message it sends (size, JSON,
 * known request, numbers in range), limits how many it sends, and closes only that
 * socket when it misbehaves; sends it the server's messages without letting a page
 * that does not read make the server buffer without bound.
 *
 * @module
 */

import {
  MAX_PAGE_MESSAGE_BYTES,
  PAGE_MESSAGE_BURST,
  PAGE_MESSAGES_PER_SECOND,
  type PageMessage,
  type ServerMessage,
} from "./protocol.ts";

/** Bytes waiting to be sent past which monitor events are no longer sent to a page. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** Bytes waiting past which the page is disconnected. */
const MAX_BUFFERED_BYTES_HARD = 32 * 1024 * 1024;

/** WebSocket close code for a policy violation. */
const POLICY_VIOLATION = 1008;

/** A message of a page that passed the checks, or why it did not. */
export type Parsed = { ok: true; message: PageMessage } | {
  ok: false;
  reason: string;
};

function isInt(value: unknown, min: number, max: number): value is number {
  return Number.isInteger(value) && (value as number) >= min &&
    (value as number) <= max;
}

/** Checks the text of a page's message; see {@link Parsed}. */
export function parsePageMessage(data: unknown): Parsed {
  if (typeof data !== "string") {
    return { ok: false, reason: "binary message" };
  }
  if (data.length > MAX_PAGE_MESSAGE_BYTES) {
    return {
      ok: false,
      reason: `message longer than ${MAX_PAGE_MESSAGE_BYTES}`,
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return { ok: false, reason: "message is not JSON" };
  }
  if (typeof value !== "object" || value === null) {
    return { ok: false, reason: "message is not an object" };
  }
  const m = value as Record<string, unknown>;
  const isState = typeof m.state === "boolean";
  switch (m.op) {
    case "connect":
      if (isInt(m.src, 0, 127) && isInt(m.dst, 0, 127) && isState) {
        return { ok: true, message: m as PageMessage };
      }
      break;
    case "slot":
      if (
        isInt(m.port, 0, 255) && isInt(m.drvRef, 0, 127) &&
        isInt(m.slotRef, 0, 32767) && isState
      ) return { ok: true, message: m as PageMessage };
      break;
    case "monitor":
      if (m.target === null || isInt(m.target, 0, 127)) {
        return { ok: true, message: m as PageMessage };
      }
      break;
  }
  return { ok: false, reason: `bad request ${JSON.stringify(m.op ?? null)}` };
}

/** What a page socket does with the messages that passed. */
export interface PageHandler {
  /** A checked message of the page. */
  onMessage(page: PageSocket, message: PageMessage): void;
  /** The socket closed, for whatever reason. */
  onClose(page: PageSocket): void;
  /** Writes a log line. */
  log(line: string): void;
}

/** One page's socket; see the module documentation. */
export class PageSocket {
  /** A number for the log. */
  readonly id: number;
  /** The refnum this page monitors, or null. */
  monitored: number | null = null;
  /** The monitor total last sent to this page. */
  sentTotal = 0;
  readonly #socket: WebSocket;
  readonly #handler: PageHandler;
  #tokens = PAGE_MESSAGE_BURST;
  #refilledAt = performance.now();
  #isClosed = false;

  constructor(id: number, socket: WebSocket, handler: PageHandler) {
    this.id = id;
    this.#socket = socket;
    this.#handler = handler;
    socket.onmessage = (e) => this.#receive(e.data);
    socket.onclose = () => this.#closed();
    socket.onerror = () => this.#closed();
  }

  /** Whether the socket is open. */
  get isOpen(): boolean {
    return !this.#isClosed && this.#socket.readyState === WebSocket.OPEN;
  }

  /**
   * Sends a message; with `canSkip`, not while the page is behind (its monitor
   * events: the next message's total covers the skipped ones). Returns whether sent.
   */
  send(message: ServerMessage, canSkip = false): boolean {
    if (!this.isOpen) return false;
    const buffered = this.#socket.bufferedAmount;
    if (buffered > MAX_BUFFERED_BYTES_HARD) {
      this.close("the page does not read its messages");
      return false;
    }
    if (canSkip && buffered > MAX_BUFFERED_BYTES) return false;
    this.#socket.send(JSON.stringify(message));
    return true;
  }

  /** Closes the socket, logging why. */
  close(reason: string): void {
    if (this.#isClosed) return;
    this.#handler.log(`page ${this.id} disconnected: ${reason}`);
    try {
      this.#socket.close(POLICY_VIOLATION, reason.slice(0, 120));
    } catch {
      // Already closing: onclose follows.
    }
    this.#closed();
  }

  #receive(data: unknown): void {
    if (this.#isClosed) return;
    const now = performance.now();
    this.#tokens = Math.min(
      PAGE_MESSAGE_BURST,
      this.#tokens + (now - this.#refilledAt) * PAGE_MESSAGES_PER_SECOND / 1000,
    );
    this.#refilledAt = now;
    if (--this.#tokens < 0) {
      this.close("too many messages");
      return;
    }
    const parsed = parsePageMessage(data);
    if (!parsed.ok) {
      this.close(parsed.reason);
      return;
    }
    this.#handler.onMessage(this, parsed.message);
  }

  #closed(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#handler.onClose(this);
  }
}
