/**
 * The driver and slot calls of the server kernel (spec §7.4, §7.5, §8.4): registering
 * and unregistering drivers, their slots, and the connections of slots to ports.
 *
 * Each function takes the kernel's state, then the parameters of the MidiShare call
 * it serves, as the spec lists them (STYLE.md §3 exception).
 *
 * Runs in the kernel worker, or in-process under a manual clock. Not real-time safe:
 * registering and naming allocate.
 *
 * @module
 */

import {
  MIDIAddSlot,
  MIDIChgSlotConnect,
  MIDIChgSlotName,
  MIDICloseDriver,
  MIDIerrIndex,
  MIDIerrRefNum,
  MIDIerrSpace,
  MIDIOpenDriver,
  MIDIRemoveSlot,
  MIDISHARE_VERSION,
  MidiShareDriverRef,
  PORT_COUNT,
} from "../api/constants.ts";
import type { DriverInfos, SlotInfos, SlotRefNum } from "../api/types.ts";
import type { KernelState } from "./kernel_state.ts";
import { KIND_DRIVER, MIDISHARE_NAME } from "./refnum_table.ts";

/**
 * Registers a driver for `client` (`MidiRegisterDriver`).
 *
 * @returns its refnum, or `MIDIerrSpace` when no refnum is free.
 */
export function registerDriver(
  s: KernelState,
  client: number,
  name: string,
  version: number,
): number {
  const refs = s.refs;
  if (!refs.hasRoom) return MIDIerrSpace;
  const ref = refs.freeDriverRef();
  if (ref < 0) return MIDIerrSpace;
  refs.take(ref, KIND_DRIVER, client, name);
  s.accounts.clearRef(ref);
  refs.version[ref] = version & 0xffff;
  if (s.isAwake) {
    s.sinks[client]?.driverWakeup(ref);
    s.alarm(ref, MIDIOpenDriver);
  }
  s.stateChanged();
  return ref;
}

/**
 * Unregisters a driver of `client` (`MidiUnregisterDriver`).
 *
 * @returns the name the driver had, or null when `ref` is no driver of `client`.
 */
export function unregisterDriver(
  s: KernelState,
  client: number,
  ref: number,
): string | null {
  const refs = s.refs;
  if (refs.kind[ref] !== KIND_DRIVER || refs.owner[ref] !== client) return null;
  const name = refs.names[ref]!;
  s.slots.removeAll(ref);
  s.forget(ref);
  if (s.isAwake) s.alarm(ref, MIDICloseDriver);
  s.stateChanged();
  return name;
}

/** The `index`-th driver, 127 first, descending, or `MIDIerrIndex`. */
export function getIndDriver(s: KernelState, index: number): number {
  let n = 0;
  for (let r = MidiShareDriverRef; r >= 0; r--) {
    if (s.refs.isDriverSide(r) && ++n === index) return r;
  }
  return MIDIerrIndex;
}

/** Name, version and slot count of a driver; null for anything else. */
export function getDriverInfos(
  s: KernelState,
  ref: number,
): DriverInfos | null {
  const refs = s.refs;
  if (!refs.isDriverSide(ref)) return null;
  if (ref === MidiShareDriverRef) {
    return { name: MIDISHARE_NAME, version: MIDISHARE_VERSION, slots: 0 };
  }
  return {
    name: refs.names[ref]!,
    version: refs.version[ref]!,
    slots: s.slots.count(ref),
  };
}

/** Adds a slot to a driver (direction 1..3) (`MidiAddSlot`). */
export function addSlot(
  s: KernelState,
  ref: number,
  name: string,
  direction: number,
): SlotRefNum {
  if (
    s.refs.kind[ref] !== KIND_DRIVER || direction < 1 || direction > 3
  ) return { drvRef: ref, slotRef: MIDIerrRefNum };
  const slot = s.slots.add(ref, name, direction);
  if (slot < 0) return { drvRef: -1, slotRef: MIDIerrSpace };
  if (s.isAwake) s.alarm(ref, MIDIAddSlot);
  return { drvRef: ref, slotRef: slot };
}

/** The `index`-th slot of a driver, ascending (`MidiGetIndSlot`). */
export function getIndSlot(
  s: KernelState,
  ref: number,
  index: number,
): SlotRefNum {
  if (s.refs.kind[ref] !== KIND_DRIVER) {
    return { drvRef: ref, slotRef: MIDIerrRefNum };
  }
  const slot = index >= 1 ? s.slots.indexed(ref, index) : -1;
  if (slot < 0) return { drvRef: -1, slotRef: MIDIerrIndex };
  return { drvRef: ref, slotRef: slot };
}

/** Removes a slot and its port connections; `MIDIRemoveSlot` while awake. */
export function removeSlot(s: KernelState, drv: number, slot: number): void {
  if (!s.isSlot(drv, slot)) return;
  s.slots.remove(drv, slot);
  if (s.isAwake) s.alarm(drv, MIDIRemoveSlot);
}

/** Renames a slot; `MIDIChgSlotName` while awake. */
export function setSlotName(
  s: KernelState,
  drv: number,
  slot: number,
  name: string,
): void {
  if (!s.isSlot(drv, slot)) return;
  s.slots.setName(drv, slot, name);
  if (s.isAwake) s.alarm(drv, MIDIChgSlotName);
}

/** Name, direction and port set of a slot, or null. */
export function getSlotInfos(
  s: KernelState,
  drv: number,
  slot: number,
): SlotInfos | null {
  return s.isSlot(drv, slot) ? s.slots.infos(drv, slot) : null;
}

/** Connects or disconnects a port and a slot; `MIDIChgSlotConnect` on change while awake. */
export function connectSlot(
  s: KernelState,
  port: number,
  drv: number,
  slot: number,
  state: boolean,
): void {
  if (port < 0 || port >= PORT_COUNT || !s.isSlot(drv, slot)) return;
  if (s.slots.connect(port, drv, slot, state) && s.isAwake) {
    s.alarm(drv, MIDIChgSlotConnect);
  }
}

/** Whether a port and a slot are connected. */
export function isSlotConnected(
  s: KernelState,
  port: number,
  drv: number,
  slot: number,
): boolean {
  if (port < 0 || port >= PORT_COUNT || !s.isSlot(drv, slot)) {
    return false;
  }
  return s.slots.isConnected(port, drv, slot);
}
