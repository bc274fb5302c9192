/**
 * The plain event record the wire core encodes and decodes (spec §3.6): one MidiShare
 * event as it travels between hosts, independent of MidiShare cells.
 *
 * Runs in the inet driver process. Real-time safe once created: one record is reused
 * for every event, so nothing allocates per event.
 *
 * @module
 */

/** Most fields any transmissible type has (SMPTEOffset). */
export const MAX_INET_FIELDS = 6;

/**
 * One event on the wire. The driver converts client events to and from it; one
 * record is reused for every event.
 */
export interface InetEvent {
  /** MidiShare event type 0..255. */
  type: number;
  /** Relative date (ms, §6.1), sent as signed 16-bit, sign-extended on receipt. */
  relDateMs: number;
  /** MidiShare port 0..255. */
  port: number;
  /** Channel byte, sent for every type as stored. */
  chan: number;
  /**
   * The fields of fixed-size types in MidiShare field order (`MidiGetField` index):
   * Note pitch, velocity, duration; Ctrl14b/NonRegParam/RegParam number, value;
   * Tempo µs per quarter; SMPTEOffset format, hours, minutes, seconds, frames,
   * hundredths; TimeSign 4 bytes; KeySign sharps (signed), mode; and so on.
   * `fieldCount(type)` tells how many are used.
   */
  readonly fields: Float64Array;
  /**
   * The payload of variable-length types (SysEx without F0/F7, Stream, texts,
   * Specific), exactly its length. After decoding it is a view of the decoder's
   * buffer, valid until the next event.
   */
  data: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/**
 * A fresh record: type 0, everything 0, no data.
 *
 * @returns a new record with {@link MAX_INET_FIELDS} zeroed fields
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createInetEvent } from "./inet_event.ts";
 *
 * const ev = createInetEvent();
 * ev.type = 1; // KeyOn
 * ev.fields.set([60, 100]);
 * assert.equal(ev.data.length, 0);
 * ```
 */
export function createInetEvent(): InetEvent {
  return {
    type: 0,
    relDateMs: 0,
    port: 0,
    chan: 0,
    fields: new Float64Array(MAX_INET_FIELDS),
    data: EMPTY,
  };
}
