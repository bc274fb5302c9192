/**
 * `@midishare/client`: MidiShare for Deno programs.
 *
 * Today it offers MidiShare inside one process ({@link createKernel}); the client of
 * the MidiShare server comes with the server.
 *
 * May import `kernel/` and `transport/`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createKernel, typeKeyOn } from "./mod.ts";
 *
 * const ms = createKernel({ clock: "manual" });
 * const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
 * ms.MidiConnect(a, b, true);
 * ms.MidiSendIm(a, ms.MidiNewEv(typeKeyOn));
 * ms.advance(1);
 * assert.equal(ms.MidiCountEvs(b), 1);
 * ```
 *
 * @module
 */

export { createKernel, type Kernel, type KernelOptions } from "./local.ts";
export * from "../kernel/constants.ts";
export {
  isMidiShareError,
  MidiShareError,
  type MidiShareErrorCode,
} from "../kernel/errors.ts";
export type {
  ApplAlarm,
  MidiEv,
  MidiEvRef,
  MidiFilter,
  MidiMailBox,
  MidiSeq,
  RcvAlarm,
  SlotRefNum,
  Task,
  TDriverInfos,
  TDriverOperation,
  TSlotInfos,
  TSmpteLocation,
  TSyncInfo,
} from "../kernel/mod.ts";
