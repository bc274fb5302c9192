/**
 * Encoding of every packet of the Internet wire format (spec §3.4), version byte 1,
 * big-endian fields. Midi packets are normally built by the packetizer; the helpers
 * here serve tests and the control packets.
 *
 * Runs in the inet driver process. Not real-time critical: each call allocates the
 * packet it returns (the caller hands it to a socket, which keeps it until sent).
 *
 * @module
 */

import {
  ECHO_BYTES,
  MAX_HOST_NAME_BYTES,
  MIDI_HEADER_BYTES,
  PACKET_BYE,
  PACKET_ECHO,
  PACKET_ECHO_REPLY,
  PACKET_HEADER_BYTES,
  PACKET_HOST_ID,
  PACKET_MAGIC,
  PACKET_MIDI,
  PACKET_TCP_BYE,
  PACKET_TCP_CNX_REFUSED,
  PACKET_VERSION,
  TCP_BYE_BYTES,
  TCP_BYE_PROTOCOL_VERSION,
  TCP_CNX_REFUSED_BYTES,
} from "./wire_constants.ts";

const NAME_ENCODER = new TextEncoder();

/**
 * Writes the 4-byte common header at `at`: magic `10 01`, version 1, `type`.
 *
 * @param out the destination; must hold 4 bytes from `at`
 * @param type the packet type 1..7
 * @param at where the packet starts in `out`
 * @returns nothing
 * @throws {RangeError} when `out` is too short (from the typed array)
 */
export function writeHeader(out: Uint8Array, type: number, at = 0): void {
  if (out.length < at + PACKET_HEADER_BYTES) {
    throw new RangeError(
      `Cannot write packet header: ${out.length - at} bytes of room, 4 needed`,
    );
  }
  out[at] = PACKET_MAGIC >> 8;
  out[at + 1] = PACKET_MAGIC & 0xff;
  out[at + 2] = PACKET_VERSION;
  out[at + 3] = type;
}

/**
 * Encodes a HostID: header, `timeMs` (u32), the host name in UTF-8, a zero byte.
 *
 * @param timeMs the sender's MidiShare time, taken modulo 2^32
 * @param name the host name, at most 255 bytes in UTF-8, without zero bytes
 * @returns the packet, 9 + name bytes long
 * @throws {RangeError} when the name is longer than 255 bytes
 * @throws {TypeError} when the name contains a zero character
 * @see spec inet.md §3.4
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeHostId } from "./packet_encoder.ts";
 *
 * assert.deepEqual(
 *   encodeHostId(5000, "h"),
 *   Uint8Array.of(0x10, 1, 1, 1, 0, 0, 0x13, 0x88, 0x68, 0),
 * );
 * ```
 */
export function encodeHostId(timeMs: number, name: string): Uint8Array {
  if (name.includes("\0")) {
    throw new TypeError(
      `Cannot encode HostID for "${name}": the name contains a zero character`,
    );
  }
  const nameBytes = NAME_ENCODER.encode(name);
  if (nameBytes.length > MAX_HOST_NAME_BYTES) {
    throw new RangeError(
      `Cannot encode HostID: name of ${nameBytes.length} bytes is above 255`,
    );
  }
  const out = new Uint8Array(9 + nameBytes.length);
  writeHeader(out, PACKET_HOST_ID);
  new DataView(out.buffer).setUint32(4, timeMs >>> 0);
  out.set(nameBytes, 8);
  return out;
}

/**
 * Encodes a Bye: the header alone.
 *
 * @returns the 4-byte packet `10 01 01 02`
 * @see spec inet.md §3.4
 */
export function encodeBye(): Uint8Array {
  const out = new Uint8Array(PACKET_HEADER_BYTES);
  writeHeader(out, PACKET_BYE);
  return out;
}

/**
 * Encodes an Echo: the header and 8 opaque bytes (the original put wall-clock
 * seconds and microseconds there, in host order).
 *
 * @param payload the 8 opaque bytes; shorter is zero-padded, longer is refused
 * @returns the 12-byte packet
 * @throws {RangeError} when `payload` is longer than 8 bytes
 * @see spec inet.md §3.4, §4.11
 */
export function encodeEcho(
  payload: Uint8Array = new Uint8Array(8),
): Uint8Array {
  if (payload.length > ECHO_BYTES - PACKET_HEADER_BYTES) {
    throw new RangeError(
      `Cannot encode Echo: payload of ${payload.length} bytes is above 8`,
    );
  }
  const out = new Uint8Array(ECHO_BYTES);
  writeHeader(out, PACKET_ECHO);
  out.set(payload, PACKET_HEADER_BYTES);
  return out;
}

/**
 * The EchoReply to an Echo: a copy of the received datagram, same length, with
 * byte 3 changed to 4.
 *
 * @param echo the Echo datagram as received (at least 4 bytes)
 * @returns a new array; `echo` is left unchanged
 * @throws {RangeError} when `echo` is shorter than the header
 * @see spec inet.md §3.4, §4.11
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeEcho, encodeEchoReply } from "./packet_encoder.ts";
 *
 * const reply = encodeEchoReply(encodeEcho(Uint8Array.of(1, 2)));
 * assert.deepEqual(reply, Uint8Array.of(0x10, 1, 1, 4, 1, 2, 0, 0, 0, 0, 0, 0));
 * ```
 */
export function encodeEchoReply(echo: Uint8Array): Uint8Array {
  if (echo.length < PACKET_HEADER_BYTES) {
    throw new RangeError(
      `Cannot encode EchoReply: echo of ${echo.length} bytes is below 4`,
    );
  }
  const out = echo.slice();
  out[3] = PACKET_ECHO_REPLY;
  return out;
}

/** The counters a TCPBye reports (§5.6). */
export interface TcpByeReport {
  /** The sender's configured maximum latency (ms), sent as signed 16-bit. */
  readonly maxLatencyMs: number;
  /** UDP Midi packets received late from the peer, sent as signed 16-bit. */
  readonly lateCount: number;
  /** UDP Midi packets from the peer found missing, sent as unsigned 32-bit. */
  readonly missingCount: number;
}

/**
 * Encodes a TCPBye of 16 bytes with zero padding (New, D4): version 100, latency,
 * late count, two zero bytes, missing count.
 *
 * @param report the counters; each is truncated to its wire width
 * @returns the 16-byte packet
 * @see spec inet.md §3.4
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeTcpBye } from "./packet_encoder.ts";
 *
 * assert.deepEqual(
 *   encodeTcpBye({ maxLatencyMs: 1500, lateCount: 2, missingCount: 7 }),
 *   Uint8Array.of(0x10, 1, 1, 6, 0, 100, 5, 0xdc, 0, 2, 0, 0, 0, 0, 0, 7),
 * );
 * ```
 */
export function encodeTcpBye(report: TcpByeReport): Uint8Array {
  const out = new Uint8Array(TCP_BYE_BYTES);
  writeHeader(out, PACKET_TCP_BYE);
  const view = new DataView(out.buffer);
  view.setUint16(4, TCP_BYE_PROTOCOL_VERSION);
  view.setInt16(6, report.maxLatencyMs);
  view.setInt16(8, report.lateCount);
  view.setUint32(12, report.missingCount >>> 0);
  return out;
}

/**
 * Encodes a TCPCnxRefused: header and the reason as u16.
 *
 * @param reason 1 too many clients, 2 already connected, 3 server error
 * @returns the 6-byte packet
 * @see spec inet.md §3.4, §5.3
 */
export function encodeTcpCnxRefused(reason: number): Uint8Array {
  const out = new Uint8Array(TCP_CNX_REFUSED_BYTES);
  writeHeader(out, PACKET_TCP_CNX_REFUSED);
  new DataView(out.buffer).setUint16(4, reason & 0xffff);
  return out;
}

/** The header fields of a Midi packet. */
export interface MidiHeaderFields {
  /** Serial, unsigned 32-bit. */
  readonly serial: number;
  /** Collection date, or 0 for a continuation packet. */
  readonly dateMs: number;
  /** Data bytes that follow (0..1468). */
  readonly count: number;
  /** Leading data bytes that continue an earlier event. */
  readonly offset: number;
}

/**
 * Writes the 16-byte header of a Midi packet at the start of `out`.
 *
 * @param out the packet buffer, at least 16 bytes
 * @param fields serial, date, count and offset
 * @returns nothing
 * @throws {RangeError} when `out` is shorter than 16 bytes
 * @see spec inet.md §3.4
 */
export function writeMidiHeader(
  out: Uint8Array,
  fields: MidiHeaderFields,
): void {
  if (out.length < MIDI_HEADER_BYTES) {
    throw new RangeError(
      `Cannot write Midi header: ${out.length} bytes of room, 16 needed`,
    );
  }
  writeHeader(out, PACKET_MIDI);
  const view = new DataView(out.buffer, out.byteOffset, MIDI_HEADER_BYTES);
  view.setUint32(4, fields.serial >>> 0);
  view.setUint32(8, fields.dateMs >>> 0);
  view.setInt16(12, fields.count);
  view.setInt16(14, fields.offset);
}

/**
 * Encodes a complete Midi packet around already encoded event bytes.
 *
 * @param fields serial, date and offset (`count` is taken from `data`)
 * @param data the encoded events
 * @returns the packet, 16 + `data.length` bytes
 * @throws {RangeError} when `data` is longer than 32767 bytes
 * @see spec inet.md §3.4, §3.7
 */
export function encodeMidiPacket(
  fields: Omit<MidiHeaderFields, "count">,
  data: Uint8Array,
): Uint8Array {
  if (data.length > 0x7fff) {
    throw new RangeError(
      `Cannot encode Midi packet: count ${data.length} is above 32767`,
    );
  }
  const out = new Uint8Array(MIDI_HEADER_BYTES + data.length);
  writeMidiHeader(out, { ...fields, count: data.length });
  out.set(data, MIDI_HEADER_BYTES);
  return out;
}
