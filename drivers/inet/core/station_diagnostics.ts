/**
 * Rate-limited diagnostics of a station (spec §7.9, D2, D31, §4.11): malformed and
 * unknown packets logged at most once per second per kind and source address with a
 * count of the suppressed ones, a version byte other than 1 logged once per peer, and
 * Echo replies limited to a budget per second.
 *
 * Memory is bounded: at most {@link MAX_TRACKED_SOURCES} sources are tracked; beyond
 * that the table is cleared. Runs in the Inet driver; not real-time safe.
 *
 * @module
 */

import { addMs, isDue } from "@midishare/kernel/api";

/** Most (kind, address) pairs remembered at once. */
export const MAX_TRACKED_SOURCES = 1024;
/** Echo replies allowed per second, all peers together. */
export const ECHO_REPLIES_PER_SECOND = 20;

/** See the module documentation. */
export interface StationDiagnostics {
  /**
   * Returns the line to log for a bad packet of `kind` from `address` at `now`, or
   * null while that source is muted; the line says how many were suppressed.
   */
  packetProblem(
    kind: string,
    address: string,
    text: string,
    now: number,
  ): string | null;
  /** Returns the line to log the first time `address` sends version `version` ≠ 1. */
  version(address: string, version: number): string | null;
  /** Whether an Echo may be answered at `now` (and counts it). */
  mayAnswerEcho(now: number): boolean;
}

/**
 * Creates empty diagnostics.
 *
 * @returns The diagnostics.
 * @example The second bad packet within a second is muted
 * ```ts
 * import assert from "node:assert/strict";
 * import { createStationDiagnostics } from "./station_diagnostics.ts";
 *
 * const d = createStationDiagnostics();
 * assert.equal(d.packetProblem("badMagic", "10.0.0.9", "bad magic", 0), "bad magic from 10.0.0.9");
 * assert.equal(d.packetProblem("badMagic", "10.0.0.9", "bad magic", 10), null);
 * assert.equal(
 *   d.packetProblem("badMagic", "10.0.0.9", "bad magic", 1000),
 *   "bad magic from 10.0.0.9 (1 more suppressed)",
 * );
 * ```
 * @see spec inet.md §7.9
 */
export function createStationDiagnostics(): StationDiagnostics {
  return new StationDiagnosticsImpl();
}

class StationDiagnosticsImpl implements StationDiagnostics {
  readonly #muted = new Map<string, { until: number; suppressed: number }>();
  readonly #versions = new Set<string>();
  #echoWindow = 0;
  #echoCount = 0;
  #hasEchoWindow = false;

  packetProblem(
    kind: string,
    address: string,
    text: string,
    now: number,
  ): string | null {
    const key = `${kind} ${address}`;
    const entry = this.#muted.get(key);
    if (entry !== undefined && !isDue(entry.until, now)) {
      entry.suppressed++;
      return null;
    }
    const suppressed = entry?.suppressed ?? 0;
    if (entry === undefined && this.#muted.size >= MAX_TRACKED_SOURCES) {
      this.#muted.clear();
    }
    this.#muted.set(key, { until: addMs(now, 1000), suppressed: 0 });
    return `${text} from ${address}` +
      (suppressed > 0 ? ` (${suppressed} more suppressed)` : "");
  }

  version(address: string, version: number): string | null {
    if (version === 1 || this.#versions.has(address)) return null;
    if (this.#versions.size >= MAX_TRACKED_SOURCES) this.#versions.clear();
    this.#versions.add(address);
    return `Packet version ${version} from ${address}: accepted, expected 1`;
  }

  mayAnswerEcho(now: number): boolean {
    if (!this.#hasEchoWindow || isDue(this.#echoWindow, now)) {
      this.#hasEchoWindow = true;
      this.#echoWindow = addMs(now, 1000);
      this.#echoCount = 0;
    }
    if (this.#echoCount >= ECHO_REPLIES_PER_SECOND) return false;
    this.#echoCount++;
    return true;
  }
}
