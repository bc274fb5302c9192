/**
 * Where each part of an event lives in its cells, and the per-type tables of spec §2.1
 * and §3.3 (storage class, field count, field encoding).
 *
 * Pure data, usable from any thread.
 *
 * Header cell of every event (word offsets from the cell's first word):
 *
 * | word | bytes | meaning |
 * | --- | --- | --- |
 * | 0 | 0..3 | link (free list, receive FIFO, scheduler) |
 * | 1 | 4..7 | date (unsigned 32 bits) |
 * | 2 | 8 | evType |
 * | 2 | 9 | refNum |
 * | 2 | 10 | port |
 * | 2 | 11 | chan |
 * | 3 | 12..15 | S class: the 4 info bytes b0..b3; P and V: first extension cell |
 * | 4 | 16..19 | V class: byte count |
 * | 5 | 20..23 | V class: last extension cell |
 * | 6, 7 | 24..31 | free for the pool's owner (scheduler order, task bookkeeping) |
 *
 * Byte offsets assume a little-endian host (every platform Deno runs on): byte 8 is the
 * low byte of word 2. Nothing here crosses a process as raw memory; the wire format
 * has its own explicit byte order.
 *
 * Extension cells keep their link in word 0. A P event has one extension cell whose
 * words 1..4 are its four 32-bit slots. A V event has a chain of extension cells, each
 * holding 12 data bytes at bytes 4..15; the chain has `1 + ⌊count / 12⌋` cells so that
 * an event costs `2 + ⌊count / 12⌋` cells as in spec §3.2.
 *
 * @module
 */

/** Word of the link. */
export const W_LINK = 0;
/** Word of the date. */
export const W_DATE = 1;
/** Word holding evType, refNum, port and chan (one byte each). */
export const W_COMMON = 2;
/** Word of the info bytes (S) or first extension cell (P, V). */
export const W_INFO = 3;
/** Word of the byte count of a V event. */
export const W_COUNT = 4;
/** Word of the last extension cell of a V event. */
export const W_LAST = 5;
/** First word free for the pool's owner. */
export const W_AUX1 = 6;
/** Second word free for the pool's owner. */
export const W_AUX2 = 7;
/** Byte offset of evType within a cell. */
export const B_TYPE = 8;
/** Byte offset of refNum within a cell. */
export const B_REFNUM = 9;
/** Byte offset of port within a cell. */
export const B_PORT = 10;
/** Byte offset of chan within a cell. */
export const B_CHAN = 11;
/** Byte offset of info byte b0 within a cell. */
export const B_INFO = 12;
/** Byte offset of the first data byte within a V extension cell. */
export const B_EXT_DATA = 4;
/** Data bytes per V extension cell. */
export const EXT_DATA_BYTES = 12;

/** Storage class: not allocatable (152..254). */
export const CLASS_U = 0;
/** Storage class: small, 4 info bytes, 1 cell. */
export const CLASS_S = 1;
/** Storage class: 4 slots of 32 bits, 2 cells. */
export const CLASS_P = 2;
/** Storage class: variable-length byte string, 2 + ⌊n/12⌋ cells. */
export const CLASS_V = 3;

/** Field encoding kinds of S-class events, packed in {@link S_FIELDS}. */
export const F_U8 = 1;
/** Unsigned 16 bits, little endian. */
export const F_U16 = 2;
/** Signed 32 bits, little endian. */
export const F_I32 = 3;
/** A bit field of the 32-bit info word (SMPTE offset). */
export const F_BITS = 4;

/** Storage class of each type 0..255. */
export const EVENT_CLASS: Uint8Array = buildClasses();

/**
 * Field encodings of each S-class type: `kind | byte << 4 | shift << 8 | width << 16`.
 * Empty for the types without fields.
 */
export const S_FIELDS: readonly (readonly number[])[] = buildSFields();

/** Packs one field encoding. */
function field(kind: number, byte: number, shift = 0, width = 0): number {
  return kind | (byte << 4) | (shift << 8) | (width << 16);
}

function buildClasses(): Uint8Array {
  const classes = new Uint8Array(256);
  for (let t = 0; t < 256; t++) {
    if (t <= 16 || (t >= 130 && t <= 134) || (t >= 142 && t <= 147)) {
      classes[t] = CLASS_S;
    } else if (t >= 149 && t <= 151) classes[t] = CLASS_S;
    else if (t === 17 || t === 18 || (t >= 135 && t <= 141) || t === 148) {
      classes[t] = CLASS_V;
    } else if (t <= 129 || t === 255) classes[t] = CLASS_P;
    else classes[t] = CLASS_U;
  }
  return classes;
}

function buildSFields(): number[][] {
  const table: number[][] = Array.from({ length: 256 }, () => []);
  const u8 = (n: number) => Array.from({ length: n }, (_, i) => field(F_U8, i));
  for (const t of [1, 2, 3, 4, 7, 8, 130, 147]) table[t] = u8(2);
  for (const t of [5, 6, 9, 142, 149]) table[t] = u8(1);
  table[146] = u8(4);
  table[0] = [field(F_U8, 0), field(F_U8, 1), field(F_U16, 2)];
  for (const t of [131, 132, 133]) {
    table[t] = [field(F_U16, 0), field(F_U16, 2)];
  }
  table[134] = [field(F_U16, 0)];
  table[144] = [field(F_I32, 0)];
  table[151] = [field(F_I32, 0)];
  // typeSMPTEOffset: format, hours, minutes, seconds, frames, hundredths (spec §3.3).
  table[145] = [
    field(F_BITS, 0, 29, 2),
    field(F_BITS, 0, 24, 5),
    field(F_BITS, 0, 18, 6),
    field(F_BITS, 0, 12, 6),
    field(F_BITS, 0, 7, 5),
    field(F_BITS, 0, 0, 7),
  ];
  return table;
}

/** Cells taken by a V event of `count` bytes (spec §3.6). */
export function variableCellCount(count: number): number {
  return 2 + Math.floor(count / EXT_DATA_BYTES);
}
