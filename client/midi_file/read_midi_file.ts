/**
 * Reading a Standard MIDI File into MidiShare sequences, one per track, with the
 * dates in milliseconds through the file's tempo map or in ticks.
 *
 * @module
 */

import {
  type MidiEv,
  type MidiSeq,
  type MidiShareCalls,
  typeEndTrack,
  typePortPrefix,
  typeTempo,
  typeTimeSign,
} from "../mod.ts";
import { ByteReader, MAX_VLQ, syntaxError } from "./_byte_reader.ts";
import {
  channelDataLength,
  channelEvent,
  metaEvent,
  sysexEvent,
} from "./_smf_events.ts";
import { createTempoMap, type TempoMap } from "./tempo_map.ts";

/** What dates the events of a {@link MidiFile} carry. */
export type DateUnit = "ms" | "ticks";

/** A MIDI file in MidiShare sequences; see {@link readMidiFile}. */
export interface MidiFile {
  /** 0: one track; 1: simultaneous tracks; 2: independent sequences. */
  format: 0 | 1 | 2;
  /** The header's division: ticks per quarter note, or SMPTE (bit 15 set). */
  division: number;
  /**
   * One sequence per track, in file order, owned by the caller (free them with
   * `MidiFreeSeq`). Each ends with its `typeEndTrack` event.
   */
  tracks: MidiSeq[];
  /** What the dates of the events are. */
  dates: DateUnit;
  /**
   * The tempo map: of every track for formats 0 and 1; for format 2 of the first
   * track (each track's dates follow its own tempo events).
   */
  tempoMap: TempoMap;
  /** Meta events left out because no MidiShare type stands for them. */
  skipped: number;
}

/** Options of {@link readMidiFile}. */
export interface ReadMidiFileOptions {
  /** `"ms"` (the default): milliseconds from the start; `"ticks"`: the file's ticks. */
  dates?: DateUnit;
}

/**
 * Reads the bytes of a Standard MIDI File (format 0, 1 or 2) into one sequence
 * per track, in the spirit of MidiShare's MIDIFile library.
 *
 * Channel messages become their MidiShare types with `chan` set (a Note On of
 * velocity 0 stays a `typeKeyOn`, as MidiShare's input does); a SysEx becomes
 * `typeSysEx`, an escaped system message (0xF7 packet) its own type (`typeClock`,
 * `typeSongPos`, ...), other escapes and SysEx in several packets `typeStream`;
 * meta events become `typeSeqNum` ... `typeCuePoint`, `typeChanPrefix`,
 * `typePortPrefix`, `typeEndTrack`, `typeTempo`, `typeSMPTEOffset`,
 * `typeTimeSign`, `typeKeySign` and `typeSpecific`; other meta events are left
 * out and counted in `skipped`. After a port prefix, a track's events carry its
 * port in `port`. Running status is accepted, also across meta events, as most
 * readers do; chunks other than `MThd` and `MTrk` are skipped. A track without an
 * end-of-track event gets one at its last event.
 *
 * Events are made in `ms`'s pool, grown as needed, so an application must be
 * open in that client (the pool is active only then).
 *
 * @param ms a client (of the server or in-process) with an application open
 * @param bytes the file's content
 * @param options `dates`: milliseconds (default) or ticks
 * @returns the tracks, the header and the tempo map
 * @throws {SyntaxError} when the bytes are not a valid MIDI file: the message
 *   names the byte offset and what is wrong (a truncated file, a chunk longer than
 *   the file, a bad variable-length number, a data byte where a status byte
 *   belongs, fewer tracks than the header says); nothing stays allocated
 * @throws {RangeError} when the pool cannot hold the events, or a date in
 *   milliseconds passes 2^32 − 1
 *
 * @example Reading a file in an in-process MidiShare
 * ```ts
 * import assert from "node:assert/strict";
 * import { createKernel, typeKeyOn } from "../mod.ts";
 * import { readMidiFile, writeMidiFile } from "./mod.ts";
 *
 * const ms = createKernel({ clock: "manual" });
 * ms.MidiOpen("reader");
 * const seq = ms.MidiNewSeq()!;
 * const on = ms.MidiNewEv(typeKeyOn)!;
 * ms.MidiSetField(on, 0, 60);
 * ms.MidiSetField(on, 1, 100);
 * on.date = 500;
 * ms.MidiAddSeq(seq, on);
 * const bytes = writeMidiFile(ms, { tracks: [seq] });
 * const file = readMidiFile(ms, bytes);
 * assert.equal(file.tracks[0]!.first!.date, 500);
 * ```
 */
export function readMidiFile(
  ms: MidiShareCalls<boolean>,
  bytes: Uint8Array,
  options: ReadMidiFileOptions = {},
): MidiFile {
  const dates = options.dates ?? "ms";
  const r = new ByteReader(bytes, 0, bytes.length);
  if (r.tag("the header chunk") !== "MThd") {
    throw syntaxError(0, 'expected "MThd" (not a Standard MIDI File)');
  }
  const headerLength = r.u32("the header's length");
  if (headerLength < 6) {
    throw syntaxError(4, `header length ${headerLength}, expected 6`);
  }
  r.need(headerLength, "the header");
  const format = r.u16("the format");
  if (format > 2) throw syntaxError(8, `format ${format}, expected 0, 1 or 2`);
  const trackCount = r.u16("the track count");
  const division = r.u16("the division");
  const map = (tracks: MidiSeq[]) => {
    try {
      return tempoMapOf(ms, division, tracks);
    } catch (error) {
      throw syntaxError(12, (error as Error).message);
    }
  };
  map([]); // checks the division before any track is read
  r.pos = 8 + headerLength;
  const tracks: MidiSeq[] = [];
  const skipped = { count: 0 };
  try {
    while (tracks.length < trackCount) {
      if (r.isDone) {
        throw syntaxError(
          r.pos,
          `the header announces ${trackCount} tracks, the file ends after ${tracks.length}`,
        );
      }
      const start = r.pos;
      const tag = r.tag("a chunk type");
      const length = r.u32("a chunk length");
      if (length > r.end - r.pos) {
        throw syntaxError(
          start + 4,
          `chunk "${tag}" claims ${length} bytes, only ${r.end - r.pos} remain`,
        );
      }
      const end = r.pos + length;
      if (tag === "MTrk") {
        tracks.push(
          readTrack(ms, new ByteReader(bytes, r.pos, end), tracks, skipped),
        );
      }
      r.pos = end;
    }
    const tempoMap = map(format === 2 ? tracks.slice(0, 1) : tracks);
    if (dates === "ms") {
      for (const track of tracks) {
        toMs(track, format === 2 ? map([track]) : tempoMap);
      }
    }
    return {
      format: format as 0 | 1 | 2,
      division,
      tracks,
      dates,
      tempoMap,
      skipped: skipped.count,
    };
  } catch (error) {
    for (const track of tracks) ms.MidiFreeSeq(track);
    throw error;
  }
}

/**
 * Reads one track chunk into a new sequence dated in ticks; `done` are the
 * tracks read before (freed by the caller on failure, as this one is here).
 */
function readTrack(
  ms: MidiShareCalls<boolean>,
  r: ByteReader,
  done: MidiSeq[],
  skipped: { count: number },
): MidiSeq {
  const seq = ms.MidiNewSeq();
  if (seq === null) throw new RangeError("Cannot make a sequence: no memory");
  try {
    let tick = 0, status = 0, port = 0;
    const add = (e: MidiEv) => {
      e.date = tick;
      e.port = port;
      ms.MidiAddSeq(seq, e);
    };
    while (!r.isDone) {
      tick += r.vlq("a delta time");
      if (tick > 0xffff_ffff) {
        throw syntaxError(r.pos, "the track lasts more than 2^32 ticks");
      }
      const at = r.pos;
      const first = r.u8("an event");
      if (first === 0xff) {
        const meta = r.u8("a meta event type");
        const data = r.bytes(lengthOf(r), `meta event 0x${meta.toString(16)}`);
        const e = metaEvent(ms, meta, data, done.length);
        if (typeof e === "string") throw syntaxError(at, e);
        if (e === null) skipped.count++;
        else {
          if (e.evType === typePortPrefix) port = ms.MidiGetField(e, 0);
          add(e);
          if (e.evType === typeEndTrack) return seq;
        }
      } else if (first === 0xf0 || first === 0xf7) {
        add(sysexEvent(ms, first, r.bytes(lengthOf(r), "a SysEx event")));
      } else if (first >= 0xf0) {
        throw syntaxError(at, `status 0x${first.toString(16)} in a track`);
      } else {
        if (first & 0x80) status = first;
        else if (status === 0) {
          throw syntaxError(at, "running status before any status byte");
        }
        const d1 = first & 0x80 ? dataByte(r) : first;
        const d2 = channelDataLength(status) === 2 ? dataByte(r) : 0;
        add(channelEvent(ms, status, d1, d2));
      }
    }
    add(metaEvent(ms, 0x2f, new Uint8Array(0), 0) as MidiEv);
    return seq;
  } catch (error) {
    ms.MidiFreeSeq(seq);
    throw error;
  }
}

/** A length (variable-length quantity) that must fit in what remains. */
function lengthOf(r: ByteReader): number {
  const at = r.pos;
  const length = r.vlq("a length");
  if (length > MAX_VLQ || length > r.end - r.pos) {
    throw syntaxError(
      at,
      `an event claims ${length} bytes, only ${
        r.end - r.pos
      } remain in its track`,
    );
  }
  return length;
}

function dataByte(r: ByteReader): number {
  const at = r.pos;
  const b = r.u8("a channel message");
  if (b & 0x80) {
    throw syntaxError(at, `status byte 0x${b.toString(16)} inside a message`);
  }
  return b;
}

/**
 * Makes the tempo map of tracks dated in ticks from their `typeTempo` and
 * `typeTimeSign` events (a tempo of 0 is ignored).
 *
 * `readMidiFile` gives the map of the file it reads; this is for sequences a
 * program builds or edits in ticks.
 *
 * @param ms the client whose pool holds the tracks
 * @param division ticks per quarter note, or an SMPTE division
 * @param tracks sequences dated in ticks
 * @returns the tempo map
 * @throws {RangeError} when the division is invalid
 */
export function tempoMapOf(
  ms: MidiShareCalls<boolean>,
  division: number,
  tracks: readonly MidiSeq[],
): TempoMap {
  const tempos = [], timeSignatures = [];
  for (const track of tracks) {
    for (let e = track.first; e !== null; e = e.link) {
      if (e.evType === typeTempo) {
        const usPerQuarter = ms.MidiGetField(e, 0) >>> 0;
        // A tempo of 0 is meaningless: keep the one in force.
        if (usPerQuarter > 0) tempos.push({ tick: e.date, usPerQuarter });
      } else if (e.evType === typeTimeSign) {
        timeSignatures.push({
          tick: e.date,
          numerator: ms.MidiGetField(e, 0),
          denominator: 2 ** Math.min(ms.MidiGetField(e, 1), 16),
        });
      }
    }
  }
  return createTempoMap({ division, tempos, timeSignatures });
}

/** Turns the tick dates of a sequence into milliseconds. */
function toMs(track: MidiSeq, map: TempoMap): void {
  for (let e = track.first; e !== null; e = e.link) {
    const date = Math.round(map.ticksToMs(e.date));
    if (date > 0xffff_ffff) {
      throw new RangeError(
        `Cannot date an event at tick ${e.date}: ${date} ms passes 2^32 - 1`,
      );
    }
    e.date = date;
  }
}
