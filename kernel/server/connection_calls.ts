/**
 * The connection calls of the server kernel (spec §7.6) and the monitor tap, which
 * copies what a refnum receives without changing any connection.
 *
 * Each function takes the kernel's state, then the parameters of the call it serves.
 *
 * Runs in the kernel worker, or in-process under a manual clock. Not real-time safe:
 * connection lists may grow.
 *
 * @module
 */

import { MIDIChgConnect, REFNUM_COUNT } from "../api/constants.ts";
import type { KernelState } from "./kernel_state.ts";
import { KIND_APPL } from "./refnum_table.ts";

/** Makes or breaks `src → dst` within one side; `MIDIChgConnect` on change. */
export function connect(
  s: KernelState,
  src: number,
  dst: number,
  state: boolean,
): void {
  const refs = s.refs;
  const sameSide = (refs.isApplSide(src) && refs.isApplSide(dst)) ||
    (refs.isDriverSide(src) && refs.isDriverSide(dst));
  if (!s.isAwake || !sameSide) return;
  const changed = state ? s.cnx.connect(src, dst) : s.cnx.disconnect(src, dst);
  if (changed) s.alarm(src, MIDIChgConnect);
}

/** Whether `src → dst` exists. */
export function isConnected(s: KernelState, src: number, dst: number): boolean {
  if (!s.refs.isOpen(src) || !s.refs.isOpen(dst)) return false;
  return s.cnx.isConnected(src, dst);
}

/** Starts or stops a monitor tap of `target` by application `ref` of `client`. */
export function monitorTap(
  s: KernelState,
  client: number,
  ref: number,
  target: number,
  state: boolean,
): void {
  const refs = s.refs;
  if (refs.kind[ref] !== KIND_APPL || refs.owner[ref] !== client) return;
  if (ref === target || target < 0 || target >= REFNUM_COUNT) return;
  if (state && refs.isOpen(target)) s.taps.connect(target, ref);
  else if (!state) s.taps.disconnect(target, ref);
}
