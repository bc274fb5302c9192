/**
 * The page's WebSocket to the web server, at `ws` beside the page (the token is in
 * the path): JSON messages both ways, and a new socket a second after one closes,
 * for as long as the page is open.
 *
 * Runs in the browser.
 *
 * @module
 */

import type { PageMessage, ServerMessage } from "../protocol.ts";

/** What the connection tells the page. */
export interface ConnectionEvents {
  /** A message of the server. */
  onMessage(message: ServerMessage): void;
  /** The socket opened (again). */
  onOpen(): void;
  /** The socket closed; a new one is tried in `retryMs`. */
  onClose(retryMs: number): void;
}

/** The page's connection; see the module documentation. */
export class Connection {
  readonly #url: string;
  readonly #events: ConnectionEvents;
  #socket: WebSocket | null = null;

  constructor(events: ConnectionEvents) {
    const url = new URL("ws", location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    this.#url = url.href;
    this.#events = events;
    this.#open();
  }

  /** Sends a request; dropped while the socket is closed. */
  send(message: PageMessage): void {
    if (this.#socket?.readyState === WebSocket.OPEN) {
      this.#socket.send(JSON.stringify(message));
    }
  }

  #open(): void {
    const socket = new WebSocket(this.#url);
    this.#socket = socket;
    socket.onopen = () => this.#events.onOpen();
    socket.onmessage = (e) => {
      this.#events.onMessage(JSON.parse(String(e.data)) as ServerMessage);
    };
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      const retryMs = 1000;
      this.#events.onClose(retryMs);
      setTimeout(() => this.#open(), retryMs);
    };
  }
}
