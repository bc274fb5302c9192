/**
 * One remote: the local object that stands for one peer (spec §0, §7.3), and the
 * name rule of remote applications (§1.4, D16).
 *
 * Runs in the Inet driver; not real-time safe.
 *
 * @module
 */

import type { ClockEstimator } from "./clock_estimator.ts";
import type { RemoteDataPath } from "./remote_data_path.ts";
import type { RemoteId } from "./station_effects.ts";

/** Longest application name MidiShare keeps, in bytes (D16). */
export const MAX_APPLICATION_NAME_BYTES = 31;

/** One remote (spec §7.3). Fields are the station's to read, the set's to change. */
export interface Remote {
  /** Handle of this remote object. */
  readonly id: RemoteId;
  /** The peer's dotted IPv4 address. */
  readonly address: string;
  /** The remote application's name (at most 31 bytes). */
  readonly name: string;
  /** Whether this is the LAN loopback remote (opens at once). */
  readonly isSelf: boolean;
  /** The clock estimator, which is the remote's clock pair. */
  readonly clock: ClockEstimator;
  /** The event path. */
  readonly dataPath: RemoteDataPath;
  /** Date the remote was created (first HostID). */
  readonly createdAt: number;
  /** Open (locked, application requested) rather than pending. */
  isOpen: boolean;
  /** The application has opened: events may be delivered. */
  hasApplication: boolean;
  /** LAN expiry date. */
  expiry: number;
  /** Output side: grouping (true) or idle. */
  isGrouping: boolean;
  /** Next collection date while grouping. */
  nextCollection: number;
}

/**
 * Truncates a name to at most `maxBytes` UTF-8 bytes without cutting a character.
 *
 * @param name The name.
 * @param maxBytes The limit, 31 for MidiShare application names (D16).
 * @returns The name or its longest prefix that fits.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { truncateName } from "./remote.ts";
 *
 * assert.equal(truncateName("x".repeat(40), 31).length, 31);
 * assert.equal(truncateName("studio", 31), "studio");
 * ```
 */
export function truncateName(name: string, maxBytes: number): string {
  const encoder = new TextEncoder();
  if (encoder.encode(name).length <= maxBytes) return name;
  let out = "";
  let size = 0;
  for (const ch of name) {
    const n = encoder.encode(ch).length;
    if (size + n > maxBytes) break;
    out += ch;
    size += n;
  }
  return out;
}

/** What a station shows of one remote (for the program's status and for tests). */
export interface RemoteInfo {
  /** Handle of the remote object. */
  readonly id: RemoteId;
  /** The peer's dotted address. */
  readonly address: string;
  /** The remote application's name. */
  readonly name: string;
  /** `pending` until the clock estimator locks, then `open` (spec §7.3). */
  readonly state: "pending" | "open";
  /** Whether this is the LAN loopback remote. */
  readonly isSelf: boolean;
}

/**
 * The public view of a remote.
 *
 * @param remote The remote.
 * @returns A snapshot of its identity and state.
 */
export function remoteInfo(remote: Remote): RemoteInfo {
  return {
    id: remote.id,
    address: remote.address,
    name: remote.name,
    state: remote.isOpen ? "open" : "pending",
    isSelf: remote.isSelf,
  };
}
