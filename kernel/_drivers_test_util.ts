/**
 * Helpers shared by the driver tests (`drivers_*_test.ts`): driver infos, an alarm
 * log, a driver connected to 127, received events as strings and slot refnums.
 * Private to `kernel/`.
 *
 * @module
 */

import type { LocalMidiShare, SlotRefNum, TDriverInfos } from "./mod.ts";
import { drain } from "./_test_util.ts";

export function infos(name: string, version = 100): TDriverInfos {
  return { name, version };
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

/** A driver that connects itself both ways with 127 at every wake-up. */
export function connectedDriver(ms: LocalMidiShare, name: string): number {
  return ms.MidiRegisterDriver(infos(name), {
    wakeup: (r) => {
      ms.MidiConnect(r, 127, true);
      ms.MidiConnect(127, r, true);
    },
  });
}

/** The received events as "port/refNum" strings, sorted. */
export function received(ms: LocalMidiShare, ref: number): string[] {
  return drain(ms, ref).map((e) => `${e.port}/${e.ref}`).sort();
}

export function slot(drvRef: number, slotRef: number): SlotRefNum {
  return { drvRef, slotRef };
}
