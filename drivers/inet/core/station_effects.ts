/**
 * The effects a station core asks of the program around it (sockets, MidiShare
 * applications, log, wake-up timer), and the types they exchange.
 *
 * Types only. Implemented by the Inet driver program with real sockets and the
 * MidiShare client API, and by tests with arrays that record every call.
 *
 * Rules for implementers:
 * - Effects never call back into the core synchronously; results that take time
 *   (MidiOpen, TCP connect, DNS, a failed send) come back later through the core's
 *   input methods (`onRemoteApplicationOpened`, `onTcpConnected`, `onSendFailed`...).
 * - Every datagram goes to the configured port P of `address` (spec §3.1).
 * - Remote applications are named by a {@link RemoteId} the core allocates; the
 *   program maps it to the refnum MidiOpen returns. The core sends nothing for a
 *   remote before `onRemoteApplicationOpened` and nothing after
 *   `closeRemoteApplication`.
 *
 * @module
 */

import type { InetEvent } from "./inet_event.ts";

/**
 * The core's handle of one remote object (spec §7.3), unique for the life of the
 * core: a remote that is removed and comes back gets a new one.
 */
export type RemoteId = number;

/** The program's handle of one TCP connection (WAN). */
export type ConnectionId = number;

/** A local application and how it is connected with one remote application. */
export interface LocalApplication {
  /** The application's name. */
  readonly name: string;
  /** Whether it is connected to the remote application (it sends to the peer). */
  readonly sendsToRemote: boolean;
  /** Whether the remote application is connected to it (it hears the peer). */
  readonly hearsRemote: boolean;
}

/** The direction of one connection with a remote application. */
export type ConnectionDirection = "toRemote" | "fromRemote";

/** Effects common to LAN and WAN stations. */
export interface StationEffects {
  /** Opens the UDP socket on `0.0.0.0:P`; returns null, or the error text. */
  openUdp(): string | null;
  /** Closes the UDP socket. */
  closeUdp(): void;
  /**
   * Sends one datagram to `address:P` (the broadcast address included). A failure
   * is reported later with `onSendFailed(address, reason)`.
   */
  sendDatagram(address: string, bytes: Uint8Array): void;

  /**
   * Opens the driver's own application (spec §1.3). A failure is reported later
   * with `onDriverApplicationFailed(reason)`.
   */
  openDriverApplication(name: string): void;
  /** Closes the driver's own application. */
  closeDriverApplication(): void;
  /**
   * Opens the remote application of remote `id` under `name` (at most 31
   * characters). Answer with `onRemoteApplicationOpened(id)` or
   * `onRemoteApplicationFailed(id, reason)`.
   */
  openRemoteApplication(id: RemoteId, name: string): void;
  /** Closes the remote application of remote `id` (opened or still opening). */
  closeRemoteApplication(id: RemoteId): void;
  /**
   * Takes every event waiting in the reception FIFO of remote `id`'s application,
   * in order, calling `visit` with each (converted to a reusable record) and its
   * date; events of types that never travel may be skipped.
   */
  takeEvents(
    id: RemoteId,
    visit: (event: InetEvent, dateMs: number) => void,
  ): void;
  /** Sends `event` from remote `id`'s application at local date `dateMs`. */
  deliverEvent(id: RemoteId, event: InetEvent, dateMs: number): void;
  /**
   * Connects the local application called `applicationName`, if one exists, with
   * remote `id`'s application in `direction` (connection memory, spec §7.8).
   */
  connectApplication(
    id: RemoteId,
    applicationName: string,
    direction: ConnectionDirection,
  ): void;

  /**
   * Logs one line; when `isDated` the program puts the wall-clock date prefix
   * `[dd/mm/YYYY HH:MM:SS] ` in front (spec §2.4).
   */
  log(text: string, isDated: boolean): void;
  /**
   * Asks for a call of `tick(now)` at local date `dateMs` or soon after; null
   * cancels. Each call replaces the previous request.
   */
  wakeAt(dateMs: number | null): void;
  /** Ends the program with `status` (0 orderly quit, 1 fatal error). */
  exit(status: number): void;
}

/** Effects of a WAN station, besides the common ones. */
export interface WanEffects extends StationEffects {
  /** Opens the TCP listener on `0.0.0.0:P`; returns null, or the error text. */
  listenTcp(backlog: number): string | null;
  /** Closes the TCP listener. */
  closeListener(): void;
  /**
   * Resolves `host` (a name or a dotted address). Answer with
   * `onHostResolved(host, address, name)`, where `name` is `host` when it was typed
   * as a name, else the reverse-DNS name or the dotted text (spec §1.4), or with
   * `onHostResolveFailed(host)`.
   */
  resolveHost(host: string): void;
  /**
   * Starts a TCP connection to `address:P`; returns its handle. Answer with
   * `onTcpConnected(id)` or `onTcpConnectFailed(id, reason)`.
   */
  connectTcp(address: string): ConnectionId;
  /** Writes one packet on connection `id` (one write, no Nagle). */
  sendTcp(id: ConnectionId, bytes: Uint8Array): void;
  /** Closes connection `id`. */
  closeTcp(id: ConnectionId): void;
}
