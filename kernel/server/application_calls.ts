/**
 * Opening and closing applications on the server side (spec §4, §7.2): the first open
 * wakes MidiShare up, closing the last puts it to sleep.
 *
 * Runs in the kernel worker, or in-process under a manual clock. Not real-time safe:
 * opening allocates the name.
 *
 * @module
 */

import { MIDICloseAppl, MIDIerrSpace, MIDIOpenAppl } from "../api/constants.ts";
import type { KernelState } from "./kernel_state.ts";
import { KIND_APPL } from "./refnum_table.ts";

/**
 * Opens an application named `name` for `client` (`MidiOpen`).
 *
 * @returns its refnum, or `MIDIerrSpace` when no refnum is free.
 */
export function openApplication(
  s: KernelState,
  client: number,
  name: string,
): number {
  const refs = s.refs;
  if (!s.isAwake) {
    // Waking adds both images; refuse before waking when even that leaves no room.
    if (refs.applCount + refs.driverCount + 2 >= 126) return MIDIerrSpace;
    s.wakeUp();
  }
  if (!refs.hasRoom) return MIDIerrSpace;
  const ref = refs.freeApplRef();
  if (ref < 0) return MIDIerrSpace;
  refs.take(ref, KIND_APPL, client, name);
  s.accounts.clearRef(ref);
  s.alarm(ref, MIDIOpenAppl);
  s.stateChanged();
  return ref;
}

/**
 * Closes application `ref` of `client` (`MidiClose`); the last one puts MidiShare to
 * sleep.
 *
 * @returns the name the application had, or null when `ref` is no application of
 *   `client`.
 */
export function closeApplication(
  s: KernelState,
  client: number,
  ref: number,
): string | null {
  const refs = s.refs;
  if (refs.kind[ref] !== KIND_APPL || refs.owner[ref] !== client) return null;
  const name = refs.names[ref]!;
  s.forget(ref);
  if (refs.applCount === 1) {
    s.sleep();
  } else {
    s.alarm(ref, MIDICloseAppl);
  }
  s.stateChanged();
  return name;
}
