/**
 * The WAN station core (spec §5, §7.2, §7.4): awake from start to quit, TCP
 * connections set up per peer (outgoing from `-s`, incoming up to `-m`), HostID over
 * UDP to each connected peer, completion within 10 s, port-255 events and the
 * TCPBye/TCPCnxRefused packets on TCP, at most one connection per peer (D32).
 *
 * Socket-free: every input is a method call with the local MidiShare date, every
 * output an effect ({@link WanEffects}). Runs in the Inet driver; not real-time safe.
 *
 * This file holds the inputs, options and factory; the controller is in
 * `_wan_station.ts`, which connections it keeps in `_wan_admission.ts` and the
 * remote set's wiring in `_wan_remote_set.ts`.
 *
 * @module
 */

import { WanStationImpl } from "./_wan_station.ts";
import type { DataPathFactory } from "./remote_data_path.ts";
import type { ApplicationInputs } from "./station_core.ts";
import type { ConnectionId, WanEffects } from "./station_effects.ts";

/** Options of {@link createWanStation}. */
export interface WanStationOptions {
  /** The parsed configuration. */
  readonly config: {
    readonly maxLatencyMs: number;
    readonly groupingMs: number;
    readonly driverName: string;
    readonly restoresConnections: boolean;
    /** Hosts to connect to at start, in order. */
    readonly hosts: readonly string[];
    /** Most open remotes before incoming connections are refused. */
    readonly maxClients: number;
  };
  /** The name sent in HostID packets (ignored by WAN receivers). */
  readonly hostName: string;
  /** This station's IPv4 address as peers see it, for the duplicate rule (§5.7). */
  readonly localAddress: string;
  /** The effects. */
  readonly effects: WanEffects;
  /** Creates the event path of each remote (default {@link createInetDataPath}). */
  readonly createDataPath?: DataPathFactory;
}

/** `idle` before {@link WanStation.start}, `running`, then `stopped`. */
export type WanStationState = "idle" | "running" | "stopped";

/**
 * The inputs of a WAN station, besides the {@link ApplicationInputs}. Every date is
 * the local MidiShare time.
 */
export interface WanStation extends ApplicationInputs {
  /** The controller state. */
  readonly state: WanStationState;
  /** Ids of the registered connections, in registration order. */
  connections(): ConnectionId[];
  /** Opens UDP, the driver application and the listener; dials the hosts (5.1). */
  start(now: number): void;
  /** Runs what is due at `now`: HostID, completion checks, collections. */
  tick(now: number): void;
  /** A UDP datagram arrived from `address` at `receivedAt`. */
  onDatagram(address: string, bytes: Uint8Array, receivedAt: number): void;
  /** A UDP datagram to `address` could not be sent (5.6). */
  onSendFailed(address: string, reason: string, now: number): void;
  /** `host` resolved to `address`; `name` is the remote application's (1.4). */
  onHostResolved(
    host: string,
    address: string,
    name: string,
    now: number,
  ): void;
  /** `host` could not be resolved. */
  onHostResolveFailed(host: string, now: number): void;
  /** The outgoing connection `id` is established. */
  onTcpConnected(id: ConnectionId, now: number): void;
  /** The outgoing connection `id` failed. */
  onTcpConnectFailed(id: ConnectionId, reason: string, now: number): void;
  /** A connection `id` from `address` was accepted; `name` per §1.4. */
  onTcpAccepted(
    id: ConnectionId,
    address: string,
    name: string,
    now: number,
  ): void;
  /** Bytes arrived on connection `id` at `receivedAt`. */
  onTcpData(id: ConnectionId, bytes: Uint8Array, receivedAt: number): void;
  /** Connection `id` ended (end of stream or read error). */
  onTcpClosed(id: ConnectionId, now: number): void;
  /** A write on connection `id` failed. */
  onTcpSendFailed(id: ConnectionId, reason: string, now: number): void;
  /** Orderly quit: TCPBye on every connection, close all, `exit(0)` (§7.2). */
  quit(now: number): void;
}

/**
 * Creates a WAN station; call {@link WanStation.start} to run it.
 *
 * @param options Configuration, addresses, effects and data path.
 * @returns The station, idle.
 * @see spec inet.md §5, §7.2, §7.4
 */
export function createWanStation(options: WanStationOptions): WanStation {
  return new WanStationImpl(options);
}
