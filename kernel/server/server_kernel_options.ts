/**
 * The options of the server kernel, and what its hook is told of applications and
 * drivers.
 *
 * Types only: used where the server kernel is created, in the kernel worker or
 * in-process.
 *
 * @module
 */

import type { CellPool } from "../memory/cell_pool.ts";
import type { ServerAccounts } from "./server_accounts.ts";

/** Options of `createServerKernel`. */
export interface ServerKernelOptions {
  /** Cells of the server pool where pending events wait; default 262 144. */
  poolCellCount?: number;
  /** An existing pool (the shared pool of the server workers). */
  pool?: CellPool;
  /**
   * The accounts of the server pool, with the per-client quota (shared with the
   * listening worker in the server); by default private ones without a quota.
   */
  accounts?: ServerAccounts;
  /**
   * The time the clock restarts at on wake-up; 0 as the spec says. Tests set it near
   * 2^31 or 2^32 to cross the wrap-around.
   */
  wakeTime?: number;
  /** Extra facts for `ServerStatus` (the server process adds its pid, uptime, ...). */
  describeServer?: () => Record<string, unknown>;
  /**
   * The wall-clock epoch ms of tick 0 of the current wake-up, told to clients with
   * every state change so that they compute `MidiGetTime` themselves. The kernel has
   * no wall clock: the server's clock supplies it; NaN (the default) in process.
   */
  originMs?: (isAwake: boolean) => number;
  /**
   * What `RescanPorts` runs: the hardware driver's rescan, answering the number of
   * hardware slots; −1 (the default) without one.
   */
  rescanPorts?: () => number;
  /**
   * Told of each application opened or closed and each driver registered or
   * unregistered (by a call or by a client leaving), once the change took effect and
   * its notifications went out, and of each open or registration that failed. The
   * server's loop logs them; by default nothing is told.
   */
  onRefnumChange?: (change: RefnumChange) => void;
  /**
   * The shared request rings of a server process (`OpenSharedRing` and
   * `AttachSharedRing`); by default none: clients stay on their socket.
   */
  sharedRings?: SharedRingHooks;
}

/** What the server process does for `OpenSharedRing` and `AttachSharedRing`. */
export interface SharedRingHooks {
  /** Opens a ring for `client`; its description as JSON, or `"null"` for none. */
  open(client: number): string;
  /** Attaches the ring opened for `client`; whether it is now in use. */
  attach(client: number): boolean;
}

/** A change of an application or driver refnum; see {@link ServerKernelOptions}. */
export interface RefnumChange {
  /**
   * `"open"` and `"close"`: an application; `"register"` and `"unregister"`: a
   * driver.
   */
  readonly kind: "open" | "close" | "register" | "unregister";
  /** The client that made the call, or that left. */
  readonly client: number;
  /** The refnum; after an open or a registration that failed, the error code. */
  readonly ref: number;
  /**
   * For an open or a registration, the name asked for; otherwise the name the
   * refnum had.
   */
  readonly name: string;
}
