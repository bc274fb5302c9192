/**
 * The steps of spec §10 about events and the MIDI codec (12 to 16), and the
 * connected pair of applications the §10 steps share, for
 * `spec_section10_test.ts`. Private to `kernel/`.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  createLocalKernel,
  type LocalMidiShare,
  typeCtrl14b,
  typeCtrlChange,
  typeDead,
  typeKeyOn,
  typeKeySign,
  typeNonRegParam,
  typeNote,
  typeRegParam,
  typeReserved,
  typeSysEx,
} from "./mod.ts";
import { makeEv } from "./_test_util.ts";
import { MidiEncoder } from "./midi/midi_encoder.ts";
import { MidiDecoder } from "./midi/midi_decoder.ts";
import { createCellPool } from "./memory/cell_pool.ts";
import { eventType } from "./memory/event_header.ts";
import { newEvent, setField } from "./memory/event_store.ts";

/** A kernel with applications `a` and `b`, `a` connected to `b`. */
export function pair(): { ms: LocalMidiShare; a: number; b: number } {
  const ms = createLocalKernel();
  const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
  ms.MidiConnect(a, b, true);
  return { ms, a, b };
}

/**
 * Step 12 of spec §10: reserved types are null; dead and reserved never
 * delivered.
 */
export function reservedTypesNeverDelivered(): void {
  const { ms, a, b } = pair();
  for (let t = typeReserved; t <= 254; t++) {
    assert.equal(
      ms.MidiNewEv(t),
      null,
    );
  }
  const dead = ms.MidiNewEv(typeDead)!;
  ms.MidiSendIm(a, dead);
  ms.advance(2);
  assert.equal(ms.MidiCountEvs(b), 0);
}

/**
 * Step 13 of spec §10: typeNote reaches applications unsplit; only the encoder
 * splits it.
 */
export function noteSplitOnlyByEncoder(): void {
  const { ms, a, b } = pair();
  ms.MidiSendAt(a, makeEv(ms, typeNote, [60, 90, 250], { chan: 2 }), 1);
  ms.advance(1);
  assert.equal(ms.MidiGetEv(b)?.evType, typeNote);
  const pool = createCellPool({ cellCount: 16 });
  const note = newEvent(pool, typeNote);
  [60, 90, 250].forEach((v, i) => setField(pool, note, i, v));
  pool.bytes[note * 32 + 11] = 2; // chan
  pool.words[note * 8 + 1] = 1; // date
  const out: number[][] = [];
  const encoder = new MidiEncoder((_s, bytes, n) =>
    out.push([...bytes.subarray(0, n)])
  );
  encoder.encode(pool, note, 0);
  assert.deepEqual(out, [[0x92, 60, 90]]);
  encoder.flushDue(250);
  assert.equal(out.length, 1);
  encoder.flushDue(251);
  assert.deepEqual(out[1], [0x92, 60, 0]);
  const types: number[] = [];
  const decoder = new MidiDecoder(
    () => pool,
    (cell) => types.push(eventType(pool, cell)),
  );
  decoder.decode(new Uint8Array([0x92, 60, 0]), 3, 0, 0);
  assert.deepEqual(types, [typeKeyOn]);
}

/**
 * Step 14 of spec §10: 14-bit controllers and (N)RPN expand to Control Changes,
 * never reassembled.
 */
export function controllersExpandToControlChanges(): void {
  const pool = createCellPool({ cellCount: 64 });
  const out: number[][] = [];
  const encoder = new MidiEncoder((_s, bytes, n) =>
    out.push([...bytes.subarray(0, n)])
  );
  const encode = (type: number, f: number[]) => {
    const e = newEvent(pool, type);
    f.forEach((v, i) => setField(pool, e, i, v));
    encoder.encode(pool, e, 0);
  };
  encode(typeCtrl14b, [7, 0x1234]);
  encode(typeNonRegParam, [0x0102, 0x0304]);
  encode(typeRegParam, [1, 2]);
  assert.deepEqual(out, [
    [0xb0, 7, 0x24],
    [0xb0, 39, 0x34],
    [0xb0, 99, 2],
    [0xb0, 98, 2],
    [0xb0, 6, 6],
    [0xb0, 38, 4],
    [0xb0, 101, 0],
    [0xb0, 100, 1],
    [0xb0, 6, 0],
    [0xb0, 38, 2],
  ]);
  const types: number[] = [];
  const decoder = new MidiDecoder(
    () => pool,
    (cell) => types.push(eventType(pool, cell)),
  );
  decoder.decode(new Uint8Array(out.flat()), out.flat().length, 0, 0);
  assert.deepEqual(types, new Array(10).fill(typeCtrlChange));
}

/**
 * Step 15 of spec §10: SysEx excludes F0/F7; AddField needs a cell at 12; costs
 * match.
 */
export function sysExCellCosts(): void {
  const ms = createLocalKernel({ poolCellCount: 4 });
  ms.MidiOpen("x");
  const e = ms.MidiNewEv(typeSysEx)!;
  assert.equal(ms.MidiFreeSpace(), 2);
  for (let i = 0; i < 11; i++) ms.MidiAddField(e, i);
  assert.equal(ms.MidiFreeSpace(), 2);
  ms.MidiAddField(e, 11); // the 12th byte takes a cell
  assert.equal(ms.MidiFreeSpace(), 1);
  for (let i = 12; i < 23; i++) ms.MidiAddField(e, i);
  ms.MidiAddField(e, 23);
  assert.equal(ms.MidiFreeSpace(), 0);
  for (let i = 24; i < 40; i++) ms.MidiAddField(e, i); // 36th needs a cell: none left
  assert.equal(ms.MidiCountFields(e), 35);
  assert.equal(ms.MidiGetField(e, 34), 34);
}

/**
 * Step 16 of spec §10: bad indexes read 0 and write nothing; SetField never
 * extends; key sign -1 reads 255.
 */
export function badFieldIndexesHarmless(): void {
  const ms = createLocalKernel();
  ms.MidiOpen("x");
  const k = makeEv(ms, typeKeyOn, [60, 70]);
  for (const bad of [-1, 2, 1000]) {
    ms.MidiSetField(k, bad, 5);
    assert.equal(ms.MidiGetField(k, bad), 0);
  }
  assert.deepEqual([ms.MidiGetField(k, 0), ms.MidiGetField(k, 1)], [
    60,
    70,
  ]);
  const sx = ms.MidiNewEv(typeSysEx)!;
  ms.MidiSetField(sx, 0, 1);
  assert.equal(ms.MidiCountFields(sx), 0);
  const ks = makeEv(ms, typeKeySign, [-1, 1]);
  assert.equal(ms.MidiGetField(ks, 0), 255);
}
