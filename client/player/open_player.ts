/**
 * A MIDI file player for programs, in the spirit of MidiShare's Player library:
 * an application that plays sequences read from a MIDI file, with start, stop,
 * pause, continue, positions in ticks, milliseconds or bars and beats, a loop
 * and a tempo scale.
 *
 * @module
 */

import type { MidiShareCalls } from "../mod.ts";
import type { Player, PlayerOptions } from "./player.ts";
import { MidiPlayer } from "./_midi_player.ts";

/**
 * Opens a player: an application named `name` that plays MIDI files through
 * `ms` at the dates of their tempo map.
 *
 * Each event is sent with `MidiSendAt` at its date, rounded once to the
 * millisecond from the exact tempo map, so no error accumulates; a task of the
 * player's sends the events `lookaheadMs` ahead. Only MIDI messages are sent
 * (meta events are not). Stopping or pausing sends a Note Off for every note
 * left on, after the events already sent. The player only uses the public
 * client API.
 *
 * @param ms a client of the server, or an in-process kernel
 * @param name the application's name
 * @param options lookahead and start delay
 * @returns the player, with its application open
 * @throws {RangeError} when no application can be opened
 *
 * @example Playing a file into another application of an in-process kernel
 * ```ts
 * import assert from "node:assert/strict";
 * import { createKernel, typeNote } from "../mod.ts";
 * import { writeMidiFile } from "../midi_file/mod.ts";
 * import { openPlayer } from "./mod.ts";
 *
 * const ms = createKernel({ clock: "manual" });
 * const player = await openPlayer(ms, "player");
 * const seq = ms.MidiNewSeq()!;
 * const note = ms.MidiNewEv(typeNote)!;
 * [60, 100, 200].forEach((v, i) => ms.MidiSetField(note, i, v));
 * note.date = 1000; // ms
 * ms.MidiAddSeq(seq, note);
 * player.load(writeMidiFile(ms, { tracks: [seq] }));
 *
 * const ear = ms.MidiOpen("ear");
 * ms.MidiConnect(player.refNum, ear, true);
 * player.start(); // at time 0: the first event plays 10 ms later
 * ms.advance(1020);
 * const heard = ms.MidiGetEv(ear)!;
 * assert.equal(heard.date, 1010);
 * assert.equal(ms.MidiGetField(heard, 0), 60);
 * ```
 */
export async function openPlayer(
  ms: MidiShareCalls<boolean>,
  name: string,
  options: PlayerOptions = {},
): Promise<Player> {
  const ref = await ms.MidiOpen(name);
  if (ref < 0) {
    throw new RangeError(`Cannot open the player "${name}": no free refnum`);
  }
  return new MidiPlayer(ms, ref, options);
}
