/**
 * The listening worker's accept loop, which keeps accepting through transient
 * errors: when descriptors run out (EMFILE, ENFILE) or the system is short of
 * memory, it logs once for the episode, asks the listener to shed connections that
 * have not finished their handshake, waits (10 ms, doubling up to 1 s) and tries
 * again; it logs again once accepting has worked for 2 s without an error. Only
 * closing the listener ends it.
 *
 * Runs in the listening worker. Not real-time safe (promises, timers).
 *
 * @module
 */

import { logInfo, logWarn } from "@midishare/transport/logger";

/** First wait after a failed accept, in ms; it doubles up to {@link MAX_BACKOFF_MS}. */
const FIRST_BACKOFF_MS = 10;
/** Longest wait between two attempts, in ms. */
const MAX_BACKOFF_MS = 1000;
/** An episode ends when accepting has worked this long without an error, in ms. */
const EPISODE_END_MS = 2000;

/** What the accept loop asks of its listener. */
export interface AcceptHandler {
  /** Whether the listener is stopping (an accept error then ends the loop quietly). */
  isStopping(): boolean;
  /** Takes a new connection. */
  accepted(conn: Deno.Conn): void;
  /**
   * Closes connections that have not finished their handshake and have been open
   * long enough to have done so, to free descriptors; returns how many it closed.
   */
  shed(): number;
}

/**
 * Accepts connections on `server` until it is closed, handing each to `handler`;
 * see the module documentation for errors.
 */
export async function acceptLoop(
  server: Deno.Listener,
  handler: AcceptHandler,
): Promise<void> {
  let backoffMs = 0;
  // The current episode of errors: when it began, its last error, what it shed.
  let episodeStart = -1;
  let lastErrorAt = -1;
  let shedCount = 0;
  let endTimer: ReturnType<typeof setTimeout> | undefined;
  const endEpisode = () => {
    endTimer = undefined;
    if (performance.now() - lastErrorAt < EPISODE_END_MS) return;
    logInfo(
      `accepting connections again after ${
        Math.round(lastErrorAt - episodeStart)
      } ms of errors (${shedCount} connections without HELLO closed)`,
    );
    episodeStart = -1;
  };
  try {
    while (true) {
      let conn: Deno.Conn;
      try {
        conn = await server.accept();
      } catch (error) {
        if (
          handler.isStopping() || error instanceof Deno.errors.BadResource ||
          error instanceof Deno.errors.Interrupted
        ) return;
        lastErrorAt = performance.now();
        if (episodeStart < 0) {
          episodeStart = lastErrorAt;
          shedCount = 0;
          logWarn(
            `cannot accept connections: ${
              (error as Error).message
            }; closing connections that sent no HELLO and trying again`,
          );
        }
        shedCount += handler.shed();
        backoffMs = Math.min(
          Math.max(backoffMs * 2, FIRST_BACKOFF_MS),
          MAX_BACKOFF_MS,
        );
        await new Promise((resolve) => setTimeout(resolve, backoffMs));
        continue;
      }
      backoffMs = 0;
      if (episodeStart >= 0 && endTimer === undefined) {
        endTimer = setTimeout(endEpisode, EPISODE_END_MS);
      }
      handler.accepted(conn);
    }
  } finally {
    clearTimeout(endTimer);
  }
}
