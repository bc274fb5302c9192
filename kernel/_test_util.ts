/**
 * Helpers shared by the kernel's tests: a seeded pseudo-random generator, small
 * builders, and the events tests' independent model of the event tables. Private to
 * `kernel/`.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  createLocalKernel,
  type LocalKernelOptions,
  type LocalMidiShare,
  type MidiEv,
  typeKeyOn,
  typeSMPTEOffset,
} from "./mod.ts";
import { testSeed } from "../testing/random.ts";

export { Random, testSeed } from "../testing/random.ts";

/** Callback exceptions must fail the test, not vanish. */
export function rethrow(error: unknown): void {
  throw error;
}

/** An in-process kernel whose callback exceptions fail the test. */
export function newKernel(): LocalMidiShare {
  return createLocalKernel({ reportError: rethrow });
}

/** A new event with fields set, or a failed assertion. */
export function makeEv(
  ms: LocalMidiShare,
  type: number,
  fields: number[] = [],
  props: Partial<Pick<MidiEv, "date" | "port" | "chan">> = {},
): MidiEv {
  const e = ms.MidiNewEv(type);
  if (e === null) throw new Error(`MidiNewEv(${type}) returned null`);
  fields.forEach((v, i) => ms.MidiSetField(e, i, v));
  Object.assign(e, props);
  return e;
}

/** Takes every event waiting for `ref`, as plain records, freeing them. */
export function drain(
  ms: LocalMidiShare,
  ref: number,
): {
  type: number;
  date: number;
  ref: number;
  port: number;
  chan: number;
  fields: number[];
}[] {
  const out = [];
  for (let e = ms.MidiGetEv(ref); e !== null; e = ms.MidiGetEv(ref)) {
    const fields = [];
    for (let i = 0; i < ms.MidiCountFields(e); i++) {
      fields.push(ms.MidiGetField(e, i));
    }
    out.push({
      type: e.evType,
      date: e.date,
      ref: e.refNum,
      port: e.port,
      chan: e.chan,
      fields,
    });
    ms.MidiFreeEv(e);
  }
  return out;
}

// ---- Events (events_*_test.ts): an independent model of spec §2.1, §3.2, §3.3, §3.5

export const V_TYPES = [17, 18, 135, 136, 137, 138, 139, 140, 141, 148];

export const P_TYPES = [
  ...Array.from({ length: 109 }, (_, i) => 19 + i),
  128,
  129,
  255,
];

/** S-class fields as [byte offset, width in bits] (spec §3.3, §3.5). */
export const S_LAYOUT = new Map<number, [number, number][]>();
{
  const u8 = (n: number): [number, number][] =>
    Array.from({ length: n }, (_, i) => [i, 8]);
  for (const t of [1, 2, 3, 4, 7, 8, 130, 147]) S_LAYOUT.set(t, u8(2));
  for (const t of [5, 6, 9, 142, 149]) S_LAYOUT.set(t, u8(1));
  for (const t of [10, 11, 12, 13, 14, 15, 16, 143, 150]) S_LAYOUT.set(t, []);
  S_LAYOUT.set(0, [[0, 8], [1, 8], [2, 16]]);
  for (const t of [131, 132, 133]) S_LAYOUT.set(t, [[0, 16], [2, 16]]);
  S_LAYOUT.set(134, [[0, 16]]);
  S_LAYOUT.set(144, [[0, 32]]);
  S_LAYOUT.set(146, u8(4));
  S_LAYOUT.set(151, [[0, 32]]);
}

/** typeSMPTEOffset fields as [shift, width] in the 32-bit word (spec §3.3). */
export const SMPTE_BITS: [number, number][] = [
  [29, 2],
  [24, 5],
  [18, 6],
  [12, 6],
  [7, 5],
  [0, 7],
];

export const S_TYPES = [...S_LAYOUT.keys(), typeSMPTEOffset].sort((a, b) =>
  a - b
);

export function classOf(t: number): "S" | "P" | "V" | "U" {
  if (S_TYPES.includes(t)) return "S";
  if (V_TYPES.includes(t)) return "V";
  if (P_TYPES.includes(t)) return "P";
  return "U";
}

export function fieldCount(t: number): number {
  if (t === typeSMPTEOffset) return 6;
  return S_LAYOUT.get(t)?.length ?? 0;
}

/** The 4 info bytes as one little-endian word. */
export function word(bytes: number[]): number {
  return (bytes[0]! | bytes[1]! << 8 | bytes[2]! << 16 | bytes[3]! << 24) >>> 0;
}

export function setWord(bytes: number[], w: number): void {
  for (let i = 0; i < 4; i++) bytes[i] = (w >>> (8 * i)) & 0xff;
}

/** What MidiSetField must do to `bytes` for field `i` of S type `t`. */
export function modelSet(
  t: number,
  bytes: number[],
  i: number,
  v: number,
): void {
  if (t === typeSMPTEOffset) {
    const f = SMPTE_BITS[i];
    if (f === undefined) return;
    const mask = ((1 << f[1]) - 1) << f[0];
    setWord(bytes, (word(bytes) & ~mask) | ((v << f[0]) & mask));
    return;
  }
  const f = S_LAYOUT.get(t)?.[i];
  if (f === undefined) return;
  const [at, width] = f;
  for (let k = 0; k < width / 8; k++) bytes[at + k] = (v >>> (8 * k)) & 0xff;
}

/** A kernel with one open application. */
export function open(
  options: LocalKernelOptions = {},
): { ms: LocalMidiShare; ref: number } {
  const ms = createLocalKernel(options);
  const ref = ms.MidiOpen("events");
  assert.ok(ref > 0);
  return { ms, ref };
}

/** A new event, or a failed assertion. */
export function newEv(
  ms: LocalMidiShare,
  type: number,
  fields: number[] = [],
): MidiEv {
  const e = ms.MidiNewEv(type);
  assert.ok(e !== null, `MidiNewEv(${type}) returned null`);
  fields.forEach((v, i) => ms.MidiSetField(e, i, v));
  return e;
}

/** Takes cells until `left` remain free; returns the events taking them. */
export function fillPool(ms: LocalMidiShare, left: number): MidiEv[] {
  const taken: MidiEv[] = [];
  while (ms.MidiFreeSpace() > left) taken.push(newEv(ms, typeKeyOn));
  assert.equal(ms.MidiFreeSpace(), left);
  return taken;
}

/** A queued handle (spec §1.4): an event waiting in `ref`'s own FIFO. */
export function queuedEv(
  ms: LocalMidiShare,
  ref: number,
  type: number,
  fields: number[],
): MidiEv {
  ms.MidiConnect(ref, ref, true);
  ms.MidiSendIm(ref, newEv(ms, type, fields));
  ms.advance(1);
  const q = ms.MidiAvailEv(ref);
  assert.ok(q !== null, "nothing was received");
  return q;
}

/** `testSeed()` when the environment may be read, else a seed from the clock. */
export function seedForTest(): number {
  const env = Deno.permissions.querySync({
    name: "env",
    variable: "MIDISHARE_SEED",
  });
  return env.state === "granted" ? testSeed() : Date.now() >>> 0;
}
