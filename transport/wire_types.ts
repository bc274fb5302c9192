/**
 * Wire forms of the structured results of the interface (see `interface.ts`), used by
 * the generated stubs on both sides.
 *
 * Not real-time safe: results are objects.
 *
 * @module
 */

import type {
  DriverInfos,
  SlotInfos as TSlotInfos,
  SlotRefNum,
  SyncInfo as TSyncInfo,
} from "@midishare/kernel/api";
import type { WireReader, WireWriter } from "./wire.ts";

/** Bytes of a filter on the wire. */
export const FILTER_WIRE_BYTES = 66;

/** Writes a filter or null. */
export function writeFilter(w: WireWriter, bits: Uint8Array | null): void {
  w.bool(bits !== null);
  if (bits !== null) w.raw(bits.subarray(0, FILTER_WIRE_BYTES));
}

/** Reads a filter or null. */
export function readFilter(r: WireReader): Uint8Array | null {
  return r.bool() ? r.raw(FILTER_WIRE_BYTES) : null;
}

/** Writes a slot reference. */
export function writeSlot(w: WireWriter, slot: SlotRefNum): void {
  w.i16(slot.drvRef);
  w.i16(slot.slotRef);
}

/** Reads a slot reference. */
export function readSlot(r: WireReader): SlotRefNum {
  const drvRef = r.i16();
  return { drvRef, slotRef: r.i16() };
}

/** Writes driver infos or null. */
export function writeDriverInfos(w: WireWriter, v: DriverInfos | null): void {
  w.bool(v !== null);
  if (v === null) return;
  w.str(v.name);
  w.i16(v.version);
  w.i16(v.slots);
}

/** Reads driver infos or null. */
export function readDriverInfos(r: WireReader): DriverInfos | null {
  if (!r.bool()) return null;
  const name = r.str();
  const version = r.i16() & 0xffff;
  return { name, version, slots: r.i16() };
}

/** Writes slot infos or null. */
export function writeSlotInfos(w: WireWriter, v: TSlotInfos | null): void {
  w.bool(v !== null);
  if (v === null) return;
  w.str(v.name);
  w.u8(v.direction);
  w.raw(v.cnx.subarray(0, 32));
}

/** Reads slot infos or null. */
export function readSlotInfos(r: WireReader): TSlotInfos | null {
  if (!r.bool()) return null;
  const name = r.str();
  const direction = r.u8();
  return { name, direction, cnx: r.raw(32) };
}

const SYNC_FIELDS = [
  "time",
  "reenter",
  "syncMode",
  "syncLocked",
  "syncPort",
  "syncStart",
  "syncStop",
  "syncOffset",
  "syncSpeed",
  "syncBreaks",
  "syncFormat",
] as const;

/** Dates among the sync fields, read back unsigned. */
const SYNC_DATES = new Set(["time", "syncStart", "syncStop", "syncOffset"]);

/** Writes a sync info block. */
export function writeSyncInfo(w: WireWriter, v: TSyncInfo): void {
  for (const key of SYNC_FIELDS) w.i32(v[key] | 0);
}

/** Reads a sync info block. */
export function readSyncInfo(r: WireReader): TSyncInfo {
  const out: Record<string, number> = {};
  for (const key of SYNC_FIELDS) {
    const v = r.i32();
    out[key] = SYNC_DATES.has(key) ? v >>> 0 : v;
  }
  return out as unknown as TSyncInfo;
}
