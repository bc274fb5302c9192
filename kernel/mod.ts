/**
 * The MidiShare kernel: pure TypeScript on typed arrays, driven by an outside clock.
 *
 * Where each part runs, by folder:
 *
 * | folder | runs in | holds |
 * | --- | --- | --- |
 * | `api/` | everywhere | constants, errors, data types, dates, SMPTE, argument validators |
 * | `memory/` | everywhere | the cell pool, the event layout in cells, filter bits |
 * | `server/` | the server's kernel worker | refnums, connections, drivers and slots, sorter, router, tick |
 * | `client/` | every client program | event handles, sequences, filters, FIFOs, alarms, tasks |
 * | `contract/` | both halves | what the server half tells a client half |
 * | `midi/` | drivers (kernel worker) | MIDI 1.0 bytes to events and back |
 * | `local/` | one process | server and clients composed in process, {@link createLocalKernel} |
 *
 * `server/` and `client/` never import each other; both stand on `api/`, `memory/` and
 * `contract/`.
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

export * from "./api/mod.ts";
export type {
  SlotInfos as TSlotInfos,
  SyncInfo as TSyncInfo,
} from "./api/types.ts";
export * from "./memory/mod.ts";
export * from "./contract/mod.ts";
export * from "./server/mod.ts";
export * from "./client/mod.ts";
export * from "./midi/mod.ts";
export * from "./local/mod.ts";
