/**
 * Which TCP connections a WAN station keeps (spec §5.1, §5.7, D20, D32): an
 * accepted connection is registered, refused (too many clients, already
 * connected) or kept instead of an outgoing one to the same peer; an established
 * outgoing connection is registered or replaces an incoming one; a connection
 * not complete within 10 s is closed (§5.4, D21).
 *
 * Runs in the Inet driver; not real-time safe.
 *
 * @module
 */

import { alertText } from "./log_lines.ts";
import { encodeTcpCnxRefused } from "./packet_encoder.ts";
import type { RemoteSet } from "./remote_set.ts";
import type { ConnectionId, WanEffects } from "./station_effects.ts";
import type { WanConnection, WanConnections } from "./wan_connections.ts";
import {
  REFUSED_ALREADY_CONNECTED,
  REFUSED_TOO_MANY_CLIENTS,
} from "./wire_constants.ts";

/** What the admission of a connection reads and changes. */
export interface WanAdmission {
  /** The station's connections. */
  readonly links: WanConnections;
  /** The station's remotes. */
  readonly remoteSet: RemoteSet;
  /** The effects. */
  readonly effects: WanEffects;
  /** Most open remotes before incoming connections are refused. */
  readonly maxClients: number;
}

/** A connection and its peer. */
export interface WanPeer {
  /** The connection. */
  readonly id: ConnectionId;
  /** The peer's IPv4 address. */
  readonly address: string;
  /** The peer's name (§1.4). */
  readonly name: string;
}

/**
 * Registers, refuses or keeps the accepted connection `peer.id`.
 *
 * @param a The station's connections, remotes and limits.
 * @param peer The accepted connection.
 * @param now The local date.
 */
export function admitIncoming(
  a: WanAdmission,
  peer: WanPeer,
  now: number,
): void {
  const { id, address, name } = peer;
  const existing = a.links.get(address);
  if (existing?.isOutgoing) {
    // Both ends listed each other (5.7, D32).
    if (a.links.keepsNewer(existing)) {
      replace(a, existing, { id, name, isOutgoing: false }, now);
    } else a.effects.closeTcp(id);
  } else if (a.remoteSet.openCount >= a.maxClients) {
    refuse(a, peer, REFUSED_TOO_MANY_CLIENTS, "too much clients");
  } else if (existing !== undefined || a.remoteSet.get(address)) {
    refuse(a, peer, REFUSED_ALREADY_CONNECTED, "already connected");
  } else {
    a.links.register({
      id,
      address,
      name,
      host: address,
      isOutgoing: false,
    }, now);
  }
}

/**
 * Registers the established outgoing connection `peer.id`, or keeps it instead
 * of an incoming one, or closes it.
 *
 * @param a The station's connections, remotes and limits.
 * @param peer The connection and the host it was dialed for.
 * @param now The local date.
 */
export function admitOutgoing(
  a: WanAdmission,
  peer: WanPeer & { readonly host: string },
  now: number,
): void {
  const { id, address, name, host } = peer;
  const existing = a.links.get(address);
  if (existing === undefined) {
    a.effects.log("Checking latency time...", false);
    a.links.register({ id, address, name, host, isOutgoing: true }, now);
  } else if (a.links.keepsNewer(existing)) {
    // The peer connected to us meanwhile (5.7, D32).
    replace(a, existing, { id, name, isOutgoing: true }, now);
  } else a.effects.closeTcp(id);
}

/**
 * The completion check of 5.4, bound to its connection (D21): a connection whose
 * remote is not open is closed, with an alert for an outgoing one.
 *
 * @param a The station's connections, remotes and limits.
 * @param c The connection whose 10 s have passed.
 * @param driverName The driver's name, for the alert.
 */
export function checkCompletion(
  a: WanAdmission,
  c: WanConnection,
  driverName: string,
): void {
  const remote = a.remoteSet.get(c.address);
  if (remote?.isOpen) return;
  if (remote !== undefined) a.remoteSet.remove(remote);
  a.links.close(c.address);
  if (remote === undefined || !c.isOutgoing) return;
  a.effects.log(
    alertText(
      driverName,
      "cannot connect to host",
      "host is not responding correctly",
    ),
    false,
  );
}

/** Keeps connection `next.id` instead of `existing`; the remote stays (5.7). */
function replace(
  a: WanAdmission,
  existing: WanConnection,
  next: { id: ConnectionId; name: string; isOutgoing: boolean },
  now: number,
): void {
  a.links.replace(existing, next, now);
  if (a.remoteSet.get(existing.address)?.isOpen) {
    a.links.restartHostIds(existing.address, now);
  }
}

function refuse(
  a: WanAdmission,
  peer: WanPeer,
  reason: number,
  text: string,
): void {
  a.effects.sendTcp(peer.id, encodeTcpCnxRefused(reason));
  a.effects.log(`${peer.name} : connection refused: ${text}.`, true);
  a.effects.closeTcp(peer.id); // New: closed after the refusal (D20)
}
