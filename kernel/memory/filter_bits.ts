/**
 * The bits of a filter (spec §6.3): 256 port bits, 256 type bits, 16 channel bits,
 * laid out as bit `n & 7` of byte `n >> 3` (the layout of `TSlotInfos.cnx` too).
 *
 * Pure functions on a `Uint8Array`, real-time safe.
 *
 * | bytes | meaning |
 * | --- | --- |
 * | 0..31 | port bits |
 * | 32..63 | type bits |
 * | 64..65 | channel bits |
 *
 * @module
 */

/** Bytes of one filter. */
export const FILTER_BYTES = 66;
/** Byte offset of the port bits. */
export const FILTER_PORTS = 0;
/** Byte offset of the type bits. */
export const FILTER_TYPES = 32;
/** Byte offset of the channel bits. */
export const FILTER_CHANS = 64;

/** Which bit set of a filter a call concerns. */
export type FilterPart = "port" | "chan" | "type";

/** Byte offset and number of entries of a part. */
export function filterPart(part: FilterPart): [offset: number, size: number] {
  if (part === "port") return [FILTER_PORTS, 256];
  if (part === "type") return [FILTER_TYPES, 256];
  return [FILTER_CHANS, 16];
}

/** Reads bit `n` of a bit set starting at `offset`. */
export function getBit(bits: Uint8Array, offset: number, n: number): boolean {
  return (bits[offset + (n >> 3)]! & (1 << (n & 7))) !== 0;
}

/** Sets or clears bit `n` of a bit set starting at `offset`. */
export function setBit(
  bits: Uint8Array,
  offset: number,
  n: number,
  state: boolean,
): void {
  const i = offset + (n >> 3);
  if (state) bits[i] = bits[i]! | (1 << (n & 7));
  else bits[i] = bits[i]! & ~(1 << (n & 7));
}

/**
 * Whether an event passes the filter at `base`: its port bit and type bit are set and,
 * for types 0..7 only, the bit of `chan & 0x0F`.
 */
export function passesFilter(
  bits: Uint8Array,
  base: number,
  port: number,
  type: number,
  chan: number,
): boolean {
  if ((bits[base + FILTER_PORTS + (port >> 3)]! & (1 << (port & 7))) === 0) {
    return false;
  }
  if ((bits[base + FILTER_TYPES + (type >> 3)]! & (1 << (type & 7))) === 0) {
    return false;
  }
  if (type > 7) return true;
  const c = chan & 0x0f;
  return (bits[base + FILTER_CHANS + (c >> 3)]! & (1 << (c & 7))) !== 0;
}
