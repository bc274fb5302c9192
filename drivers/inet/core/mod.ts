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

export { bannerLines, formatLogDate, LOG_INDENT, QUIT_HINT } from "./banner.ts";
export {
  type ClockEstimator,
  type ClockEstimatorOptions,
  createClockEstimator,
} from "./clock_estimator.ts";
export {
  type ConnectionLists,
  type ConnectionMemory,
  createConnectionMemory,
  type Reconnection,
} from "./connection_memory.ts";
export {
  clockOffset,
  type ClockPair,
  type HeadTranslation,
  headTranslation,
  localEventDate,
  nominalLocalDate,
  relativeDate,
} from "./date_translation.ts";
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
  createHostIdSchedule,
  type HostIdPattern,
  type HostIdSchedule,
  LAN_HOST_ID_PATTERN,
  WAN_COMPLETE_PATTERN,
  WAN_HANDSHAKE_PATTERN,
} from "./host_id_schedule.ts";
export { createInetDataPath, SPECIAL_PORT } from "./inet_data_path.ts";
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
export {
  broadcastAddress,
  chooseLanAddresses,
  formatIpv4,
  type InterfaceAddress,
  type LanAddressChoice,
  parseIpv4,
  slash24Broadcast,
} from "./lan_addresses.ts";
export {
  CREATE_EXPIRY_MS,
  DEFAULT_MAX_REMOTES,
  REFRESH_EXPIRY_MS,
} from "./lan_remote_set.ts";
export {
  createLanStation,
  type LanStation,
  type LanStationOptions,
  type LanStationState,
} from "./lan_station.ts";
export { alertText, reportLine } from "./log_lines.ts";
export {
  createOffsetAverage,
  type EstimatorProfile,
  FAST_PROFILE,
  type OffsetAverage,
  profileForLatency,
  SLOW_PROFILE,
} from "./offset_average.ts";
export {
  DEFAULT_LOG_FILE,
  DEFAULT_MAX_CLIENTS,
  driverName,
  type InetConfig,
  type InetMode,
  MODE_DEFAULTS,
  type ModeDefaults,
  type OptionsResult,
  parseOptions,
  PROGRAM_VERSION,
  VERSION_LINE,
} from "./options.ts";
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
  MAX_APPLICATION_NAME_BYTES,
  type RemoteInfo,
  truncateName,
} from "./remote.ts";
export type {
  DataPathContext,
  DataPathFactory,
  InputStreamKind,
  RemoteDataPath,
} from "./remote_data_path.ts";
export type { ApplicationInputs } from "./station_core.ts";
export type {
  ConnectionDirection,
  ConnectionId,
  LocalApplication,
  RemoteId,
  StationEffects,
  WanEffects,
} from "./station_effects.ts";
export {
  createTcpReassembler,
  type FramingProblem,
  type FramingProblemKind,
  type TcpReassembler,
  type TcpReassemblerOptions,
} from "./tcp_reassembler.ts";
export {
  createTimeoutCheck,
  TIMEOUT_CHECK_MS,
  type TimeoutCheck,
} from "./timeout_check.ts";
export { usageText } from "./usage_text.ts";
export { COMPLETION_CHECK_MS } from "./wan_connections.ts";
export {
  createWanStation,
  type WanStation,
  type WanStationOptions,
  type WanStationState,
} from "./wan_station.ts";
export * from "./wire_constants.ts";
