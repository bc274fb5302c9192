/**
 * What a station does first with a UDP datagram, in both modes (spec §3.3, §7.9):
 * dispatch the decoded packet by type, log bad packets and unknown types with a rate
 * limit, note a version other than 1 once per peer, and let Echo through only within
 * its reply budget.
 *
 * Runs in the Inet driver; not real-time safe.
 *
 * @module
 */

import type {
  DecodedPacket,
  HostIdPacket,
  MidiPacket,
  WirePacket,
} from "./packets.ts";
import type { StationDiagnostics } from "./station_diagnostics.ts";

/** The datagram, its context, and the station's handlers per packet type. */
export interface DatagramRoute {
  /** Sender's address. */
  readonly address: string;
  /** Local reception date. */
  readonly now: number;
  /** The station's diagnostics. */
  readonly diagnostics: StationDiagnostics;
  /** Logs one line. */
  log(text: string): void;
  /** A HostID. */
  hostId(packet: HostIdPacket): void;
  /** A Bye. */
  bye(): void;
  /** An Echo to answer (already counted against the reply budget). */
  echo(): void;
  /** A Midi packet. */
  midi(packet: MidiPacket): void;
}

/**
 * Dispatches one decoded datagram. EchoReply is ignored; TCPBye and TCPCnxRefused
 * on UDP are unknown types, like any other type (§3.3).
 *
 * @param packet What `decodePacket` made of the datagram.
 * @param route Context and handlers.
 * @returns Nothing.
 * @example A Bye goes to its handler
 * ```ts
 * import assert from "node:assert/strict";
 * import { routeDatagram } from "./datagram_router.ts";
 * import { decodePacket } from "./packet_decoder.ts";
 * import { encodeBye } from "./packet_encoder.ts";
 * import { createStationDiagnostics } from "./station_diagnostics.ts";
 *
 * let byes = 0;
 * routeDatagram(decodePacket(encodeBye()), {
 *   address: "10.0.0.2", now: 0, diagnostics: createStationDiagnostics(),
 *   log: () => {}, hostId: () => {}, bye: () => byes++, echo: () => {},
 *   midi: () => {},
 * });
 * assert.equal(byes, 1);
 * ```
 * @see spec inet.md §3.3
 */
export function routeDatagram(
  packet: DecodedPacket,
  route: DatagramRoute,
): void {
  if (packet.kind === "malformed") {
    const text = packet.reason === "badMagic"
      ? `packet bad header: magic is ${packet.value}`
      : packet.reason === "unknownType"
      ? `unknown packet type ${packet.value}`
      : `malformed packet: ${packet.message}`;
    problem(route, packet.reason, text);
    return;
  }
  const versionLine = route.diagnostics.version(route.address, packet.version);
  if (versionLine !== null) route.log(versionLine);
  dispatch(packet, route);
}

function dispatch(packet: WirePacket, route: DatagramRoute): void {
  switch (packet.kind) {
    case "hostId":
      return route.hostId(packet);
    case "bye":
      return route.bye();
    case "echo":
      if (route.diagnostics.mayAnswerEcho(route.now)) route.echo();
      return;
    case "echoReply":
      return;
    case "midi":
      return route.midi(packet);
    case "tcpBye":
      return problem(route, "unknownType", "unknown packet type 6");
    case "tcpCnxRefused":
      return problem(route, "unknownType", "unknown packet type 7");
  }
}

function problem(route: DatagramRoute, kind: string, text: string): void {
  const line = route.diagnostics.packetProblem(
    kind,
    route.address,
    text,
    route.now,
  );
  if (line !== null) route.log(line);
}
