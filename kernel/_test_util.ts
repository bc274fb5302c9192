/**
 * Helpers shared by the kernel's tests: a seeded pseudo-random generator and small
 * builders. Private to `kernel/`.
 *
 * @module
 */

import { createLocalKernel, type LocalMidiShare, type MidiEv } from "./mod.ts";

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
