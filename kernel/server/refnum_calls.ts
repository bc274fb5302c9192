/**
 * The calls of the server kernel that look up and configure refnums (spec §7.1,
 * §7.3): finding applications by index or name, names, filters, application alarms,
 * and network roles.
 *
 * Each function takes the kernel's state, then the parameters of the call it serves.
 *
 * Runs in the kernel worker, or in-process under a manual clock. Not real-time safe:
 * naming allocates.
 *
 * @module
 */

import {
  MIDIChgName,
  MIDIerrIndex,
  NAME_MAX_LENGTH,
  REFNUM_COUNT,
} from "../api/constants.ts";
import { NETWORK_ROLES } from "../api/network_role.ts";
import { FILTER_BYTES } from "../memory/filter_bits.ts";
import type { KernelState } from "./kernel_state.ts";
import {
  C_LOST_COPIES,
  C_TRUNCATED_FIELDS,
  R_LOST_COPIES,
} from "./server_accounts.ts";
import { cutName, KIND_APPL, KIND_DRIVER } from "./refnum_table.ts";

/** The refnum of the `index`-th application (ascending), or `MIDIerrIndex`. */
export function getIndAppl(s: KernelState, index: number): number {
  let n = 0;
  for (let r = 0; r < REFNUM_COUNT; r++) {
    if (s.refs.isApplSide(r) && ++n === index) return r;
  }
  return MIDIerrIndex;
}

/** The first refnum named `name`, applications and drivers, or `MIDIerrIndex`. */
export function getNamedAppl(s: KernelState, name: string): number {
  if (name.length > NAME_MAX_LENGTH) return MIDIerrIndex;
  for (let r = 0; r < REFNUM_COUNT; r++) {
    if (s.refs.isOpen(r) && s.refs.names[r] === name) return r;
  }
  return MIDIerrIndex;
}

/** Renames an open application or driver (not the images); `MIDIChgName`. */
export function setName(s: KernelState, ref: number, name: string): void {
  const kind = s.refs.kind[ref];
  if (kind !== KIND_APPL && kind !== KIND_DRIVER) return;
  s.refs.names[ref] = cutName(name);
  s.alarm(ref, MIDIChgName);
}

/** Installs a copy of filter bits on a refnum of `client`, or removes it (null). */
export function setFilter(
  s: KernelState,
  client: number,
  ref: number,
  bits: Uint8Array | null,
): void {
  const refs = s.refs;
  if (!refs.isOwnedBy(ref, client)) return;
  if (bits === null) {
    refs.hasFilter[ref] = 0;
  } else {
    refs.filters.set(bits.subarray(0, FILTER_BYTES), ref * FILTER_BYTES);
    refs.hasFilter[ref] = 1;
  }
}

/** Records whether a refnum of `client` has an application alarm. */
export function setApplAlarm(
  s: KernelState,
  client: number,
  ref: number,
  hasAlarm: boolean,
): void {
  if (s.refs.isOwnedBy(ref, client)) {
    s.refs.hasApplAlarm[ref] = hasAlarm ? 1 : 0;
  }
}

/** Gives an application of `client` a network role; see `SetNetworkRole`. */
export function setNetworkRole(
  s: KernelState,
  client: number,
  ref: number,
  role: number,
): void {
  if (role < 0 || role >= NETWORK_ROLES.length) return;
  if (s.refs.kind[ref] !== KIND_APPL) return;
  if (s.refs.owner[ref] !== client) return;
  s.refs.setNetworkRole(ref, role);
}

/**
 * What a client tells of its own losses, as totals since it connected: copies
 * delivered to `refNum` (one of its applications or drivers; −1 for none) that did
 * not fit its pool, such copies for all its refnums, and `MidiAddField` calls that
 * did not fit.
 */
export function reportLosses(
  s: KernelState,
  client: number,
  refNum: number,
  refLostCopies: number,
  lostCopies: number,
  truncatedFields: number,
): void {
  if (s.refs.isOwnedBy(refNum, client)) {
    s.accounts.setRef(refNum, R_LOST_COPIES, refLostCopies);
  }
  s.accounts.setClient(client, C_LOST_COPIES, lostCopies);
  s.accounts.setClient(client, C_TRUNCATED_FIELDS, truncatedFields);
}
