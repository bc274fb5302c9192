/**
 * `@midishare/client`: MidiShare for Deno programs.
 *
 * Every call of the MidiShare API is a named export under its original name, with
 * its parameters and documentation: calls answered by the client's own state are
 * synchronous, server requests return Promises, one-way calls return at once and
 * take effect in call order. The first request connects to the MidiShare server of
 * this user, starting one if none runs; a program ends by itself once its
 * applications are closed and nothing waits. {@link createClient} gives further
 * independent clients; {@link createKernel} runs MidiShare inside this process
 * without a server, with the same calls, all synchronous.
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

export {
  createKernel,
  type Kernel,
  type KernelClient,
  type KernelOptions,
} from "./local.ts";
export { createClient, defaultClient } from "./default_client.ts";
export type { MidiShareClient, RemoteOptions, ServerStatus } from "./remote.ts";
export type {
  ClientRuntimeOptions,
  ClientState,
} from "@midishare/transport/client_runtime";
export * from "@midishare/kernel/constants";
export { addMs, dateDiff, isBefore, isDue } from "@midishare/kernel/api";
export { NETWORK_ROLES, type NetworkRole } from "@midishare/kernel/api";
export {
  isMidiShareError,
  MIDISHARE_ERROR_CODES,
  MidiShareError,
  type MidiShareErrorCode,
} from "@midishare/kernel/api";
export type {
  Answer,
  ApplAlarm,
  ApplyProc,
  ClientLosses,
  ClientMemoryOptions,
  DriverInfos,
  LocalClientOptions,
  LocalKernelOptions,
  MidiEv,
  MidiEvRef,
  MidiFilter,
  MidiMailBox,
  MidiSeq,
  MidiShareCalls,
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
