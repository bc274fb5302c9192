/**
 * Helpers shared by the task tests (`tasks_*_test.ts`): a box for task handles, a
 * kernel with one application and a task that logs its calls. Private to
 * `kernel/`.
 *
 * @module
 */

import { createLocalKernel, type LocalMidiShare, type MidiEv } from "./mod.ts";

export type Box = { value: MidiEv | null };

/** A kernel with one application. */
export function one(
  options: Parameters<typeof createLocalKernel>[0] = {},
): { ms: LocalMidiShare; a: number } {
  const ms = createLocalKernel(options);
  const a = ms.MidiOpen("a");
  return { ms, a };
}

/** A task that records `[label, date, refNum, time]` in `log`. */
export function logger(
  ms: LocalMidiShare,
  log: [string, number, number, number][],
  label: string,
): (date: number, refNum: number) => void {
  return (date: number, refNum: number) => {
    log.push([label, date, refNum, ms.MidiGetTime()]);
  };
}
