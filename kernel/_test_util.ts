/**
 * Helpers shared by the kernel's tests: a seeded pseudo-random generator and small
 * builders. Private to `kernel/`.
 *
 * @module
 */

import type { LocalMidiShare, MidiEv } from "./mod.ts";

/** A deterministic generator (mulberry32); print `seed` when a test fails. */
export class Random {
  /** The starting value. */
  readonly seed: number;
  #state: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.#state = this.seed;
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

/** A seed from `MIDISHARE_SEED` or the clock, printed so a failure can be replayed. */
export function testSeed(): number {
  const canRead =
    Deno.permissions.querySync({ name: "env", variable: "MIDISHARE_SEED" })
      .state === "granted";
  const fixed = canRead ? Deno.env.get("MIDISHARE_SEED") : undefined;
  return fixed === undefined ? Date.now() >>> 0 : Number(fixed) >>> 0;
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
