/**
 * The payload layout of each MidiShare event type on the wire (spec §3.6): its size,
 * and how the fixed-size fields are laid out. Fields follow the MidiShare field
 * order, big-endian, except the 14-bit types (value first) and SMPTEOffset (the
 * packed word, little-endian, bit 31 sent as 0 and ignored on receipt, D28).
 *
 * Runs in the inet driver process. Real-time safe: tables built once at load.
 *
 * @module
 */

import {
  typeChanPrefix,
  typeCtrl14b,
  typeCuePoint,
  typeEndTrack,
  typeKeySign,
  typeNote,
  typeQuarterFrame,
  typeRegParam,
  typeReset,
  typeSeqNum,
  typeSMPTEOffset,
  typeSpecific,
  typeStream,
  typeSysEx,
  typeTempo,
  typeTextual,
  typeTimeSign,
} from "@midishare/kernel/constants";
import { MAX_INET_FIELDS } from "./inet_event.ts";

/** {@link payloadSize} of a type that is never transmitted. */
export const PAYLOAD_NOT_TRANSMISSIBLE: -1 = -1;
/** {@link payloadSize} of a variable-length type (SysEx, Stream, texts, Specific). */
export const PAYLOAD_VARIABLE: -2 = -2;

// Wire field kinds: byte width in the low bits, SIGNED when sign-extended on receipt.
const U8 = 1, U16 = 2, U32 = 4, SIGNED = 0x10;
const I8 = U8 | SIGNED, I16 = U16 | SIGNED;

/** For each type, the wire fields in wire order as `[fieldIndex, kind]` pairs. */
const WIRE: readonly (readonly number[])[] = buildWire();

function buildWire(): number[][] {
  const table: number[][] = Array.from({ length: 256 }, () => []);
  for (const t of [1, 2, 3, 4, 7, 8, typeQuarterFrame]) {
    table[t] = [0, U8, 1, U8];
  }
  for (const t of [5, 6, 9, typeChanPrefix]) table[t] = [0, U8];
  table[typeNote] = [0, U8, 1, U8, 2, U16];
  // 14-bit types: value (field 1) before the number (field 0).
  for (let t = typeCtrl14b; t <= typeRegParam; t++) table[t] = [1, I16, 0, I16];
  table[typeSeqNum] = [0, U16];
  table[typeTempo] = [0, U32];
  table[typeTimeSign] = [0, U8, 1, U8, 2, U8, 3, U8];
  table[typeKeySign] = [0, I8, 1, U8];
  return table;
}

const PAYLOAD: Int8Array = buildPayload();

function buildPayload(): Int8Array {
  const size = new Int8Array(256).fill(PAYLOAD_NOT_TRANSMISSIBLE);
  for (let t = 0; t < 256; t++) {
    const wire = WIRE[t]!;
    let bytes = 0;
    for (let i = 1; i < wire.length; i += 2) bytes += wire[i]! & 0xf;
    if (bytes > 0) size[t] = bytes;
  }
  for (let t = 10; t <= typeReset; t++) size[t] = 0;
  size[typeEndTrack] = 0;
  size[typeSMPTEOffset] = 4;
  size[typeSysEx] = size[typeStream] = size[typeSpecific] = PAYLOAD_VARIABLE;
  for (let t = typeTextual; t <= typeCuePoint; t++) size[t] = PAYLOAD_VARIABLE;
  return size;
}

/**
 * The payload size of `type` on the wire (§3.6).
 *
 * @param type a MidiShare event type 0..255
 * @returns the fixed size in bytes (0 to 4); {@link PAYLOAD_VARIABLE} for SysEx,
 *   Stream, Textual..CuePoint and Specific; {@link PAYLOAD_NOT_TRANSMISSIBLE} for
 *   19..129, 149..255 and anything outside 0..255
 * @see spec inet.md §3.6
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PAYLOAD_VARIABLE, payloadSize } from "./event_payload.ts";
 *
 * assert.equal(payloadSize(0), 4); // Note
 * assert.equal(payloadSize(17), PAYLOAD_VARIABLE); // SysEx
 * ```
 */
export function payloadSize(type: number): number {
  return PAYLOAD[type] ?? PAYLOAD_NOT_TRANSMISSIBLE;
}

/**
 * How many entries of `InetEvent.fields` `type` uses.
 *
 * @param type a MidiShare event type
 * @returns 0 to 6; 0 for variable-length and non-transmissible types
 */
export function fieldCount(type: number): number {
  if (type === typeSMPTEOffset) return MAX_INET_FIELDS;
  return (WIRE[type]?.length ?? 0) / 2;
}

/**
 * Writes the fixed-size payload of `type` from `fields` at `out[p]`; values are
 * truncated to their wire width.
 *
 * @param type a type whose {@link payloadSize} is 0 to 4
 * @param fields the fields in MidiShare order
 * @param out the destination, with room for the payload
 * @param p where the payload starts
 * @returns nothing
 */
export function writeFixedPayload(
  type: number,
  fields: Float64Array,
  out: Uint8Array,
  p: number,
): void {
  if (type === typeSMPTEOffset) {
    const word = packSmpte(fields);
    for (let b = 0; b < 4; b++) out[p + b] = (word >>> (8 * b)) & 0xff;
    return;
  }
  const wire = WIRE[type] ?? [];
  for (let i = 0; i < wire.length; i += 2) {
    const v = fields[wire[i]!]! >>> 0;
    const width = wire[i + 1]! & 0xf;
    for (let b = width - 1; b >= 0; b--) out[p++] = (v >>> (8 * b)) & 0xff;
  }
}

/**
 * Reads the fixed-size payload of `type` at `body[p]` into `fields`, sign-extending
 * the signed ones (14-bit values and numbers, KeySign sharps).
 *
 * @param type a type whose {@link payloadSize} is 0 to 4
 * @param body the bytes, holding the whole payload from `p`
 * @param p where the payload starts
 * @param fields the destination, in MidiShare order
 * @returns nothing
 */
export function readFixedPayload(
  type: number,
  body: Uint8Array,
  p: number,
  fields: Float64Array,
): void {
  if (type === typeSMPTEOffset) {
    const word = body[p]! | (body[p + 1]! << 8) | (body[p + 2]! << 16) |
      (body[p + 3]! << 24);
    unpackSmpte(word, fields);
    return;
  }
  const wire = WIRE[type] ?? [];
  for (let i = 0; i < wire.length; i += 2) {
    const kind = wire[i + 1]!;
    const width = kind & 0xf;
    let v = 0;
    for (let b = 0; b < width; b++) v = v * 256 + body[p++]!;
    if ((kind & SIGNED) !== 0) v = (v << (32 - 8 * width)) >> (32 - 8 * width);
    fields[wire[i]!] = v;
  }
}

// SMPTEOffset word (api.md §3.3): hundredths bits 0..6, frames 7..11, seconds
// 12..17, minutes 18..23, hours 24..28, format 29..30; fields in MidiShare order
// format, hours, minutes, seconds, frames, hundredths.
const SMPTE_SHIFT = [29, 24, 18, 12, 7, 0];
const SMPTE_WIDTH = [2, 5, 6, 6, 5, 7];

function packSmpte(fields: Float64Array): number {
  let word = 0;
  for (let i = 0; i < MAX_INET_FIELDS; i++) {
    const mask = (1 << SMPTE_WIDTH[i]!) - 1;
    word |= ((fields[i]! >>> 0) & mask) << SMPTE_SHIFT[i]!;
  }
  return word >>> 0; // bit 31 is never set: format has 2 bits
}

function unpackSmpte(word: number, fields: Float64Array): void {
  for (let i = 0; i < MAX_INET_FIELDS; i++) {
    fields[i] = (word >>> SMPTE_SHIFT[i]!) & ((1 << SMPTE_WIDTH[i]!) - 1);
  }
}
