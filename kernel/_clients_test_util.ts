/**
 * Helpers shared by the client tests (`clients_*_test.ts`): a kernel with two
 * in-process clients and a sorted alarm log. Private to `kernel/`.
 *
 * @module
 */

import { createLocalKernel, type LocalMidiShare } from "./mod.ts";
import { rethrow } from "./_test_util.ts";

export function twoClients(): { ms: LocalMidiShare; other: LocalMidiShare } {
  const ms = createLocalKernel({ reportError: rethrow });
  return { ms, other: ms.connectClient({ reportError: rethrow }) };
}

/** Records the alarms of `ref` as [R, change]. */
export function watch(ms: LocalMidiShare, ref: number): [number, number][] {
  const log: [number, number][] = [];
  ms.MidiSetApplAlarm(ref, (r, code) => {
    if (r !== ref) log.push([-1000 - r, -1]);
    log.push([code >> 16, code & 0xffff]);
  });
  return log;
}

export function sorted(log: [number, number][]): [number, number][] {
  return [...log].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
}
