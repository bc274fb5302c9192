/**
 * The kernel loop's overload policy for its socket clients: events for a client whose
 * socket has had output waiting longer than the bound are dropped (counted for the
 * receiver), and the losses of each client (quota losses, late-tick drops, slow
 * drops) are logged at most once a second.
 *
 * The other two parts of the policy live in the loop: ticks never wait behind a flood
 * of requests, and a tick that runs more than the bound after its due time routes
 * none of its events (counted as late drops of their senders).
 *
 * Runs in the kernel worker. Marking lagging clients is real-time safe (no
 * allocation); the loss report is not (it builds log lines) and runs at most once a
 * second.
 *
 * @module
 */

import {
  C_HELD,
  C_LATE_DROPS,
  C_OUTPUT_SINCE,
  C_QUOTA_LOSSES,
  C_SLOW_DROPS,
  type ServerAccounts,
  type ServerKernel,
  wallStamp,
} from "@midishare/kernel/server";
import { epochNow } from "@midishare/transport/clock";
import { logWarn } from "@midishare/transport/logger";
import { MAX_CONNECTIONS } from "./shared_layout.ts";

/**
 * Default bound of the overload policy, in ms: a tick later than this routes none of
 * its events, and a client whose socket has had output waiting longer gets none.
 */
export const DEFAULT_MAX_LATENESS_MS = 1000;

/** How often at most the losses of one client are logged, in ms. */
const LOSS_REPORT_MS = 1000;

/** Options of {@link OverloadPolicy}. */
export interface OverloadPolicyOptions {
  /** The server's accounts (per-client counters). */
  accounts: ServerAccounts;
  /** The log label of each connected client. */
  clientNames: Map<number, string>;
  /** The bound in ms; 0 when the drops are off. */
  maxLatenessMs: number;
}

/** The connected socket clients as the overload policy sees them. */
export class OverloadPolicy {
  readonly #kernel: ServerKernel;
  readonly #accounts: ServerAccounts;
  readonly #clientNames: Map<number, string>;
  readonly #maxLatenessMs: number;
  // Connected socket clients, in no order, for the per-pass look at their sockets.
  readonly #connected = new Int32Array(MAX_CONNECTIONS);
  #connectedCount = 0;
  // Per client: quota losses, late drops and slow drops at the last log line.
  readonly #reported = new Float64Array((MAX_CONNECTIONS + 1) * 3);
  #reportedLost = 0;
  #nextReportAt = 0;

  /** A policy over the clients of `kernel`. */
  constructor(kernel: ServerKernel, options: OverloadPolicyOptions) {
    this.#kernel = kernel;
    this.#accounts = options.accounts;
    this.#clientNames = options.clientNames;
    this.#maxLatenessMs = options.maxLatenessMs;
  }

  /** Starts watching a client that connected (ids above the table are not watched). */
  addClient(client: number): void {
    if (client <= MAX_CONNECTIONS) {
      this.#connected[this.#connectedCount++] = client;
      this.#reported.fill(0, client * 3, client * 3 + 3);
    }
  }

  /** Stops watching a client that disconnected and clears its lagging mark. */
  removeClient(client: number): void {
    const at = this.#connected.indexOf(client);
    if (at >= 0 && at < this.#connectedCount) {
      this.#connected[at] = this.#connected[--this.#connectedCount]!;
    }
    this.#kernel.lagging[client] = 0;
  }

  /**
   * Marks the clients whose socket has had output waiting longer than the bound: the
   * kernel routes no event to them until the listener catches up.
   */
  markLaggingClients(): void {
    const lagging = this.#kernel.lagging, accounts = this.#accounts;
    const now = wallStamp(epochNow());
    for (let i = 0; i < this.#connectedCount; i++) {
      const client = this.#connected[i]!;
      const since = accounts.client(client, C_OUTPUT_SINCE);
      const waited = (now - since + 0x7fffffff) % 0x7fffffff;
      lagging[client] = since !== 0 && waited > this.#maxLatenessMs ? 1 : 0;
    }
  }

  /** Logs the losses since the last report when a report is due. */
  reportLossesIfDue(): void {
    if (performance.now() >= this.#nextReportAt) this.#reportLosses();
  }

  /** At most once a second, one log line per client that lost events since. */
  #reportLosses(): void {
    this.#nextReportAt = performance.now() + LOSS_REPORT_MS;
    const accounts = this.#accounts, reported = this.#reported;
    const kinds = [C_QUOTA_LOSSES, C_LATE_DROPS, C_SLOW_DROPS];
    let quotaLosses = 0;
    for (let i = 0; i < this.#connectedCount; i++) {
      const client = this.#connected[i]!;
      const counts = kinds.map((k, j) =>
        accounts.client(client, k) - reported[client * 3 + j]!
      );
      if (counts.every((n) => n <= 0)) continue;
      counts.forEach((n, j) => reported[client * 3 + j]! += n);
      quotaLosses += counts[0]!;
      const parts = [];
      if (counts[0]! > 0) {
        parts.push(
          `${
            counts[0]
          } events lost to its quota of ${accounts.quota} server cells (${
            accounts.client(client, C_HELD)
          } held)`,
        );
      }
      if (counts[1]! > 0) {
        parts.push(
          `${
            counts[1]
          } events dropped, due in ticks more than ${this.#maxLatenessMs} ms late (the server is overloaded)`,
        );
      }
      if (counts[2]! > 0) {
        parts.push(
          `${
            counts[2]
          } deliveries dropped, its socket having had output waiting for more than ${this.#maxLatenessMs} ms`,
        );
      }
      logWarn(
        `${
          this.#clientNames.get(client) ?? `client ${client}`
        }: since the last report, ${parts.join("; ")}`,
      );
    }
    const lost = this.#kernel.lostCount - this.#reportedLost - quotaLosses;
    this.#reportedLost = this.#kernel.lostCount;
    if (lost > 0) {
      const pool = this.#kernel.pool;
      logWarn(
        `since the last report, ${lost} events or tasks lost: the server pool is full (${pool.used} of ${pool.capacity} cells used)`,
      );
    }
  }
}
