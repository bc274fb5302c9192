/**
 * Helpers shared by the sequence tests (`sequences_*_test.ts`): a kernel with one
 * application, tagged events, a walk along a sequence's links and the run's seed.
 * Private to `kernel/`.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  createLocalKernel,
  type LocalKernelOptions,
  type LocalMidiShare,
  type MidiEv,
  type MidiSeq,
  typeKeyOn,
} from "./mod.ts";
import { testSeed } from "./_test_util.ts";

/** A kernel with one open application. */
export function open(options: LocalKernelOptions = {}): LocalMidiShare {
  const ms = createLocalKernel(options);
  assert.ok(ms.MidiOpen("sequences") > 0);
  return ms;
}

/** A new sequence, or a failed assertion. */
export function newSeq(ms: LocalMidiShare): MidiSeq {
  const s = ms.MidiNewSeq();
  assert.ok(s !== null, "MidiNewSeq returned null");
  return s;
}

/** A KeyOn dated `date` whose field 0 is `tag & 0xFF` and field 1 `tag >> 8`. */
export function tagged(ms: LocalMidiShare, date: number, tag: number): MidiEv {
  const e = ms.MidiNewEv(typeKeyOn);
  assert.ok(e !== null, "MidiNewEv returned null");
  e.date = date;
  ms.MidiSetField(e, 0, tag & 0xff);
  ms.MidiSetField(e, 1, tag >> 8);
  return e;
}

export function tagOf(ms: LocalMidiShare, e: MidiEv): number {
  return ms.MidiGetField(e, 0) | ms.MidiGetField(e, 1) << 8;
}

/** The events of `s` from `first` along the links, checking `last`. */
export function walk(s: MidiSeq): MidiEv[] {
  const out: MidiEv[] = [];
  for (let e = s.first; e !== null; e = e.link) {
    out.push(e);
    assert.ok(out.length < 100_000, "the sequence loops");
  }
  assert.equal(s.last, out.length === 0 ? null : out[out.length - 1]);
  return out;
}

/** `testSeed()` when the environment may be read, else a seed from the clock. */
export function seedForTest(): number {
  const env = Deno.permissions.querySync({
    name: "env",
    variable: "MIDISHARE_SEED",
  });
  return env.state === "granted" ? testSeed() : Date.now() >>> 0;
}
