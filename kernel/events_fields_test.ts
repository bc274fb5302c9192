// Events through the in-process API: the fields of every S-class type with
// their widths, typeSMPTEOffset, and bad indexes (spec §3.3, §3.4).

import assert from "node:assert/strict";
import {
  type LocalMidiShare,
  type MidiEv,
  typeApplAlarm,
  typeChanPress,
  typeCtrl14b,
  typeKeySign,
  typeNote,
  typeSeqNum,
  typeSMPTEOffset,
  typeTempo,
  typeTimeSign,
} from "./mod.ts";

import {
  fieldCount,
  modelSet,
  newEv,
  open,
  S_LAYOUT,
  S_TYPES,
  SMPTE_BITS,
} from "./_test_util.ts";

/** Truncation of spec §3.3 for a field of `width` bits. */
function truncate(width: number, v: number): number {
  if (width === 8) return v & 0xff;
  if (width === 16) return v & 0xffff;
  if (width === 32) return v | 0;
  return v & ((1 << width) - 1);
}

/** Width of field `i` of S type `t`. */
function widthOf(t: number, i: number): number {
  if (t === typeSMPTEOffset) return SMPTE_BITS[i]![1];
  return S_LAYOUT.get(t)![i]![1];
}

/** The 4 info bytes of an S event, read through a retyped copy (spec §3.5). */
function infoBytes(ms: LocalMidiShare, e: MidiEv): number[] {
  const copy = ms.MidiCopyEv(e)!;
  copy.evType = typeTimeSign;
  const bytes = [0, 1, 2, 3].map((i) => ms.MidiGetField(copy, i));
  ms.MidiFreeEv(copy);
  return bytes;
}

// ---- §3.3, §3.4: S-class fields

Deno.test("MidiSetField() stores every S-class field with its width", async (t) => {
  const { ms } = open();
  const samples = [
    0,
    1,
    127,
    128,
    255,
    256,
    0x1234,
    0xffff,
    0x10000,
    0x12345678,
    0x7fffffff,
    -1,
    -2,
    -128,
    -32768,
    -0x80000000,
  ];
  for (const type of S_TYPES) {
    await t.step(`type ${type}`, () => {
      const e = newEv(ms, type);
      const count = fieldCount(type);
      assert.equal(ms.MidiCountFields(e), count);
      for (let i = 0; i < count; i++) {
        for (const v of samples) {
          ms.MidiSetField(e, i, v);
          const got = ms.MidiGetField(e, i);
          assert.equal(got, truncate(widthOf(type, i), v), `field ${i} = ${v}`);
        }
      }
      // Distinct values in every field read back independently.
      const values = Array.from(
        { length: count },
        (_, i) => truncate(widthOf(type, i), 0x5a + 37 * i + (i << 9)),
      );
      values.forEach((v, i) => ms.MidiSetField(e, i, v));
      values.forEach((v, i) => assert.equal(ms.MidiGetField(e, i), v));
      // The bytes are laid out as §3.5 says.
      const bytes = [0, 0, 0, 0];
      values.forEach((v, i) => modelSet(type, bytes, i, v));
      assert.deepEqual(infoBytes(ms, e), bytes);
      ms.MidiFreeEv(e);
    });
  }
});

Deno.test("MidiGetField() zero-extends 8- and 16-bit fields and sign-extends 32-bit ones", async (t) => {
  const { ms } = open();

  await t.step("8-bit fields read 0..255", () => {
    const e = newEv(ms, typeKeySign, [-1, -7]);
    assert.equal(ms.MidiGetField(e, 0), 255);
    assert.equal(ms.MidiGetField(e, 1), 249);
    const p = newEv(ms, typeChanPress, [-128]);
    assert.equal(ms.MidiGetField(p, 0), 128);
  });

  await t.step("16-bit fields read 0..65535", () => {
    const s = newEv(ms, typeSeqNum, [-1]);
    assert.equal(ms.MidiGetField(s, 0), 65535);
    const c = newEv(ms, typeCtrl14b, [-2, 0x8000]);
    assert.equal(ms.MidiGetField(c, 0), 65534);
    assert.equal(ms.MidiGetField(c, 1), 0x8000);
    const n = newEv(ms, typeNote, [60, 100, 70000]);
    assert.equal(ms.MidiGetField(n, 2), 70000 & 0xffff);
    ms.MidiSetField(n, 2, 40000);
    assert.equal(ms.MidiGetField(n, 2), 40000);
  });

  await t.step("typeTempo and typeApplAlarm read signed 32 bits", () => {
    for (const type of [typeTempo, typeApplAlarm]) {
      const e = newEv(ms, type);
      for (
        const [v, want] of [
          [500000, 500000],
          [0xffffffff, -1],
          [0x80000000, -0x80000000],
          [-5, -5],
          [2 ** 32 + 9, 9],
          [0x7fffffff, 0x7fffffff],
        ]
      ) {
        ms.MidiSetField(e, 0, v!);
        assert.equal(ms.MidiGetField(e, 0), want, `type ${type}, ${v}`);
      }
    }
  });
});

Deno.test("MidiSetField() keeps the six typeSMPTEOffset fields exact and independent", async (t) => {
  const { ms } = open();
  const maxima = [3, 23, 59, 59, 29, 99];

  await t.step("all six fields read back what was stored", () => {
    const e = newEv(ms, typeSMPTEOffset, maxima);
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5].map((i) => ms.MidiGetField(e, i)),
      maxima,
    );
    const bytes = [0, 0, 0, 0];
    maxima.forEach((v, i) => modelSet(typeSMPTEOffset, bytes, i, v));
    assert.deepEqual(infoBytes(ms, e), bytes);
  });

  await t.step("the format field reads every value 0..3", () => {
    const e = newEv(ms, typeSMPTEOffset, maxima);
    for (const f of [1, 2, 3, 0]) {
      ms.MidiSetField(e, 0, f);
      assert.equal(ms.MidiGetField(e, 0), f);
    }
  });

  await t.step("a new value replaces the old one", () => {
    const e = newEv(ms, typeSMPTEOffset);
    ms.MidiSetField(e, 1, 0b10101);
    ms.MidiSetField(e, 1, 0b01010);
    assert.equal(ms.MidiGetField(e, 1), 0b01010);
    ms.MidiSetField(e, 0, 3);
    ms.MidiSetField(e, 0, 0);
    assert.equal(ms.MidiGetField(e, 0), 0);
  });

  await t.step("setting one field does not disturb the others", () => {
    const base = [2, 17, 42, 33, 21, 64];
    for (let i = 0; i < 6; i++) {
      for (const v of [0, 1, maxima[i]!, (1 << SMPTE_BITS[i]![1]) - 1]) {
        const e = newEv(ms, typeSMPTEOffset, base);
        ms.MidiSetField(e, i, v);
        const want = base.slice();
        want[i] = v;
        assert.deepEqual(
          [0, 1, 2, 3, 4, 5].map((k) => ms.MidiGetField(e, k)),
          want,
          `field ${i} = ${v}`,
        );
        ms.MidiFreeEv(e);
      }
    }
  });

  await t.step("an out-of-range value stays inside its own bits", () => {
    const base = [1, 10, 20, 30, 15, 50];
    for (let i = 0; i < 6; i++) {
      for (const v of [-1, 0x7fffffff, 1 << SMPTE_BITS[i]![1]]) {
        const e = newEv(ms, typeSMPTEOffset, base);
        ms.MidiSetField(e, i, v);
        for (let k = 0; k < 6; k++) {
          if (k !== i) {
            assert.equal(ms.MidiGetField(e, k), base[k], `${i}=${v}`);
          }
        }
        assert.equal(ms.MidiGetField(e, i), truncate(SMPTE_BITS[i]![1], v));
        ms.MidiFreeEv(e);
      }
    }
  });
});

Deno.test("MidiGetField() and MidiSetField() ignore bad indexes of S-class events", async (t) => {
  const { ms } = open();
  for (const type of S_TYPES) {
    await t.step(`type ${type}`, () => {
      const count = fieldCount(type);
      const values = Array.from({ length: count }, (_, i) => 1 + i);
      const e = newEv(ms, type, values);
      const bytes = infoBytes(ms, e);
      for (const bad of [-1, -100, count, count + 1, count + 2, 1000]) {
        ms.MidiSetField(e, bad, 0xff);
        assert.equal(ms.MidiGetField(e, bad), 0, `index ${bad}`);
      }
      assert.deepEqual(infoBytes(ms, e), bytes);
      values.forEach((v, i) => assert.equal(ms.MidiGetField(e, i), v));
      ms.MidiFreeEv(e);
    });
  }
});
