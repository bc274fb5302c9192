/**
 * Helpers shared by the scheduling tests (`scheduling_*_test.ts`): the wrap
 * constants, a receive alarm that records arrivals, tagged events and a connected
 * pair of applications. Private to `kernel/`.
 *
 * @module
 */

import {
  createLocalKernel,
  type LocalMidiShare,
  type MidiEv,
  typeTempo,
} from "./mod.ts";
import { makeEv } from "./_test_util.ts";

export const TWO_31 = 2 ** 31;
export const TWO_32 = 2 ** 32;

/** One received event: the time it was taken out, its date and its tag. */
export interface Arrival {
  time: number;
  date: number;
  tag: number;
  ref: number;
}

/**
 * Installs a receive alarm on `ref` that takes every waiting event out as soon as
 * it arrives and records when; returns the record.
 */
export function record(ms: LocalMidiShare, ref: number): Arrival[] {
  const out: Arrival[] = [];
  ms.MidiSetRcvAlarm(ref, (r) => {
    for (let e = ms.MidiGetEv(r); e !== null; e = ms.MidiGetEv(r)) {
      out.push({
        time: ms.MidiGetTime(),
        date: e.date,
        tag: ms.MidiGetField(e, 0),
        ref: e.refNum,
      });
      ms.MidiFreeEv(e);
    }
  });
  return out;
}

/** An event carrying a 32-bit tag in field 0 (typeTempo). */
export function tagged(ms: LocalMidiShare, tag: number, date = 0): MidiEv {
  return makeEv(ms, typeTempo, [tag], { date });
}

/** Two applications a → b, b recording what it receives. */
export function pair(
  options: { wakeTime?: number; poolCellCount?: number } = {},
): { ms: LocalMidiShare; a: number; b: number; got: Arrival[] } {
  const ms = createLocalKernel(options);
  const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
  ms.MidiConnect(a, b, true);
  const got = record(ms, b);
  return { ms, a, b, got };
}
