/**
 * `@midishare/client/midi_file`: Standard MIDI Files to and from MidiShare
 * sequences, in the spirit of MidiShare's MIDIFile library.
 *
 * {@link readMidiFile} turns the bytes of a file (format 0, 1 or 2, running
 * status, every meta event the kernel has a type for) into one `MidiSeq` per
 * track, dated in milliseconds through the file's tempo map or in ticks;
 * {@link writeMidiFile} writes sequences back. {@link createTempoMap} converts
 * between ticks, milliseconds and bars and beats. Bad files fail with a
 * `SyntaxError` naming the byte offset, never with a hang.
 *
 * The byte level is written here rather than taken from an npm parser: errors
 * must be `SyntaxError`s with offsets and every size checked against the file
 * (the parsers at hand throw strings and read past the end of truncated files),
 * events go straight into the MidiShare pool, and the client package stays free
 * of dependencies. The tests check it against `midi-file` from npm.
 *
 * Uses only the public client API; works with a client of the server
 * (`createClient()`) or an in-process kernel (`createKernel()`).
 *
 * @example A file written, read back, and its tempo map
 * ```ts
 * import assert from "node:assert/strict";
 * import { createKernel, typeKeyOn, typeTempo } from "../mod.ts";
 * import { readMidiFile, writeMidiFile } from "./mod.ts";
 *
 * const ms = createKernel({ clock: "manual" });
 * ms.MidiOpen("files"); // the pool is active once an application is open
 * const seq = ms.MidiNewSeq()!;
 * const tempo = ms.MidiNewEv(typeTempo)!;
 * ms.MidiSetField(tempo, 0, 250_000); // 240 quarters a minute
 * tempo.date = 1000;
 * ms.MidiAddSeq(seq, tempo);
 * const note = ms.MidiNewEv(typeKeyOn)!;
 * ms.MidiSetField(note, 0, 64);
 * ms.MidiSetField(note, 1, 80);
 * note.date = 1250; // ms: a quarter after the change
 * ms.MidiAddSeq(seq, note);
 *
 * const file = readMidiFile(ms, writeMidiFile(ms, { tracks: [seq] }));
 * const dates = [];
 * for (let e = file.tracks[0]!.first; e; e = e.link) dates.push(e.date);
 * assert.deepEqual(dates, [1000, 1250, 1250]); // tempo, note, end of track
 * assert.equal(file.tempoMap.msToTicks(1250), 1500); // 500 ticks a quarter
 * ms.MidiFreeSeq(seq);
 * for (const track of file.tracks) ms.MidiFreeSeq(track);
 * ```
 *
 * @module
 */

export {
  type DateUnit,
  type MidiFile,
  readMidiFile,
  type ReadMidiFileOptions,
  tempoMapOf,
} from "./read_midi_file.ts";
export { writeMidiFile, type WriteMidiFileOptions } from "./write_midi_file.ts";
export {
  type BarBeat,
  createTempoMap,
  DEFAULT_TEMPO,
  type TempoChange,
  type TempoMap,
  type TempoMapOptions,
  type TimeSignature,
} from "./tempo_map.ts";
