/**
 * The client half of the kernel: what runs inside each MidiShare program. Its own
 * cell pool and event handles, fields, sequences, filters, receive FIFOs, alarms,
 * tasks and DTasks, mail boxes, and the inbox where the server's notifications
 * arrive. The server is reached through a {@link ServerLink}: a socket in a client
 * process, direct calls in the in-process composition.
 *
 * Runs on the client's thread. The inbox's per-event methods are real-time safe apart
 * from the callbacks they run. May import `../api/` and `../memory/`; never
 * `../server/`.
 *
 * @example Events live in the client's own pool
 * ```ts
 * import assert from "node:assert/strict";
 * import { ClientMemory, EventCalls } from "./mod.ts";
 *
 * const memory = new ClientMemory();
 * memory.activate(); // as when the client opens its first application
 * const calls = new EventCalls(memory);
 * const e = calls.MidiNewEv(1)!; // typeKeyOn: pitch and velocity
 * assert.equal(calls.MidiCountFields(e), 2);
 * ```
 *
 * @module
 */

export { ApplCalls } from "./appl_calls.ts";
export {
  ApplRegistry,
  type MirroredState,
  type ServerLink,
} from "./appl_registry.ts";
export type { ClientInbox } from "./client_inbox.ts";
export { FilterCalls } from "./filter_calls.ts";
export { type MidiEvRef, type Task, TaskCalls } from "./task_calls.ts";
export { ServerCalls } from "./gen/server_calls_gen.ts";
export type { MidiShareCalls } from "./gen/midishare_calls_gen.ts";
export type { Answer, ServerPort } from "./gen/server_port_gen.ts";
export { ApplRecord } from "./appl_record.ts";
export { CellList } from "./cell_list.ts";
export {
  ClientMemory,
  type ClientMemoryOptions,
  type Killable,
} from "./client_memory.ts";
export { ScheduledTasks } from "./client_tasks.ts";
export { EvHandle, type HandleHost, type MidiEv } from "./ev_handle.ts";
export { EventCalls, type MidiMailBox } from "./event_calls.ts";
export { FilterHandle, type MidiFilter } from "./filter_handle.ts";
export {
  type ClientLosses,
  LossCounts,
  type LossCountsHost,
} from "./loss_counts.ts";
export type { ApplyProc, MidiSeq } from "./sequence.ts";
