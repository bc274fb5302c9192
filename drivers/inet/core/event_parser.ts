/**
 * The incremental event parser of one input stream (spec §7.7, New rules): it reads
 * `len`, then exactly `len` bytes, possibly across several packets of the same
 * stream, and decodes the event. An event with `len < 5`, a type never transmitted
 * or a payload size other than its type's is skipped and counted as malformed; the
 * parser stays in step, so later events are still decoded (D14).
 *
 * Memory is bounded: a partial event is held in a buffer of at most 65535 bytes (the
 * largest `len`), and only for valid variable-length types; anything else is skipped
 * without being stored.
 *
 * Runs in the inet driver process. Allocation-light: one reused {@link InetEvent};
 * the only allocations are the `data` view of a variable-length event and the
 * growth of the partial-event buffer.
 *
 * @module
 */

import { decodeEventBody } from "./event_codec.ts";
import {
  PAYLOAD_NOT_TRANSMISSIBLE,
  PAYLOAD_VARIABLE,
  payloadSize,
} from "./event_payload.ts";
import { createInetEvent, type InetEvent } from "./inet_event.ts";
import { MIN_EVENT_LEN } from "./wire_constants.ts";

/** Receives each decoded event; the record is reused after the call returns. */
export type EventCallback = (ev: InetEvent) => void;

/** The parser of one stream; see the module documentation. */
export interface EventParser {
  /** Whether no partial event is held: the next byte is a len byte. */
  readonly isBetweenEvents: boolean;
  /** Bytes of the current partial event held in memory (at most 65535). */
  readonly bufferedBytes: number;
  /** Events skipped as malformed since creation. */
  readonly malformedCount: number;
  /** Discards any partial event (after a loss, §3.8 step 2). */
  reset(): void;
  /**
   * Parses `bytes[start, end)`, calling `onEvent` for each completed event. An
   * exception thrown by `onEvent` propagates and leaves the rest unparsed.
   */
  parse(
    bytes: Uint8Array,
    start: number,
    end: number,
    onEvent: EventCallback,
  ): void;
}

const LEN_HI = 0, LEN_LO = 1, BODY = 2, SKIP = 3;
const MAX_LEN = 0xffff;

/**
 * Creates a parser between events, with nothing buffered.
 *
 * @returns the parser
 * @see spec inet.md §7.7
 *
 * @example An event split across two packets
 * ```ts
 * import assert from "node:assert/strict";
 * import { createEventParser } from "./mod.ts";
 *
 * const parser = createEventParser();
 * const pitches: number[] = [];
 * const keyOn = Uint8Array.of(0, 7, 1, 0, 5, 0, 0, 60, 100);
 * parser.parse(keyOn, 0, 4, (ev) => pitches.push(ev.fields[0]!));
 * parser.parse(keyOn, 4, 9, (ev) => pitches.push(ev.fields[0]!));
 * assert.deepEqual(pitches, [60]);
 * ```
 */
export function createEventParser(): EventParser {
  return new EventParserImpl();
}

class EventParserImpl implements EventParser {
  readonly #ev = createInetEvent();
  #body = new Uint8Array(64);
  #state = LEN_HI;
  #len = 0;
  #have = 0;
  #malformed = 0;

  get isBetweenEvents(): boolean {
    return this.#state === LEN_HI;
  }

  get bufferedBytes(): number {
    return this.#state === BODY ? this.#have : 0;
  }

  get malformedCount(): number {
    return this.#malformed;
  }

  reset(): void {
    this.#state = LEN_HI;
    this.#len = 0;
    this.#have = 0;
  }

  parse(
    bytes: Uint8Array,
    start: number,
    end: number,
    onEvent: EventCallback,
  ): void {
    let i = Math.max(0, start);
    const stop = Math.min(end, bytes.length);
    while (i < stop) {
      if (this.#state === LEN_HI) {
        // Whole event in this packet: decode in place, nothing copied.
        if (i + 2 <= stop) {
          const len = (bytes[i]! << 8) | bytes[i + 1]!;
          if (i + 2 + len <= stop) {
            this.#complete(bytes, i + 2, len, onEvent);
            i += 2 + len;
            continue;
          }
        }
        this.#len = bytes[i++]! << 8;
        this.#state = LEN_LO;
      } else if (this.#state === LEN_LO) {
        this.#len |= bytes[i++]!;
        this.#startBody();
      } else if (this.#state === SKIP) {
        const n = Math.min(stop - i, this.#len - this.#have);
        i += n;
        this.#have += n;
        if (this.#have === this.#len) this.#state = LEN_HI;
      } else {
        if (this.#have === 0 && !isPlausible(bytes[i]!, this.#len)) {
          this.#skip();
          continue;
        }
        const n = Math.min(stop - i, this.#len - this.#have);
        this.#body.set(bytes.subarray(i, i + n), this.#have);
        i += n;
        this.#have += n;
        if (this.#have === this.#len) {
          this.#state = LEN_HI;
          this.#complete(this.#body, 0, this.#len, onEvent);
        }
      }
    }
  }

  #startBody(): void {
    this.#have = 0;
    if (this.#len < MIN_EVENT_LEN) {
      this.#skip();
      if (this.#len === 0) this.#state = LEN_HI;
      return;
    }
    if (this.#body.length < this.#len) {
      const grown = Math.min(MAX_LEN, 2 * this.#body.length);
      this.#body = new Uint8Array(Math.max(this.#len, grown));
    }
    this.#state = BODY;
  }

  #skip(): void {
    this.#malformed++;
    this.#state = SKIP;
  }

  #complete(
    bytes: Uint8Array,
    at: number,
    len: number,
    onEvent: EventCallback,
  ): void {
    if (decodeEventBody(bytes, this.#ev, at, len)) onEvent(this.#ev);
    else this.#malformed++;
  }
}

/** Whether an event of `type` may have this `len` (§7.7, New). */
function isPlausible(type: number, len: number): boolean {
  const size = payloadSize(type);
  if (size === PAYLOAD_NOT_TRANSMISSIBLE) return false;
  return size === PAYLOAD_VARIABLE || size === len - MIN_EVENT_LEN;
}
