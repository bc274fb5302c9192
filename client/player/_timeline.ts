/**
 * What a player plays: the MIDI events of every track in one list sorted by tick,
 * and the notes sounding at a moment. Private to `player/`.
 *
 * @module
 */

import {
  type MidiEv,
  type MidiSeq,
  type MidiShareCalls,
  typeKeyOff,
  typeKeyOn,
  typeQuarterFrame,
  typeRegParam,
  typeStream,
} from "../mod.ts";

/** One event to play and its tick. */
export interface Entry {
  tick: number;
  ev: MidiEv;
}

/** Whether a player sends events of `type`: MIDI messages, not meta events. */
export function isPlayable(type: number): boolean {
  return type <= typeStream ||
    (type >= typeQuarterFrame && type <= typeRegParam);
}

/**
 * The playable events of tracks dated in ticks, sorted by tick (tracks in order
 * at equal ticks), and the tick of the end: the last event of any track.
 */
export function timeline(
  tracks: readonly MidiSeq[],
): { entries: Entry[]; endTick: number } {
  const entries: Entry[] = [];
  let endTick = 0;
  for (const track of tracks) {
    for (let e = track.first; e !== null; e = e.link) {
      endTick = Math.max(endTick, e.date);
      if (isPlayable(e.evType)) entries.push({ tick: e.date, ev: e });
    }
  }
  // Array.prototype.sort is stable: track order stays at equal ticks.
  entries.sort((a, b) => a.tick - b.tick);
  return { entries, endTick };
}

/** The index of the first entry at `tick` or later. */
export function indexAt(entries: readonly Entry[], tick: number): number {
  let lo = 0, hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid]!.tick < tick) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The notes a player left sounding (Note On without its Note Off yet). */
export class SoundingNotes {
  readonly #notes = new Map<number, { port: number; chan: number }>();

  /** Follows an event that is being sent on `port`. */
  follow(ms: MidiShareCalls<boolean>, e: MidiEv, port: number): void {
    if (e.evType !== typeKeyOn && e.evType !== typeKeyOff) return;
    const pitch = ms.MidiGetField(e, 0) & 0x7f;
    const key = (port << 12) | ((e.chan & 0x0f) << 8) | pitch;
    const isOn = e.evType === typeKeyOn && ms.MidiGetField(e, 1) !== 0;
    if (isOn) this.#notes.set(key, { port, chan: e.chan & 0x0f });
    else this.#notes.delete(key);
  }

  /** Sends a Note Off for every sounding note at `date`, from `ref`. */
  silence(ms: MidiShareCalls<boolean>, ref: number, date: number): void {
    for (const [key, { port, chan }] of this.#notes) {
      const off = ms.MidiNewEv(typeKeyOff);
      if (off === null) break; // The pool is exhausted: nothing more can be sent.
      ms.MidiSetField(off, 0, key & 0x7f);
      ms.MidiSetField(off, 1, 0);
      off.port = port;
      off.chan = chan;
      ms.MidiSendAt(ref, off, date);
    }
    this.#notes.clear();
  }
}
