/**
 * Helpers shared by the routing tests (`routing_*_test.ts`): kernels with open
 * applications, a filter accepting everything, queue counts, alarm logs and a
 * driver connected to 127. Private to `kernel/`.
 *
 * @module
 */

import {
  createLocalKernel,
  type LocalMidiShare,
  type MidiFilter,
  MidiShareDriverRef,
} from "./mod.ts";

/** A kernel with `n` applications of the first client. */
export function open(
  n: number,
  options: Parameters<typeof createLocalKernel>[0] = {},
): { ms: LocalMidiShare; refs: number[] } {
  const ms = createLocalKernel(options);
  const refs = Array.from({ length: n }, (_, i) => ms.MidiOpen(`app${i}`));
  return { ms, refs };
}

/** A filter accepting every port, type and channel. */
export function acceptAll(ms: LocalMidiShare): MidiFilter {
  const f = ms.MidiNewFilter();
  for (let i = 0; i < 256; i++) {
    ms.MidiAcceptPort(f, i, true);
    ms.MidiAcceptType(f, i, true);
  }
  for (let c = 0; c < 16; c++) ms.MidiAcceptChan(f, c, true);
  return f;
}

/** Counts of waiting events of each refnum. */
export function counts(ms: LocalMidiShare, refs: number[]): number[] {
  return refs.map((r) => ms.MidiCountEvs(r));
}

/** Application alarm codes received by `ref`, recorded as [ref, R, change]. */
export function listen(
  ms: LocalMidiShare,
  ref: number,
  log: [number, number, number][],
): void {
  ms.MidiSetApplAlarm(
    ref,
    (r, code) => log.push([r, code >> 16, code & 0xffff]),
  );
}

/** A driver of `ms` connected both ways to 127 at wake-up. */
export function driver(ms: LocalMidiShare, name: string): number {
  return ms.MidiRegisterDriver({ name, version: 100 }, {
    wakeup: (ref) => {
      ms.MidiConnect(ref, MidiShareDriverRef, true);
      ms.MidiConnect(MidiShareDriverRef, ref, true);
    },
  });
}
