/**
 * The MIDI byte codecs: MidiShare events to MIDI 1.0 bytes (`typeNote` split into
 * key-on and key-off at output, SysEx of any length) and bytes back to events
 * (running status, real-time bytes inside SysEx).
 *
 * Runs wherever a driver meets bytes (the RtMidi driver in the kernel worker).
 * Real-time safe: no allocation per event. May import `../api/` and `../memory/`.
 *
 * @example Decode a key-on
 * ```ts
 * import assert from "node:assert/strict";
 * import { createCellPool, getField } from "../memory/mod.ts";
 * import { MidiDecoder } from "./mod.ts";
 *
 * const pool = createCellPool({ cellCount: 64 });
 * const cells: number[] = [];
 * const decoder = new MidiDecoder(() => pool, (cell) => cells.push(cell));
 * decoder.decode(new Uint8Array([0x90, 60, 100]), 3, 0, 0);
 * assert.equal(getField(pool, cells[0]!, 0), 60);
 * ```
 *
 * @module
 */

export { type EventSink, MidiDecoder } from "./midi_decoder.ts";
export { type MessageSink, MidiEncoder } from "./midi_encoder.ts";
