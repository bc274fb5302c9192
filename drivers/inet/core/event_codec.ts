/**
 * Encoding of one MidiShare event inside Midi packet data (spec §3.6), byte for byte,
 * on the reusable record {@link InetEvent}.
 *
 * One event on the wire: `len` (u16, bytes after this field = 5 + payload), type (u8),
 * relative date (i16), port (u8), channel (u8), payload (see `event_payload.ts`).
 *
 * Runs in the inet driver process. Real-time safe: encoding writes into the caller's
 * buffer and decoding into the caller's record; nothing allocates.
 *
 * @module
 */

import type { InetEvent } from "./inet_event.ts";
import {
  PAYLOAD_NOT_TRANSMISSIBLE,
  PAYLOAD_VARIABLE,
  payloadSize,
  readFixedPayload,
  writeFixedPayload,
} from "./event_payload.ts";
import {
  EVENT_HEADER_BYTES,
  MAX_VARIABLE_PAYLOAD_BYTES,
  MIN_EVENT_LEN,
} from "./wire_constants.ts";

/** {@link encodeEvent} status: the type is never transmitted; nothing written. */
export const EVENT_NOT_TRANSMISSIBLE = 0;
/** {@link encodeEvent} status: variable payload above 65530 bytes; drop and log. */
export const EVENT_TOO_LONG: -1 = -1;

const EMPTY = new Uint8Array(0);

/**
 * Bytes {@link encodeEvent} writes for `ev`, len field included.
 *
 * @param ev the event
 * @returns 7 + payload size; {@link EVENT_NOT_TRANSMISSIBLE} (0) for a type never
 *   sent; {@link EVENT_TOO_LONG} (−1) for a payload above 65530 bytes
 * @see spec inet.md §3.6
 */
export function encodedEventSize(ev: InetEvent): number {
  const size = payloadSize(ev.type);
  if (size === PAYLOAD_NOT_TRANSMISSIBLE) return EVENT_NOT_TRANSMISSIBLE;
  if (size !== PAYLOAD_VARIABLE) return EVENT_HEADER_BYTES + size;
  if (ev.data.length > MAX_VARIABLE_PAYLOAD_BYTES) return EVENT_TOO_LONG;
  return EVENT_HEADER_BYTES + ev.data.length;
}

/**
 * Encodes `ev` at `out[at]` (§3.6). Field values are truncated to their wire width;
 * the relative date to signed 16 bits.
 *
 * @param ev the event
 * @param out the destination
 * @param at where to write
 * @returns bytes written (7 or more); {@link EVENT_NOT_TRANSMISSIBLE} (0): the type
 *   is never sent, nothing written; {@link EVENT_TOO_LONG} (−1): variable payload
 *   above 65530 bytes, nothing written (the caller drops it and logs, D15)
 * @throws {RangeError} when `out` has no room for the event
 * @see spec inet.md §3.6
 *
 * @example KeyOn pitch 60 velocity 100, relative date 5
 * ```ts
 * import assert from "node:assert/strict";
 * import { createInetEvent, encodeEvent } from "./mod.ts";
 *
 * const ev = createInetEvent();
 * ev.type = 1;
 * ev.relDateMs = 5;
 * ev.fields.set([60, 100]);
 * const out = new Uint8Array(16);
 * assert.equal(encodeEvent(ev, out, 0), 9);
 * assert.deepEqual(out.subarray(0, 9), Uint8Array.of(0, 7, 1, 0, 5, 0, 0, 60, 100));
 * ```
 */
export function encodeEvent(
  ev: InetEvent,
  out: Uint8Array,
  at: number,
): number {
  const size = encodedEventSize(ev);
  if (size <= 0) return size;
  if (at < 0 || at + size > out.length) {
    throw new RangeError(
      `Cannot encode event of type ${ev.type}: ${size} bytes do not fit at ${at} in ${out.length}`,
    );
  }
  const len = size - 2;
  out[at] = len >> 8;
  out[at + 1] = len & 0xff;
  out[at + 2] = ev.type;
  out[at + 3] = (ev.relDateMs >> 8) & 0xff;
  out[at + 4] = ev.relDateMs & 0xff;
  out[at + 5] = ev.port;
  out[at + 6] = ev.chan;
  const p = at + EVENT_HEADER_BYTES;
  if (payloadSize(ev.type) === PAYLOAD_VARIABLE) out.set(ev.data, p);
  else writeFixedPayload(ev.type, ev.fields, out, p);
  return size;
}

/**
 * Decodes one event body, the `len` bytes that follow the len field, into `ev`.
 * Unused fields are set to 0; `ev.data` views `bytes` for variable-length types.
 *
 * @param bytes holds the body at `[start, start + length)`
 * @param ev the record to fill (left unchanged when the body is malformed)
 * @param start where the body starts (the type byte); default 0
 * @param length the body's length, `len`; default the rest of `bytes`
 * @returns true when decoded; false when malformed: `len < 5`, a type never
 *   transmitted, or a payload size other than the type's (§7.7, New)
 * @see spec inet.md §3.6, §7.7
 */
export function decodeEventBody(
  bytes: Uint8Array,
  ev: InetEvent,
  start = 0,
  length: number = bytes.length - start,
): boolean {
  if (length < MIN_EVENT_LEN || start + length > bytes.length) return false;
  const type = bytes[start]!;
  const size = payloadSize(type);
  if (size === PAYLOAD_NOT_TRANSMISSIBLE) return false;
  if (size !== PAYLOAD_VARIABLE && size !== length - MIN_EVENT_LEN) {
    return false;
  }
  ev.type = type;
  ev.relDateMs = (((bytes[start + 1]! << 8) | bytes[start + 2]!) << 16) >> 16;
  ev.port = bytes[start + 3]!;
  ev.chan = bytes[start + 4]!;
  ev.fields.fill(0);
  ev.data = EMPTY;
  const p = start + MIN_EVENT_LEN;
  if (size === PAYLOAD_VARIABLE) ev.data = bytes.subarray(p, start + length);
  else readFixedPayload(type, bytes, p, ev.fields);
  return true;
}

/**
 * Decodes the complete event that starts at `bytes[at]` into `ev`.
 *
 * @param bytes encoded events
 * @param at where the event's len field starts
 * @param ev the record to fill
 * @returns bytes consumed (2 + len) when decoded; the negated count when the event
 *   is complete but malformed (skip it); 0 when `bytes` ends before the event does
 * @see spec inet.md §3.6
 */
export function decodeEvent(
  bytes: Uint8Array,
  at: number,
  ev: InetEvent,
): number {
  if (at + 2 > bytes.length) return 0;
  const end = at + 2 + ((bytes[at]! << 8) | bytes[at + 1]!);
  if (end > bytes.length) return 0;
  const ok = decodeEventBody(bytes, ev, at + 2, end - at - 2);
  return ok ? end - at : at - end;
}
