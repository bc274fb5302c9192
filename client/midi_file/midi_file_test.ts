import assert from "node:assert/strict";
import {
  createKernel,
  type KernelClient,
  type MidiSeq,
  typeClock,
  typeCopyright,
  typeEndTrack,
  typeKeyOff,
  typeKeyOn,
  typeKeySign,
  typeNote,
  typePitchWheel,
  typeProgChange,
  typeSeqName,
  typeSMPTEOffset,
  typeStream,
  typeSysEx,
  typeTempo,
  typeTimeSign,
} from "../mod.ts";
import { createTempoMap, readMidiFile, writeMidiFile } from "./mod.ts";

/** A kernel with an application open (the pool is active). */
function kernel(): KernelClient {
  const ms = createKernel({ clock: "manual" });
  ms.MidiOpen("files");
  return ms;
}

/** Type, date, chan, port and fields of every event of a sequence. */
function events(ms: KernelClient, seq: MidiSeq): number[][] {
  const out = [];
  for (let e = seq.first; e !== null; e = e.link) {
    const fields = [];
    for (let i = 0; i < ms.MidiCountFields(e); i++) {
      fields.push(ms.MidiGetField(e, i));
    }
    out.push([e.evType, e.date, e.chan, e.port, ...fields]);
  }
  return out;
}

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const be32 = (
  n: number,
) => [n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255];

/** A file of `tracks` (content bytes), format and division given. */
function smf(format: number, division: number, ...tracks: number[][]) {
  const out = [...ascii("MThd"), 0, 0, 0, 6, 0, format, 0, tracks.length];
  out.push(division >> 8, division & 255);
  for (const t of tracks) out.push(...ascii("MTrk"), ...be32(t.length), ...t);
  return new Uint8Array(out);
}

/** A track in the writer's own form: every kind of event the library knows. */
const TRACK = [
  0x00,
  0xff,
  0x03,
  0x04,
  ...ascii("Lead"), // sequence name
  0x00,
  0xff,
  0x02,
  0x02,
  ...ascii("(c"), // copyright
  0x00,
  0xff,
  0x58,
  0x04,
  6,
  3,
  24,
  8, // 6/8
  0x00,
  0xff,
  0x59,
  0x02,
  0xfd,
  1, // 3 flats, minor
  0x00,
  0xff,
  0x54,
  0x05,
  0x61,
  2,
  3,
  4,
  5, // SMPTE offset, 30 fps, 1:02:03:04.05
  0x00,
  0xff,
  0x51,
  0x03,
  0x07,
  0xa1,
  0x20, // 500 000 µs
  0x00,
  0xc2,
  5, // program change, channel 2
  0x00,
  0x92,
  60,
  100, // Note On
  0x60,
  64,
  90, // running status
  0x60,
  60,
  0, // Note On velocity 0 stays a KeyOn
  0x00,
  0x82,
  64,
  30, // Note Off
  0x00,
  0xe2,
  0,
  64, // pitch wheel
  0x00,
  0xf0,
  0x04,
  0x7e,
  0x7f,
  0x09,
  0xf7, // SysEx
  0x00,
  0xf7,
  0x01,
  0xf8, // an escaped clock
  0x00,
  0xf7,
  0x02,
  0xf0,
  0x43, // a SysEx in packets: raw bytes
  0x10,
  0xff,
  0x2f,
  0x00,
];

Deno.test("readMidiFile() reads every kind of event of a track, in ticks", () => {
  const ms = kernel();
  const file = readMidiFile(ms, smf(0, 96, TRACK), { dates: "ticks" });
  assert.equal(file.format, 0);
  assert.equal(file.division, 96);
  assert.equal(file.tracks.length, 1);
  assert.deepEqual(events(ms, file.tracks[0]!), [
    [typeSeqName, 0, 0, 0, ...ascii("Lead")],
    [typeCopyright, 0, 0, 0, ...ascii("(c")],
    [typeTimeSign, 0, 0, 0, 6, 3, 24, 8],
    [typeKeySign, 0, 0, 0, 0xfd, 1],
    [typeSMPTEOffset, 0, 0, 0, 3, 1, 2, 3, 4, 5],
    [typeTempo, 0, 0, 0, 500_000],
    [typeProgChange, 0, 2, 0, 5],
    [typeKeyOn, 0, 2, 0, 60, 100],
    [typeKeyOn, 96, 2, 0, 64, 90],
    [typeKeyOn, 192, 2, 0, 60, 0],
    [typeKeyOff, 192, 2, 0, 64, 30],
    [typePitchWheel, 192, 2, 0, 0, 64],
    [typeSysEx, 192, 0, 0, 0x7e, 0x7f, 0x09],
    [typeClock, 192, 0, 0],
    [typeStream, 192, 0, 0, 0xf0, 0x43],
    [typeEndTrack, 208, 0, 0],
  ]);
});

Deno.test("writeMidiFile() writes a file read in ticks back byte for byte", () => {
  const ms = kernel();
  const bytes = smf(0, 96, TRACK);
  const file = readMidiFile(ms, bytes, { dates: "ticks" });
  const again = writeMidiFile(ms, {
    tracks: file.tracks,
    division: 96,
    dates: "ticks",
  });
  assert.deepEqual([...again], [...bytes]);
});

Deno.test("readMidiFile() dates events in ms through the tempo map of every track", () => {
  const ms = kernel();
  const conductor = [
    0x00,
    0xff,
    0x51,
    0x03,
    0x07,
    0xa1,
    0x20, // 120 a minute
    0x83,
    0x60,
    0xff,
    0x51,
    0x03,
    0x0f,
    0x42,
    0x40, // at 480: 60 a minute
    0x00,
    0xff,
    0x2f,
    0x00,
  ];
  const notes = [
    0x00,
    0x90,
    60,
    100, // 0 ms
    0x83,
    0x60,
    62,
    100, // tick 480: 500 ms
    0x81,
    0x70,
    64,
    100, // tick 720: 500 + 500 ms
    0x00,
    0xff,
    0x2f,
    0x00,
  ];
  const file = readMidiFile(ms, smf(1, 480, conductor, notes));
  assert.deepEqual(
    events(ms, file.tracks[1]!).map((e) => e[1]),
    [0, 500, 1000, 1000],
  );
  assert.equal(file.tempoMap.ticksToMs(960), 1500);
  assert.equal(file.tempoMap.msToTicks(1500), 960);
});

Deno.test("writeMidiFile() turns ms into ticks through the tempo events, and notes into two messages", () => {
  const ms = kernel();
  const seq = ms.MidiNewSeq()!;
  const add = (type: number, date: number, fields: number[]) => {
    const e = ms.MidiNewEv(type)!;
    fields.forEach((v, i) => ms.MidiSetField(e, i, v));
    e.date = date;
    e.chan = 1;
    ms.MidiAddSeq(seq, e);
  };
  add(typeTempo, 0, [1_000_000]); // 1000 ms a quarter: 2 ms a tick
  add(typeNote, 1000, [60, 80, 500]);
  add(typeTempo, 2000, [250_000]); // from tick 1000: 0.5 ms a tick
  add(typeNote, 2500, [62, 80, 0]);
  const bytes = writeMidiFile(ms, { tracks: [seq] });
  const back = readMidiFile(ms, bytes, { dates: "ticks" });
  assert.deepEqual(events(ms, back.tracks[0]!), [
    [typeTempo, 0, 0, 0, 1_000_000],
    [typeKeyOn, 500, 1, 0, 60, 80],
    [typeKeyOn, 750, 1, 0, 60, 0],
    [typeTempo, 1000, 0, 0, 250_000],
    [typeKeyOn, 2000, 1, 0, 62, 80],
    [typeKeyOn, 2000, 1, 0, 62, 0],
    [typeEndTrack, 2000, 0, 0],
  ]);
  const inMs = readMidiFile(ms, bytes);
  assert.deepEqual(
    events(ms, inMs.tracks[0]!).map((e) => e[1]),
    [0, 1000, 1500, 2000, 2500, 2500, 2500],
  );
});

Deno.test("readMidiFile() grows the pool for files larger than it", () => {
  const ms = kernel();
  const total = ms.MidiTotalSpace();
  const track = [];
  for (let i = 0; i < total + 5000; i++) track.push(0, 0x90, 60, i & 127);
  track.push(0, 0xff, 0x2f, 0);
  const file = readMidiFile(ms, smf(0, 96, track), { dates: "ticks" });
  let count = 0;
  for (let e = file.tracks[0]!.first; e !== null; e = e.link) count++;
  assert.equal(count, total + 5001);
  assert.ok(ms.MidiTotalSpace() > total);
});

Deno.test("readMidiFile() rejects bad files with a SyntaxError naming the offset, leaving nothing allocated", async (t) => {
  const ms = kernel();
  const free = ms.MidiFreeSpace();
  const good = smf(1, 96, TRACK, [0x00, 0x90, 60, 1, 0x00, 0xff, 0x2f, 0]);
  const rejects = (bytes: Uint8Array | number[], pattern: RegExp) => {
    assert.throws(
      () => readMidiFile(ms, new Uint8Array(bytes)),
      (error: unknown) => {
        assert.ok(error instanceof SyntaxError, String(error));
        assert.match(error.message, /^Invalid MIDI file at byte \d+: /);
        assert.match(error.message, pattern);
        return true;
      },
    );
    assert.equal(ms.MidiFreeSpace(), free, "cells left allocated");
  };
  await t.step("every truncation of a good file", () => {
    for (let n = 0; n < good.length; n++) rejects(good.subarray(0, n), /./);
  });
  await t.step("not a MIDI file", () => {
    rejects(new TextEncoder().encode("RIFF....RMIDdata"), /byte 0: .*"MThd"/);
  });
  await t.step("a header too short, a format 3, a division 0", () => {
    const header = [...good.subarray(0, 14)];
    rejects([...header.slice(0, 7), 4, ...header.slice(8)], /byte 4: header/);
    rejects([...header.slice(0, 9), 3, ...header.slice(10)], /format 3/);
    rejects([...header.slice(0, 12), 0, 0], /byte 12: .*division/);
    rejects([...header.slice(0, 12), 0xe5, 4], /byte 12: .*SMPTE/); // −27 fps
  });
  await t.step("a chunk longer than the file, and absurd sizes", () => {
    const chunk = [...good];
    chunk.splice(18, 4, 0xff, 0xff, 0xff, 0xf0);
    rejects(chunk, /byte 18: chunk "MTrk" claims 4294967280 bytes/);
    const many = [...good];
    many[10] = many[11] = 0xff; // 65535 tracks announced
    rejects(many, /announces 65535 tracks, the file ends after 2/);
    rejects(
      smf(0, 96, [0x00, 0xff, 0x01, 0xff, 0xff, 0xff, 0x7f, 0x41]),
      /byte 25: an event claims 268435455 bytes, only 1 remain/,
    );
    rejects(
      smf(0, 96, [0x80, 0x80, 0x80, 0x80, 0x00, 0x90, 60, 1]),
      /byte 22: a delta time is longer than 4 bytes/,
    );
  });
  await t.step("a chunk shorter than its events", () => {
    const track = [0x00, 0x90, 60, 100, 0x00, 0xff, 0x2f, 0x00];
    const bytes = [...smf(0, 96, track)];
    bytes[21] = 3; // the chunk ends inside the Note On
    rejects(
      bytes.slice(0, 25),
      /byte 25: a channel message needs 1 bytes, only 0/,
    );
  });
  await t.step("running status first, and status bytes out of place", () => {
    rejects(smf(0, 96, [0x00, 60, 100]), /byte 23: running status before/);
    rejects(smf(0, 96, [0x00, 0xf8]), /byte 23: status 0xf8 in a track/);
    rejects(smf(0, 96, [0x00, 0x90, 60, 0x80]), /byte 25: status byte 0x80/);
    rejects(
      smf(0, 96, [0x00, 0xff, 0x51, 0x02, 1, 2]),
      /has 2 bytes, expected 3/,
    );
  });
});

Deno.test("createTempoMap() converts bars and beats through time signature changes", () => {
  const map = createTempoMap({
    division: 100,
    timeSignatures: [{ tick: 800, numerator: 3, denominator: 8 }],
  });
  assert.deepEqual(map.ticksToBarBeat(0), { bar: 1, beat: 1, unit: 0 });
  assert.deepEqual(map.ticksToBarBeat(450), { bar: 2, beat: 1, unit: 50 });
  assert.deepEqual(map.ticksToBarBeat(800), { bar: 3, beat: 1, unit: 0 });
  assert.deepEqual(map.ticksToBarBeat(950), { bar: 4, beat: 1, unit: 0 });
  assert.equal(map.barBeatToTicks({ bar: 4, beat: 2 }), 1000);
  assert.equal(map.barBeatToTicks({ bar: 2, beat: 3, unit: 10 }), 610);
  const smpte = createTempoMap({ division: (0x100 - 25) << 8 | 40 });
  assert.equal(smpte.ticksToMs(1000), 1000); // 25 frames of 40 ticks
  assert.throws(() => createTempoMap({ division: 0 }), RangeError);
});

Deno.test("readMidiFile() answers 3000 mutations of a good file with a file or a SyntaxError, and frees what it read", () => {
  const seed = 0x5eed;
  let a = seed;
  const next = () => {
    // mulberry32: deterministic, the seed is in the failure message.
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const ms = kernel();
  const free = ms.MidiFreeSpace();
  const good = smf(1, 96, TRACK, [0x00, 0x90, 60, 1, 0x00, 0xff, 0x2f, 0]);
  for (let round = 0; round < 3000; round++) {
    const bytes = good.slice();
    for (let k = 1 + Math.floor(next() * 4); k > 0; k--) {
      bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
    }
    try {
      const file = readMidiFile(ms, bytes);
      for (const track of file.tracks) ms.MidiFreeSeq(track);
    } catch (error) {
      // A valid file may also last longer than dates in ms can count.
      const isTooLong = error instanceof RangeError &&
        /passes 2\^32/.test(error.message);
      assert.ok(
        error instanceof SyntaxError || isTooLong,
        `seed ${seed}, round ${round}: ${error}`,
      );
    }
    assert.equal(ms.MidiFreeSpace(), free, `seed ${seed}, round ${round}`);
  }
});
