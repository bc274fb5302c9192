/**
 * `@midishare/client/player`: a MIDI file player for programs, in the spirit of
 * MidiShare's Player library.
 *
 * {@link openPlayer} opens an application that plays a Standard MIDI File
 * (loaded as bytes, or as a file of `@midishare/client/midi_file` read in
 * ticks): start, stop, pause and resume; positions in ticks, ms or bars and
 * beats; a loop; a tempo scale; every event on one port or on the file's.
 * Every event is sent ahead with `MidiSendAt` at its date rounded from the exact
 * tempo map, so it arrives on its millisecond. Works with a client of the
 * server (`createClient()`) or an in-process kernel (`createKernel()`), through
 * the public client API only.
 *
 * @example Playing a file to the hardware ports, from bar 3, until its end
 * ```ts ignore
 * import { createClient } from "../mod.ts";
 * import { openPlayer } from "./mod.ts";
 *
 * const ms = createClient();
 * const player = await openPlayer(ms, "player");
 * player.load(await Deno.readFile("song.mid"));
 * ms.MidiConnect(player.refNum, 0, true); // to the hardware ports
 * player.setPositionBarBeat({ bar: 3 });
 * player.resume();
 * await player.whenStopped();
 * await player.close(); // the program ends here
 * ```
 *
 * @example The same, tested in an in-process kernel with a manual clock
 * ```ts
 * import assert from "node:assert/strict";
 * import { createKernel, typeNote, typeTempo } from "../mod.ts";
 * import { writeMidiFile } from "../midi_file/mod.ts";
 * import { openPlayer } from "./mod.ts";
 *
 * const ms = createKernel({ clock: "manual" });
 * const player = await openPlayer(ms, "player", { startDelayMs: 0 });
 * const seq = ms.MidiNewSeq()!;
 * const add = (type: number, date: number, fields: number[]) => {
 *   const e = ms.MidiNewEv(type)!;
 *   fields.forEach((v, i) => ms.MidiSetField(e, i, v));
 *   e.date = date;
 *   ms.MidiAddSeq(seq, e);
 * };
 * for (let bar = 0; bar < 4; bar++) add(typeNote, bar * 2000, [60, 99, 100]);
 * add(typeTempo, 0, [500_000]); // 4/4 at 120: a bar lasts 2000 ms
 * player.load(writeMidiFile(ms, { tracks: [seq] }));
 * const ear = ms.MidiOpen("ear");
 * ms.MidiConnect(player.refNum, ear, true);
 *
 * player.setPositionBarBeat({ bar: 3 });
 * player.resume();
 * ms.advance(5000);
 * const dates = [];
 * for (let e = ms.MidiGetEv(ear); e; e = ms.MidiGetEv(ear)) {
 *   if (ms.MidiGetField(e, 1) > 0) dates.push(e.date); // the Note Ons
 * }
 * assert.deepEqual(dates, [0, 2000]); // bars 3 and 4
 * assert.equal(player.state().status, "stopped");
 * ```
 *
 * @module
 */

export { openPlayer } from "./open_player.ts";
export type {
  Player,
  PlayerOptions,
  PlayerState,
  PlayerStatus,
} from "./player.ts";
