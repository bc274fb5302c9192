/**
 * Writing MidiShare sequences, one per track, as a Standard MIDI File.
 *
 * @module
 */

import {
  type MidiSeq,
  type MidiShareCalls,
  typeEndTrack,
  typeNote,
  typeTempo,
} from "../mod.ts";
import { encodeEvent, vlqBytes } from "./_smf_events.ts";
import type { DateUnit } from "./read_midi_file.ts";
import {
  createTempoMap,
  DEFAULT_TEMPO,
  type TempoChange,
} from "./tempo_map.ts";

/** What {@link writeMidiFile} writes. */
export interface WriteMidiFileOptions {
  /** One sequence per track; they are only read. */
  tracks: readonly MidiSeq[];
  /** 0 or 1 (default: 0 for one track, else 1), or 2. */
  format?: 0 | 1 | 2;
  /**
   * Ticks per quarter note, or an SMPTE division. Default: 500 when the dates are
   * in milliseconds (one tick per millisecond until a tempo change), 480 in ticks.
   */
  division?: number;
  /** What the event dates are: `"ms"` (the default) or `"ticks"`. */
  dates?: DateUnit;
  /** Whether channel messages share a status byte (default true). */
  runningStatus?: boolean;
}

/** One message of a track, with its place. */
interface Item {
  tick: number;
  /** 0: the Note Off of an earlier note; 1: everything else, in sequence order. */
  rank: number;
  order: number;
  bytes: number[];
  isChannel: boolean;
}

/**
 * Writes sequences as a Standard MIDI File, in the spirit of MidiShare's
 * MIDIFile library.
 *
 * Every MIDI event type is written: a `typeNote` as a Note On and, `duration`
 * later, a Note On of velocity 0; `typeCtrl14b` and (N)RPN as their control
 * changes; `typeSysEx` as a SysEx; `typeStream` and system messages (clock,
 * start, song position, ...) as escape (0xF7) packets; the meta types as their
 * meta events. Private events, tasks and alarms are left out. Each track ends
 * with an end-of-track event at its last event, or at its own `typeEndTrack`
 * when that is later. A Note Off made from a `typeNote` goes before the other
 * events of its tick, so a note repeated on that tick is not cut.
 *
 * With dates in milliseconds, the ticks come from the tempo map of the tracks'
 * `typeTempo` events (themselves dated in ms), each rounded to the nearest tick:
 * reading the file back in ms gives the same dates whenever a tick is no longer
 * than a millisecond.
 *
 * @param ms a client (of the server or in-process); no application is needed
 * @param options the tracks, format, division, date unit and running status
 * @returns the file's bytes
 * @throws {RangeError} when format 0 is asked for several tracks, the division
 *   is invalid, or there are more than 65535 tracks
 *
 * @example Two tracks, with the dates in ticks
 * ```ts
 * import assert from "node:assert/strict";
 * import { createKernel, typeNote, typeTempo } from "../mod.ts";
 * import { readMidiFile, writeMidiFile } from "./mod.ts";
 *
 * const ms = createKernel({ clock: "manual" });
 * ms.MidiOpen("writer");
 * const [conductor, melody] = [ms.MidiNewSeq()!, ms.MidiNewSeq()!];
 * const tempo = ms.MidiNewEv(typeTempo)!;
 * ms.MidiSetField(tempo, 0, 1_000_000); // 60 quarters a minute
 * ms.MidiAddSeq(conductor, tempo);
 * const note = ms.MidiNewEv(typeNote)!;
 * [60, 90, 1000].forEach((v, i) => ms.MidiSetField(note, i, v));
 * note.date = 1000; // ms
 * ms.MidiAddSeq(melody, note);
 * const bytes = writeMidiFile(ms, { tracks: [conductor, melody] });
 * const file = readMidiFile(ms, bytes, { dates: "ticks" });
 * assert.equal(file.format, 1);
 * assert.equal(file.tracks[1]!.first!.date, 500); // a quarter: 500 ticks
 * ```
 */
export function writeMidiFile(
  ms: MidiShareCalls<boolean>,
  options: WriteMidiFileOptions,
): Uint8Array {
  const { tracks } = options;
  const dates = options.dates ?? "ms";
  const format = options.format ?? (tracks.length === 1 ? 0 : 1);
  const division = options.division ?? (dates === "ms" ? 500 : 480);
  if (format === 0 && tracks.length !== 1) {
    throw new RangeError(
      `Cannot write ${tracks.length} tracks in format 0: it has one track`,
    );
  }
  if (tracks.length > 0xffff) {
    throw new RangeError(`Cannot write ${tracks.length} tracks: at most 65535`);
  }
  const toTicks = dates === "ticks"
    ? (date: number) => date
    : msToTicksOf(ms, division, format === 2 ? [] : tracks);
  const out: number[] = [0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6];
  out.push(0, format, tracks.length >> 8, tracks.length & 0xff);
  out.push((division >> 8) & 0xff, division & 0xff);
  for (const track of tracks) {
    const convert = format === 2 && dates === "ms"
      ? msToTicksOf(ms, division, [track])
      : toTicks;
    const body = trackBytes(ms, track, convert, options.runningStatus ?? true);
    const n = body.length;
    out.push(0x4d, 0x54, 0x72, 0x6b, n >>> 24, (n >> 16) & 0xff);
    out.push((n >> 8) & 0xff, n & 0xff);
    for (const b of body) out.push(b);
  }
  return new Uint8Array(out);
}

/** The bytes of one track chunk's content. */
function trackBytes(
  ms: MidiShareCalls<boolean>,
  track: MidiSeq,
  toTicks: (date: number) => number,
  isRunning: boolean,
): number[] {
  const items: Item[] = [];
  let end = 0, order = 0;
  for (let e = track.first; e !== null; e = e.link) {
    const tick = toTicks(e.date);
    end = Math.max(end, tick);
    if (e.evType === typeEndTrack) continue;
    const encoded = encodeEvent(ms, e);
    if (encoded === null) continue;
    const at = order++;
    for (const bytes of encoded.channel ?? []) {
      items.push({ tick, rank: 1, order: at, bytes, isChannel: true });
    }
    if (encoded.other !== undefined) {
      items.push({
        tick,
        rank: 1,
        order: at,
        bytes: encoded.other,
        isChannel: false,
      });
    }
    if (e.evType === typeNote) {
      const off = toTicks(e.date + ms.MidiGetField(e, 2));
      const bytes = [0x90 | (e.chan & 0x0f), ms.MidiGetField(e, 0) & 0x7f, 0];
      // A note without length ends after its own Note On.
      const rank = off === tick ? 1 : 0;
      items.push({ tick: off, rank, order: at, bytes, isChannel: true });
      end = Math.max(end, off);
    }
  }
  items.sort((a, b) => a.tick - b.tick || a.rank - b.rank || a.order - b.order);
  const out: number[] = [];
  let last = 0, status = -1;
  for (const item of items) {
    out.push(...vlqBytes(item.tick - last));
    last = item.tick;
    const [first, ...rest] = item.bytes;
    if (item.isChannel && isRunning && first === status) out.push(...rest);
    else out.push(...item.bytes);
    status = item.isChannel ? first! : -1;
  }
  out.push(...vlqBytes(end - last), 0xff, 0x2f, 0);
  return out;
}

/**
 * The conversion of dates in ms into ticks through the `typeTempo` events of
 * tracks dated in ms: each tempo change lands on the tick nearest its date.
 */
function msToTicksOf(
  ms: MidiShareCalls<boolean>,
  division: number,
  tracks: readonly MidiSeq[],
): (date: number) => number {
  const changes: { date: number; usPerQuarter: number }[] = [];
  for (const track of tracks) {
    for (let e = track.first; e !== null; e = e.link) {
      const us = e.evType === typeTempo ? ms.MidiGetField(e, 0) >>> 0 : 0;
      if (us > 0) changes.push({ date: e.date, usPerQuarter: us });
    }
  }
  changes.sort((a, b) => a.date - b.date);
  const tempos: TempoChange[] = [];
  // An SMPTE division counts time without tempo.
  if ((division & 0x8000) === 0) {
    let tick = 0, msAtTick = 0, us = DEFAULT_TEMPO;
    for (const change of changes) {
      const next = Math.round(
        tick + (change.date - msAtTick) * 1000 * division / us,
      );
      msAtTick += (next - tick) * us / 1000 / division;
      tick = next;
      us = change.usPerQuarter;
      tempos.push({ tick, usPerQuarter: us });
    }
  }
  const map = createTempoMap({ division, tempos });
  return (date) => Math.round(map.msToTicks(date));
}
