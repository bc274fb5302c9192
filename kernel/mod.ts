/**
 * The MidiShare kernel: pure TypeScript on typed arrays, driven by an outside clock.
 *
 * It holds the server side (refnums, connections, drivers and slots, the sorter and
 * the tick), the client side (cell pools, events and fields, sequences, receive FIFOs,
 * tasks, filters, alarms) and an in-process composition of both,
 * {@link createLocalKernel}, where every call of the spec is synchronous.
 *
 * May import nothing outside `kernel/`. No sockets, files, timers or console.
 *
 * @example Schedule a note in-process
 * ```ts
 * import assert from "node:assert/strict";
 * import { createLocalKernel, typeNote } from "./mod.ts";
 *
 * const ms = createLocalKernel();
 * const ref = ms.MidiOpen("demo");
 * ms.MidiConnect(ref, ref, true);
 * const note = ms.MidiNewEv(typeNote)!;
 * ms.MidiSendAt(ref, note, 5);
 * ms.advance(5);
 * assert.equal(ms.MidiCountEvs(ref), 1);
 * ```
 *
 * @module
 */

export * from "./constants.ts";
export {
  isMidiShareError,
  MIDISHARE_ERROR_CODES,
  MidiShareError,
  type MidiShareErrorCode,
} from "./errors.ts";
export type { EvHandle, HandleHost, MidiEv } from "./ev_handle.ts";
export type { ApplyProc, MidiSeq } from "./sequence.ts";
export type { FilterHandle, MidiFilter } from "./filter_handle.ts";
export type { MidiMailBox } from "./event_calls.ts";
export type { ClientInbox, MidiEvRef, ServerLink, Task } from "./appl_calls.ts";
export { ApplCalls } from "./appl_calls.ts";
export { EventCalls } from "./event_calls.ts";
export type {
  ApplAlarm,
  ApplRecord,
  CellList,
  RcvAlarm,
  TDriverOperation,
} from "./appl_record.ts";
export type { TSmpteLocation } from "./smpte.ts";
export type { SyncInfo as TSyncInfo } from "./sync.ts";
export type { SlotInfos as TSlotInfos } from "./slot_table.ts";
export {
  createServerKernel,
  type DriverInfos,
  ServerKernel,
  type ServerKernelOptions,
  type SlotRefNum,
} from "./server_kernel.ts";
export type { ClientSink } from "./client_sink.ts";
export { LocalSink } from "./local_sink.ts";
export {
  checkDirection,
  checkDriverInfos,
  checkDriverOps,
  checkSlot,
  createLocalKernel,
  type LocalClientOptions,
  LocalHub,
  type LocalHubOptions,
  type LocalKernelOptions,
  LocalMidiShare,
  type TDriverInfos,
} from "./local_kernel.ts";
export {
  ClientMemory,
  type ClientMemoryOptions,
  type Killable,
} from "./client_memory.ts";
export {
  attachCellPool,
  CELL_BYTES,
  CELL_WORDS,
  type CellPool,
  type CellPoolOptions,
  createCellPool,
  NIL,
} from "./cell_pool.ts";
