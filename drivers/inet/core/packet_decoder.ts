/**
 * Decoding of one packet of the Internet wire format (spec §3.2 to §3.4) with the
 * New validation rules: hostile input is normal for a network driver, so nothing here
 * throws; a bad packet comes back as a {@link MalformedPacket} with a reason.
 *
 * Runs in the inet driver process. Not real-time critical; allocates one small result
 * object per packet (and the host name string of a HostID), never per event.
 *
 * @module
 */

import type {
  DecodedPacket,
  MalformedPacket,
  MalformedReason,
} from "./packets.ts";
import {
  MIN_BYE_BYTES,
  MIN_ECHO_BYTES,
  MIN_HOST_ID_BYTES,
  MIN_MIDI_BYTES,
  MIN_TCP_BYE_BYTES,
  MIN_TCP_CNX_REFUSED_BYTES,
  PACKET_BYE,
  PACKET_ECHO,
  PACKET_ECHO_REPLY,
  PACKET_HEADER_BYTES,
  PACKET_HOST_ID,
  PACKET_MAGIC,
  PACKET_MIDI,
  PACKET_TCP_BYE,
  RECEIVE_LIMIT_BYTES,
  TCP_BYE_BYTES,
  TCP_CNX_REFUSED_BYTES,
} from "./wire_constants.ts";

const MIN_BYTES_BY_TYPE = [
  0,
  MIN_HOST_ID_BYTES,
  MIN_BYE_BYTES,
  MIN_ECHO_BYTES,
  MIN_ECHO_BYTES,
  MIN_MIDI_BYTES,
  MIN_TCP_BYE_BYTES,
  MIN_TCP_CNX_REFUSED_BYTES,
];

const NAME_DECODER = new TextDecoder("utf-8", { fatal: false });

/**
 * Decodes one packet: a UDP datagram, or one packet cut out of a TCP stream by the
 * TCP reassembler.
 *
 * Validation (New rules of §3.2, §3.4, §3.8): at most 1488 bytes; magic `10 01`;
 * type 1..7; at least the minimum length of the type; for Midi, `count ≥ 0`,
 * `16 + count ≤ length` and `offset ≥ 0` (bytes after `16 + count` are ignored). Any
 * version byte is accepted and reported in `version` (log once per peer if not 1).
 * The caller applies the transport rule of §3.3: on UDP, `tcpBye` and
 * `tcpCnxRefused` count as unknown types; on TCP only `midi`, `tcpBye` and
 * `tcpCnxRefused` matter.
 *
 * Views in the result (`data`, `payload`) alias `bytes`: copy them to keep them
 * beyond the next reuse of the receive buffer.
 *
 * @param bytes the packet, exactly as received
 * @returns the decoded packet (`kind` names its type), or `kind: "malformed"`
 *   with the reason; never throws
 * @see spec inet.md §3.4, §3.8
 *
 * @example Decode a HostID
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodePacket } from "./packet_decoder.ts";
 *
 * const p = decodePacket(Uint8Array.of(16, 1, 1, 1, 0, 0, 19, 136, 104, 0));
 * assert.equal(p.kind, "hostId");
 * assert.ok(p.kind === "hostId" && p.timeMs === 5000 && p.name === "h");
 * assert.equal(decodePacket(new Uint8Array(3)).kind, "malformed");
 * ```
 */
export function decodePacket(bytes: Uint8Array): DecodedPacket {
  const length = bytes.length;
  if (length > RECEIVE_LIMIT_BYTES) {
    return malformed("tooLong", length, -1, `length ${length} is above 1488`);
  }
  if (length < PACKET_HEADER_BYTES) {
    return malformed(
      "tooShort",
      length,
      -1,
      `length ${length} is below the 4-byte header`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, length);
  const magic = view.getUint16(0);
  if (magic !== PACKET_MAGIC) {
    return malformed("badMagic", magic, -1, `magic is ${magic}`);
  }
  const version = view.getUint8(2);
  const type = view.getUint8(3);
  const minBytes = MIN_BYTES_BY_TYPE[type];
  if (minBytes === undefined || type === 0) {
    return malformed("unknownType", type, type, `unknown packet type ${type}`);
  }
  if (length < minBytes) {
    return malformed(
      "tooShort",
      length,
      type,
      `length ${length} is below ${minBytes} for type ${type}`,
    );
  }
  const base = { version, byteLength: length };
  switch (type) {
    case PACKET_HOST_ID:
      return {
        kind: "hostId",
        ...base,
        timeMs: view.getUint32(4),
        name: decodeName(bytes.subarray(8)),
      };
    case PACKET_BYE:
      return { kind: "bye", ...base };
    case PACKET_ECHO:
      return { kind: "echo", ...base, payload: bytes.subarray(4) };
    case PACKET_ECHO_REPLY:
      return { kind: "echoReply", ...base, payload: bytes.subarray(4) };
    case PACKET_MIDI:
      return decodeMidi(bytes, view, version);
    case PACKET_TCP_BYE:
      return {
        kind: "tcpBye",
        version,
        byteLength: Math.min(length, TCP_BYE_BYTES),
        protocolVersion: view.getUint16(4),
        maxLatencyMs: view.getInt16(6),
        lateCount: view.getInt16(8),
        missingCount: length >= TCP_BYE_BYTES ? view.getUint32(12) : null,
      };
    default: // PACKET_TCP_CNX_REFUSED, the only type left
      return {
        kind: "tcpCnxRefused",
        version,
        byteLength: TCP_CNX_REFUSED_BYTES,
        reason: view.getUint16(4),
      };
  }
}

function decodeMidi(
  bytes: Uint8Array,
  view: DataView,
  version: number,
): DecodedPacket {
  const count = view.getInt16(12);
  const offset = view.getInt16(14);
  const available = bytes.length - MIN_MIDI_BYTES;
  if (count < 0) {
    return malformed(
      "badCount",
      count,
      PACKET_MIDI,
      `count ${count} is negative`,
    );
  }
  if (count > available) {
    return malformed(
      "badCount",
      count,
      PACKET_MIDI,
      `count ${count} is above the ${available} data bytes received`,
    );
  }
  if (offset < 0) {
    return malformed(
      "badOffset",
      offset,
      PACKET_MIDI,
      `offset ${offset} is negative`,
    );
  }
  return {
    kind: "midi",
    version,
    byteLength: MIN_MIDI_BYTES + count,
    serial: view.getUint32(4),
    dateMs: view.getUint32(8),
    count,
    offset,
    data: bytes.subarray(MIN_MIDI_BYTES, MIN_MIDI_BYTES + count),
  };
}

function decodeName(rest: Uint8Array): string {
  const end = rest.indexOf(0);
  return NAME_DECODER.decode(end < 0 ? rest : rest.subarray(0, end));
}

function malformed(
  reason: MalformedReason,
  value: number,
  type: number,
  detail: string,
): MalformedPacket {
  return {
    kind: "malformed",
    reason,
    value,
    type,
    message: `Cannot decode packet: ${detail}`,
  };
}
