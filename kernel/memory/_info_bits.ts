/**
 * Reading and writing the fields of an S event, packed in its info word as the
 * encodings of `S_FIELDS` say: a byte, 16 bits, 32 bits signed, or a bit range.
 *
 * Runs in any thread that owns a pool. Real-time safe: no allocation, no throw.
 *
 * @module
 */

import type { CellPool } from "./cell_pool.ts";
import { F_BITS, F_I32, F_U16, F_U8 } from "./event_layout.ts";

/** The field of encoding `enc` in the info word at byte `at`, zero-extended or signed. */
export function readInfo(pool: CellPool, at: number, enc: number): number {
  const b = pool.bytes;
  const o = at + ((enc >> 4) & 0xf);
  switch (enc & 0xf) {
    case F_U8:
      return b[o]!;
    case F_U16:
      return b[o]! | (b[o + 1]! << 8);
    case F_I32:
      return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24);
    default: {
      const word = b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) |
        (b[at + 3]! << 24);
      const shift = (enc >> 8) & 0xff, width = enc >> 16;
      return (word >>> shift) & ((1 << width) - 1);
    }
  }
}

/** Writes `v`, truncated, into the field of encoding `enc` in the info word at `at`. */
export function writeInfo(
  pool: CellPool,
  at: number,
  enc: number,
  v: number,
): void {
  const b = pool.bytes;
  const o = at + ((enc >> 4) & 0xf);
  const kind = enc & 0xf;
  if (kind === F_U8) {
    b[o] = v;
  } else if (kind === F_U16) {
    b[o] = v;
    b[o + 1] = v >> 8;
  } else if (kind === F_I32) {
    b[o] = v;
    b[o + 1] = v >> 8;
    b[o + 2] = v >> 16;
    b[o + 3] = v >> 24;
  } else if (kind === F_BITS) {
    const shift = (enc >> 8) & 0xff, mask = ((1 << (enc >> 16)) - 1) << shift;
    let word = b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) |
      (b[at + 3]! << 24);
    word = (word & ~mask) | ((v << shift) & mask);
    b[at] = word;
    b[at + 1] = word >> 8;
    b[at + 2] = word >> 16;
    b[at + 3] = word >> 24;
  }
}
