/**
 * `@midishare/client`: MidiShare for Deno programs.
 *
 * Every call of the MidiShare API is a named export with the spec's signature
 * (`../shared/spec/api.md`): client-side calls are synchronous, server requests return
 * Promises, one-way calls return at once and take effect in call order. The first
 * request connects to the MidiShare server of this user, starting one if none runs.
 * {@link createClient} gives further independent clients; {@link createKernel} runs
 * MidiShare inside this process without a server.
 *
 * May import `kernel/` and `transport/`.
 *
 * @example Two applications exchange a note through the server
 * ```ts ignore
 * import { MidiConnect, MidiGetEv, MidiNewEv, MidiOpen, MidiSendIm,
 *   MidiSetRcvAlarm, typeKeyOn } from "./mod.ts";
 *
 * const a = await MidiOpen("a"), b = await MidiOpen("b");
 * MidiConnect(a, b, true);
 * MidiSetRcvAlarm(b, (ref) => console.log(MidiGetEv(ref)));
 * MidiSendIm(a, MidiNewEv(typeKeyOn));
 * ```
 *
 * @module
 */

export { createKernel, type Kernel, type KernelOptions } from "./local.ts";
export { createClient, defaultClient } from "./default_client.ts";
export {
  RemoteMidiShare,
  type RemoteOptions,
  type ServerStatus,
} from "./remote.ts";
export type {
  ClientRuntimeOptions,
  ClientState,
} from "@midishare/transport/client_runtime";
export * from "@midishare/kernel/api";
export {
  isMidiShareError,
  MidiShareError,
  type MidiShareErrorCode,
} from "@midishare/kernel/api";
export type {
  ApplAlarm,
  ApplyProc,
  DriverInfos,
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
} from "@midishare/kernel";

export * from "./gen/api_gen.ts";
