/**
 * The LAN sleep rule's input (spec inet.md §4.3, §11): how many client applications
 * exist other than network applications, followed while a LAN driver is attached to
 * its server. The number of applications the client mirrors is read every 20 ms
 * (the original polled every 2 ms); when it changes, the server's snapshot tells how
 * many are client applications, and again 300 ms later, since another driver's
 * application may not be marked yet when it first appears.
 *
 * Runs in the Inet driver process. Not real-time safe.
 *
 * @module
 */

import type { MidiShareClient } from "@midishare/client";

/** How often the number of applications is read, ms. */
const POLL_MS = 20;
/** The second count after a change, ms. */
const RECOUNT_MS = 300;

/** Options of {@link followClientCount}. */
export interface ClientCountOptions {
  /** The driver's client. */
  readonly client: MidiShareClient;
  /** Counts the client applications (`MidiShareSide.countClients`). */
  readonly count: () => Promise<number>;
  /** The count, after each change of the number of applications. */
  readonly onCount: (count: number) => void;
  /** The client is no longer connected (the server quit or was lost). */
  readonly onServerGone: () => void;
}

/** A running follower; see the module documentation. */
export interface ClientCountFollower {
  /** Counts now (an application opened or closed). */
  recount(): void;
  /** Stops following; no callback runs after it. */
  stop(): void;
}

/**
 * Starts following the count; the first count comes at once.
 *
 * @param options The client, the counter and the callbacks.
 * @returns The follower.
 */
export function followClientCount(
  options: ClientCountOptions,
): ClientCountFollower {
  return new Follower(options);
}

class Follower implements ClientCountFollower {
  readonly #o: ClientCountOptions;
  readonly #poll: ReturnType<typeof setInterval>;
  #recountTimer: ReturnType<typeof setTimeout> | undefined;
  #lastAppls = -1;
  #isCounting = false;
  #needsCount = false;
  #isStopped = false;

  constructor(options: ClientCountOptions) {
    this.#o = options;
    this.#poll = setInterval(() => this.#look(), POLL_MS);
    this.#look();
  }

  recount(): void {
    this.#count();
  }

  stop(): void {
    this.#isStopped = true;
    clearInterval(this.#poll);
    clearTimeout(this.#recountTimer);
  }

  #look(): void {
    const ms = this.#o.client;
    if (ms.state !== "active") {
      this.stop();
      return this.#o.onServerGone();
    }
    const appls = ms.MidiCountAppls();
    if (appls === this.#lastAppls) return;
    this.#lastAppls = appls;
    this.#count();
    clearTimeout(this.#recountTimer);
    this.#recountTimer = setTimeout(() => this.#count(), RECOUNT_MS);
  }

  async #count(): Promise<void> {
    if (this.#isCounting) {
      this.#needsCount = true;
      return;
    }
    this.#isCounting = true;
    try {
      do {
        this.#needsCount = false;
        // Dormant: no application at all, no need to ask the server.
        const count = this.#o.client.MidiCountAppls() === 0
          ? 0
          : await this.#o.count();
        if (this.#isStopped) return;
        this.#o.onCount(count);
      } while (this.#needsCount);
    } catch {
      // The server went away: the next look sees it.
    } finally {
      this.#isCounting = false;
    }
  }
}
