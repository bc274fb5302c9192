/**
 * The log lines of applications and drivers: who opened, closed, registered or
 * unregistered what, told by the kernel's {@link RefnumChange} hook, and the set of
 * drivers registered by socket clients (they keep the server in use).
 *
 * Runs in the kernel worker, on the request path. Not real-time safe: allocates its
 * log lines.
 *
 * @module
 */

import type { RefnumChange } from "@midishare/kernel/server";
import { logInfo, logWarn, quoteName } from "@midishare/transport/logger";
import { MAX_CONNECTIONS } from "./shared_layout.ts";

/** Logs each change of an application or driver refnum; see the module documentation. */
export class RefnumLog {
  /** Drivers registered by socket clients: they keep the server in use. */
  readonly clientDrivers: Set<number> = new Set();
  readonly #clients: Map<number, string>;

  /** A log naming clients by `clients` (client id → label), `client N` otherwise. */
  constructor(clients: Map<number, string>) {
    this.#clients = clients;
  }

  /** The kernel's `onRefnumChange` hook: one log line per change. */
  readonly onRefnumChange = (change: RefnumChange): void => {
    const { client, ref, name } = change;
    const who = this.#clients.get(client) ?? `client ${client}`;
    switch (change.kind) {
      case "open":
        if (ref >= 0) {
          logInfo(`${who} opened ${quoteName(name)} as refnum ${ref}`);
        } else {
          logWarn(`${who} could not open ${quoteName(name)}: no free refnum`);
        }
        return;
      case "close":
        logInfo(`${who} closed ${quoteName(name)} (refnum ${ref})`);
        return;
      case "register":
        if (ref < 0) return;
        logInfo(`${who} registered driver ${quoteName(name)} as refnum ${ref}`);
        if (client <= MAX_CONNECTIONS) this.clientDrivers.add(ref);
        return;
      case "unregister":
        logInfo(
          `${who} unregistered driver ${quoteName(name)} (refnum ${ref})`,
        );
        this.clientDrivers.delete(ref);
        return;
    }
  };
}
