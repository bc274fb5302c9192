/**
 * The LAN station core (spec §4, §7.1): asleep until a client application exists,
 * then broadcasting HostID, discovering peers, timing out silent ones, exchanging
 * events, and going back to sleep with a Bye when the last client closes.
 *
 * Socket-free: every input is a method call with the local MidiShare date, every
 * output an effect ({@link StationEffects}). Each wake-up starts from a clean state
 * (D8); only the connection memory (§7.8) lives for the whole process. Runs in the
 * Inet driver; not real-time safe.
 *
 * This file holds the inputs, options and factory; the controller is in
 * `_lan_station.ts`, the remotes of a wake-up and their expiry in
 * `lan_remote_set.ts`.
 *
 * @module
 */

import { LanStationImpl } from "./_lan_station.ts";
import type { DataPathFactory } from "./remote_data_path.ts";
import type { ApplicationInputs } from "./station_core.ts";
import type { StationEffects } from "./station_effects.ts";

/** Options of {@link createLanStation}. */
export interface LanStationOptions {
  /** The parsed configuration (port is the program's business). */
  readonly config: {
    readonly maxLatencyMs: number;
    readonly groupingMs: number;
    readonly driverName: string;
    readonly restoresConnections: boolean;
  };
  /** The name announced in HostID packets (`Deno.hostname()`), ≤ 255 bytes kept. */
  readonly hostName: string;
  /** The addresses chosen by `chooseLanAddresses` (spec §4.2). */
  readonly addresses: {
    readonly localAddress: string;
    readonly broadcastAddress: string;
    readonly localAddresses: readonly string[];
  };
  /** The effects. */
  readonly effects: StationEffects;
  /** Creates the event path of each remote (default {@link createInetDataPath}). */
  readonly createDataPath?: DataPathFactory;
  /** Most remotes at once (default {@link DEFAULT_MAX_REMOTES}). */
  readonly maxRemotes?: number;
}

/** `asleep`, `awake`, or `stopped` after a quit or a fatal error (spec §7.1). */
export type LanStationState = "asleep" | "awake" | "stopped";

/**
 * The inputs of a LAN station, besides the {@link ApplicationInputs}. Every date is
 * the local MidiShare time.
 */
export interface LanStation extends ApplicationInputs {
  /** The controller state. */
  readonly state: LanStationState;
  /** Runs what is due at `now`: HostID, timeout check, collections. */
  tick(now: number): void;
  /** The number of client applications (not the driver's own) changed (§4.3). */
  onLocalClientCountChanged(count: number, now: number): void;
  /** A datagram arrived from `address` (any source port) at `receivedAt`. */
  onDatagram(address: string, bytes: Uint8Array, receivedAt: number): void;
  /** A datagram to `address` could not be sent (spec §4.8). */
  onSendFailed(address: string, reason: string, now: number): void;
  /** Orderly quit (`q`, SIGINT, SIGTERM): sleep steps, then `exit(0)`. */
  quit(now: number): void;
}

/**
 * Creates a LAN station, asleep.
 *
 * @param options Configuration, host name, addresses, effects and data path.
 * @returns The station.
 * @example Wake up and broadcast the first HostID
 * ```ts
 * import assert from "node:assert/strict";
 * import { createLanStation } from "./lan_station.ts";
 * import type { StationEffects } from "./station_effects.ts";
 *
 * const sent: string[] = [];
 * const effects = new Proxy({}, {
 *   get: (_, name) => (...args: unknown[]) => {
 *     if (name === "sendDatagram") sent.push(String(args[0]));
 *     return name === "openUdp" ? null : undefined;
 *   },
 * }) as StationEffects;
 * const station = createLanStation({
 *   config: { maxLatencyMs: 10, groupingMs: 10, driverName: "msLANDriver",
 *     restoresConnections: true },
 *   hostName: "studio",
 *   addresses: { localAddress: "10.0.0.1", broadcastAddress: "10.0.0.255",
 *     localAddresses: ["10.0.0.1"] },
 *   effects,
 * });
 * station.onLocalClientCountChanged(1, 0);
 * assert.equal(station.state, "awake");
 * assert.deepEqual(sent, ["10.0.0.255"]);
 * ```
 * @see spec inet.md §4, §7.1
 */
export function createLanStation(options: LanStationOptions): LanStation {
  return new LanStationImpl(options);
}
