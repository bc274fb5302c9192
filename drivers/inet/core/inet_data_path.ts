/**
 * The event path of one remote over the wire core (spec §3.7, §3.8, §4.10, §6.1):
 * two packetizers (UDP stream and special stream) and two input streams (UDP and
 * TCP), the default {@link DataPathFactory} of the stations.
 *
 * LAN: port-255 events go in the unicast UDP stream like every other (New, D11), so
 * the special stream stays unused. WAN: port-255 events go in the special stream,
 * which the station sends on the TCP connection. Both with the limits of the mode.
 *
 * Runs in the Inet driver. Allocation-light: one array per packet sent, nothing per
 * event.
 *
 * @module
 */

import { relativeDate } from "./date_translation.ts";
import { EVENT_TOO_LONG } from "./event_codec.ts";
import type { InetEvent } from "./inet_event.ts";
import { createInputStream, type InputStream } from "./input_stream.ts";
import { createPacketizer, type Packetizer } from "./packetizer.ts";
import type { MidiPacket } from "./packets.ts";
import type {
  DataPathContext,
  InputStreamKind,
  RemoteDataPath,
} from "./remote_data_path.ts";
import { LAN_LIMITS, WAN_LIMITS } from "./wire_constants.ts";

/** MidiShare port whose events travel in the special stream in WAN mode. */
export const SPECIAL_PORT = 255;

/**
 * Creates the event path of a new remote: serials from 1 in both directions.
 *
 * @param context The remote's clock, parameters, event source and sinks.
 * @returns The data path.
 * @example One KeyOn collected at 5000 makes the packet of §3.6
 * ```ts
 * import assert from "node:assert/strict";
 * import { createInetEvent } from "./inet_event.ts";
 * import { createInetDataPath } from "./inet_data_path.ts";
 *
 * const sent: Uint8Array[] = [];
 * const ev = createInetEvent();
 * ev.type = 1;
 * ev.fields.set([60, 100]);
 * const path = createInetDataPath({
 *   mode: "lan", groupingMs: 10, maxLatencyMs: 10,
 *   clock: { initLocal: 0, initRemote: 0 },
 *   takeEvents: (visit) => visit(ev, 4995),
 *   sendUdp: (p) => sent.push(p), sendSpecial: () => {},
 *   deliver: () => {}, log: () => {},
 * });
 * assert.equal(path.collect(5000), 1);
 * assert.deepEqual([...sent[0]!], [
 *   0x10, 1, 1, 5, 0, 0, 0, 1, 0, 0, 0x13, 0x88, 0, 9, 0, 0,
 *   0, 7, 1, 0, 5, 0, 0, 0x3c, 0x64,
 * ]);
 * ```
 * @see spec inet.md §3.7, §3.8, §4.10
 */
export function createInetDataPath(context: DataPathContext): RemoteDataPath {
  return new InetDataPath(context);
}

class InetDataPath implements RemoteDataPath {
  readonly #ctx: DataPathContext;
  readonly #udpOut: Packetizer;
  readonly #specialOut: Packetizer;
  readonly #udpIn: InputStream;
  readonly #tcpIn: InputStream;
  #collectionDate = 0;
  #count = 0;
  readonly #visit = (
    ev: InetEvent,
    date: number,
  ) => this.#append(ev, date);

  constructor(ctx: DataPathContext) {
    this.#ctx = ctx;
    const limits = ctx.mode === "lan" ? LAN_LIMITS : WAN_LIMITS;
    this.#udpOut = createPacketizer({ limits, send: (p) => ctx.sendUdp(p) });
    this.#specialOut = createPacketizer({
      limits,
      send: (p) => ctx.sendSpecial(p),
    });
    const input = {
      maxLatencyMs: ctx.maxLatencyMs,
      clock: ctx.clock,
      onEvent: (ev: InetEvent, date: number) => ctx.deliver(ev, date),
    };
    this.#udpIn = createInputStream(input);
    this.#tcpIn = createInputStream(input);
  }

  get lateCount(): number {
    return this.#udpIn.lateCount;
  }

  get missingCount(): number {
    return this.#udpIn.missingCount;
  }

  collect(collectionDate: number): number {
    this.#collectionDate = collectionDate;
    this.#count = 0;
    this.#udpOut.beginCollection(collectionDate);
    this.#specialOut.beginCollection(collectionDate);
    this.#ctx.takeEvents(this.#visit);
    this.#udpOut.flush();
    this.#specialOut.flush();
    return this.#count;
  }

  receive(kind: InputStreamKind, packet: MidiPacket, receivedAt: number): void {
    (kind === "udp" ? this.#udpIn : this.#tcpIn).receive(packet, receivedAt);
  }

  #append(ev: InetEvent, dateMs: number): void {
    this.#count++;
    ev.relDateMs = relativeDate(
      dateMs,
      this.#collectionDate,
      this.#ctx.groupingMs,
    );
    const isSpecial = this.#ctx.mode === "wan" && ev.port === SPECIAL_PORT;
    const out = isSpecial ? this.#specialOut : this.#udpOut;
    if (out.appendEvent(ev) === EVENT_TOO_LONG) {
      this.#ctx.log(
        `Cannot send event of type ${ev.type}: payload of ${ev.data.length}` +
          " bytes is above 65530",
      );
    }
  }
}
