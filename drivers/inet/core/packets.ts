/**
 * The decoded form of every packet of the Internet wire format (spec §3.4): a
 * discriminated union on `kind`, produced by `decodePacket()` and consumed by the
 * LAN and WAN state machines.
 *
 * Types only: runs anywhere, real-time safe. Shapes are stable: fields may be added,
 * never renamed.
 *
 * @see spec inet.md §3.3, §3.4
 * @module
 */

/** Fields every well-formed packet has. */
export interface PacketBase {
  /** Header version byte; 1 from every known sender, any value accepted (D2). */
  readonly version: number;
  /** Bytes the packet occupies in the datagram or stream. */
  readonly byteLength: number;
}

/** HostID (type 1): the sender announces itself. */
export interface HostIdPacket extends PacketBase {
  /** Discriminant: `"hostId"`. */
  readonly kind: "hostId";
  /** Sender's MidiShare time (unsigned 32-bit ms) when it sent the packet. */
  readonly timeMs: number;
  /**
   * Sender's host name: the bytes up to the first zero byte or the end of the
   * datagram, decoded as UTF-8. Empty when the sender sent none: the caller then
   * uses the sender's dotted address (§3.4).
   */
  readonly name: string;
}

/** Bye (type 2): the sender goes to sleep or quits. */
export interface ByePacket extends PacketBase {
  /** Discriminant: `"bye"`. */
  readonly kind: "bye";
}

/** Echo (type 3): answer with `encodeEchoReply()` of the same datagram. */
export interface EchoPacket extends PacketBase {
  /** Discriminant: `"echo"`. */
  readonly kind: "echo";
  /** The opaque bytes after the header (a view of the input, not a copy). */
  readonly payload: Uint8Array;
}

/** EchoReply (type 4): ignored by the driver. */
export interface EchoReplyPacket extends PacketBase {
  /** Discriminant: `"echoReply"`. */
  readonly kind: "echoReply";
  /** The opaque bytes after the header (a view of the input, not a copy). */
  readonly payload: Uint8Array;
}

/** Midi (type 5): a piece of an event stream (§3.7, §3.8). */
export interface MidiPacket extends PacketBase {
  /** Discriminant: `"midi"`. */
  readonly kind: "midi";
  /** Serial number, unsigned 32-bit; 1 for the first packet of a stream. */
  readonly serial: number;
  /** Sender's collection date, unsigned 32-bit; 0 marks a continuation packet. */
  readonly dateMs: number;
  /** Number of data bytes: 0 up to what the datagram holds. */
  readonly count: number;
  /** Leading data bytes that continue an event begun in an earlier packet (≥ 0). */
  readonly offset: number;
  /** The `count` data bytes (a view of the input, not a copy). */
  readonly data: Uint8Array;
}

/** TCPBye (type 6): the peer quits and reports its counters (§5.6). */
export interface TcpByePacket extends PacketBase {
  /** Discriminant: `"tcpBye"`. */
  readonly kind: "tcpBye";
  /** Protocol version, 100 from every known sender; any value accepted. */
  readonly protocolVersion: number;
  /** Sender's maximum latency (signed 16-bit ms). */
  readonly maxLatencyMs: number;
  /** UDP Midi packets from us that the sender found late (signed 16-bit). */
  readonly lateCount: number;
  /**
   * UDP Midi packets from us that the sender found missing (unsigned 32-bit), or
   * null when the packet has fewer than 16 bytes (an original sender, D4).
   */
  readonly missingCount: number | null;
}

/** TCPCnxRefused (type 7): the WAN server refuses the connection. */
export interface TcpCnxRefusedPacket extends PacketBase {
  /** Discriminant: `"tcpCnxRefused"`. */
  readonly kind: "tcpCnxRefused";
  /** 1 too many clients, 2 already connected, 3 server error, others unknown. */
  readonly reason: number;
}

/**
 * Why a packet was not decoded:
 * - `"tooShort"`: fewer bytes than the header or than the minimum of its type;
 * - `"tooLong"`: more than the 1488 bytes a receiver accepts;
 * - `"badMagic"`: the first two bytes are not `10 01` (`value` is the magic);
 * - `"unknownType"`: type byte outside 1..7 (`value` is the type);
 * - `"badCount"`: Midi count below 0 or beyond the bytes received (`value`);
 * - `"badOffset"`: Midi offset below 0 (`value`).
 */
export type MalformedReason =
  | "tooShort"
  | "tooLong"
  | "badMagic"
  | "unknownType"
  | "badCount"
  | "badOffset";

/** A packet that was dropped; the caller counts it and logs it, rate-limited. */
export interface MalformedPacket {
  /** Discriminant: `"malformed"`. */
  readonly kind: "malformed";
  /** The rule the packet broke. */
  readonly reason: MalformedReason;
  /** The offending number: length, magic, type, count or offset. */
  readonly value: number;
  /** The packet type byte, or -1 when the packet is too short to hold one. */
  readonly type: number;
  /** One log line, e.g. `Cannot decode packet: count 2000 is above 1468`. */
  readonly message: string;
}

/** Any well-formed packet. */
export type WirePacket =
  | HostIdPacket
  | ByePacket
  | EchoPacket
  | EchoReplyPacket
  | MidiPacket
  | TcpByePacket
  | TcpCnxRefusedPacket;

/** What `decodePacket()` returns: a packet, or why there is none. */
export type DecodedPacket = WirePacket | MalformedPacket;
