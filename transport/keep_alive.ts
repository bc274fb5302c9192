/**
 * Whether a client's connection keeps the process alive. Deno lets a process end
 * once nothing refs it; a client lets it end while it has nothing left to do, as
 * Deno does for its own resources: the connection is reffed only while an
 * application or driver is open, a request waits for its reply or frames wait to be
 * written. (Scheduled tasks and DTasks belong to open applications.)
 *
 * Runs on the client's main thread. Real-time safe: no allocation.
 *
 * @module
 */

/** The ref state of a client's connection; see the module documentation. */
export class KeepAlive {
  // Whether the connection keeps the process alive (Deno's default for a new one).
  #isRefed = true;

  /** A new connection: Deno refs it. */
  connected(): void {
    this.#isRefed = true;
  }

  /**
   * Refs or unrefs the connection when whether the client has work changed.
   * @param conn the connection to the server
   * @param hasWork whether the client has something open, waiting or unwritten
   */
  update(conn: Deno.UnixConn, hasWork: boolean): void {
    if (hasWork === this.#isRefed) return;
    this.#isRefed = hasWork;
    if (hasWork) conn.ref();
    else conn.unref();
  }
}
