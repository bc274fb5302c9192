// Events through the in-process API: evType changes within the S class keep
// the bytes of spec §3.5; changes across classes throw KIND.

import assert from "node:assert/strict";
import {
  typeCtrl14b,
  typeCtrlChange,
  typeDead,
  typeKeyOn,
  typeNote,
  typePrivate,
  typeProcess,
  typeSeqNum,
  typeSMPTEOffset,
  typeStream,
  typeSysEx,
  typeTempo,
  typeTimeSign,
} from "./mod.ts";
import {
  classOf,
  fieldCount,
  modelSet,
  newEv,
  open,
  Random,
  S_LAYOUT,
  S_TYPES,
  seedForTest,
  SMPTE_BITS,
  word,
} from "./_test_util.ts";

/** What MidiGetField must read for field `i` of S type `t` over `bytes`. */
function modelGet(t: number, bytes: number[], i: number): number {
  if (t === typeSMPTEOffset) {
    const f = SMPTE_BITS[i];
    if (f === undefined) return 0;
    return (word(bytes) >>> f[0]) & ((1 << f[1]) - 1);
  }
  const f = S_LAYOUT.get(t)?.[i];
  if (f === undefined) return 0;
  const [at, width] = f;
  if (width === 8) return bytes[at]!;
  if (width === 16) return bytes[at]! | bytes[at + 1]! << 8;
  return word(bytes) | 0;
}

// ---- §3.5: evType changes

Deno.test("MidiEv.evType keeps the S-class bytes of §3.5 within the class", async (t) => {
  const { ms } = open();

  await t.step("a typeCtrlChange turned into typeCtrl14b", () => {
    const e = newEv(ms, typeCtrlChange, [7, 100]);
    e.evType = typeCtrl14b;
    assert.equal(e.evType, typeCtrl14b);
    assert.equal(ms.MidiCountFields(e), 2);
    assert.equal(ms.MidiGetField(e, 0), 7 | 100 << 8);
    assert.equal(ms.MidiGetField(e, 1), 0);
    ms.MidiSetField(e, 0, 7);
    ms.MidiSetField(e, 1, 16383);
    assert.equal(ms.MidiGetField(e, 0), 7);
    assert.equal(ms.MidiGetField(e, 1), 16383);
  });

  await t.step("one content read as every layout", () => {
    const e = newEv(ms, typeNote, [0x11, 0x22, 0x4433]);
    e.evType = typeTimeSign;
    assert.deepEqual([0, 1, 2, 3].map((i) => ms.MidiGetField(e, i)), [
      0x11,
      0x22,
      0x33,
      0x44,
    ]);
    e.evType = typeTempo;
    assert.equal(ms.MidiGetField(e, 0), 0x44332211);
    e.evType = typeCtrl14b;
    assert.equal(ms.MidiGetField(e, 0), 0x2211);
    assert.equal(ms.MidiGetField(e, 1), 0x4433);
    e.evType = typeSeqNum;
    assert.equal(ms.MidiGetField(e, 0), 0x2211);
    e.evType = typeKeyOn;
    assert.equal(ms.MidiGetField(e, 0), 0x11);
    assert.equal(ms.MidiGetField(e, 1), 0x22);
    e.evType = typeNote;
    assert.equal(ms.MidiGetField(e, 2), 0x4433);
  });

  await t.step("types without fields keep the content", () => {
    const e = newEv(ms, typeKeyOn, [60, 100]);
    for (const empty of [10, 11, 12, 13, 14, 15, 16, 143, 150]) {
      e.evType = empty;
      assert.equal(ms.MidiCountFields(e), 0);
      assert.equal(ms.MidiGetField(e, 0), 0);
      e.evType = typeKeyOn;
      assert.equal(ms.MidiGetField(e, 0), 60);
      assert.equal(ms.MidiGetField(e, 1), 100);
    }
  });

  await t.step("random fields and retypes follow the layout model", () => {
    const seed = seedForTest();
    const rng = new Random(seed);
    const values = [
      0,
      1,
      7,
      127,
      128,
      255,
      256,
      0x3fff,
      0xffff,
      0x12345678,
      -1,
      -129,
      0x7fffffff,
      -0x80000000,
    ];
    for (let round = 0; round < 50; round++) {
      let type = rng.pick(S_TYPES);
      const e = newEv(ms, type);
      const bytes = [0, 0, 0, 0];
      for (let op = 0; op < 40; op++) {
        if (rng.next() < 0.25) {
          type = rng.pick(S_TYPES);
          e.evType = type;
        } else {
          const i = rng.int(8) - 1;
          const v = rng.next() < 0.5 ? rng.pick(values) : rng.int(2 ** 32) | 0;
          ms.MidiSetField(e, i, v);
          modelSet(type, bytes, i, v);
        }
        const what = `seed ${seed}, round ${round}, op ${op}, type ${type}`;
        assert.equal(e.evType, type, what);
        assert.equal(ms.MidiCountFields(e), fieldCount(type), what);
        for (let i = -1; i <= fieldCount(type); i++) {
          assert.equal(ms.MidiGetField(e, i), modelGet(type, bytes, i), what);
        }
      }
      ms.MidiFreeEv(e);
    }
  });

  await t.step("P-class retypes keep the four slots", () => {
    const e = newEv(ms, typePrivate, [1, -2, 3, 0x7fffffff]);
    e.evType = 100;
    assert.deepEqual([0, 1, 2, 3].map((i) => ms.MidiGetField(e, i)), [
      1,
      -2,
      3,
      0x7fffffff,
    ]);
    e.evType = typeProcess;
    assert.deepEqual(
      [0, 1, 2, 3].map((i) => ms.MidiGetField(e, i) as unknown),
      [1, -2, 3, 0x7fffffff],
    );
    e.evType = typePrivate;
    assert.equal(ms.MidiGetField(e, 1), -2);
  });

  await t.step("V-class retypes keep the bytes", () => {
    const e = newEv(ms, typeSysEx);
    for (let i = 0; i < 20; i++) ms.MidiAddField(e, i * 3);
    e.evType = typeStream;
    assert.equal(ms.MidiCountFields(e), 20);
    for (let i = 0; i < 20; i++) assert.equal(ms.MidiGetField(e, i), i * 3);
  });
});

Deno.test("MidiEv.evType throws KIND across classes and to reserved types", async (t) => {
  const { ms } = open();
  const samples = [
    typeKeyOn,
    typeTempo,
    typePrivate,
    77,
    typeProcess,
    typeDead,
    typeSysEx,
    typeStream,
    139,
  ];
  for (const from of samples) {
    await t.step(`from type ${from}`, () => {
      const e = newEv(ms, from);
      ms.MidiSetField(e, 0, 5);
      if (classOf(from) === "V") ms.MidiAddField(e, 5);
      for (const to of [...samples, 152, 200, 254]) {
        if (classOf(to) === classOf(from)) continue;
        assert.throws(() => (e.evType = to), { code: "KIND" }, `to ${to}`);
        assert.equal(e.evType, from);
        assert.equal(ms.MidiGetField(e, 0), 5);
      }
      ms.MidiFreeEv(e);
    });
  }
});
