/**
 * Contract cases: what a receiver gets is what the sender made, for every event type,
 * every field width and the edges of names and numbers (spec §1.3, §2.1, §3, §6.2).
 * Private to `tests/contract/`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { typeKeyOn, typePrivate, typeSysEx } from "@midishare/client";
import {
  closeAll,
  type ContractCase,
  describe,
  LEAD_MS,
  newEvent,
  openAll,
  takeAll,
} from "./_case_kit.ts";
import type { Received } from "./_subject.ts";

/** Types an application sends to others: MIDI, meta and the two alarm types. */
const ROUTED_TYPES = [
  ...Array.from({ length: 19 }, (_, i) => i),
  ...Array.from({ length: 22 }, (_, i) => 130 + i),
];

/** A value with bits in every byte, different for each type and field. */
function pattern(type: number, field: number): number {
  return (0x9e3779b9 * (type + 1) + 0x7f4a7c15 * (field + 1)) | 0;
}

/** Cases about fidelity. */
export const fidelityCases: ContractCase[] = [
  {
    name:
      "MidiSendAt() carries every routed event type to the receiver with its fields and common properties unchanged",
    async fn(s) {
      const [a, b] = await openAll(s, "a", "b");
      await s.ms.MidiConnect(a!, b!, true);
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      const sent: Received[] = [];
      for (const type of ROUTED_TYPES) {
        const e = await newEvent(s.ms, type, [], {
          port: (type * 5) & 0xff,
          chan: (type * 3 + 200) & 0xff,
        });
        const count = await s.ms.MidiCountFields(e);
        if (count === 0) {
          // Variable length (or no field): 20 bytes of every value class.
          for (let i = 0; i < 20; i++) {
            await s.ms.MidiAddField(e, pattern(type, i) & 0xff);
          }
        }
        for (let i = 0; i < count; i++) {
          await s.ms.MidiSetField(e, i, pattern(type, i));
        }
        const expected = await describe(s.ms, b!, e);
        sent.push({ ...expected, date, refNum: a! });
        await s.ms.MidiSendAt(a!, e, date);
      }
      await s.settle(LEAD_MS + 1);
      const got = await takeAll(s.ms, b!);
      assert.equal(got.length, sent.length);
      for (const [i, e] of got.entries()) {
        assert.deepEqual(e, sent[i], `type ${sent[i]!.type}`);
      }
      await closeAll(s, a!, b!);
    },
  },
  {
    name:
      "MidiSendAt() carries private events to their sender with their four 32-bit fields, extremes included",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      const values = [-(2 ** 31), 2 ** 31 - 1, -1, 0];
      for (const type of [typePrivate, 77, 127]) {
        await s.ms.MidiSendAt(a!, await newEvent(s.ms, type, values), date);
      }
      await s.settle(LEAD_MS + 1);
      const got = await takeAll(s.ms, a!);
      assert.deepEqual(got.map((e) => [e.type, e.fields]), [
        [typePrivate, values],
        [77, values],
        [127, values],
      ]);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiSendAt() carries a SysEx of 50,000 bytes whole, in a single delivery",
    async fn(s) {
      const [a, b] = await openAll(s, "a", "b");
      await s.ms.MidiConnect(a!, b!, true);
      const size = 50_000;
      const e = await newEvent(s.ms, typeSysEx);
      for (let i = 0; i < size; i++) await s.ms.MidiAddField(e, (i * 7) & 0x7f);
      assert.equal(await s.ms.MidiCountFields(e), size);
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      await s.ms.MidiSendAt(a!, e, date);
      await s.settle(LEAD_MS + 1);
      assert.equal(await s.ms.MidiCountEvs(b!), 1);
      const got = await s.ms.MidiGetEv(b!);
      assert.ok(got !== null);
      assert.equal(await s.ms.MidiCountFields(got), size);
      let mismatches = 0;
      for (let i = 0; i < size; i++) {
        if (await s.ms.MidiGetField(got, i) !== ((i * 7) & 0x7f)) mismatches++;
      }
      assert.equal(mismatches, 0);
      assert.equal(got.date, date);
      await s.ms.MidiFreeEv(got);
      await closeAll(s, a!, b!);
    },
  },
  {
    name:
      "MidiOpen() keeps 31 characters of a name that is not ASCII, and MidiGetNamedAppl() finds it",
    async fn(s) {
      const name = "Clavier à queue n°" + "é".repeat(30);
      const [a] = await openAll(s, name);
      const kept = name.slice(0, 31);
      assert.equal(await s.ms.MidiGetName(a!), kept);
      assert.equal(await s.ms.MidiGetNamedAppl(kept), a);
      await s.ms.MidiSetName(a!, "ピアノ");
      assert.equal(await s.ms.MidiGetName(a!), "ピアノ");
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiInt2ExtTime() and MidiExt2IntTime() return times as unsigned 32-bit numbers",
    async fn(s) {
      const [a] = await openAll(s, "a");
      for (const [t, expected] of [[-1, 2 ** 32 - 1], [2 ** 31, 2 ** 31]]) {
        assert.equal(await s.ms.MidiInt2ExtTime(t!), expected, `${t}`);
        assert.equal(await s.ms.MidiExt2IntTime(t!), expected, `${t}`);
      }
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiSendAt() keeps the channel of a channel event whole, the filter reading only its low 4 bits",
    async fn(s) {
      const [a, b] = await openAll(s, "a", "b");
      await s.ms.MidiConnect(a!, b!, true);
      const f = await s.ms.MidiNewFilter();
      await s.ms.MidiAcceptPort(f, 0, true);
      await s.ms.MidiAcceptType(f, typeKeyOn, true);
      await s.ms.MidiAcceptChan(f, 3, true);
      await s.ms.MidiSetFilter(b!, f);
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      for (const chan of [0x13, 0xf3, 0x14]) {
        await s.ms.MidiSendAt(
          a!,
          await newEvent(s.ms, typeKeyOn, [1, 1], { chan }),
          date,
        );
      }
      await s.settle(LEAD_MS + 1);
      assert.deepEqual((await takeAll(s.ms, b!)).map((e) => e.chan), [
        0x13,
        0xf3,
      ]);
      await s.ms.MidiSetFilter(b!, null);
      await s.ms.MidiFreeFilter(f);
      await closeAll(s, a!, b!);
    },
  },
];
