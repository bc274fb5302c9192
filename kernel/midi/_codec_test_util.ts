/**
 * Helpers shared by the codec tests (`midi_*_test.ts`): the run's seed, events
 * read as plain records, assertions that print the replay seed, and encoders and
 * decoders that log what they produce. Private to `kernel/midi/`.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  CELL_BYTES,
  CELL_WORDS,
  type CellPool,
  createCellPool,
  NIL,
} from "../memory/cell_pool.ts";
import { addBytes } from "../memory/event_bytes.ts";
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
import { testSeed } from "../_test_util.ts";

/**
 * `testSeed()` when env access is granted; a plain `deno test` without it would
 * otherwise fail at load, so fall back to the clock (the seed is still reported).
 */
export function runSeed(): number {
  const env = Deno.permissions.querySync({
    name: "env",
    variable: "MIDISHARE_SEED",
  });
  return env.state === "granted" ? testSeed() : Date.now() >>> 0;
}

export const SEED = runSeed();
export const REPLAY =
  `seed ${SEED} (replay: MIDISHARE_SEED=${SEED} deno test --allow-env ...)`;

// ---- Helpers -------------------------------------------------------------------

/** A decoded (or expected) event as a plain record. */
export interface Ev {
  type: number;
  chan: number;
  port: number;
  date: number;
  fields: number[];
}

/** What a message should decode to, before date and port are known. */
export interface Shape {
  type: number;
  chan: number;
  fields: number[];
}

/** One message handed to the encoder's sink. */
export interface Sent {
  slot: number;
  bytes: number[];
}

export function show(x: unknown): string {
  const s = JSON.stringify(x);
  return s === undefined
    ? "undefined"
    : s.length > 600
    ? s.slice(0, 600) + "…"
    : s;
}

/** deepEqual with a message that keeps both values and the replay seed. */
export function same(
  actual: unknown,
  expected: unknown,
  context: string,
): void {
  assert.deepEqual(
    actual,
    expected,
    `${context} [${REPLAY}]\n  got:  ${show(actual)}\n  want: ${
      show(expected)
    }`,
  );
}

export function sameEvents(
  actual: Ev[],
  expected: Ev[],
  context: string,
): void {
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
export function readEvent(pool: CellPool, cell: number): Ev {
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
export function takeEvent(pool: CellPool, cell: number): Ev {
  const record = readEvent(pool, cell);
  freeEvent(pool, cell);
  return record;
}

/** Builds an event for the encoder: fields set, or bytes added for V types. */
export function buildEvent(
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
export function loggingEncoder(): { encoder: MidiEncoder; sent: Sent[] } {
  const sent: Sent[] = [];
  const encoder = new MidiEncoder((slot, bytes, length) => {
    sent.push({ slot, bytes: Array.from(bytes.subarray(0, length)) });
  });
  return { encoder, sent };
}

/** A decoder whose events are read and freed at once into `events`. */
export function takingDecoder(
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
export function holdingDecoder(
  pool: CellPool,
): { decoder: MidiDecoder; held: number[] } {
  const held: number[] = [];
  const decoder = new MidiDecoder(() => pool, (cell) => held.push(cell));
  return { decoder, held };
}

/** Decodes chunks `[bytes, date, port?]` with a fresh decoder on a fresh pool. */
export function decodeChunks(
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
export function decodeAll(bytes: readonly number[]): Ev[] {
  return decodeChunks([[bytes, 0]]);
}

export function ev(shape: Shape, date = 0, port = 0): Ev {
  return { ...shape, fields: [...shape.fields], date, port };
}

export function sh(type: number, fields: number[] = [], chan = 0): Shape {
  return { type, chan, fields };
}
