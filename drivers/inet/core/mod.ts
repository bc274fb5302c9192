/**
 * The socket-free core of the MidiShare Internet (LAN and WAN) network driver: the
 * wire format of spec inet.md §3 (packets, events, packetization, input streams, TCP
 * framing) and the small helpers the driver needs around it.
 *
 * Runs inside the inet driver process. Not real-time critical, but allocation-light:
 * nothing here allocates per event on the forwarding path. Pure TypeScript on typed
 * arrays: no sockets, timers, `Deno.*` or console; may import only from `kernel/`.
 *
 * @example Decode a packet built by the encoder
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodePacket, encodeHostId } from "./mod.ts";
 *
 * const packet = decodePacket(encodeHostId(5000, "studio"));
 * assert.equal(packet.kind, "hostId");
 * assert.ok(packet.kind === "hostId" && packet.name === "studio");
 * ```
 *
 * @module
 */

export {
  decodeEvent,
  decodeEventBody,
  encodedEventSize,
  encodeEvent,
  EVENT_NOT_TRANSMISSIBLE,
  EVENT_TOO_LONG,
} from "./event_codec.ts";
export {
  createEventParser,
  type EventCallback,
  type EventParser,
} from "./event_parser.ts";
export {
  fieldCount,
  PAYLOAD_NOT_TRANSMISSIBLE,
  PAYLOAD_VARIABLE,
  payloadSize,
  readFixedPayload,
  writeFixedPayload,
} from "./event_payload.ts";
export {
  createInetEvent,
  type InetEvent,
  MAX_INET_FIELDS,
} from "./inet_event.ts";
export {
  createInputStream,
  type DatedEventCallback,
  type InputStatus,
  type InputStream,
  type InputStreamOptions,
} from "./input_stream.ts";
export { decodePacket } from "./packet_decoder.ts";
export {
  encodeBye,
  encodeEcho,
  encodeEchoReply,
  encodeHostId,
  encodeMidiPacket,
  encodeTcpBye,
  encodeTcpCnxRefused,
  type MidiHeaderFields,
  type TcpByeReport,
  writeHeader,
  writeMidiHeader,
} from "./packet_encoder.ts";
export {
  createPacketizer,
  type Packetizer,
  type PacketizerOptions,
  type PacketSink,
} from "./packetizer.ts";
export type {
  ByePacket,
  DecodedPacket,
  EchoPacket,
  EchoReplyPacket,
  HostIdPacket,
  MalformedPacket,
  MalformedReason,
  MidiPacket,
  PacketBase,
  TcpByePacket,
  TcpCnxRefusedPacket,
  WirePacket,
} from "./packets.ts";
export {
  createRateLimiter,
  type RateLimiter,
  type RateLimiterOptions,
} from "./rate_limiter.ts";
export {
  createTcpReassembler,
  type FramingProblem,
  type FramingProblemKind,
  type TcpReassembler,
  type TcpReassemblerOptions,
} from "./tcp_reassembler.ts";
export * from "./wire_constants.ts";
