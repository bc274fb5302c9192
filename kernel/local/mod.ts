/**
 * MidiShare in one process: the server half and any number of client halves wired
 * together with direct calls, every call of the spec synchronous, the clock advanced
 * by the caller. The server's kernel worker uses it too, for its own drivers.
 *
 * Runs on the caller's thread. Callbacks never run inside a kernel step: they are
 * replayed after it, in server order. May import every other folder of the kernel.
 *
 * @example Two applications exchange a note
 * ```ts
 * import assert from "node:assert/strict";
 * import { createLocalKernel } from "./mod.ts";
 *
 * const ms = createLocalKernel();
 * const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
 * ms.MidiConnect(a, b, true);
 * ms.MidiSendAt(a, ms.MidiNewEv(1), 10);
 * ms.advance(10);
 * assert.equal(ms.MidiCountEvs(b), 1);
 * ```
 *
 * @module
 */

export {
  createLocalKernel,
  type LocalChannel,
  type LocalClientOptions,
  LocalHub,
  type LocalHubOptions,
  type LocalKernelOptions,
  LocalMidiShare,
} from "./local_kernel.ts";
