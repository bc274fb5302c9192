/**
 * The remotes of one LAN wake-up (spec §4.5, §4.6, §7.9): their expiry after a
 * HostID, their bound, and the log lines of arrivals and departures.
 *
 * Runs in the Inet driver; not real-time safe.
 *
 * @module
 */

import type { ConnectionMemory } from "./connection_memory.ts";
import { createInetDataPath } from "./inet_data_path.ts";
import type { LanStationOptions } from "./lan_station.ts";
import { RemoteSet } from "./remote_set.ts";
import type { RemoteId } from "./station_effects.ts";

/** Expiry of a new remote, ms after its first HostID (spec §4.5). */
export const CREATE_EXPIRY_MS = 1500;
/** Expiry after each later HostID, ms (spec §4.5). */
export const REFRESH_EXPIRY_MS = 500;
/** Default bound on remotes at once (floods of HostID from many addresses). */
export const DEFAULT_MAX_REMOTES = 4096;

/**
 * Creates the remotes of one wake-up; LAN arrivals and departures are logged (7.9).
 *
 * @param o The station's options.
 * @param memory The connection memory, kept across wake-ups.
 * @param firstId The first remote id (ids stay unique across wake-ups).
 * @returns An empty set.
 */
export function createLanRemoteSet(
  o: LanStationOptions,
  memory: ConnectionMemory,
  firstId: RemoteId,
): RemoteSet {
  const fx = o.effects;
  return new RemoteSet({
    effects: fx,
    mode: "lan",
    groupingMs: o.config.groupingMs,
    maxLatencyMs: o.config.maxLatencyMs,
    driverName: o.config.driverName,
    memory,
    createDataPath: o.createDataPath ?? createInetDataPath,
    maxRemotes: o.maxRemotes ?? DEFAULT_MAX_REMOTES,
    // LAN sends port-255 events in the UDP stream (4.10): nothing comes here.
    sendSpecial: () => {},
    hooks: {
      opened: (remote) =>
        fx.log(`${remote.name} : peer arrived [${remote.address}].`, true),
      removed: (remote) => {
        if (!remote.isOpen) return;
        fx.log(`${remote.name} : peer left [${remote.address}].`, true);
      },
      outputChanged: () => {},
    },
  }, firstId);
}
