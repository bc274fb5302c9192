/**
 * Every number the MidiShare Internet wire format defines (spec §3.2 to §3.6, §8):
 * packet header, packet types, size limits, minimum lengths, refusal reasons.
 *
 * Pure data: runs anywhere, real-time safe.
 *
 * @example Check a datagram header
 * ```ts
 * import assert from "node:assert/strict";
 * import { PACKET_MAGIC, PACKET_MIDI } from "./wire_constants.ts";
 *
 * const datagram = Uint8Array.of(0x10, 0x01, 0x01, 0x05);
 * assert.equal((datagram[0]! << 8) | datagram[1]!, PACKET_MAGIC);
 * assert.equal(datagram[3], PACKET_MIDI);
 * ```
 *
 * @see spec inet.md §3 and §8
 * @module
 */

// ---- Header (§3.2)

/** Magic number of every packet, big-endian at offset 0 (bytes `10 01`). */
export const PACKET_MAGIC = 0x1001;
/** Version byte the driver sends at offset 2; any version is accepted (D2). */
export const PACKET_VERSION = 1;
/** Size of the common header: magic (2), version (1), type (1). */
export const PACKET_HEADER_BYTES = 4;

// ---- Packet types (§3.3), byte 3 of the header

/** HostID: sender time and host name (UDP). */
export const PACKET_HOST_ID = 1;
/** Bye: the sender leaves (UDP). */
export const PACKET_BYE = 2;
/** Echo: asks for an EchoReply (UDP). */
export const PACKET_ECHO = 3;
/** EchoReply: the Echo datagram with byte 3 changed to 4 (UDP). */
export const PACKET_ECHO_REPLY = 4;
/** Midi: serial, date, count, offset and encoded events (UDP or TCP). */
export const PACKET_MIDI = 5;
/** TCPBye: the peer quits and reports its counters (TCP). */
export const PACKET_TCP_BYE = 6;
/** TCPCnxRefused: the WAN server refuses a connection, with a reason (TCP). */
export const PACKET_TCP_CNX_REFUSED = 7;

// ---- Layout sizes (§3.4, §3.6)

/** Header of a Midi packet: common header, serial, date, count, offset. */
export const MIDI_HEADER_BYTES = 16;
/** Length of the Echo packet in the original's layout (header + 8 opaque bytes). */
export const ECHO_BYTES = 12;
/** Length of the TCPBye packet the new driver sends (zero padding, D4). */
export const TCP_BYE_BYTES = 16;
/** Length of the TCPCnxRefused packet. */
export const TCP_CNX_REFUSED_BYTES = 6;
/** Longest host name a HostID carries, without its terminating zero byte. */
export const MAX_HOST_NAME_BYTES = 255;
/** Event header: len (2), type (1), relative date (2), port (1), channel (1). */
export const EVENT_HEADER_BYTES = 7;
/** Smallest valid `len` of an encoded event: type, date, port and channel. */
export const MIN_EVENT_LEN = 5;
/** Largest variable-length payload: `len` is 16-bit and includes 5 bytes (D15). */
export const MAX_VARIABLE_PAYLOAD_BYTES = 65530;

// ---- Minimum lengths per type (§3.4, New); shorter packets are malformed

/** Shortest HostID: header and time; the name may be absent. */
export const MIN_HOST_ID_BYTES = 8;
/** Shortest Bye: the header alone. */
export const MIN_BYE_BYTES = 4;
/** Shortest Echo or EchoReply: the header alone. */
export const MIN_ECHO_BYTES = 4;
/** Shortest Midi packet, before adding its `count`. */
export const MIN_MIDI_BYTES = 16;
/** Shortest TCPBye: the original's 14 bytes (D4). */
export const MIN_TCP_BYE_BYTES = 14;
/** Shortest TCPCnxRefused: header and reason. */
export const MIN_TCP_CNX_REFUSED_BYTES = 6;

// ---- Size limits (§3.5): values of the original, kept so packet boundaries match

/** Largest LAN Midi packet, header included. */
export const LAN_MAX_PACKET_BYTES = 1484;
/** Largest WAN Midi packet, header included (UDP and TCP). */
export const WAN_MAX_PACKET_BYTES = 496;
/** Largest LAN `count`: data bytes per Midi packet. */
export const LAN_MAX_COUNT = 1468;
/** Largest WAN `count`: data bytes per Midi packet. */
export const WAN_MAX_COUNT = 480;
/** The original's LAN packetizer limit, `count + 12` (serial, date, count, offset). */
export const LAN_PACKETIZER_LIMIT = 1480;
/** The original's WAN packetizer limit, `count + 12`. */
export const WAN_PACKETIZER_LIMIT = 492;
/** Receivers accept any packet up to this many bytes, whatever the mode. */
export const RECEIVE_LIMIT_BYTES = 1488;
/** Largest `count` of a Midi packet inside a TCP stream (§3.9). */
export const TCP_MAX_COUNT = 1468;

/** The size limits of one mode (§3.5). */
export interface WireLimits {
  /** Largest Midi packet, header included. */
  readonly maxPacketBytes: number;
  /** Largest `count`: data bytes per Midi packet. */
  readonly maxCount: number;
  /** The original's packetizer limit, `maxCount + 12`. */
  readonly packetizerLimit: number;
}

/** LAN limits: count 1468, packet 1484. */
export const LAN_LIMITS: WireLimits = Object.freeze({
  maxPacketBytes: LAN_MAX_PACKET_BYTES,
  maxCount: LAN_MAX_COUNT,
  packetizerLimit: LAN_PACKETIZER_LIMIT,
});

/** WAN limits: count 480, packet 496 (UDP and TCP). */
export const WAN_LIMITS: WireLimits = Object.freeze({
  maxPacketBytes: WAN_MAX_PACKET_BYTES,
  maxCount: WAN_MAX_COUNT,
  packetizerLimit: WAN_PACKETIZER_LIMIT,
});

// ---- TCPBye and TCPCnxRefused (§3.4)

/** Protocol version carried by TCPBye; any value is accepted on receipt. */
export const TCP_BYE_PROTOCOL_VERSION = 100;
/** Refusal reason 1: the server has its maximum number of clients. */
export const REFUSED_TOO_MANY_CLIENTS = 1;
/** Refusal reason 2: the server is already connected to that address. */
export const REFUSED_ALREADY_CONNECTED = 2;
/** Refusal reason 3: the server failed internally. */
export const REFUSED_SERVER_ERROR = 3;
