/**
 * What the hostile client (`_ring_intruder.ts`) writes into its request ring, case
 * by case: records that break the ring's layout, frames that break the protocol,
 * and random bytes from a seed. Private to `tests/`.
 *
 * @module
 */

import { beginCall, FRAME_KINDS } from "@midishare/transport/gen/frames_gen";
import { CALLS } from "@midishare/transport/interface";
import {
  RING_DATA_BYTES,
  RING_HEADER_BYTES,
  RING_MAX_FRAME_BYTES,
  RING_TAIL,
} from "@midishare/transport/shared_ring";
import { WireWriter } from "@midishare/transport/wire";

/** The id of call `name`. */
export function callId(name: string): number {
  return CALLS.find((c) => c.name === name)!.id;
}

/** The frame of a call (length word included), as it would be written in the ring. */
export function callFrame(
  name: string,
  seq: number,
  args: (w: WireWriter) => void,
): Uint8Array {
  const w = new WireWriter();
  const start = beginCall(w, callId(name), seq);
  args(w);
  w.endFrame(start);
  return w.bytes.slice(0, w.length);
}

/** Writes `bytes` at the start of the data area and moves the tail to `tail`. */
function writeRaw(ring: ArrayBuffer, bytes: Uint8Array, tail: number): void {
  new Uint8Array(ring, RING_HEADER_BYTES, RING_DATA_BYTES).set(bytes);
  Atomics.store(new Int32Array(ring, 0, 16), RING_TAIL / 4, tail | 0);
}

/** Writes whole frames (length words included) as ring records. */
function writeFrames(ring: ArrayBuffer, frames: Uint8Array[]): void {
  const records = new Uint8Array(RING_DATA_BYTES);
  let at = 0;
  for (const frame of frames) {
    records.set(frame, at);
    at += (frame.length + 3) & ~3;
  }
  writeRaw(ring, records, at);
}

/** Deterministic bytes (xorshift32 from `seed`). */
function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** The garbage of each hostile case: what it writes into its ring. */
export const GARBAGE: Record<
  string,
  (ring: ArrayBuffer, seed: number) => void
> = {
  "tail-unaligned": (ring) => writeRaw(ring, new Uint8Array(8), 6),
  "tail-too-far": (ring) =>
    writeRaw(ring, new Uint8Array(8), RING_DATA_BYTES + 4),
  "frame-too-long": (ring) => {
    const length = RING_MAX_FRAME_BYTES + 4;
    const record = new Uint8Array(4 + length);
    new DataView(record.buffer).setUint32(0, length, true);
    record[4] = FRAME_KINDS.call;
    writeRaw(ring, record, record.length);
  },
  // MidiSendIm whose event stops after three of its bytes.
  "malformed-call": (ring) =>
    writeFrames(ring, [
      callFrame("MidiSendIm", 0, (w) => w.raw(new Uint8Array([1, 2, 3]))),
    ]),
  // A one-way call with a reply sequence (requests take the ring, with theirs).
  "one-way-with-sequence": (ring) =>
    writeFrames(ring, [callFrame("MidiClose", 77, (w) => w.i16(1))]),
  // Random bytes, from the seed after the colon: 4 KiB of them, read as records.
  "random": (ring, seed) =>
    writeRaw(ring, randomBytes(RING_DATA_BYTES, seed), 4096),
  // Call frames of random lengths up to 64 bytes, of calls that exist, with random
  // reply sequences and arguments.
  "random-frames": (ring, seed) => {
    const bytes = randomBytes(RING_DATA_BYTES, seed);
    writeFrames(
      ring,
      Array.from({ length: 64 }, (_, i) => {
        const length = 3 + (bytes[i]! & 63);
        const frame = bytes.slice(64 + 72 * i, 64 + 72 * i + 4 + length);
        const view = new DataView(frame.buffer);
        view.setUint32(0, length, true);
        frame[4] = FRAME_KINDS.call;
        view.setUint16(5, CALLS[bytes[i]! % CALLS.length]!.id, true);
        return frame;
      }),
    );
  },
};
