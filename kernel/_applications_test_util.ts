/**
 * Helpers shared by the application tests (`applications_*_test.ts`): an alarm log
 * and driver infos. Private to `kernel/`.
 *
 * @module
 */

import type { LocalMidiShare } from "./mod.ts";

/** Records the alarms of `ref` as [R, change]; a wrong refnum argument shows up too. */
export function watch(ms: LocalMidiShare, ref: number): [number, number][] {
  const log: [number, number][] = [];
  ms.MidiSetApplAlarm(ref, (r, code) => {
    if (r !== ref) log.push([-1000 - r, -1]);
    log.push([code >> 16, code & 0xffff]);
  });
  return log;
}

export function driverInfos(name: string): { name: string; version: number } {
  return { name, version: 100 };
}
