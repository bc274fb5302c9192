/**
 * The MidiShare API's own vocabulary, shared by both halves of the kernel and by
 * every front-end: the constants of the spec (event types, error codes, alarm codes,
 * limits), the error class, the data types, wrap-safe date arithmetic, SMPTE
 * conversions and the argument validators.
 *
 * Runs anywhere: pure functions and types. May import nothing outside this folder.
 *
 * @example Check an argument the way every call does
 * ```ts
 * import assert from "node:assert/strict";
 * import { isBefore, toShort } from "./mod.ts";
 *
 * assert.equal(toShort(70000, "refNum"), 4464);
 * assert.equal(isBefore(0xffffffff, 1), true); // across the 32-bit wrap
 * ```
 *
 * @module
 */

export * from "./constants.ts";
export { addMs, dateDiff, isBefore, isDue } from "./dates.ts";
export {
  isMidiShareError,
  MIDISHARE_ERROR_CODES,
  MidiShareError,
  type MidiShareErrorCode,
} from "./errors.ts";
export {
  NETWORK_ROLES,
  type NetworkRole,
  networkRoleValue,
} from "./network_role.ts";
export { smpte2Time, time2Smpte, type TSmpteLocation } from "./smpte.ts";
export type {
  ApplAlarm,
  DriverInfos,
  RcvAlarm,
  SlotInfos,
  SlotRefNum,
  SyncInfo,
  TDriverInfos,
  TDriverOperation,
} from "./types.ts";
export {
  checkCallback,
  checkDirection,
  checkDriverInfos,
  checkDriverOps,
  checkNumber,
  checkSlot,
  checkString,
  describe,
  toBool,
  toDate,
  toLong,
  toShort,
} from "./validators.ts";
