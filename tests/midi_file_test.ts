// The MIDI file library against an independent implementation: files written by
// `midi-file` (npm, a test-only dependency) are read, written back and parsed
// again by it; their dates in ms are checked against a tempo map computed here.

import assert from "node:assert/strict";
import { type MidiData, type MidiEvent, parseMidi, writeMidi } from "midi-file";
import { createKernel, type KernelClient } from "@midishare/client";
import { readMidiFile, writeMidiFile } from "@midishare/client/midi_file";

/** A deterministic generator (mulberry32); the seed is printed on failure. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A type-1 file with every meta event, SysEx, tempo changes and random notes. */
function sampleFile(seed: number): MidiData {
  const next = random(seed);
  const int = (n: number) => Math.floor(next() * n);
  const conductor: MidiEvent[] = [
    { deltaTime: 0, meta: true, type: "sequenceNumber", number: 7 },
    { deltaTime: 0, meta: true, type: "trackName", text: "Conductor" },
    { deltaTime: 0, meta: true, type: "copyrightNotice", text: "(c) test" },
    {
      deltaTime: 0,
      meta: true,
      type: "timeSignature",
      numerator: 3,
      denominator: 4,
      metronome: 24,
      thirtyseconds: 8,
    },
    { deltaTime: 0, meta: true, type: "keySignature", key: -2, scale: 1 },
    {
      deltaTime: 0,
      meta: true,
      type: "smpteOffset",
      frameRate: 25,
      hour: 1,
      min: 2,
      sec: 3,
      frame: 4,
      subFrame: 5,
    },
    { deltaTime: 0, meta: true, type: "setTempo", microsecondsPerBeat: 600000 },
    { deltaTime: 768, meta: true, type: "marker", text: "B" },
    { deltaTime: 0, meta: true, type: "setTempo", microsecondsPerBeat: 400000 },
    {
      deltaTime: 1000,
      meta: true,
      type: "setTempo",
      microsecondsPerBeat: 777777,
    },
    {
      deltaTime: 0,
      meta: true,
      type: "unknownMeta",
      metatypeByte: 0x09,
      data: [65, 66],
    },
    { deltaTime: 5000, meta: true, type: "endOfTrack" },
  ];
  const voice: MidiEvent[] = [
    { deltaTime: 0, meta: true, type: "channelPrefix", channel: 3 },
    { deltaTime: 0, meta: true, type: "portPrefix", port: 2 },
    { deltaTime: 0, meta: true, type: "instrumentName", text: "Piano" },
    { deltaTime: 0, type: "programChange", channel: 3, programNumber: 4 },
    {
      deltaTime: 0,
      type: "controller",
      channel: 3,
      controllerType: 7,
      value: 100,
    },
    { deltaTime: 10, type: "pitchBend", channel: 3, value: -1234 },
    {
      deltaTime: 10,
      type: "noteAftertouch",
      channel: 3,
      noteNumber: 60,
      amount: 5,
    },
    { deltaTime: 10, type: "channelAftertouch", channel: 3, amount: 6 },
    { deltaTime: 0, type: "sysEx", data: [0x7e, 0x7f, 0x09, 0x01, 0xf7] },
    { deltaTime: 0, meta: true, type: "lyrics", text: "la" },
    { deltaTime: 0, meta: true, type: "cuePoint", text: "cue" },
    { deltaTime: 0, meta: true, type: "text", text: "text" },
    {
      deltaTime: 0,
      meta: true,
      type: "sequencerSpecific",
      data: [0x00, 0x20, 0x21],
    },
  ];
  for (let i = 0; i < 300; i++) {
    const noteNumber = 36 + int(48), channel = int(3);
    voice.push({
      deltaTime: int(100),
      type: "noteOn",
      channel,
      noteNumber,
      velocity: 1 + int(126),
    });
    voice.push(
      int(2) === 0
        ? {
          deltaTime: int(200),
          type: "noteOff",
          channel,
          noteNumber,
          velocity: 0,
          byte9: true,
        }
        : {
          deltaTime: int(200),
          type: "noteOff",
          channel,
          noteNumber,
          velocity: int(128),
        },
    );
  }
  voice.push({ deltaTime: 0, meta: true, type: "endOfTrack" });
  return {
    header: { format: 1, numTracks: 2, ticksPerBeat: 384 },
    tracks: [conductor, voice],
  };
}

/** The events of a parsed file as comparable records with absolute ticks. */
function absolute(data: MidiData, skipUnknown = false) {
  return data.tracks.map((track) => {
    let tick = 0;
    return track.flatMap((e) => {
      tick += e.deltaTime;
      if (skipUnknown && e.type === "unknownMeta") return [];
      const { deltaTime: _d, running: _r, ...rest } = e as MidiEvent & {
        running?: boolean;
      };
      return [{ tick, ...rest }];
    });
  });
}

/** The ms date of every event of a parsed file, through its own tempo events. */
function msDates(data: MidiData): number[][] {
  const tempos: { tick: number; us: number }[] = [];
  let tick = 0;
  for (const e of data.tracks[0]!) {
    tick += e.deltaTime;
    if (e.type === "setTempo") {
      tempos.push({ tick, us: e.microsecondsPerBeat });
    }
  }
  const ppq = data.header.ticksPerBeat!;
  const toMs = (t: number) => {
    let ms = 0, at = 0, us = 500000;
    for (const change of tempos) {
      if (change.tick > t) break;
      ms += (change.tick - at) * us / 1000 / ppq;
      at = change.tick;
      us = change.us;
    }
    return ms + (t - at) * us / 1000 / ppq;
  };
  return data.tracks.map((track) => {
    let t = 0;
    return track.flatMap((e) => {
      t += e.deltaTime;
      return e.type === "unknownMeta" ? [] : [Math.round(toMs(t))];
    });
  });
}

function kernel(): KernelClient {
  const ms = createKernel({ clock: "manual" });
  ms.MidiOpen("files");
  return ms;
}

function datesOf(
  file: { tracks: { first: { date: number; link: unknown } | null }[] },
) {
  return file.tracks.map((track) => {
    const dates = [];
    for (
      let e = track.first as { date: number; link: unknown } | null;
      e !== null;
      e = e.link as typeof e
    ) dates.push(e.date);
    return dates;
  });
}

for (const seed of [1, 0x5eed, 987654321]) {
  Deno.test(`a file written by midi-file is read and written back with the same events (seed ${seed})`, () => {
    const data = sampleFile(seed);
    const original = new Uint8Array(writeMidi(data, { running: true }));
    const ms = kernel();
    const file = readMidiFile(ms, original, { dates: "ticks" });
    assert.equal(file.format, 1);
    assert.equal(file.division, 384);
    assert.equal(file.skipped, 1, "the device name meta event is left out");
    const written = writeMidiFile(ms, {
      tracks: file.tracks,
      format: 1,
      division: 384,
      dates: "ticks",
    });
    const again = parseMidi(written);
    assert.deepEqual(again.header, parseMidi(original).header);
    assert.deepEqual(absolute(again), absolute(parseMidi(original), true));
    // Running status: shorter than one status byte per message.
    const plain = writeMidiFile(ms, {
      tracks: file.tracks,
      format: 1,
      division: 384,
      dates: "ticks",
      runningStatus: false,
    });
    assert.ok(written.length < plain.length - 100);
    assert.deepEqual(absolute(parseMidi(plain)), absolute(again));
  });
}

Deno.test("a file written by midi-file is dated in ms as its tempo map says", () => {
  const data = sampleFile(42);
  const original = new Uint8Array(writeMidi(data));
  const ms = kernel();
  const file = readMidiFile(ms, original);
  assert.equal(file.dates, "ms");
  assert.deepEqual(datesOf(file), msDates(data));
  // Written back in ms with the file's division: the same dates once more.
  const written = writeMidiFile(ms, { tracks: file.tracks, division: 384 });
  assert.deepEqual(datesOf(readMidiFile(ms, written)), msDates(data));
});

Deno.test("a format-0 file of midi-file with SMPTE timing is dated in ms by its frames", () => {
  const data: MidiData = {
    header: { format: 0, numTracks: 1, framesPerSecond: 25, ticksPerFrame: 40 },
    tracks: [[
      { deltaTime: 0, type: "noteOn", channel: 0, noteNumber: 60, velocity: 9 },
      {
        deltaTime: 1500,
        type: "noteOff",
        channel: 0,
        noteNumber: 60,
        velocity: 0,
      },
      { deltaTime: 0, meta: true, type: "endOfTrack" },
    ]],
  };
  const ms = kernel();
  const file = readMidiFile(ms, new Uint8Array(writeMidi(data)));
  assert.equal(file.format, 0);
  assert.deepEqual(datesOf(file), [[0, 1500, 1500]]);
});
