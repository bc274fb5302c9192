/**
 * One output stream of one remote (spec §3.7): the UDP stream to the peer, or the
 * special stream for port-255 events. It cuts the encoded events of each collection
 * into Midi packets exactly like the original, so packet boundaries match.
 *
 * Rules reproduced: serial counter from 0, +1 per packet sent (first packet 1); at
 * each collection start, packet date := t (0 becomes 1, D33) and offset := 0; bytes
 * appended one by one, and when the buffer already holds the maximum count before a
 * byte, the packet is flushed, the date becomes 0 (continuation), the offset 0, and
 * every further byte of the same event counts in the offset; at the end of the
 * collection the non-empty buffer is flushed.
 *
 * Runs in the inet driver process. Allocation-light: events are encoded into a
 * reused scratch buffer and copied in blocks; each packet sent is one new array,
 * handed over to the sink (a socket may keep it until the send completes).
 *
 * @module
 */

import { encodedEventSize, encodeEvent } from "./event_codec.ts";
import type { InetEvent } from "./inet_event.ts";
import { writeMidiHeader } from "./packet_encoder.ts";
import {
  LAN_LIMITS,
  MIDI_HEADER_BYTES,
  type WireLimits,
} from "./wire_constants.ts";

/** Receives each finished packet; the packet is the sink's to keep. */
export type PacketSink = (packet: Uint8Array) => void;

/** Options of {@link createPacketizer}. */
export interface PacketizerOptions {
  /** Size limits: {@link LAN_LIMITS} (the default) or `WAN_LIMITS`. */
  readonly limits?: WireLimits;
  /** Where finished packets go. */
  readonly send: PacketSink;
}

/** One output stream; see the module documentation. */
export interface Packetizer {
  /** Serial of the last packet sent; 0 before the first. */
  readonly serial: number;
  /** Data bytes waiting in the current packet. */
  readonly bufferedBytes: number;
  /** The limits in force. */
  readonly limits: WireLimits;
  /**
   * Starts a collection at date `dateMs` (§3.7 step 1): the next packet carries
   * that date (1 if it is 0) and offset 0.
   */
  beginCollection(dateMs: number): void;
  /**
   * Encodes `ev` and appends its bytes (§3.7 step 2), sending the packets that fill.
   * Returns the bytes appended; 0 (`EVENT_NOT_TRANSMISSIBLE`) when the type is
   * never sent; −1 (`EVENT_TOO_LONG`) for a payload above 65530 bytes, which the
   * caller drops and logs (D15). Nothing is appended in those two cases.
   */
  appendEvent(ev: InetEvent): number;
  /** Appends the bytes of one already encoded event (§3.7 step 2). */
  appendEncoded(bytes: Uint8Array): void;
  /** Ends the collection: sends the current packet if it holds data (steps 3, 4). */
  flush(): void;
}

/**
 * Creates an output stream with serial 0 and an empty buffer. A remote created anew
 * gets new streams, so its serials start again at 1.
 *
 * @param options limits and packet sink
 * @returns the stream
 * @see spec inet.md §3.7
 *
 * @example A KeyOn collected at 5000, first packet of the stream
 * ```ts
 * import assert from "node:assert/strict";
 * import { createInetEvent, createPacketizer } from "./mod.ts";
 *
 * const sent: Uint8Array[] = [];
 * const stream = createPacketizer({ send: (p) => sent.push(p) });
 * const ev = createInetEvent();
 * ev.type = 1;
 * ev.relDateMs = 5;
 * ev.fields.set([60, 100]);
 * stream.beginCollection(5000);
 * stream.appendEvent(ev);
 * stream.flush();
 * assert.deepEqual(sent[0]!.subarray(0, 16), Uint8Array.of(
 *   0x10, 1, 1, 5, 0, 0, 0, 1, 0, 0, 0x13, 0x88, 0, 9, 0, 0,
 * ));
 * ```
 */
export function createPacketizer(options: PacketizerOptions): Packetizer {
  return new PacketizerImpl(options.limits ?? LAN_LIMITS, options.send);
}

class PacketizerImpl implements Packetizer {
  readonly limits: WireLimits;
  readonly #send: PacketSink;
  readonly #buffer: Uint8Array;
  #scratch = new Uint8Array(256);
  #serial = 0;
  #count = 0;
  #dateMs = 0;
  #offset = 0;

  constructor(limits: WireLimits, send: PacketSink) {
    this.limits = limits;
    this.#send = send;
    this.#buffer = new Uint8Array(MIDI_HEADER_BYTES + limits.maxCount);
  }

  get serial(): number {
    return this.#serial;
  }

  get bufferedBytes(): number {
    return this.#count;
  }

  beginCollection(dateMs: number): void {
    const t = dateMs >>> 0;
    this.#dateMs = t === 0 ? 1 : t;
    this.#offset = 0;
  }

  appendEvent(ev: InetEvent): number {
    const size = encodedEventSize(ev);
    if (size <= 0) return size;
    if (this.#scratch.length < size) {
      this.#scratch = new Uint8Array(Math.max(size, 2 * this.#scratch.length));
    }
    encodeEvent(ev, this.#scratch, 0);
    this.#append(this.#scratch, size);
    return size;
  }

  appendEncoded(bytes: Uint8Array): void {
    this.#append(bytes, bytes.length);
  }

  flush(): void {
    if (this.#count > 0) this.#sendPacket();
  }

  #append(source: Uint8Array, length: number): void {
    const max = this.limits.maxCount;
    let continued = false;
    for (let i = 0; i < length;) {
      if (this.#count >= max) {
        this.#sendPacket();
        this.#dateMs = 0;
        this.#offset = 0;
        continued = true;
      }
      const n = Math.min(length - i, max - this.#count);
      this.#buffer.set(
        source.subarray(i, i + n),
        MIDI_HEADER_BYTES + this.#count,
      );
      this.#count += n;
      i += n;
      if (continued) this.#offset += n;
    }
  }

  #sendPacket(): void {
    this.#serial = (this.#serial + 1) >>> 0;
    writeMidiHeader(this.#buffer, {
      serial: this.#serial,
      dateMs: this.#dateMs,
      count: this.#count,
      offset: this.#offset,
    });
    const packet = this.#buffer.slice(0, MIDI_HEADER_BYTES + this.#count);
    this.#count = 0;
    this.#send(packet);
  }
}
