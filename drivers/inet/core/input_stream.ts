/**
 * One input stream of one remote (spec §3.8, §7.6): the UDP stream or the TCP
 * stream of a peer. It drops duplicates, counts missing and late packets, computes
 * the reception date `C` and the shift `Δ` of each head packet, and gives every
 * completed event the local date `relative date + C + Δ`.
 *
 * New rules applied: a malformed packet leaves the state untouched; whenever the
 * parser is in its initial state (first packet, after a loss or a restart) the
 * packet's `offset` bytes are skipped, and a packet that is all continuation
 * (`offset ≥ count`) leaves it there (D13); a packet with `s ≤ L` whose date is later
 * than the last head date accepted restarts the stream (D12), unless its serial is
 * one of the last 64 counted missing: then it is a late head packet overtaken by its
 * own continuation packets, and it is dropped like any late packet (§3.8 step 1).
 *
 * Dates are unsigned 32-bit, modulo 2^32; serial comparisons use the signed 32-bit
 * difference and lateness the signed 16-bit one, as §0 and §3.8 say.
 *
 * Runs in the inet driver process. Allocation-light: nothing per event beyond the
 * parser's (see `event_parser.ts`).
 *
 * @module
 */

import { createEventParser } from "./event_parser.ts";
import type { InetEvent } from "./inet_event.ts";
import type { MidiPacket } from "./packets.ts";

/** How far below `L` a late packet is recognised as one counted missing. */
const MISSING_WINDOW = 64;

/** Receives each completed event and its local date; the record is reused. */
export type DatedEventCallback = (ev: InetEvent, dateMs: number) => void;

/** Options of {@link createInputStream}. */
export interface InputStreamOptions {
  /** The configured maximum latency `M` (ms). */
  readonly maxLatencyMs: number;
  /**
   * The remote's clock pair (§6.3), read at each head packet, so a live estimator
   * object can be passed; the offset is `initLocal − initRemote`.
   */
  readonly clock: { readonly initLocal: number; readonly initRemote: number };
  /** Where completed events go (the caller drops them while the remote is pending, D34). */
  readonly onEvent: DatedEventCallback;
}

/**
 * What {@link InputStream.receive} did with a packet:
 * - `"accepted"`: processed (serial, counters and events);
 * - `"restarted"`: taken as the first packet of a restarted stream (D12), then
 *   processed;
 * - `"duplicate"`: `s ≤ L`, dropped silently, nothing changed;
 * - `"malformed"`: count or offset invalid, dropped, nothing changed.
 */
export type InputStatus = "accepted" | "restarted" | "duplicate" | "malformed";

/** One input stream; see the module documentation. */
export interface InputStream {
  /** `L`, the serial of the last packet accepted; 0 at creation. */
  readonly lastSerial: number;
  /** Packets found missing from serial gaps. */
  readonly missingCount: number;
  /** Head packets whose lateness was above the maximum latency. */
  readonly lateCount: number;
  /** `C`, local reception date of the last head packet; 0 at creation. */
  readonly receptionDateMs: number;
  /** `Δ`, the shift of the last head packet; `M` at creation. */
  readonly delayMs: number;
  /** Lateness `lat` of the last head packet (signed 16-bit); 0 at creation. */
  readonly latenessMs: number;
  /** Events skipped as malformed by the parser. */
  readonly malformedEventCount: number;
  /** Bytes of a partial event held by the parser (at most 65535). */
  readonly bufferedBytes: number;
  /** Whether the next packet's `offset` bytes will be skipped (initial state). */
  readonly isAwaitingSync: boolean;
  /**
   * Processes one Midi packet received at local time `receivedAtMs` (§3.8 steps
   * 1 to 5), delivering its completed events before returning.
   */
  receive(packet: MidiPacket, receivedAtMs: number): InputStatus;
}

/**
 * Creates a stream with `L = 0`, `C = 0`, `Δ = M` and a fresh parser.
 *
 * @param options maximum latency, clock pair and event sink
 * @returns the stream
 * @see spec inet.md §3.8, §6.2, §6.4
 *
 * @example A KeyOn collected at 6510 by a peer whose clock is 1001 ms behind
 * ```ts
 * import assert from "node:assert/strict";
 * import { createInputStream, decodePacket } from "./mod.ts";
 *
 * const dates: number[] = [];
 * const stream = createInputStream({
 *   maxLatencyMs: 10,
 *   clock: { initLocal: 7001, initRemote: 6000 },
 *   onEvent: (_ev, dateMs) => dates.push(dateMs),
 * });
 * const packet = decodePacket(Uint8Array.of(
 *   0x10, 1, 1, 5, 0, 0, 0, 1, 0, 0, 0x19, 0x6e, 0, 9, 0, 0,
 *   0, 7, 1, 0, 0, 0, 0, 60, 100,
 * ));
 * assert.ok(packet.kind === "midi");
 * assert.equal(stream.receive(packet, 7511), "accepted");
 * assert.deepEqual(dates, [7521]);
 * ```
 */
export function createInputStream(options: InputStreamOptions): InputStream {
  return new InputStreamImpl(options);
}

class InputStreamImpl implements InputStream {
  readonly #maxLatencyMs: number;
  readonly #clock: InputStreamOptions["clock"];
  readonly #onEvent: DatedEventCallback;
  readonly #parser = createEventParser();
  readonly #deliver = (ev: InetEvent): void => {
    this.#onEvent(ev, (ev.relDateMs + this.#c + this.#delta) >>> 0);
  };
  #last = 0;
  #missing = 0;
  #late = 0;
  #c = 0;
  #delta: number;
  #lateness = 0;
  #headDate = 0;
  #hasHeadDate = false;
  #awaitingSync = true;
  // Serials counted missing among the last MISSING_WINDOW below L; 0 is never one.
  readonly #recentMissing = new Uint32Array(MISSING_WINDOW);

  constructor(options: InputStreamOptions) {
    this.#maxLatencyMs = options.maxLatencyMs;
    this.#clock = options.clock;
    this.#onEvent = options.onEvent;
    this.#delta = options.maxLatencyMs;
  }

  get lastSerial(): number {
    return this.#last;
  }
  get missingCount(): number {
    return this.#missing;
  }
  get lateCount(): number {
    return this.#late;
  }
  get receptionDateMs(): number {
    return this.#c;
  }
  get delayMs(): number {
    return this.#delta;
  }
  get latenessMs(): number {
    return this.#lateness;
  }
  get malformedEventCount(): number {
    return this.#parser.malformedCount;
  }
  get bufferedBytes(): number {
    return this.#parser.bufferedBytes;
  }
  get isAwaitingSync(): boolean {
    return this.#awaitingSync;
  }

  receive(packet: MidiPacket, receivedAtMs: number): InputStatus {
    const { count, offset } = packet;
    if (
      !Number.isInteger(count) || count < 0 || count > packet.data.length ||
      !Number.isInteger(offset) || offset < 0
    ) return "malformed";
    const s = packet.serial >>> 0;
    const d = packet.dateMs >>> 0;
    let status: InputStatus = "accepted";
    if (((s - this.#last - 1) | 0) < 0) {
      // s ≤ L: a stale duplicate, unless a newer head date shows a restart (D12).
      if (
        d === 0 || !this.#hasHeadDate || ((d - this.#headDate) | 0) <= 0 ||
        this.#wasMissing(s)
      ) return "duplicate";
      this.#last = 0;
      this.#recentMissing.fill(0);
      this.#resync();
      status = "restarted";
    }
    const gap = (s - this.#last - 1) | 0;
    if (this.#last !== 0 && gap > 0) {
      this.#missing += gap;
      for (let k = Math.min(gap, MISSING_WINDOW); k >= 1; k--) {
        const lost = (s - k) >>> 0;
        this.#recentMissing[lost % MISSING_WINDOW] = lost;
      }
      this.#resync();
    }
    this.#last = s;
    if (d !== 0) this.#head(d, receivedAtMs >>> 0);
    this.#parse(packet);
    return status;
  }

  /** Whether `s` is one of the last serials counted missing (a late packet). */
  #wasMissing(s: number): boolean {
    return ((this.#last - s) | 0) < MISSING_WINDOW &&
      this.#recentMissing[s % MISSING_WINDOW] === s;
  }

  #resync(): void {
    this.#parser.reset();
    this.#awaitingSync = true;
  }

  #head(d: number, r: number): void {
    const offset = this.#clock.initLocal - this.#clock.initRemote;
    const lat = ((r - d - offset) << 16) >> 16;
    this.#c = r;
    this.#lateness = lat;
    this.#headDate = d;
    this.#hasHeadDate = true;
    if (lat > this.#maxLatencyMs) {
      this.#late++;
      this.#delta = 0;
    } else {
      this.#delta = this.#maxLatencyMs - lat;
    }
  }

  #parse(packet: MidiPacket): void {
    let start = 0;
    if (this.#awaitingSync) {
      // All continuation: the event that began before the loss goes on after it.
      if (packet.offset >= packet.count) return;
      start = packet.offset;
      this.#awaitingSync = false;
    }
    this.#parser.parse(packet.data, start, packet.count, this.#deliver);
  }
}
