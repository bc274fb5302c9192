/**
 * The options of a `RemoteSet`: its effects, parameters and the hooks through
 * which it tells the LAN or WAN station of openings, removals and output changes;
 * and how a HostID packet creates or refreshes a remote.
 *
 * Runs in the Inet driver; types only.
 *
 * @module
 */

import type { ConnectionMemory } from "./connection_memory.ts";
import type { DataPathFactory } from "./remote_data_path.ts";
import type { Remote } from "./remote.ts";
import type { StationEffects } from "./station_effects.ts";

/** Hooks the station gives the set. */
export interface RemoteSetHooks {
  /** A remote has just opened at `now` (locked, or the self remote). */
  opened(remote: Remote, now: number): void;
  /** A remote has been removed (its application closed). */
  removed(remote: Remote): void;
  /** The output side of an open remote switched to grouping or back to idle. */
  outputChanged(remote: Remote, isGrouping: boolean, now: number): void;
}

/** Options of `RemoteSet`. */
export interface RemoteSetOptions {
  /** The effects. */
  readonly effects: StationEffects;
  /** LAN or WAN. */
  readonly mode: "lan" | "wan";
  /** Grouping period, ms. */
  readonly groupingMs: number;
  /** Maximum latency, ms. */
  readonly maxLatencyMs: number;
  /** The driver application's name, first word of alerts. */
  readonly driverName: string;
  /** The connection memory (kept across LAN sleeps). */
  readonly memory: ConnectionMemory;
  /** Creates the event path of each new remote. */
  readonly createDataPath: DataPathFactory;
  /** Most remotes at once; HostID packets beyond are ignored and logged. */
  readonly maxRemotes: number;
  /** Sends a packet of a remote's special stream (WAN: TCP). */
  readonly sendSpecial: (remote: Remote, packet: Uint8Array) => void;
  /** Mode hooks. */
  readonly hooks: RemoteSetHooks;
}

/** How a HostID packet creates or refreshes a remote. */
export interface HostIdArrival {
  /** Sender's address. */
  readonly address: string;
  /** Local reception date. */
  readonly receivedAt: number;
  /** Sender's time carried by the packet. */
  readonly remoteTime: number;
  /** Name of a new remote (ignored on refresh). */
  readonly name: string;
  /** Whether the address is the station's own (LAN). */
  readonly isSelf: boolean;
  /** Expiry after creation, ms (LAN 1500). */
  readonly createExpiryMs: number;
  /** Expiry after a refresh, ms (LAN 500). */
  readonly refreshExpiryMs: number;
}
