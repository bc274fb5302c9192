/**
 * The event path of one remote, as the station core sees it: collections on the
 * output side (spec §3.7, §6.1) and the UDP and TCP input streams (§3.8). The core
 * owns the life cycle and the timing; a {@link RemoteDataPath} owns the bytes.
 *
 * Types only. Runs in the Inet driver.
 *
 * @module
 */

import type { ClockPair } from "./date_translation.ts";
import type { InetEvent } from "./inet_event.ts";
import type { MidiPacket } from "./packets.ts";

/** Which input stream of a remote a Midi packet belongs to. */
export type InputStreamKind = "udp" | "tcp";

/** What a data path needs from its remote and station. */
export interface DataPathContext {
  /** `lan` puts port-255 events in the UDP stream (4.10); `wan` sends them by TCP. */
  readonly mode: "lan" | "wan";
  /** Grouping period `g`, ms (6.1). */
  readonly groupingMs: number;
  /** Maximum latency `M`, ms (6.2). */
  readonly maxLatencyMs: number;
  /** The remote's clock pair, read at each head packet (6.3). */
  readonly clock: ClockPair;
  /** Takes the events waiting in the remote application's FIFO, in order. */
  takeEvents(visit: (event: InetEvent, dateMs: number) => void): void;
  /** Sends one packet of the UDP stream to the peer. */
  sendUdp(packet: Uint8Array): void;
  /** Sends one packet of the special stream (WAN: on the TCP connection). */
  sendSpecial(packet: Uint8Array): void;
  /** Hands over one decoded event with its local date. */
  deliver(event: InetEvent, dateMs: number): void;
  /** Logs one line (an event too long to send, D15). */
  log(text: string): void;
}

/** The event path of one remote. */
export interface RemoteDataPath {
  /**
   * Runs one collection at `collectionDate` (6.1, 3.7): takes every waiting event,
   * packetizes and sends. Returns how many events the FIFO held; 0 means the remote
   * returns to idle.
   */
  collect(collectionDate: number): number;
  /** Feeds one Midi packet received at `receivedAt` into input stream `kind`. */
  receive(kind: InputStreamKind, packet: MidiPacket, receivedAt: number): void;
  /** UDP Midi packets found later than `M` (reported in TCPBye). */
  readonly lateCount: number;
  /** UDP Midi packets found missing (reported in TCPBye). */
  readonly missingCount: number;
}

/** Creates the data path of a new remote. */
export type DataPathFactory = (context: DataPathContext) => RemoteDataPath;
