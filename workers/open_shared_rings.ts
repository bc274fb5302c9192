/**
 * Opens the clients' request rings in the kernel worker, when the C library is
 * reachable: their frames are decoded as the listener decodes a socket's, and handled
 * by the kernel's client sessions.
 *
 * Runs once at the start of the kernel worker. Not real-time safe.
 *
 * @module
 */

import type { CellPool } from "@midishare/kernel";
import type { ServerAccounts } from "@midishare/kernel/server";
import { logWarn } from "@midishare/transport/logger";
import type { ClientSessions } from "./client_sessions.ts";
import type { Libc } from "./libc.ts";
import { Ring } from "./output_ring.ts";
import { RequestRecords } from "./request_records.ts";
import type { SharedMemory } from "./shared_layout.ts";
import { SharedRings } from "./shared_rings.ts";

/** What {@link openSharedRings} needs of the kernel worker. */
export interface SharedRingsContext {
  /** Where the kernel's socket listens. */
  socketPath: string;
  /** Path of the kernel's wake page for clients; null without one (no rings). */
  wakePath: string | null;
  /** The shared memory of the server. */
  memory: SharedMemory;
  /** The server pool, as the kernel sees it. */
  pool: CellPool;
  /** The accounts of the pool. */
  accounts: ServerAccounts;
  /** The kernel's client sessions. */
  sessions: ClientSessions;
  /** The connection memory budget, in bytes (its output part, here). */
  memoryBytes: number;
}

/**
 * The request rings, listening at `context.socketPath`; null (logged) without a wake
 * page or when the socket cannot be made: clients then keep to their first socket.
 */
export function openSharedRings(
  libc: Libc,
  context: SharedRingsContext,
): SharedRings | null {
  const { sessions, socketPath, wakePath } = context;
  if (wakePath === null) {
    logWarn("no wake page: clients' request rings are off");
    return null;
  }
  try {
    const rings = new SharedRings({
      libc,
      socketPath,
      wakePath,
      accounts: context.accounts,
      memoryBytes: context.memoryBytes,
      records: new RequestRecords({
        control: new Int32Array(context.memory.control),
        requests: new Ring(context.memory.requests),
        pool: context.pool,
        accounts: context.accounts,
        refuse: () => {},
      }),
      handle: (client, r) => sessions.call(client, r),
      close: (client, reason) => sessions.close(client, reason),
    });
    sessions.setRings(rings);
    return rings;
  } catch (error) {
    logWarn(`${(error as Error).message}: clients' request rings are off`);
    return null;
  }
}
