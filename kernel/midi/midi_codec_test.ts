// Over 500 lines: one property or case list per rule of spec §3.8 and §3.9.

import assert from "node:assert/strict";
import {
  CELL_BYTES,
  CELL_WORDS,
  type CellPool,
  createCellPool,
  NIL,
} from "../memory/cell_pool.ts";
import {
  typeActiveSens,
  typeApplAlarm,
  typeChanPress,
  typeClock,
  typeContinue,
  typeCtrl14b,
  typeCtrlChange,
  typeDead,
  typeKeyOff,
  typeKeyOn,
  typeKeyPress,
  typeKeySign,
  typeNonRegParam,
  typeNote,
  typePitchWheel,
  typePrivate,
  typeProcess,
  typeProgChange,
  typeQuarterFrame,
  typeRcvAlarm,
  typeRegParam,
  typeReset,
  typeSeqNum,
  typeSMPTEOffset,
  typeSongPos,
  typeSongSel,
  typeSpecific,
  typeStart,
  typeStop,
  typeStream,
  typeSysEx,
  typeTempo,
  typeText,
  typeTune,
} from "../api/constants.ts";
import { addBytes, readBytes } from "../memory/event_bytes.ts";
import {
  eventChan,
  eventDate,
  eventPort,
  eventType,
} from "../memory/event_header.ts";
import {
  countFields,
  eventClass,
  freeEvent,
  getField,
  newEvent,
  setField,
} from "../memory/event_store.ts";
import { B_CHAN, CLASS_V, W_DATE } from "../memory/event_layout.ts";
import { MidiEncoder } from "./midi_encoder.ts";
import { MidiDecoder } from "./midi_decoder.ts";
import { Random, testSeed } from "../_test_util.ts";

/**
 * `testSeed()` when env access is granted; a plain `deno test` without it would
 * otherwise fail at load, so fall back to the clock (the seed is still reported).
 */
function runSeed(): number {
  const env = Deno.permissions.querySync({
    name: "env",
    variable: "MIDISHARE_SEED",
  });
  return env.state === "granted" ? testSeed() : Date.now() >>> 0;
}

const SEED = runSeed();
const REPLAY =
  `seed ${SEED} (replay: MIDISHARE_SEED=${SEED} deno test --allow-env ...)`;

// ---- Helpers -------------------------------------------------------------------

/** A decoded (or expected) event as a plain record. */
interface Ev {
  type: number;
  chan: number;
  port: number;
  date: number;
  fields: number[];
}

/** What a message should decode to, before date and port are known. */
interface Shape {
  type: number;
  chan: number;
  fields: number[];
}

/** One message handed to the encoder's sink. */
interface Sent {
  slot: number;
  bytes: number[];
}

function show(x: unknown): string {
  const s = JSON.stringify(x);
  return s === undefined
    ? "undefined"
    : s.length > 600
    ? s.slice(0, 600) + "…"
    : s;
}

/** deepEqual with a message that keeps both values and the replay seed. */
function same(actual: unknown, expected: unknown, context: string): void {
  assert.deepEqual(
    actual,
    expected,
    `${context} [${REPLAY}]\n  got:  ${show(actual)}\n  want: ${
      show(expected)
    }`,
  );
}

function sameEvents(actual: Ev[], expected: Ev[], context: string): void {
  const n = Math.max(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    same(
      actual[i],
      expected[i],
      `${context}: event ${i} of ${expected.length}`,
    );
  }
}

/** Reads the event in `cell` as a record. */
function readEvent(pool: CellPool, cell: number): Ev {
  const fields: number[] = [];
  const n = countFields(pool, cell);
  for (let i = 0; i < n; i++) fields.push(getField(pool, cell, i));
  return {
    type: eventType(pool, cell),
    chan: eventChan(pool, cell),
    port: eventPort(pool, cell),
    date: eventDate(pool, cell),
    fields,
  };
}

/** Reads the event in `cell` as a record and frees it. */
function takeEvent(pool: CellPool, cell: number): Ev {
  const record = readEvent(pool, cell);
  freeEvent(pool, cell);
  return record;
}

/** Builds an event for the encoder: fields set, or bytes added for V types. */
function buildEvent(
  pool: CellPool,
  type: number,
  fields: ArrayLike<number>,
  chan = 0,
  date = 0,
): number {
  const cell = newEvent(pool, type);
  assert.notEqual(cell, NIL, `newEvent(${type}) failed [${REPLAY}]`);
  if (eventClass(pool, cell) === CLASS_V) {
    const added = addBytes(pool, cell, Uint8Array.from(fields));
    assert.equal(added, fields.length, `pool too small for type ${type}`);
  } else {
    for (let i = 0; i < fields.length; i++) {
      setField(pool, cell, i, fields[i]!);
    }
  }
  pool.bytes[cell * CELL_BYTES + B_CHAN] = chan;
  pool.words[cell * CELL_WORDS + W_DATE] = date;
  return cell;
}

/** An encoder whose messages are copied into `sent`. */
function loggingEncoder(): { encoder: MidiEncoder; sent: Sent[] } {
  const sent: Sent[] = [];
  const encoder = new MidiEncoder((slot, bytes, length) => {
    sent.push({ slot, bytes: Array.from(bytes.subarray(0, length)) });
  });
  return { encoder, sent };
}

/** A decoder whose events are read and freed at once into `events`. */
function takingDecoder(
  pool: CellPool,
): { decoder: MidiDecoder; events: Ev[] } {
  const events: Ev[] = [];
  const decoder = new MidiDecoder(
    () => pool,
    (cell) => events.push(takeEvent(pool, cell)),
  );
  return { decoder, events };
}

/** A decoder whose delivered cells are kept in `held` (freed by the test). */
function holdingDecoder(
  pool: CellPool,
): { decoder: MidiDecoder; held: number[] } {
  const held: number[] = [];
  const decoder = new MidiDecoder(() => pool, (cell) => held.push(cell));
  return { decoder, held };
}

/** Decodes chunks `[bytes, date, port?]` with a fresh decoder on a fresh pool. */
function decodeChunks(
  chunks: readonly (readonly [readonly number[], number, number?])[],
): Ev[] {
  const pool = createCellPool({ cellCount: 256 });
  const { decoder, events } = takingDecoder(pool);
  for (const [bytes, date, port] of chunks) {
    decoder.decode(Uint8Array.from(bytes), bytes.length, date, port ?? 0);
  }
  assert.equal(pool.used, 0, "cells left in the pool after decoding");
  assert.equal(decoder.lostCount, 0);
  return events;
}

/** Decodes one chunk at date 0, port 0. */
function decodeAll(bytes: readonly number[]): Ev[] {
  return decodeChunks([[bytes, 0]]);
}

function ev(shape: Shape, date = 0, port = 0): Ev {
  return { ...shape, fields: [...shape.fields], date, port };
}

function sh(type: number, fields: number[] = [], chan = 0): Shape {
  return { type, chan, fields };
}

// ---- Random valid MIDI messages ---------------------------------------------------

const CHANNEL_TYPE: Record<number, number> = {
  0x80: typeKeyOff,
  0x90: typeKeyOn,
  0xa0: typeKeyPress,
  0xb0: typeCtrlChange,
  0xc0: typeProgChange,
  0xd0: typeChanPress,
  0xe0: typePitchWheel,
};

const REALTIME_TYPE: Record<number, number> = {
  0xf8: typeClock,
  0xfa: typeStart,
  0xfb: typeContinue,
  0xfc: typeStop,
  0xfe: typeActiveSens,
  0xff: typeReset,
};
const REALTIME_BYTES = [0xf8, 0xfa, 0xfb, 0xfc, 0xfe, 0xff];

type Kind = "channel" | "common" | "tune" | "sysex" | "realtime";

/** A complete message with the event §3.9 says it decodes to. */
interface Message {
  kind: Kind;
  bytes: number[];
  shape: Shape;
}

function randomData(rng: Random, n: number): number[] {
  return Array.from({ length: n }, () => rng.int(128));
}

function randomSysexLength(rng: Random): number {
  return rng.int(5) === 0 ? rng.int(400) : rng.int(30);
}

function randomMessage(rng: Random, withRealtime: boolean): Message {
  const pick = rng.int(withRealtime ? 11 : 10);
  if (pick < 5) {
    const high = rng.pick([0x80, 0x90, 0xa0, 0xb0, 0xc0, 0xd0, 0xe0]);
    const chan = rng.int(16);
    const data = randomData(rng, high === 0xc0 || high === 0xd0 ? 1 : 2);
    // Velocity 0 often, so that Note On 0 and Note Off 0 are both exercised.
    if (data.length === 2 && rng.int(5) === 0) data[1] = 0;
    return {
      kind: "channel",
      bytes: [high | chan, ...data],
      shape: sh(CHANNEL_TYPE[high]!, data, chan),
    };
  }
  switch (pick) {
    case 5: {
      const d = rng.int(128);
      return {
        kind: "common",
        bytes: [0xf1, d],
        shape: sh(typeQuarterFrame, [d >> 4, d & 0x0f]),
      };
    }
    case 6: {
      const data = randomData(rng, 2);
      return {
        kind: "common",
        bytes: [0xf2, ...data],
        shape: sh(typeSongPos, data),
      };
    }
    case 7: {
      const data = randomData(rng, 1);
      return {
        kind: "common",
        bytes: [0xf3, ...data],
        shape: sh(typeSongSel, data),
      };
    }
    case 8:
      return { kind: "tune", bytes: [0xf6], shape: sh(typeTune) };
    case 9: {
      const data = randomData(rng, randomSysexLength(rng));
      return {
        kind: "sysex",
        bytes: [0xf0, ...data, 0xf7],
        shape: sh(typeSysEx, data),
      };
    }
    default: {
      const b = rng.pick(REALTIME_BYTES);
      return { kind: "realtime", bytes: [b], shape: sh(REALTIME_TYPE[b]!) };
    }
  }
}

/** An expected event: completed by byte `at`, dated by the call holding `dateAt`. */
interface Expect {
  at: number;
  dateAt: number;
  shape: Shape;
}

/**
 * A byte stream of `count` random messages written with running status where
 * possible, with real-time bytes (and the ignored 0xF9, 0xFD) before any byte,
 * including inside SysEx, and ignored 0xF4, 0xF5, 0xF7 between messages.
 */
function randomStream(
  rng: Random,
  count: number,
): { bytes: number[]; expected: Expect[]; messageCount: number } {
  const bytes: number[] = [];
  const expected: Expect[] = [];
  const realtimeRate = rng.pick([0, 3, 8, 30]);
  let messageCount = 0;
  const maybeRealtime = () => {
    while (realtimeRate > 0 && rng.int(realtimeRate) === 0) {
      const b = rng.pick([...REALTIME_BYTES, 0xf9, 0xfd]);
      const at = bytes.length;
      bytes.push(b);
      const type = REALTIME_TYPE[b];
      if (type !== undefined) {
        expected.push({ at, dateAt: at, shape: sh(type) });
        messageCount++;
      }
    }
  };
  const put = (b: number) => {
    maybeRealtime();
    bytes.push(b);
    return bytes.length - 1;
  };
  let running = 0;
  for (let i = 0; i < count; i++) {
    if (rng.int(12) === 0) {
      // Undefined system common bytes and a lone EOX, between messages. Whether
      // they cancel running status is left open by §3.9: resend the status.
      put(rng.pick([0xf4, 0xf5, 0xf7]));
      running = 0;
    }
    const m = randomMessage(rng, false);
    const status = m.bytes[0]!;
    let statusAt = -1;
    if (!(m.kind === "channel" && status === running && rng.int(4) !== 0)) {
      statusAt = put(status);
    }
    running = m.kind === "channel" ? status : 0;
    const dataAt = m.bytes.slice(1).map(put);
    const last = dataAt.length > 0 ? dataAt[dataAt.length - 1]! : statusAt;
    const dateAt = m.kind === "sysex" || dataAt.length === 0
      ? statusAt
      : dataAt[0]!;
    expected.push({ at: last, dateAt, shape: m.shape });
    messageCount++;
  }
  maybeRealtime();
  expected.sort((a, b) => a.at - b.at);
  return { bytes, expected, messageCount };
}

/** A random start date, often just below 2^31 or 2^32 so that runs wrap. */
function randomStartDate(rng: Random): number {
  switch (rng.int(3)) {
    case 0:
      return (0x100000000 - rng.int(3000)) >>> 0;
    case 1:
      return (0x80000000 - rng.int(3000)) >>> 0;
    default:
      return rng.int(0x100000000);
  }
}

/**
 * Feeds `bytes` to `decoder` in random chunks (some empty), each with its own
 * increasing date and followed in its buffer by garbage beyond `length`.
 * @returns the date of the call that carried each byte
 */
function feedInChunks(
  rng: Random,
  decoder: MidiDecoder,
  bytes: readonly number[],
  port: number,
  between: () => void = () => {},
): number[] {
  const dates: number[] = [];
  let date = randomStartDate(rng);
  let pos = 0;
  while (pos < bytes.length) {
    date = (date + 1 + rng.int(10)) >>> 0;
    const len = rng.int(5) === 0
      ? 0
      : Math.min(bytes.length - pos, 1 + rng.int(rng.pick([1, 3, 16, 200])));
    const buf = new Uint8Array(len + 4);
    buf.set(bytes.slice(pos, pos + len));
    for (let k = len; k < buf.length; k++) buf[k] = rng.int(256);
    for (let k = 0; k < len; k++) dates.push(date);
    decoder.decode(buf, len, date, port);
    between();
    pos += len;
  }
  return dates;
}

// ---- Model of spec §3.8 for the encoder -----------------------------------------

/** A random event of a type that has a MIDI form, fields in range (§3.3). */
interface GenEvent {
  type: number;
  chan: number;
  fields: number[];
  /** For `typeStream`: the shapes its messages decode to. */
  streamShapes: Shape[];
}

const MIDI_TYPES = [
  ...Array.from({ length: 19 }, (_, i) => i),
  typeQuarterFrame,
  typeCtrl14b,
  typeNonRegParam,
  typeRegParam,
];

function randomEvent(rng: Random): GenEvent {
  const type = rng.pick(MIDI_TYPES);
  const chan = rng.int(256); // the encoder must use chan & 0x0F
  const b7 = () => rng.int(128);
  let fields: number[] = [];
  const streamShapes: Shape[] = [];
  switch (type) {
    case typeNote: {
      const dur = rng.int(3) === 0 ? rng.int(65536) : rng.int(300);
      fields = [b7(), rng.int(8) === 0 ? 0 : b7(), dur];
      break;
    }
    case typeKeyOn:
    case typeKeyOff:
      fields = [b7(), rng.int(4) === 0 ? 0 : b7()];
      break;
    case typeKeyPress:
    case typeCtrlChange:
    case typePitchWheel:
    case typeSongPos:
      fields = [b7(), b7()];
      break;
    case typeProgChange:
    case typeChanPress:
    case typeSongSel:
      fields = [b7()];
      break;
    case typeSysEx:
      fields = randomData(rng, randomSysexLength(rng));
      break;
    case typeStream:
      for (let k = rng.int(4); k > 0; k--) {
        const m = randomMessage(rng, true);
        fields.push(...m.bytes);
        streamShapes.push(m.shape);
      }
      break;
    case typeQuarterFrame:
      fields = [rng.int(8), rng.int(16)];
      break;
    case typeCtrl14b:
      fields = [rng.int(32), rng.int(16384)];
      break;
    case typeNonRegParam:
    case typeRegParam:
      fields = [rng.int(16384), rng.int(16384)];
      break;
  }
  return { type, chan, fields, streamShapes };
}

/** The messages §3.8 sends now for `e`, and the events §3.9 decodes them to. */
function specEncoding(e: GenEvent): { messages: number[][]; shapes: Shape[] } {
  const ch = e.chan & 0x0f;
  const f = e.fields;
  const cc = (c: number, v: number) => ({
    message: [0xb0 | ch, c, v],
    shape: sh(typeCtrlChange, [c, v], ch),
  });
  const status: Record<number, number> = {
    [typeKeyOff]: 0x80,
    [typeKeyOn]: 0x90,
    [typeKeyPress]: 0xa0,
    [typeCtrlChange]: 0xb0,
    [typeProgChange]: 0xc0,
    [typeChanPress]: 0xd0,
    [typePitchWheel]: 0xe0,
  };
  const system: Record<number, number> = {
    [typeClock]: 0xf8,
    [typeStart]: 0xfa,
    [typeContinue]: 0xfb,
    [typeStop]: 0xfc,
    [typeTune]: 0xf6,
    [typeActiveSens]: 0xfe,
    [typeReset]: 0xff,
  };
  switch (e.type) {
    case typeNote:
      return {
        messages: [[0x90 | ch, f[0]!, f[1]!]],
        shapes: [sh(typeKeyOn, [f[0]!, f[1]!], ch)],
      };
    case typeSongPos:
      return { messages: [[0xf2, ...f]], shapes: [sh(typeSongPos, f)] };
    case typeSongSel:
      return { messages: [[0xf3, ...f]], shapes: [sh(typeSongSel, f)] };
    case typeSysEx:
      return { messages: [[0xf0, ...f, 0xf7]], shapes: [sh(typeSysEx, f)] };
    case typeStream:
      return {
        messages: f.length === 0 ? [] : [[...f]],
        shapes: e.streamShapes,
      };
    case typeQuarterFrame:
      return {
        messages: [[0xf1, (f[0]! << 4) + f[1]!]],
        shapes: [sh(typeQuarterFrame, [f[0]!, f[1]!])],
      };
    case typeCtrl14b: {
      const c = f[0]! & 0x1f, v = f[1]! & 0x3fff;
      const parts = [cc(c, v >> 7), cc(c + 32, v & 0x7f)];
      return {
        messages: parts.map((p) => p.message),
        shapes: parts.map((p) => p.shape),
      };
    }
    case typeNonRegParam:
    case typeRegParam: {
      const n = f[0]! & 0x3fff, v = f[1]! & 0x3fff;
      const [msb, lsb] = e.type === typeRegParam ? [101, 100] : [99, 98];
      const parts = [
        cc(msb!, n >> 7),
        cc(lsb!, n & 0x7f),
        cc(6, v >> 7),
        cc(38, v & 0x7f),
      ];
      return {
        messages: parts.map((p) => p.message),
        shapes: parts.map((p) => p.shape),
      };
    }
  }
  const s = status[e.type];
  if (s !== undefined) {
    return {
      messages: [[s | ch, ...f]],
      shapes: [sh(e.type, f, ch)],
    };
  }
  const rt = system[e.type];
  assert.ok(rt !== undefined, `no model for type ${e.type}`);
  return { messages: [[rt]], shapes: [sh(e.type)] };
}

/** A note-off the model expects the encoder to hold. */
interface PendingOff {
  due: number;
  seq: number;
  slot: number;
  ch: number;
  pitch: number;
}

/** Removes and returns the note-offs due at `now`, in date then queue order. */
function takeDue(
  pending: PendingOff[],
  now: number,
  all = false,
): PendingOff[] {
  const due = pending.filter((p) => all || ((p.due - now) | 0) <= 0);
  const rest = pending.filter((p) => !due.includes(p));
  pending.length = 0;
  pending.push(...rest);
  return due.sort((a, b) =>
    (((a.due - now) | 0) - ((b.due - now) | 0)) || a.seq - b.seq
  );
}

// ---- 1. Round trip of every MIDI type -----------------------------------------

Deno.test("MidiEncoder and MidiDecoder round-trip random events of every type with a MIDI form", async (t) => {
  const regions: [string, number][] = [
    ["dates crossing 2^32", 0xffffffff - 30000],
    ["dates crossing 2^31", 0x7fffffff - 30000],
    ["random dates", new Random(SEED).int(0x100000000)],
  ];
  for (const [name, start] of regions) {
    await t.step(name, () => roundTripRun(start, 2500));
  }
});

function roundTripRun(start: number, eventCount: number): void {
  const rng = new Random(SEED ^ start);
  const src = createCellPool({ cellCount: 1024 });
  const dst = createCellPool({ cellCount: 1024 });
  const { encoder, sent } = loggingEncoder();
  const { decoder, events } = takingDecoder(dst);
  const pending: PendingOff[] = [];
  let seq = 0;
  let date = start >>> 0;

  // Hands the sink's messages to the decoder, one decode() per message.
  const decodeSent = (at: number) => {
    for (const m of sent) {
      decoder.decode(Uint8Array.from(m.bytes), m.bytes.length, at, m.slot);
    }
  };
  const flush = (now: number, all: boolean, context: string) => {
    const want = takeDue(pending, now, all);
    sent.length = 0;
    const n = all ? encoder.flushAll() : encoder.flushDue(now);
    same(n, want.length, `${context}: note-offs sent`);
    same(
      sent,
      want.map((p) => ({ slot: p.slot, bytes: [0x90 | p.ch, p.pitch, 0] })),
      `${context}: note-off messages`,
    );
    decodeSent(now);
    sameEvents(
      events.splice(0),
      want.map((p) => ev(sh(typeKeyOn, [p.pitch, 0], p.ch), now, p.slot)),
      `${context}: decoded note-offs`,
    );
  };

  for (let i = 0; i < eventCount; i++) {
    date = (date + rng.int(40)) >>> 0;
    // Note-offs due: sometimes at their exact date, otherwise late, at `date`.
    for (let guard = 0; guard < 100; guard++) {
      const due = pending.filter((p) => ((p.due - date) | 0) <= 0);
      if (due.length === 0) break;
      const earliest = takeDue([...due], date)[0]!.due;
      flush(rng.int(2) === 0 ? earliest : date, false, `step ${i} flushDue`);
    }
    same(encoder.pendingNoteOffs, pending.length, `step ${i}: pending`);

    const e = randomEvent(rng);
    const slot = rng.int(256);
    const context = `step ${i}, date ${date}, slot ${slot}, event ${show(e)}`;
    const cell = buildEvent(src, e.type, e.fields, e.chan, date);
    sent.length = 0;
    const count = encoder.encode(src, cell, slot);
    freeEvent(src, cell);
    const want = specEncoding(e);
    same(count, want.messages.length, `${context}: encode() result`);
    same(
      sent,
      want.messages.map((bytes) => ({ slot, bytes })),
      `${context}: messages`,
    );
    decodeSent(date);
    sameEvents(
      events.splice(0),
      want.shapes.map((s) => ev(s, date, slot)),
      `${context}: decoded`,
    );
    if (e.type === typeNote) {
      pending.push({
        due: (date + e.fields[2]!) >>> 0,
        seq: seq++,
        slot,
        ch: e.chan & 0x0f,
        pitch: e.fields[0]!,
      });
    }
  }
  flush(date, true, "final flushAll");
  same(encoder.pendingNoteOffs, 0, "pending after flushAll");
  same(decoder.lostCount, 0, "lostCount");
  same(src.used, 0, "encoder pool cells in use");
  same(dst.used, 0, "decoder pool cells in use");
}

// ---- 2. Running status and real-time bytes ---------------------------------------

Deno.test("MidiDecoder decodes running status with real-time bytes anywhere, even inside SysEx", () => {
  const rng = new Random(SEED + 2);
  let total = 0;
  for (let run = 0; run < 300; run++) {
    const { bytes, expected } = randomStream(rng, 1 + rng.int(40));
    const pool = createCellPool({ cellCount: 256 });
    const { decoder, events } = takingDecoder(pool);
    const port = rng.int(256);
    const dates = feedInChunks(rng, decoder, bytes, port);
    const context = `run ${run}, port ${port}, bytes ${show(bytes)}`;
    sameEvents(
      events,
      expected.map((x) => ev(x.shape, dates[x.dateAt]!, port)),
      context,
    );
    same(decoder.lostCount, 0, `${context}: lostCount`);
    same(pool.used, 0, `${context}: cells in use`);
    total += expected.length;
  }
  assert.ok(total > 3000, `only ${total} messages generated`);
});

// ---- 3. Specific rules of §3.9 ------------------------------------------------------

Deno.test("MidiDecoder maps each status byte to its event type (§3.9)", async (t) => {
  await t.step("channel messages keep chan, Note On 0 stays KeyOn", () => {
    sameEvents(
      decodeAll([
        0x83,
        60,
        0,
        0x94,
        60,
        0,
        0xa5,
        1,
        2,
        0xb6,
        7,
        100,
        0xc7,
        5,
        0xd8,
        90,
        0xef,
        0x12,
        0x40,
      ]),
      [
        ev(sh(typeKeyOff, [60, 0], 3)),
        ev(sh(typeKeyOn, [60, 0], 4)),
        ev(sh(typeKeyPress, [1, 2], 5)),
        ev(sh(typeCtrlChange, [7, 100], 6)),
        ev(sh(typeProgChange, [5], 7)),
        ev(sh(typeChanPress, [90], 8)),
        ev(sh(typePitchWheel, [0x12, 0x40], 15)),
      ],
      "channel messages",
    );
  });

  await t.step("system messages", () => {
    sameEvents(
      decodeAll([
        0xf2,
        1,
        2,
        0xf3,
        9,
        0xf6,
        0xf1,
        0x7a,
        0xf8,
        0xfa,
        0xfb,
        0xfc,
        0xfe,
        0xff,
        0xf0,
        0x43,
        0x10,
        0xf7,
      ]),
      [
        ev(sh(typeSongPos, [1, 2])),
        ev(sh(typeSongSel, [9])),
        ev(sh(typeTune)),
        ev(sh(typeQuarterFrame, [7, 0xa])),
        ev(sh(typeClock)),
        ev(sh(typeStart)),
        ev(sh(typeContinue)),
        ev(sh(typeStop)),
        ev(sh(typeActiveSens)),
        ev(sh(typeReset)),
        ev(sh(typeSysEx, [0x43, 0x10])),
      ],
      "system messages",
    );
  });

  await t.step("running status for one- and two-byte messages", () => {
    sameEvents(
      decodeAll([0x91, 60, 100, 61, 0, 62, 1, 0xc2, 1, 2, 3, 0x80, 4, 0]),
      [
        ev(sh(typeKeyOn, [60, 100], 1)),
        ev(sh(typeKeyOn, [61, 0], 1)),
        ev(sh(typeKeyOn, [62, 1], 1)),
        ev(sh(typeProgChange, [1], 2)),
        ev(sh(typeProgChange, [2], 2)),
        ev(sh(typeProgChange, [3], 2)),
        ev(sh(typeKeyOff, [4, 0], 0)),
      ],
      "running status",
    );
  });

  await t.step(
    "14-bit controllers and (N)RPN arrive as Control Changes",
    () => {
      const events = decodeAll([0xb0, 7, 1, 39, 2, 99, 0, 98, 5, 6, 1, 38, 0]);
      same(events.map((e) => e.type), Array(6).fill(typeCtrlChange), "types");
    },
  );
});

Deno.test("MidiDecoder ignores data bytes with no status", async (t) => {
  await t.step("at the start of the stream", () => {
    same(decodeAll([0x3c, 0x40, 0x00, 0x7f]), [], "events");
  });
  await t.step("then decodes the next message", () => {
    sameEvents(
      decodeAll([1, 2, 3, 0x90, 60, 64]),
      [ev(sh(typeKeyOn, [60, 64]))],
      "events",
    );
  });
  await t.step("after a SysEx (no running status)", () => {
    sameEvents(
      decodeAll([0x90, 60, 64, 0xf0, 1, 0xf7, 61, 65]),
      [ev(sh(typeKeyOn, [60, 64])), ev(sh(typeSysEx, [1]))],
      "events",
    );
  });
  await t.step("after reset() in the middle of a message", () => {
    const pool = createCellPool({ cellCount: 16 });
    const { decoder, events } = takingDecoder(pool);
    decoder.decode(Uint8Array.of(0x90, 60), 2, 0, 0);
    decoder.reset();
    decoder.decode(Uint8Array.of(64, 61, 65), 3, 0, 0);
    decoder.decode(
      Uint8Array.of(0xf0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
      13,
      0,
      0,
    );
    assert.ok(pool.used > 0, "a SysEx in progress holds cells");
    decoder.reset();
    same(pool.used, 0, "cells after reset() in a SysEx");
    decoder.decode(Uint8Array.of(13, 0xf7), 2, 0, 0);
    same(events, [], "events");
  });
});

Deno.test("MidiDecoder ignores 0xF4, 0xF5, 0xF9, 0xFD and a lone 0xF7", async (t) => {
  for (const b of [0xf4, 0xf5, 0xf9, 0xfd, 0xf7]) {
    await t.step(
      `0x${b.toString(16).toUpperCase()} alone and between messages`,
      () => {
        same(decodeAll([b]), [], "alone");
        same(decodeAll([b, b, b]), [], "repeated");
        sameEvents(
          decodeAll([0xf8, b, 0x92, 1, 2, b, 0xf3, 4, b]),
          [
            ev(sh(typeClock)),
            ev(sh(typeKeyOn, [1, 2], 2)),
            ev(sh(typeSongSel, [4])),
          ],
          "between messages",
        );
      },
    );
  }
  for (const b of [0xf9, 0xfd]) {
    const name = `0x${b.toString(16).toUpperCase()}`;
    await t.step(`${name} inside a message or a SysEx changes nothing`, () => {
      sameEvents(
        decodeAll([0x90, b, 60, b, 64, b, 61, b, 65, 0xf0, 1, b, 2, b, 0xf7]),
        [
          ev(sh(typeKeyOn, [60, 64])),
          ev(sh(typeKeyOn, [61, 65])),
          ev(sh(typeSysEx, [1, 2])),
        ],
        "events",
      );
    });
  }
});

Deno.test("MidiDecoder abandons a SysEx at any status byte other than real-time", async (t) => {
  const long = Array.from({ length: 30 }, (_, i) => i);
  const cases: [string, number[], Shape[]][] = [
    ["a channel message", [0x93, 60, 64], [sh(typeKeyOn, [60, 64], 3)]],
    ["a second SysEx", [0xf0, 5, 0xf7], [sh(typeSysEx, [5])]],
    ["a quarter frame", [0xf1, 0x35], [sh(typeQuarterFrame, [3, 5])]],
    ["a song position", [0xf2, 1, 2], [sh(typeSongPos, [1, 2])]],
    ["a song select", [0xf3, 1], [sh(typeSongSel, [1])]],
    ["a tune request", [0xf6], [sh(typeTune)]],
    ["0xF4", [0xf4], []],
    ["0xF5", [0xf5], []],
  ];
  for (const [name, tail, shapes] of cases) {
    await t.step(name, () => {
      const pool = createCellPool({ cellCount: 64 });
      const { decoder, events } = takingDecoder(pool);
      const before = pool.used;
      decoder.decode(Uint8Array.from([0xf0, ...long]), long.length + 1, 0, 0);
      assert.ok(pool.used > before, "the SysEx in progress holds cells");
      // The abandoned SysEx's data must not leak into the next message either;
      // the trailing F7 is then a lone F7.
      const rest = [...tail, 0xf7];
      decoder.decode(Uint8Array.from(rest), rest.length, 0, 0);
      sameEvents(events, shapes.map((s) => ev(s)), "events");
      same(pool.used, before, "cells in use (nothing leaked)");
      same(decoder.lostCount, 0, "lostCount");
    });
  }
});

Deno.test("MidiDecoder cancels running status at system common messages, not at real-time ones", async (t) => {
  const commons: [string, number[], Shape][] = [
    ["0xF1", [0xf1, 0x12], sh(typeQuarterFrame, [1, 2])],
    ["0xF2", [0xf2, 3, 4], sh(typeSongPos, [3, 4])],
    ["0xF3", [0xf3, 5], sh(typeSongSel, [5])],
    ["0xF6", [0xf6], sh(typeTune)],
    ["0xF0..0xF7", [0xf0, 6, 0xf7], sh(typeSysEx, [6])],
  ];
  for (const [name, bytes, shape] of commons) {
    await t.step(name, () => {
      sameEvents(
        decodeAll([0x95, 60, 64, ...bytes, 61, 65, 62]),
        [ev(sh(typeKeyOn, [60, 64], 5)), ev(shape)],
        "events",
      );
    });
  }
  for (const b of REALTIME_BYTES) {
    await t.step(`0x${b.toString(16).toUpperCase()} keeps it`, () => {
      sameEvents(
        decodeAll([0xb5, 7, 100, b, 8, 101]),
        [
          ev(sh(typeCtrlChange, [7, 100], 5)),
          ev(sh(REALTIME_TYPE[b]!)),
          ev(sh(typeCtrlChange, [8, 101], 5)),
        ],
        "events",
      );
    });
  }
  await t.step(
    "a common message's data is not reused as running status",
    () => {
      sameEvents(
        decodeAll([0xf1, 0x12, 0x34, 0xf2, 1, 2, 3, 4, 0xf3, 5, 6]),
        [
          ev(sh(typeQuarterFrame, [1, 2])),
          ev(sh(typeSongPos, [1, 2])),
          ev(sh(typeSongSel, [5])),
        ],
        "events",
      );
    },
  );
});

Deno.test("MidiDecoder assembles a message split across decode() calls and dates it by its first data byte", async (t) => {
  await t.step("channel message, then running status", () => {
    sameEvents(
      decodeChunks([
        [[0x90], 10],
        [[60], 20],
        [[64], 30],
        [[61], 40],
        [[0xf8], 45],
        [[65, 62], 50],
        [[66], 60],
      ]),
      [
        ev(sh(typeKeyOn, [60, 64]), 20),
        ev(sh(typeClock), 45),
        ev(sh(typeKeyOn, [61, 65]), 40),
        ev(sh(typeKeyOn, [62, 66]), 50),
      ],
      "events",
    );
  });
  await t.step("one-data-byte and system common messages", () => {
    sameEvents(
      decodeChunks([
        [[0xc3], 1],
        [[7, 8], 2],
        [[0xf1], 3],
        [[0x21], 4],
        [[0xf2], 5],
        [[1], 6],
        [[2], 7],
        [[0xf3], 8],
        [[9], 9],
      ]),
      [
        ev(sh(typeProgChange, [7], 3), 2),
        ev(sh(typeProgChange, [8], 3), 2),
        ev(sh(typeQuarterFrame, [2, 1]), 4),
        ev(sh(typeSongPos, [1, 2]), 6),
        ev(sh(typeSongSel, [9]), 9),
      ],
      "events",
    );
  });
  await t.step(
    "SysEx and status-only messages take the status byte's date",
    () => {
      sameEvents(
        decodeChunks([
          [[0xf0], 100],
          [[1, 2], 110],
          [[0xfe], 115],
          [[3], 120],
          [[0xf7], 130],
          [[0xf6], 140],
          [[0xf0], 0xffffffff],
          [[4], 0],
          [[0xf7], 1],
        ]),
        [
          ev(sh(typeActiveSens), 115),
          ev(sh(typeSysEx, [1, 2, 3]), 100),
          ev(sh(typeTune), 140),
          ev(sh(typeSysEx, [4]), 0xffffffff),
        ],
        "events",
      );
    },
  );
  await t.step("port is the slot passed to decode()", () => {
    sameEvents(
      decodeChunks([
        [[0x90, 1, 2], 0, 7],
        [[0xf8], 0, 255],
        [[0xf0, 3, 0xf7], 0, 128],
      ]),
      [
        ev(sh(typeKeyOn, [1, 2]), 0, 7),
        ev(sh(typeClock), 0, 255),
        ev(sh(typeSysEx, [3]), 0, 128),
      ],
      "events",
    );
  });
  await t.step("only bytes[0..length) are read", () => {
    const pool = createCellPool({ cellCount: 16 });
    const { decoder, events } = takingDecoder(pool);
    decoder.decode(Uint8Array.of(0x90, 60, 64, 0xf8, 0xff, 0xf6), 3, 0, 0);
    decoder.decode(Uint8Array.of(0x90, 1, 0xf8), 0, 0, 0);
    sameEvents(events, [ev(sh(typeKeyOn, [60, 64]))], "events");
  });
});

// ---- 4. SysEx of any length -------------------------------------------------------

Deno.test("MidiDecoder stores a SysEx of n bytes in 2 + floor(n / 12) cells", () => {
  const pool = createCellPool({ cellCount: 64 });
  const { decoder, held } = holdingDecoder(pool);
  for (let n = 0; n <= 200; n++) {
    const data = Array.from({ length: n }, (_, i) => (i * 7 + n) & 0x7f);
    const bytes = [0xf0, ...data, 0xf7];
    decoder.decode(Uint8Array.from(bytes), bytes.length, n, 1);
    same(held.length, 1, `n = ${n}: events`);
    same(pool.used, 2 + Math.floor(n / 12), `n = ${n}: cells`);
    const got = takeEvent(pool, held.pop()!);
    same(got, ev(sh(typeSysEx, data), n, 1), `n = ${n}: event`);
    same(pool.used, 0, `n = ${n}: cells after free`);
  }
});

Deno.test("MidiEncoder and MidiDecoder round-trip a 1 MiB SysEx byte for byte", () => {
  const rng = new Random(SEED + 4);
  const n = 1 << 20;
  const cost = 2 + Math.floor(n / 12);
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.int(128);

  const src = createCellPool({ cellCount: cost + 8 });
  const cell = buildEvent(src, typeSysEx, data);
  same(src.used, cost, "encoder-side cells");
  const { encoder, sent } = loggingEncoder();
  same(encoder.encode(src, cell, 3), 1, "encode() result");
  freeEvent(src, cell);
  same(src.used, 0, "encoder-side cells after free");
  same(sent.length, 1, "messages");
  const wire = sent[0]!.bytes;
  same(wire.length, n + 2, "message length");
  same([wire[0], wire[n + 1]], [0xf0, 0xf7], "framing");

  const dst = createCellPool({ cellCount: cost + 256 });
  const { decoder, held } = holdingDecoder(dst);
  // Random chunks with real-time bytes slipped in between some of them.
  let pos = 0, clocks = 0;
  while (pos < wire.length) {
    const len = Math.min(wire.length - pos, 1 + rng.int(65536));
    decoder.decode(Uint8Array.from(wire.slice(pos, pos + len)), len, 1000, 3);
    pos += len;
    if (pos < wire.length && rng.int(2) === 0) {
      decoder.decode(Uint8Array.of(0xf8), 1, 1000, 3);
      clocks++;
    }
  }
  same(held.length, clocks + 1, "events");
  const sysex = held.pop()!;
  same(eventType(dst, sysex), typeSysEx, "type");
  same(countFields(dst, sysex), n, "byte count");
  same(dst.used, cost + clocks, "cells of the decoded SysEx (+ clocks)");
  const out = new Uint8Array(n);
  same(readBytes(dst, sysex, out), n, "bytes read");
  for (let i = 0; i < n; i++) {
    if (out[i] !== data[i]) {
      assert.fail(`byte ${i}: got ${out[i]}, want ${data[i]} [${REPLAY}]`);
    }
  }
  freeEvent(dst, sysex);
  for (const c of held) freeEvent(dst, c);
  same(dst.used, 0, "cells after free");
  same(decoder.lostCount, 0, "lostCount");
});

// ---- 5. Exhaustion --------------------------------------------------------------------

Deno.test("MidiDecoder drops and counts messages when its pool is exhausted", async (t) => {
  await t.step("S events beyond the pool", () => {
    const pool = createCellPool({ cellCount: 3 });
    const { decoder, held } = holdingDecoder(pool);
    const bytes = [0x90];
    for (let i = 0; i < 10; i++) bytes.push(60 + i, 64);
    decoder.decode(Uint8Array.from(bytes), bytes.length, 5, 2);
    same(held.length, 3, "delivered");
    same(decoder.lostCount, 7, "lostCount");
    same(
      held.map((c) => takeEvent(pool, c)),
      [60, 61, 62].map((p) => ev(sh(typeKeyOn, [p, 64]), 5, 2)),
      "the first three were delivered",
    );
    held.length = 0;
    same(pool.used, 0, "cells after free");
    decoder.decode(Uint8Array.of(70, 64), 2, 6, 2);
    same(held.length, 1, "decodes again once cells are back");
  });

  await t.step("a SysEx that fits exactly, then one a byte too long", () => {
    const pool = createCellPool({ cellCount: 4 });
    const { decoder, held } = holdingDecoder(pool);
    const fits = Array.from({ length: 35 }, (_, i) => i);
    decoder.decode(Uint8Array.from([0xf0, ...fits, 0xf7]), 37, 1, 0);
    same(held.length, 1, "35 bytes fit in 4 cells");
    same(takeEvent(pool, held.pop()!), ev(sh(typeSysEx, fits), 1), "event");
    const tooLong = [0xf0, ...fits, 35, 0xf7, 0x90, 60, 64];
    decoder.decode(Uint8Array.from(tooLong), tooLong.length, 2, 0);
    same(decoder.lostCount, 1, "lostCount");
    same(
      held.map((c) => takeEvent(pool, c)),
      [ev(sh(typeKeyOn, [60, 64]), 2)],
      "the SysEx is dropped whole, the next message decodes",
    );
    same(pool.used, 0, "cells after free");
  });

  await t.step("a SysEx that cannot start", () => {
    const pool = createCellPool({ cellCount: 1 });
    const { decoder, held } = holdingDecoder(pool);
    const bytes = [0xf0, 1, 2, 0xf7, 0xf3, 4];
    decoder.decode(Uint8Array.from(bytes), bytes.length, 0, 0);
    same(decoder.lostCount, 1, "lostCount");
    same(
      held.map((c) => takeEvent(pool, c)),
      [ev(sh(typeSongSel, [4]))],
      "events",
    );
    same(pool.used, 0, "cells after free");
  });

  await t.step("real-time bytes while a SysEx holds the last cells", () => {
    const pool = createCellPool({ cellCount: 4 });
    const { decoder, held } = holdingDecoder(pool);
    const part = Array.from({ length: 20 }, (_, i) => i);
    const bytes = [0xf0, ...part, 0xf8, 0xf8, ...part, 0xf8, 0xf7];
    decoder.decode(Uint8Array.from(bytes), bytes.length, 0, 0);
    // 20 bytes take 3 cells; the first clock the 4th; the second is lost; the
    // SysEx then needs a 4th cell and is dropped, freeing its 3 for the last clock.
    same(decoder.lostCount, 2, "lostCount (one clock, the SysEx)");
    same(
      held.map((c) => takeEvent(pool, c)),
      [ev(sh(typeClock)), ev(sh(typeClock))],
      "events",
    );
    same(pool.used, 0, "cells after free");
  });

  await t.step("random streams into tiny pools", () => {
    const rng = new Random(SEED + 5);
    for (let run = 0; run < 300; run++) {
      const { bytes, expected, messageCount } = randomStream(
        rng,
        1 + rng.int(30),
      );
      const cellCount = rng.int(9);
      const pool = createCellPool({ cellCount });
      // Records are read on delivery (delivery order); cells are freed later.
      const got: Ev[] = [];
      const held: number[] = [];
      const decoder = new MidiDecoder(() => pool, (cell) => {
        got.push(readEvent(pool, cell));
        held.push(cell);
      });
      const release = (all: boolean) => {
        for (let k = held.length - 1; k >= 0; k--) {
          if (all || rng.int(2) === 0) {
            freeEvent(pool, held.splice(k, 1)[0]!);
          }
        }
      };
      const port = rng.int(256);
      let dates: number[] = [];
      try {
        dates = feedInChunks(rng, decoder, bytes, port, () => release(false));
      } catch (error) {
        assert.fail(`run ${run}: decode() threw ${error} [${REPLAY}]`);
      }
      release(true);
      const context = `run ${run}, ${cellCount} cells, bytes ${show(bytes)}`;
      same(
        got.length + decoder.lostCount,
        messageCount,
        `${context}: delivered + lost`,
      );
      same(pool.used, 0, `${context}: cells after free`);
      // Delivered events are the expected ones in order, some missing.
      const want = expected.map((x) => ev(x.shape, dates[x.dateAt]!, port));
      const key = (e: Ev) => show([e.type, e.chan, e.port, e.date, e.fields]);
      let j = 0;
      for (const e of got) {
        while (j < want.length && key(want[j]!) !== key(e)) j++;
        assert.ok(
          j < want.length,
          `${context}: unexpected event ${show(e)} [${REPLAY}]`,
        );
        j++;
      }
    }
  });
});

// ---- 6. Encoder: note-off queue and edge cases -------------------------------------

/** Encodes notes `[date, dur, pitch, slot?, chan?]`, checking each sends one message. */
function encodeNotes(
  encoder: MidiEncoder,
  notes: readonly (readonly number[])[],
): void {
  const pool = createCellPool({ cellCount: 4 });
  for (const [date, dur, pitch, slot, chan] of notes) {
    const cell = buildEvent(
      pool,
      typeNote,
      [pitch!, 100, dur!],
      chan ?? 0,
      date,
    );
    same(encoder.encode(pool, cell, slot ?? 0), 1, `note ${pitch}`);
    freeEvent(pool, cell);
  }
}

function offs(sent: Sent[]): number[][] {
  return sent.splice(0).map((m) => [m.slot, ...m.bytes]);
}

Deno.test("MidiEncoder sends note-offs in date order, then queue order", async (t) => {
  await t.step("a small case", () => {
    const { encoder, sent } = loggingEncoder();
    encodeNotes(encoder, [
      [0, 300, 60],
      [10, 90, 61],
      [20, 180, 62],
      [30, 70, 63],
      [40, 60, 64],
      [50, 150, 65],
    ]);
    sent.length = 0;
    same(encoder.pendingNoteOffs, 6, "pending");
    same(encoder.flushDue(99), 0, "nothing due at 99");
    same(encoder.flushDue(100), 3, "due at 100");
    same(
      offs(sent),
      [[0, 0x90, 61, 0], [0, 0x90, 63, 0], [0, 0x90, 64, 0]],
      "at 100",
    );
    same(encoder.flushDue(1000), 3, "due at 1000");
    same(
      offs(sent),
      [[0, 0x90, 62, 0], [0, 0x90, 65, 0], [0, 0x90, 60, 0]],
      "at 1000",
    );
    same(encoder.pendingNoteOffs, 0, "pending");
  });

  await t.step("hundreds of note-offs with many equal dates", () => {
    const rng = new Random(SEED + 6);
    const { encoder, sent } = loggingEncoder();
    const pending: PendingOff[] = [];
    const notes: number[][] = [];
    const base = 0x7ffffe00; // the dates cross 2^31
    for (let i = 0; i < 600; i++) {
      // Groups of 16 notes share a date; few durations, so many equal due dates.
      const date = base + (i >> 4) * 10;
      const dur = rng.pick([0, 10, 20, 50, 600]);
      const slot = i >> 7, pitch = i & 0x7f, chan = rng.int(16);
      notes.push([date, dur, pitch, slot, chan]);
      pending.push({ due: (date + dur) >>> 0, seq: i, slot, ch: chan, pitch });
    }
    encodeNotes(encoder, notes);
    sent.length = 0;
    let now = base;
    while (pending.length > 0) {
      now = (now + rng.int(120)) >>> 0;
      const want = takeDue(pending, now);
      same(encoder.flushDue(now), want.length, `count at ${now}`);
      same(
        offs(sent),
        want.map((p) => [p.slot, 0x90 | p.ch, p.pitch, 0]),
        `note-offs at ${now}`,
      );
    }
  });
});

Deno.test("MidiEncoder compares note-off dates across the 2^31 and 2^32 wrap", async (t) => {
  await t.step("a note at 0xFFFFFFF0 lasting 100 ms ends at 0x54", () => {
    const { encoder, sent } = loggingEncoder();
    encodeNotes(encoder, [[0xfffffff0, 100, 60, 4, 2]]);
    sent.length = 0;
    for (const now of [0xfffffff0, 0xfffffff1, 0xffffffff, 0, 0x10, 0x53]) {
      same(encoder.flushDue(now), 0, `nothing due at 0x${now.toString(16)}`);
    }
    same(encoder.flushDue(0x54), 1, "due at 0x54");
    same(offs(sent), [[4, 0x92, 60, 0]], "the note-off");
  });
  for (const base of [0x7fffff00, 0xffffff00]) {
    await t.step(`order across 0x${(base + 0x100).toString(16)}`, () => {
      const { encoder, sent } = loggingEncoder();
      // Queued first but due after the wrap; the second is due before it.
      encodeNotes(encoder, [[base, 0x110, 61], [base, 0xf8, 60]]);
      sent.length = 0;
      same(encoder.flushDue((base + 0xf7) >>> 0), 0, "nothing due yet");
      same(encoder.flushDue((base + 0x200) >>> 0), 2, "both due");
      same(offs(sent), [[0, 0x90, 60, 0], [0, 0x90, 61, 0]], "date order");
    });
  }
});

Deno.test("MidiEncoder sends a note-off already past at the next flushDue", () => {
  const { encoder, sent } = loggingEncoder();
  encodeNotes(encoder, [[100, 10, 60], [500, 0, 61]]);
  sent.length = 0;
  same(encoder.flushDue(10000), 2, "both are late");
  same(offs(sent), [[0, 0x90, 60, 0], [0, 0x90, 61, 0]], "note-offs");
  encodeNotes(encoder, [[20000, 0, 62]]);
  sent.length = 0;
  same(encoder.flushDue(20000), 1, "duration 0 is due at once");
  same(offs(sent), [[0, 0x90, 62, 0]], "note-off");
});

Deno.test("MidiEncoder dropSlot forgets only that slot's note-offs", () => {
  const { encoder, sent } = loggingEncoder();
  encodeNotes(encoder, [
    [0, 50, 60, 1],
    [0, 50, 61, 2],
    [0, 40, 62, 1],
    [0, 50, 63, 3],
    [0, 30, 64, 2],
    [0, 50, 65, 1],
    [0, 50, 66, 2],
  ]);
  sent.length = 0;
  encoder.dropSlot(9);
  same(encoder.pendingNoteOffs, 7, "dropping an unused slot changes nothing");
  encoder.dropSlot(1);
  same(encoder.pendingNoteOffs, 4, "pending after dropSlot(1)");
  same(sent, [], "dropSlot sends nothing");
  same(encoder.flushDue(49), 1, "due at 49");
  same(encoder.flushDue(50), 3, "due at 50");
  same(
    offs(sent),
    [[2, 0x90, 64, 0], [2, 0x90, 61, 0], [3, 0x90, 63, 0], [2, 0x90, 66, 0]],
    "remaining note-offs in date, then queue order",
  );
});

Deno.test("MidiEncoder flushAll sends every pending note-off", () => {
  const { encoder, sent } = loggingEncoder();
  encodeNotes(encoder, [[0, 65535, 60], [0, 1000, 61, 5], [0, 1000, 62], [
    0,
    0,
    63,
  ]]);
  sent.length = 0;
  same(encoder.flushAll(), 4, "flushAll() result");
  same(
    offs(sent),
    [[0, 0x90, 63, 0], [5, 0x90, 61, 0], [0, 0x90, 62, 0], [0, 0x90, 60, 0]],
    "note-offs",
  );
  same(encoder.pendingNoteOffs, 0, "pending");
  same(encoder.flushAll(), 0, "second flushAll()");
});

Deno.test("MidiEncoder encodes each type as spec §3.8 says and returns the messages sent now", () => {
  const cases: [string, number, number[], number, number[][]][] = [
    ["note", typeNote, [60, 100, 500], 0x13, [[0x93, 60, 100]]],
    ["Note On 0", typeKeyOn, [60, 0], 2, [[0x92, 60, 0]]],
    ["Note Off", typeKeyOff, [60, 64], 15, [[0x8f, 60, 64]]],
    ["key pressure", typeKeyPress, [60, 10], 1, [[0xa1, 60, 10]]],
    ["control change", typeCtrlChange, [7, 100], 1, [[0xb1, 7, 100]]],
    ["program change", typeProgChange, [5], 1, [[0xc1, 5]]],
    ["channel pressure", typeChanPress, [90], 1, [[0xd1, 90]]],
    ["pitch wheel", typePitchWheel, [0x12, 0x40], 1, [[0xe1, 0x12, 0x40]]],
    ["song position", typeSongPos, [1, 2], 1, [[0xf2, 1, 2]]],
    ["song select", typeSongSel, [3], 1, [[0xf3, 3]]],
    ["clock", typeClock, [], 1, [[0xf8]]],
    ["start", typeStart, [], 1, [[0xfa]]],
    ["continue", typeContinue, [], 1, [[0xfb]]],
    ["stop", typeStop, [], 1, [[0xfc]]],
    ["tune", typeTune, [], 1, [[0xf6]]],
    ["active sensing", typeActiveSens, [], 1, [[0xfe]]],
    ["reset", typeReset, [], 1, [[0xff]]],
    ["SysEx", typeSysEx, [1, 2, 3], 1, [[0xf0, 1, 2, 3, 0xf7]]],
    ["empty SysEx", typeSysEx, [], 1, [[0xf0, 0xf7]]],
    ["stream", typeStream, [0xf8, 0x90, 1, 2, 0xf7], 1, [[
      0xf8,
      0x90,
      1,
      2,
      0xf7,
    ]]],
    ["empty stream", typeStream, [], 1, []],
    ["quarter frame", typeQuarterFrame, [5, 0xa], 1, [[0xf1, 0x5a]]],
    ["14-bit controller", typeCtrl14b, [7, 0x1234], 1, [[0xb1, 7, 0x24], [
      0xb1,
      39,
      0x34,
    ]]],
    ["14-bit controller, masked", typeCtrl14b, [39, 0xffff], 1, [[
      0xb1,
      7,
      0x7f,
    ], [0xb1, 39, 0x7f]]],
    ["14-bit controller, LSB 0", typeCtrl14b, [0, 0x80], 1, [[0xb1, 0, 1], [
      0xb1,
      32,
      0,
    ]]],
    ["NRPN", typeNonRegParam, [0x1234, 0x0567], 4, [
      [0xb4, 99, 0x24],
      [0xb4, 98, 0x34],
      [0xb4, 6, 0x0a],
      [0xb4, 38, 0x67],
    ]],
    ["RPN", typeRegParam, [0xc000, 0xffff], 4, [
      [0xb4, 101, 0],
      [0xb4, 100, 0],
      [0xb4, 6, 0x7f],
      [0xb4, 38, 0x7f],
    ]],
  ];
  const pool = createCellPool({ cellCount: 16 });
  for (const [name, type, fields, chan, want] of cases) {
    const { encoder, sent } = loggingEncoder();
    const cell = buildEvent(pool, type, fields, chan, 1234);
    same(
      encoder.encode(pool, cell, 6),
      want.length,
      `${name}: encode() result`,
    );
    freeEvent(pool, cell);
    same(sent, want.map((bytes) => ({ slot: 6, bytes })), `${name}: messages`);
    same(
      encoder.pendingNoteOffs,
      type === typeNote ? 1 : 0,
      `${name}: pending`,
    );
  }
  same(pool.used, 0, "cells after free");
});

Deno.test("MidiEncoder drops types without a MIDI form", () => {
  const cases: [number, number[]][] = [
    [typePrivate, [1, 2, 3, 4]],
    [127, [1]],
    [typeProcess, []],
    [typeSeqNum, [5]],
    [typeText, [0x68, 0x69]],
    [141, [0x41]],
    [typeTempo, [500000]],
    [typeSMPTEOffset, [1, 2, 3, 4, 5, 6]],
    [typeKeySign, [2, 0]],
    [typeSpecific, [0xf8, 0x90, 1, 2]],
    [149, [3]],
    [typeRcvAlarm, []],
    [typeApplAlarm, [7]],
    [typeDead, []],
  ];
  const pool = createCellPool({ cellCount: 16 });
  const { encoder, sent } = loggingEncoder();
  for (const [type, fields] of cases) {
    const cell = buildEvent(pool, type, fields, 1, 100);
    same(encoder.encode(pool, cell, 0), 0, `type ${type}: encode() result`);
    freeEvent(pool, cell);
    same(sent, [], `type ${type}: messages`);
    same(encoder.pendingNoteOffs, 0, `type ${type}: pending`);
  }
  same(pool.used, 0, "cells after free");
});

Deno.test("MidiEncoder masks SysEx data bytes to 7 bits so the message stays well formed", () => {
  const pool = createCellPool({ cellCount: 16 });
  const { encoder, sent } = loggingEncoder();
  const raw = [0x01, 0xf7, 0x80, 0xff, 0x7f, 0xf0, 0xf8];
  const cell = buildEvent(pool, typeSysEx, raw);
  same(encoder.encode(pool, cell, 0), 1, "encode() result");
  same(
    sent,
    [{
      slot: 0,
      bytes: [0xf0, 0x01, 0x77, 0x00, 0x7f, 0x7f, 0x70, 0x78, 0xf7],
    }],
    "message",
  );
  same(
    [getField(pool, cell, 1), countFields(pool, cell)],
    [0xf7, raw.length],
    "the event itself is unchanged",
  );
  freeEvent(pool, cell);
  sameEvents(
    decodeAll(sent[0]!.bytes),
    [ev(sh(typeSysEx, [0x01, 0x77, 0x00, 0x7f, 0x7f, 0x70, 0x78]))],
    "decodes as one SysEx",
  );
});
