// Over 500 lines: one file for all of spec §7.9 as planned, with a model of the §3.3 tables.
// Events through the in-process API: defaults and cell costs (spec §3.1, §3.2),
// MidiNewEv, fields of every S-class type with their widths (§3.3, §3.4), the S-class
// byte layout and evType changes (§3.5), private, task and variable-length events,
// MidiCopyEv, MidiFreeEv, the handle states of §1.4, nil and non-handle arguments,
// the number rules of §1.3, pool deactivation and MidiGrowSpace (§4.2, §7.8, §7.9).

import assert from "node:assert/strict";
import {
  createLocalKernel,
  type LocalKernelOptions,
  type LocalMidiShare,
  type MidiEv,
  typeApplAlarm,
  typeChanPress,
  typeCtrl14b,
  typeCtrlChange,
  typeDead,
  typeDProcess,
  typeKeyOn,
  typeKeySign,
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
import { Random, testSeed } from "./_test_util.ts";

// ---- Local helpers and an independent model of spec §2.1, §3.2, §3.3, §3.5

/** Every allocatable type: 0..151 and 255. */
const ALLOCATABLE = [...Array.from({ length: 152 }, (_, t) => t), 255];
const V_TYPES = [17, 18, 135, 136, 137, 138, 139, 140, 141, 148];
const TASK_TYPES = [typeProcess, typeDProcess, typeDead];
const P_TYPES = [
  ...Array.from({ length: 109 }, (_, i) => 19 + i),
  128,
  129,
  255,
];

/** S-class fields as [byte offset, width in bits] (spec §3.3, §3.5). */
const S_LAYOUT = new Map<number, [number, number][]>();
{
  const u8 = (n: number): [number, number][] =>
    Array.from({ length: n }, (_, i) => [i, 8]);
  for (const t of [1, 2, 3, 4, 7, 8, 130, 147]) S_LAYOUT.set(t, u8(2));
  for (const t of [5, 6, 9, 142, 149]) S_LAYOUT.set(t, u8(1));
  for (const t of [10, 11, 12, 13, 14, 15, 16, 143, 150]) S_LAYOUT.set(t, []);
  S_LAYOUT.set(0, [[0, 8], [1, 8], [2, 16]]);
  for (const t of [131, 132, 133]) S_LAYOUT.set(t, [[0, 16], [2, 16]]);
  S_LAYOUT.set(134, [[0, 16]]);
  S_LAYOUT.set(144, [[0, 32]]);
  S_LAYOUT.set(146, u8(4));
  S_LAYOUT.set(151, [[0, 32]]);
}
/** typeSMPTEOffset fields as [shift, width] in the 32-bit word (spec §3.3). */
const SMPTE_BITS: [number, number][] = [
  [29, 2],
  [24, 5],
  [18, 6],
  [12, 6],
  [7, 5],
  [0, 7],
];
const S_TYPES = [...S_LAYOUT.keys(), typeSMPTEOffset].sort((a, b) => a - b);

function classOf(t: number): "S" | "P" | "V" | "U" {
  if (S_TYPES.includes(t)) return "S";
  if (V_TYPES.includes(t)) return "V";
  if (P_TYPES.includes(t)) return "P";
  return "U";
}

function fieldCount(t: number): number {
  if (t === typeSMPTEOffset) return 6;
  return S_LAYOUT.get(t)?.length ?? 0;
}

/** The 4 info bytes as one little-endian word. */
function word(bytes: number[]): number {
  return (bytes[0]! | bytes[1]! << 8 | bytes[2]! << 16 | bytes[3]! << 24) >>> 0;
}

function setWord(bytes: number[], w: number): void {
  for (let i = 0; i < 4; i++) bytes[i] = (w >>> (8 * i)) & 0xff;
}

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

/** What MidiSetField must do to `bytes` for field `i` of S type `t`. */
function modelSet(t: number, bytes: number[], i: number, v: number): void {
  if (t === typeSMPTEOffset) {
    const f = SMPTE_BITS[i];
    if (f === undefined) return;
    const mask = ((1 << f[1]) - 1) << f[0];
    setWord(bytes, (word(bytes) & ~mask) | ((v << f[0]) & mask));
    return;
  }
  const f = S_LAYOUT.get(t)?.[i];
  if (f === undefined) return;
  const [at, width] = f;
  for (let k = 0; k < width / 8; k++) bytes[at + k] = (v >>> (8 * k)) & 0xff;
}

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

/** A kernel with one open application. */
function open(
  options: LocalKernelOptions = {},
): { ms: LocalMidiShare; ref: number } {
  const ms = createLocalKernel(options);
  const ref = ms.MidiOpen("events");
  assert.ok(ref > 0);
  return { ms, ref };
}

/** A new event, or a failed assertion. */
function newEv(
  ms: LocalMidiShare,
  type: number,
  fields: number[] = [],
): MidiEv {
  const e = ms.MidiNewEv(type);
  assert.ok(e !== null, `MidiNewEv(${type}) returned null`);
  fields.forEach((v, i) => ms.MidiSetField(e, i, v));
  return e;
}

/** Takes cells until `left` remain free; returns the events taking them. */
function fillPool(ms: LocalMidiShare, left: number): MidiEv[] {
  const taken: MidiEv[] = [];
  while (ms.MidiFreeSpace() > left) taken.push(newEv(ms, typeKeyOn));
  assert.equal(ms.MidiFreeSpace(), left);
  return taken;
}

/** A queued handle (spec §1.4): an event waiting in `ref`'s own FIFO. */
function queuedEv(
  ms: LocalMidiShare,
  ref: number,
  type: number,
  fields: number[],
): MidiEv {
  ms.MidiConnect(ref, ref, true);
  ms.MidiSendIm(ref, newEv(ms, type, fields));
  ms.advance(1);
  const q = ms.MidiAvailEv(ref);
  assert.ok(q !== null, "nothing was received");
  return q;
}

/** `testSeed()` when the environment may be read, else a seed from the clock. */
function seedForTest(): number {
  const env = Deno.permissions.querySync({
    name: "env",
    variable: "MIDISHARE_SEED",
  });
  return env.state === "granted" ? testSeed() : Date.now() >>> 0;
}

const COMMON_PROPS = [
  "date",
  "evType",
  "refNum",
  "port",
  "chan",
  "link",
] as const;

// ---- §3.1 and §3.2

Deno.test("MidiNewEv() gives every allocatable type the defaults of §3.1", async (t) => {
  const { ms } = open();
  for (const type of ALLOCATABLE) {
    await t.step(`type ${type}`, () => {
      const e = newEv(ms, type);
      assert.equal(e.link, null);
      assert.equal(e.date, 0);
      assert.equal(e.evType, type);
      assert.equal(e.refNum, 255);
      assert.equal(e.port, 0);
      assert.equal(e.chan, 0);
      const cls = classOf(type);
      const count = cls === "S" ? fieldCount(type) : cls === "P" ? 4 : 0;
      assert.equal(ms.MidiCountFields(e), count);
      for (let i = 0; i < count; i++) assert.equal(ms.MidiGetField(e, i), 0);
      ms.MidiFreeEv(e);
    });
  }
});

Deno.test("MidiNewEv() takes the cells of §3.2 for every storage class", async (t) => {
  const { ms } = open();

  await t.step("each allocatable type, and MidiFreeEv gives them back", () => {
    for (const type of ALLOCATABLE) {
      const before = ms.MidiFreeSpace();
      const e = newEv(ms, type);
      const cost = classOf(type) === "S" ? 1 : 2;
      assert.equal(before - ms.MidiFreeSpace(), cost, `type ${type}`);
      ms.MidiFreeEv(e);
      assert.equal(ms.MidiFreeSpace(), before, `type ${type}`);
    }
  });

  await t.step("a V event of n bytes costs 2 + floor(n / 12)", () => {
    for (const type of V_TYPES) {
      const before = ms.MidiFreeSpace();
      const e = newEv(ms, type);
      for (let n = 1; n <= 50; n++) {
        ms.MidiAddField(e, n);
        assert.equal(ms.MidiCountFields(e), n);
        const cost = before - ms.MidiFreeSpace();
        assert.equal(cost, 2 + Math.floor(n / 12), `type ${type}, ${n} bytes`);
      }
      ms.MidiFreeEv(e);
      assert.equal(ms.MidiFreeSpace(), before, `type ${type}`);
    }
  });

  await t.step("a sequence header and a raw cell cost 1 each", () => {
    const before = ms.MidiFreeSpace();
    const s = ms.MidiNewSeq();
    assert.ok(s !== null);
    assert.equal(before - ms.MidiFreeSpace(), 1);
    const c = ms.MidiNewCell();
    assert.ok(c !== null);
    assert.equal(before - ms.MidiFreeSpace(), 2);
    ms.MidiFreeCell(c);
    ms.MidiFreeSeq(s);
    assert.equal(ms.MidiFreeSpace(), before);
  });

  await t.step(
    "sending gives the cells back at once; receiving takes them",
    () => {
      const ref = ms.MidiOpen("accounting");
      ms.MidiConnect(ref, ref, true);
      const before = ms.MidiFreeSpace();
      const e = newEv(ms, typeSysEx);
      for (let i = 0; i < 30; i++) ms.MidiAddField(e, i);
      assert.equal(before - ms.MidiFreeSpace(), 4);
      ms.MidiSendIm(ref, e);
      assert.equal(ms.MidiFreeSpace(), before);
      ms.advance(1);
      assert.equal(ms.MidiCountEvs(ref), 1);
      assert.equal(before - ms.MidiFreeSpace(), 4);
      ms.MidiFlushEvs(ref);
      assert.equal(ms.MidiFreeSpace(), before);
      ms.MidiClose(ref);
    },
  );

  await t.step("opening and closing applications costs nothing", () => {
    const before = ms.MidiFreeSpace();
    const other = ms.MidiOpen("other");
    assert.equal(ms.MidiFreeSpace(), before);
    ms.MidiClose(other);
    assert.equal(ms.MidiFreeSpace(), before);
  });
});

// ---- MidiNewEv null cases

Deno.test("MidiNewEv() returns null for reserved and out-of-range types", async (t) => {
  const { ms } = open();
  const before = ms.MidiFreeSpace();

  await t.step("152..254", () => {
    for (let type = 152; type <= 254; type++) {
      assert.equal(ms.MidiNewEv(type), null, `type ${type}`);
    }
    assert.equal(ms.MidiFreeSpace(), before);
  });

  await t.step("numbers outside 0..255 after the wrap to short", () => {
    for (const n of [-1, -255, 256, 1000, 32767, -32768, 65535, 65536 + 300]) {
      assert.equal(ms.MidiNewEv(n), null, `typeNum ${n}`);
    }
    assert.equal(ms.MidiFreeSpace(), before);
  });

  await t.step("numbers that wrap into 0..255 are those types", () => {
    for (
      const [n, type] of [
        [65536 + 5, 5],
        [3 * 65536 + 17, 17],
        [-65536, 0],
        [65536 + 255, 255],
        [2 ** 32 + 1, 1],
      ]
    ) {
      const e = ms.MidiNewEv(n!);
      assert.ok(e !== null, `typeNum ${n}`);
      assert.equal(e.evType, type);
      ms.MidiFreeEv(e);
    }
    assert.equal(ms.MidiNewEv(65536 + 152), null);
    assert.equal(ms.MidiFreeSpace(), before);
  });
});

Deno.test("MidiNewEv() returns null when the pool lacks cells, leaking nothing", async (t) => {
  await t.step("a P or V event with one cell left", () => {
    const { ms } = open({ poolCellCount: 10 });
    const taken = fillPool(ms, 1);
    assert.equal(ms.MidiNewEv(typePrivate), null);
    assert.equal(ms.MidiNewEv(typeProcess), null);
    assert.equal(ms.MidiNewEv(typeSysEx), null);
    assert.equal(ms.MidiFreeSpace(), 1);
    const last = newEv(ms, typeNote);
    assert.equal(ms.MidiFreeSpace(), 0);
    assert.equal(ms.MidiNewEv(typeNote), null);
    assert.equal(ms.MidiNewCell(), null);
    assert.equal(ms.MidiNewSeq(), null);
    assert.equal(ms.MidiFreeSpace(), 0);
    ms.MidiFreeEv(last);
    for (const e of taken) ms.MidiFreeEv(e);
    assert.equal(ms.MidiFreeSpace(), 10);
  });

  await t.step("the pool never grows by itself", () => {
    const { ms } = open({ poolCellCount: 4 });
    fillPool(ms, 0);
    assert.equal(ms.MidiNewEv(typeKeyOn), null);
    assert.equal(ms.MidiTotalSpace(), 4);
  });
});

Deno.test("MidiNewEv() returns null before the first MidiOpen", async (t) => {
  await t.step("the pool is inactive", () => {
    const ms = createLocalKernel({ poolCellCount: 321 });
    assert.equal(ms.MidiNewEv(typeKeyOn), null);
    assert.equal(ms.MidiNewEv(typeSysEx), null);
    assert.equal(ms.MidiNewCell(), null);
    assert.equal(ms.MidiNewSeq(), null);
    assert.equal(ms.MidiTotalSpace(), 321);
    assert.equal(ms.MidiFreeSpace(), 321);
  });

  await t.step("MidiGrowSpace then adds to the promised size", () => {
    const ms = createLocalKernel({ poolCellCount: 100 });
    assert.equal(ms.MidiGrowSpace(25), 25);
    assert.equal(ms.MidiTotalSpace(), 125);
    assert.equal(ms.MidiFreeSpace(), 125);
    ms.MidiOpen("late");
    assert.equal(ms.MidiTotalSpace(), 125);
    assert.equal(ms.MidiFreeSpace(), 125);
  });
});

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

// ---- Private, task and variable-length events

Deno.test("MidiSetField() stores private event fields as int32", async (t) => {
  const { ms } = open();

  await t.step("every type 19..127 keeps four signed 32-bit slots", () => {
    for (let type = 19; type <= 127; type++) {
      const e = newEv(ms, type, [2 ** 31, -1, 2 ** 32 + 5, 123.9]);
      assert.equal(ms.MidiCountFields(e), 4);
      assert.deepEqual([0, 1, 2, 3].map((i) => ms.MidiGetField(e, i)), [
        -0x80000000,
        -1,
        5,
        123,
      ], `type ${type}`);
      assert.equal(ms.MidiGetField(e, 4), 0);
      assert.equal(ms.MidiGetField(e, -1), 0);
      ms.MidiFreeEv(e);
    }
  });

  await t.step("non-numbers are a TypeError and change nothing", () => {
    const e = newEv(ms, typePrivate, [42]);
    const set = ms.MidiSetField as (e: MidiEv, f: number, v: unknown) => void;
    for (
      const v of [
        "1",
        null,
        undefined,
        {},
        [],
        true,
        () => 1,
        1n,
        NaN,
        Infinity,
      ]
    ) {
      assert.throws(() => set.call(ms, e, 0, v), TypeError, String(v));
    }
    assert.equal(ms.MidiGetField(e, 0), 42);
  });
});

Deno.test("MidiSetField() accepts any JS value in task type fields", async (t) => {
  const { ms } = open();
  const set = ms.MidiSetField as (e: MidiEv, f: number, v: unknown) => void;
  const get = ms.MidiGetField as (e: MidiEv, f: number) => unknown;
  const fn = () => {};
  const obj = { a: 1 };
  const sym = Symbol("s");
  for (const type of TASK_TYPES) {
    await t.step(`type ${type}`, () => {
      const e = newEv(ms, type);
      assert.equal(ms.MidiCountFields(e), 4);
      for (const v of [fn, obj, "text", sym, 10n, null, undefined, 1.5, NaN]) {
        for (let i = 0; i < 4; i++) {
          set.call(ms, e, i, v);
          assert.equal(get.call(ms, e, i), v);
        }
      }
      set.call(ms, e, 4, obj);
      assert.equal(get.call(ms, e, 4), 0);
      assert.equal(get.call(ms, e, -1), 0);
      ms.MidiFreeEv(e);
    });
  }
});

Deno.test("MidiAddField() appends bytes to variable-length events only", async (t) => {
  const { ms } = open();

  await t.step(
    "each V type stores its bytes in order, truncated to 8 bits",
    () => {
      for (const type of V_TYPES) {
        const e = newEv(ms, type);
        for (let i = 0; i < 40; i++) ms.MidiAddField(e, 0x100 * i + i);
        assert.equal(ms.MidiCountFields(e), 40);
        for (let i = 0; i < 40; i++) assert.equal(ms.MidiGetField(e, i), i);
        ms.MidiAddField(e, -1);
        assert.equal(ms.MidiGetField(e, 40), 255);
        ms.MidiFreeEv(e);
      }
    },
  );

  await t.step("does nothing on S and P events", () => {
    for (
      const type of [typeNote, typeKeyOn, typeTempo, typePrivate, typeProcess]
    ) {
      const e = newEv(ms, type);
      const before = ms.MidiFreeSpace();
      const count = ms.MidiCountFields(e);
      for (let i = 0; i < 30; i++) ms.MidiAddField(e, 9);
      assert.equal(ms.MidiCountFields(e), count);
      assert.equal(ms.MidiGetField(e, 0), 0);
      assert.equal(ms.MidiFreeSpace(), before);
      ms.MidiFreeEv(e);
    }
  });

  await t.step("MidiSetField changes existing bytes only", () => {
    const e = newEv(ms, typeSysEx);
    for (let i = 0; i < 25; i++) ms.MidiAddField(e, i);
    const before = ms.MidiFreeSpace();
    for (const i of [0, 11, 12, 23, 24]) {
      ms.MidiSetField(e, i, 0x100 + 0x40 + i);
      assert.equal(ms.MidiGetField(e, i), 0x40 + i);
    }
    for (const bad of [25, 26, 36, 1000, -1]) {
      ms.MidiSetField(e, bad, 7);
      assert.equal(ms.MidiGetField(e, bad), 0);
    }
    assert.equal(ms.MidiCountFields(e), 25);
    assert.equal(ms.MidiFreeSpace(), before);
    assert.equal(ms.MidiGetField(e, 1), 1);
    assert.equal(ms.MidiGetField(e, 13), 13);
  });

  await t.step("random access to several long events follows a model", () => {
    const seed = seedForTest();
    const rng = new Random(seed);
    const { ms } = open({ poolCellCount: 400 });
    const base = ms.MidiFreeSpace();
    const evs: { e: MidiEv; bytes: number[] }[] = [];
    for (let op = 0; op < 5000; op++) {
      const what = `seed ${seed}, op ${op}`;
      const r = rng.int(10);
      if (evs.length < 4 || (r === 0 && evs.length < 12)) {
        evs.push({ e: newEv(ms, rng.pick(V_TYPES)), bytes: [] });
        continue;
      }
      const k = rng.int(evs.length);
      const { e, bytes } = evs[k]!;
      if (r <= 3 && bytes.length < 120) {
        const v = rng.int(256);
        ms.MidiAddField(e, v);
        bytes.push(v);
      } else if (r <= 5) {
        const i = rng.int(bytes.length + 2) - 1;
        const v = rng.int(0x10000);
        ms.MidiSetField(e, i, v);
        if (i >= 0 && i < bytes.length) bytes[i] = v & 0xff;
      } else if (r <= 7) {
        const i = rng.int(bytes.length + 2) - 1;
        assert.equal(ms.MidiGetField(e, i), bytes[i] ?? 0, what);
      } else if (r === 8 && evs.length < 12) {
        evs.push({ e: ms.MidiCopyEv(e)!, bytes: bytes.slice() });
      } else if (r === 9) {
        ms.MidiFreeEv(e);
        evs.splice(k, 1);
      }
      for (const x of evs) {
        assert.equal(ms.MidiCountFields(x.e), x.bytes.length, what);
      }
      const used = evs.reduce(
        (n, x) => n + 2 + Math.floor(x.bytes.length / 12),
        0,
      );
      assert.equal(base - ms.MidiFreeSpace(), used, what);
    }
    for (const { e, bytes } of evs) {
      const got = bytes.map((_, i) => ms.MidiGetField(e, i));
      assert.deepEqual(got, bytes, `seed ${seed}`);
      ms.MidiFreeEv(e);
    }
    assert.equal(ms.MidiFreeSpace(), base);
  });

  await t.step(
    "a byte needing a cell is silently not added when none is left",
    () => {
      const { ms } = open({ poolCellCount: 8 });
      const e = newEv(ms, typeSysEx);
      for (let i = 0; i < 11; i++) ms.MidiAddField(e, i);
      const taken = fillPool(ms, 0);
      ms.MidiAddField(e, 99);
      assert.equal(ms.MidiCountFields(e), 11);
      assert.equal(ms.MidiGetField(e, 11), 0);
      ms.MidiFreeEv(taken.pop()!);
      ms.MidiAddField(e, 99);
      assert.equal(ms.MidiCountFields(e), 12);
      assert.equal(ms.MidiGetField(e, 11), 99);
      assert.equal(ms.MidiFreeSpace(), 0);
      // The next 11 bytes go into that cell without a new one.
      for (let i = 0; i < 11; i++) ms.MidiAddField(e, i);
      assert.equal(ms.MidiCountFields(e), 23);
      ms.MidiAddField(e, 1);
      assert.equal(ms.MidiCountFields(e), 23);
    },
  );
});

// ---- MidiCopyEv, MidiFreeEv

Deno.test("MidiCopyEv() makes an independent deep copy", async (t) => {
  const { ms, ref } = open();

  await t.step(
    "S, P, V and task events keep their properties and fields",
    () => {
      const fn = () => {};
      const sources = [
        newEv(ms, typeNote, [60, 100, 500]),
        newEv(ms, typeSMPTEOffset, [3, 23, 59, 58, 29, 99]),
        newEv(ms, 64, [1, -2, 3, -4]),
        newEv(ms, typeSysEx, []),
        newEv(ms, typeProcess),
      ];
      for (let i = 0; i < 30; i++) ms.MidiAddField(sources[3]!, 100 - i);
      ms.MidiSetField(sources[4]!, 0, fn as unknown as number);
      for (const e of sources) {
        Object.assign(e, { date: 123456, refNum: 7, port: 200, chan: 9 });
        const before = ms.MidiFreeSpace();
        const before2 = ms.MidiFreeSpace();
        const c = ms.MidiCopyEv(e);
        assert.ok(c !== null);
        assert.notEqual(c, e);
        const cost = before2 - ms.MidiFreeSpace();
        const own = e.evType === typeSysEx
          ? 2 + Math.floor(30 / 12)
          : classOf(e.evType) === "S"
          ? 1
          : 2;
        assert.equal(cost, own, `type ${e.evType}`);
        for (const p of ["date", "evType", "refNum", "port", "chan"] as const) {
          assert.equal(c[p], e[p], p);
        }
        const n = ms.MidiCountFields(e);
        assert.equal(ms.MidiCountFields(c), n);
        for (let i = 0; i < n; i++) {
          assert.equal(ms.MidiGetField(c, i), ms.MidiGetField(e, i));
        }
        ms.MidiFreeEv(c);
        assert.equal(ms.MidiFreeSpace(), before);
      }
    },
  );

  await t.step("a V copy costs 2 + floor(n / 12) like its original", () => {
    const e = newEv(ms, typeSysEx);
    for (let n = 0; n <= 40; n++) {
      const before = ms.MidiFreeSpace();
      const c = ms.MidiCopyEv(e)!;
      assert.equal(before - ms.MidiFreeSpace(), 2 + Math.floor(n / 12), `${n}`);
      assert.equal(ms.MidiCountFields(c), n);
      for (let i = 0; i < n; i++) assert.equal(ms.MidiGetField(c, i), i);
      // The copy grows like any event.
      ms.MidiAddField(c, n);
      assert.equal(before - ms.MidiFreeSpace(), 2 + Math.floor((n + 1) / 12));
      ms.MidiFreeEv(c);
      assert.equal(ms.MidiFreeSpace(), before);
      ms.MidiAddField(e, n);
    }
  });

  await t.step("changing the copy or the original affects only itself", () => {
    const e = newEv(ms, typeSysEx);
    for (let i = 0; i < 20; i++) ms.MidiAddField(e, i);
    const c = ms.MidiCopyEv(e)!;
    ms.MidiSetField(c, 15, 99);
    ms.MidiAddField(c, 77);
    c.date = 5;
    assert.equal(ms.MidiGetField(e, 15), 15);
    assert.equal(ms.MidiCountFields(e), 20);
    assert.equal(e.date, 0);
    ms.MidiSetField(e, 0, 55);
    assert.equal(ms.MidiGetField(c, 0), 0);
    ms.MidiFreeEv(e);
    assert.equal(ms.MidiGetField(c, 15), 99);
    assert.equal(ms.MidiGetField(c, 20), 77);
  });

  await t.step("the copy's link is null", () => {
    const a = newEv(ms, typeKeyOn), b = newEv(ms, typeKeyOn);
    a.link = b;
    const c = ms.MidiCopyEv(a)!;
    assert.equal(c.link, null);
    assert.equal(a.link, b);
  });

  await t.step("null when cells are missing, nothing leaked", () => {
    const { ms } = open({ poolCellCount: 12 });
    const e = newEv(ms, typeSysEx);
    for (let i = 0; i < 30; i++) ms.MidiAddField(e, i); // 4 cells
    const s = newEv(ms, typeKeyOn);
    fillPool(ms, 3);
    assert.equal(ms.MidiCopyEv(e), null);
    assert.equal(ms.MidiFreeSpace(), 3);
    fillPool(ms, 0);
    assert.equal(ms.MidiCopyEv(s), null);
    assert.equal(ms.MidiFreeSpace(), 0);
  });

  await t.step("works on a queued handle from MidiAvailEv", () => {
    const q = queuedEv(ms, ref, typeKeyOn, [60, 90]);
    const c = ms.MidiCopyEv(q);
    assert.ok(c !== null);
    assert.equal(ms.MidiGetField(c, 0), 60);
    assert.equal(ms.MidiGetField(c, 1), 90);
    assert.equal(c.refNum, ref);
    c.date = 1; // the copy is owned
    assert.throws(() => (q.date = 1), { code: "READONLY" });
    assert.equal(ms.MidiCountEvs(ref), 1);
    ms.MidiFreeEv(c);
    ms.MidiFlushEvs(ref);
  });
});

Deno.test("MidiFreeEv() returns every cell and kills the handle", async (t) => {
  const { ms } = open();

  await t.step("the free space is restored and the handle is dead", () => {
    const before = ms.MidiFreeSpace();
    const e = newEv(ms, typeSysEx);
    for (let i = 0; i < 30; i++) ms.MidiAddField(e, i);
    ms.MidiFreeEv(e);
    assert.equal(ms.MidiFreeSpace(), before);
    assert.throws(() => e.date, { code: "DEAD" });
    assert.throws(() => ms.MidiFreeEv(e), { code: "DEAD" });
    assert.equal(ms.MidiFreeSpace(), before);
  });

  await t.step("a long event on recycled cells reads its own bytes", () => {
    // Free patterns that hand the cells of a freed long event to the next one in
    // several orders; each byte must still be found where it was added.
    for (let pattern = 0; pattern < 4; pattern++) {
      const small = newEv(ms, typeKeyOn);
      const old = newEv(ms, typeSysEx);
      for (let i = 0; i < 30; i++) ms.MidiAddField(old, 100 + i);
      assert.equal(ms.MidiGetField(old, 25), 125);
      if (pattern % 2 === 0) {
        ms.MidiFreeEv(old);
        ms.MidiFreeEv(small);
      } else {
        ms.MidiFreeEv(small);
        ms.MidiFreeEv(old);
      }
      const extra = pattern >= 2 ? newEv(ms, typeKeyOn) : null;
      const fresh = newEv(ms, typeStream);
      for (let i = 0; i < 30; i++) ms.MidiAddField(fresh, i);
      for (const i of [25, 29, 13, 0, 24, 12, 11, 28]) {
        assert.equal(ms.MidiGetField(fresh, i), i, `pattern ${pattern}, ${i}`);
      }
      ms.MidiSetField(fresh, 26, 77);
      assert.equal(ms.MidiGetField(fresh, 26), 77);
      assert.equal(ms.MidiGetField(fresh, 14), 14);
      ms.MidiFreeEv(fresh);
      ms.MidiFreeEv(extra);
    }
  });

  await t.step("a recycled cell does not revive the old handle", () => {
    const old = newEv(ms, typeKeyOn, [1, 2]);
    ms.MidiFreeEv(old);
    const fresh = newEv(ms, typeKeyOn, [3, 4]);
    assert.notEqual(fresh, old);
    assert.throws(() => old.evType, { code: "DEAD" });
    assert.throws(() => ms.MidiGetField(old, 0), { code: "DEAD" });
    assert.throws(() => ms.MidiFreeEv(old), { code: "DEAD" });
    assert.equal(ms.MidiGetField(fresh, 0), 3);
  });
});

// ---- §1.4 handle states

/** Every read of spec §1.4 that a readable handle allows. */
function readAll(ms: LocalMidiShare, e: MidiEv): unknown[] {
  const out: unknown[] = COMMON_PROPS.map((p) => e[p]);
  const n = ms.MidiCountFields(e);
  for (let i = 0; i < n; i++) out.push(ms.MidiGetField(e, i));
  return out;
}

/** Every write, free or send; each must throw `code`. */
function assertNoWrites(
  ms: LocalMidiShare,
  ref: number,
  e: MidiEv,
  code: string,
): void {
  const other = newEv(ms, typeKeyOn);
  const type = e.evType;
  const writes: [string, () => void][] = [
    ["date", () => (e.date = 1)],
    ["evType", () => (e.evType = type)],
    ["refNum", () => (e.refNum = 1)],
    ["port", () => (e.port = 1)],
    ["chan", () => (e.chan = 1)],
    ["link", () => (e.link = other)],
    ["link null", () => (e.link = null)],
    ["MidiSetField", () => ms.MidiSetField(e, 0, 1)],
    ["MidiAddField", () => ms.MidiAddField(e, 1)],
    ["MidiFreeEv", () => ms.MidiFreeEv(e)],
    ["MidiSendIm", () => ms.MidiSendIm(ref, e)],
    ["MidiSend", () => ms.MidiSend(ref, e)],
    ["MidiSendAt", () => ms.MidiSendAt(ref, e, 5)],
  ];
  for (const [what, write] of writes) {
    assert.throws(write, { code }, what);
  }
  ms.MidiFreeEv(other);
}

Deno.test("MidiAvailEv() returns a queued handle, read-only until MidiGetEv", async (t) => {
  const { ms, ref } = open();

  await t.step(
    "reads, MidiGetField, MidiCountFields, MidiCopyEv are allowed",
    () => {
      const q = queuedEv(ms, ref, typeNote, [60, 100, 1000]);
      assert.equal(q.evType, typeNote);
      assert.equal(q.refNum, ref);
      assert.equal(q.link, null);
      assert.equal(ms.MidiCountFields(q), 3);
      assert.equal(ms.MidiGetField(q, 2), 1000);
      const c = ms.MidiCopyEv(q)!;
      ms.MidiFreeEv(c);
      ms.MidiFlushEvs(ref);
    },
  );

  await t.step(
    "writes, free and sends throw READONLY and change nothing",
    () => {
      const q = queuedEv(ms, ref, typeNote, [60, 100, 1000]);
      const before = readAll(ms, q);
      const free = ms.MidiFreeSpace();
      assertNoWrites(ms, ref, q, "READONLY");
      assert.deepEqual(readAll(ms, q), before);
      assert.equal(ms.MidiFreeSpace(), free);
      assert.equal(ms.MidiCountEvs(ref), 1);
      ms.advance(2);
      assert.equal(ms.MidiCountEvs(ref), 1, "a refused send went out");
      ms.MidiFlushEvs(ref);
    },
  );

  await t.step("a later MidiGetEv returns the same handle, now owned", () => {
    const q = queuedEv(ms, ref, typeKeyOn, [61, 70]);
    assert.equal(ms.MidiAvailEv(ref), q);
    const g = ms.MidiGetEv(ref);
    assert.equal(g, q);
    assert.equal(g.link, null);
    assert.equal(ms.MidiCountEvs(ref), 0);
    q.date = 77;
    q.link = null;
    ms.MidiSetField(q, 0, 62);
    assert.equal(ms.MidiGetField(q, 0), 62);
    ms.MidiFreeEv(q);
    assert.throws(() => q.date, { code: "DEAD" });
  });

  await t.step("MidiFlushEvs kills the queued handle", () => {
    const q = queuedEv(ms, ref, typeKeyOn, [61, 70]);
    ms.MidiFlushEvs(ref);
    assert.throws(() => q.date, { code: "DEAD" });
    assert.throws(() => ms.MidiGetField(q, 0), { code: "DEAD" });
  });
});

Deno.test("MidiTask() returns a task handle: reads allowed, writes READONLY", async (t) => {
  const { ms, ref } = open();

  await t.step("MidiTask result", () => {
    let runs = 0;
    const fn = () => runs++;
    const arg = { x: 1 };
    const task = ms.MidiTask(fn, 100, ref, 1, "two", arg);
    assert.ok(task !== null);
    assert.equal(task.evType, typeProcess);
    assert.equal(task.date, 100);
    assert.equal(task.refNum, ref);
    assert.equal(ms.MidiCountFields(task), 4);
    const get = ms.MidiGetField as (e: MidiEv, f: number) => unknown;
    assert.equal(get.call(ms, task, 0), fn);
    assert.equal(get.call(ms, task, 1), 1);
    assert.equal(get.call(ms, task, 2), "two");
    assert.equal(get.call(ms, task, 3), arg);
    const free = ms.MidiFreeSpace();
    assert.throws(() => ms.MidiSetField(task, 1, 5), { code: "READONLY" });
    assert.throws(() => ms.MidiFreeEv(task), { code: "READONLY" });
    assertNoWrites(ms, ref, task, "READONLY");
    assert.equal(ms.MidiFreeSpace(), free);
    assert.equal(get.call(ms, task, 1), 1);
    // A copy is an ordinary owned event, not a scheduled task.
    const copy = ms.MidiCopyEv(task)!;
    assert.equal(copy.evType, typeProcess);
    assert.equal(get.call(ms, copy, 0), fn);
    ms.MidiSetField(copy, 1, 9);
    ms.MidiForgetTask({ value: task });
    ms.advance(150);
    assert.equal(runs, 0);
    ms.MidiFreeEv(copy);
  });

  await t.step("MidiDTask result", () => {
    const task = ms.MidiDTask(() => {}, 10, ref);
    assert.ok(task !== null);
    assert.equal(task.evType, typeDProcess);
    assert.throws(() => ms.MidiSetField(task, 0, 1), { code: "READONLY" });
    assert.throws(() => ms.MidiFreeEv(task), { code: "READONLY" });
    ms.MidiForgetTask({ value: task });
  });

  await t.step("a sent typeProcess event becomes a task handle", () => {
    let runs = 0;
    const e = newEv(ms, typeProcess);
    ms.MidiSetField(e, 0, (() => runs++) as unknown as number);
    ms.MidiSendAt(ref, e, ms.MidiGetTime() + 3);
    assert.equal(e.evType, typeProcess);
    assert.throws(() => ms.MidiFreeEv(e), { code: "READONLY" });
    assert.throws(() => ms.MidiSetField(e, 1, 1), { code: "READONLY" });
    ms.advance(3);
    assert.equal(runs, 1);
    assert.throws(() => e.date, { code: "DEAD" });
  });
});

Deno.test("MidiNewCell() returns a raw cell handle", async (t) => {
  const { ms, ref } = open();

  await t.step("the six common properties are zeroed and writable", () => {
    const c = ms.MidiNewCell()!;
    assert.ok(c !== null);
    for (const p of ["date", "evType", "refNum", "port", "chan"] as const) {
      assert.equal(c[p], 0, p);
    }
    assert.equal(c.link, null);
    c.date = 99;
    c.evType = 7;
    c.refNum = 3;
    c.port = 4;
    c.chan = 5;
    const e = newEv(ms, typeKeyOn);
    c.link = e;
    assert.deepEqual(
      [c.date, c.evType, c.refNum, c.port, c.chan, c.link],
      [99, 7, 3, 4, 5, e],
    );
    ms.MidiFreeCell(c);
    ms.MidiFreeEv(e);
  });

  await t.step("event calls and sends throw KIND", () => {
    const c = ms.MidiNewCell()!;
    const free = ms.MidiFreeSpace();
    const calls: [string, () => unknown][] = [
      ["MidiFreeEv", () => ms.MidiFreeEv(c)],
      ["MidiCopyEv", () => ms.MidiCopyEv(c)],
      ["MidiGetField", () => ms.MidiGetField(c, 0)],
      ["MidiSetField", () => ms.MidiSetField(c, 0, 1)],
      ["MidiCountFields", () => ms.MidiCountFields(c)],
      ["MidiAddField", () => ms.MidiAddField(c, 1)],
      ["MidiSendIm", () => ms.MidiSendIm(ref, c)],
      ["MidiSend", () => ms.MidiSend(ref, c)],
      ["MidiSendAt", () => ms.MidiSendAt(ref, c, 1)],
    ];
    for (const [what, call] of calls) {
      assert.throws(call, { code: "KIND" }, what);
    }
    assert.equal(ms.MidiFreeSpace(), free);
    c.date = 1; // still a live raw cell
    ms.MidiFreeCell(c);
    assert.equal(ms.MidiFreeSpace(), free + 1);
    assert.throws(() => c.date, { code: "DEAD" });
    assert.throws(() => ms.MidiFreeCell(c), { code: "DEAD" });
  });

  await t.step(
    "MidiFreeCell on an event throws KIND and keeps the event",
    () => {
      for (const type of [typeKeyOn, typePrivate, typeSysEx, typeProcess]) {
        const e = newEv(ms, type);
        const free = ms.MidiFreeSpace();
        assert.throws(() => ms.MidiFreeCell(e), { code: "KIND" });
        assert.equal(ms.MidiFreeSpace(), free);
        assert.equal(e.evType, type);
        ms.MidiFreeEv(e);
      }
    },
  );
});

Deno.test("MidiFreeEv() leaves a dead handle that every use rejects with DEAD", async (t) => {
  const { ms, ref } = open();
  const deadHandles: [string, () => MidiEv][] = [
    ["freed S event", () => {
      const e = newEv(ms, typeKeyOn);
      ms.MidiFreeEv(e);
      return e;
    }],
    ["freed V event", () => {
      const e = newEv(ms, typeSysEx, []);
      ms.MidiAddField(e, 1);
      ms.MidiFreeEv(e);
      return e;
    }],
    ["freed P event", () => {
      const e = newEv(ms, typePrivate);
      ms.MidiFreeEv(e);
      return e;
    }],
    ["sent event", () => {
      const e = newEv(ms, typeKeyOn);
      ms.MidiSendIm(ref, e);
      return e;
    }],
    ["freed raw cell", () => {
      const c = ms.MidiNewCell()!;
      ms.MidiFreeCell(c);
      return c;
    }],
  ];
  for (const [name, make] of deadHandles) {
    await t.step(name, () => {
      const e = make();
      const other = newEv(ms, typeKeyOn);
      const s = ms.MidiNewSeq()!;
      const uses: [string, () => unknown][] = [
        ...COMMON_PROPS.map((p): [string, () => unknown] => [p, () => e[p]]),
        ["set date", () => (e.date = 1)],
        ["set evType", () => (e.evType = 1)],
        ["set refNum", () => (e.refNum = 1)],
        ["set port", () => (e.port = 1)],
        ["set chan", () => (e.chan = 1)],
        ["set link", () => (e.link = other)],
        ["MidiFreeEv", () => ms.MidiFreeEv(e)],
        ["MidiCopyEv", () => ms.MidiCopyEv(e)],
        ["MidiGetField", () => ms.MidiGetField(e, 0)],
        ["MidiSetField", () => ms.MidiSetField(e, 0, 1)],
        ["MidiCountFields", () => ms.MidiCountFields(e)],
        ["MidiAddField", () => ms.MidiAddField(e, 1)],
        ["MidiSendIm", () => ms.MidiSendIm(ref, e)],
        ["MidiSend", () => ms.MidiSend(ref, e)],
        ["MidiSendAt", () => ms.MidiSendAt(ref, e, 1)],
        ["MidiFreeCell", () => ms.MidiFreeCell(e)],
        ["MidiAddSeq", () => ms.MidiAddSeq(s, e)],
        ["MidiForgetTask", () => ms.MidiForgetTask({ value: e })],
      ];
      const free = ms.MidiFreeSpace();
      for (const [what, use] of uses) {
        assert.throws(use, { code: "DEAD" }, what);
      }
      assert.equal(ms.MidiFreeSpace(), free);
      assert.equal(s.first, null);
      ms.MidiFreeSeq(s);
      ms.MidiFreeEv(other);
    });
  }
});

// ---- nil and non-handle arguments

Deno.test("MidiEv calls accept null and undefined as nil", async (t) => {
  const { ms, ref } = open();
  const nils = [null, undefined] as unknown as (MidiEv | null)[];
  for (const nil of nils) {
    await t.step(String(nil), () => {
      const free = ms.MidiFreeSpace();
      ms.MidiConnect(ref, ref, true);
      assert.equal(ms.MidiCopyEv(nil), null);
      ms.MidiFreeEv(nil);
      ms.MidiFreeCell(nil);
      ms.MidiSetField(nil, 0, 1);
      assert.equal(ms.MidiGetField(nil, 0), 0);
      assert.equal(ms.MidiCountFields(nil), 0);
      ms.MidiAddField(nil, 1);
      ms.MidiSendIm(ref, nil);
      ms.MidiSend(ref, nil);
      ms.MidiSendAt(ref, nil, 0);
      ms.advance(2);
      assert.equal(ms.MidiCountEvs(ref), 0);
      const e = newEv(ms, typeKeyOn);
      e.link = newEv(ms, typeKeyOn);
      ms.MidiFreeEv(e.link);
      e.link = nil;
      assert.equal(e.link, null);
      ms.MidiFreeEv(e);
      assert.equal(ms.MidiFreeSpace(), free);
    });
  }
});

Deno.test("MidiEv calls reject non-handle values with TypeError", async (t) => {
  const { ms, ref } = open();
  const s = ms.MidiNewSeq()!;
  const lookalike = {
    date: 0,
    evType: 0,
    refNum: 255,
    port: 0,
    chan: 0,
    link: null,
  };
  const bads: [string, unknown][] = [
    ["0", 0],
    ["1", 1],
    ["5.5", 5.5],
    ["a string", "e"],
    ["true", true],
    ["a plain object", {}],
    ["an array", []],
    ["an object with the six properties", lookalike],
    ["a MidiSeq", s],
    ["a function", () => {}],
  ];
  for (const [name, bad] of bads) {
    await t.step(name, () => {
      const x = bad as MidiEv;
      const e = newEv(ms, typeKeyOn);
      const calls: [string, () => unknown][] = [
        ["MidiCopyEv", () => ms.MidiCopyEv(x)],
        ["MidiFreeEv", () => ms.MidiFreeEv(x)],
        ["MidiFreeCell", () => ms.MidiFreeCell(x)],
        ["MidiSetField", () => ms.MidiSetField(x, 0, 1)],
        ["MidiGetField", () => ms.MidiGetField(x, 0)],
        ["MidiCountFields", () => ms.MidiCountFields(x)],
        ["MidiAddField", () => ms.MidiAddField(x, 1)],
        ["MidiSendIm", () => ms.MidiSendIm(ref, x)],
        ["MidiSend", () => ms.MidiSend(ref, x)],
        ["MidiSendAt", () => ms.MidiSendAt(ref, x, 1)],
        ["MidiAddSeq", () => ms.MidiAddSeq(s, x)],
        ["link", () => (e.link = x)],
        ["MidiForgetTask", () => ms.MidiForgetTask({ value: x })],
      ];
      for (const [what, call] of calls) assert.throws(call, TypeError, what);
      assert.equal(e.link, null);
      assert.equal(s.first, null);
      ms.MidiFreeEv(e);
    });
  }
});

// ---- §1.3 numbers

Deno.test("MidiEv properties apply the number rules of §1.3", async (t) => {
  const { ms } = open();
  const bad: unknown[] = [
    "1",
    NaN,
    Infinity,
    -Infinity,
    null,
    undefined,
    {},
    1n,
    true,
  ];

  await t.step("date wraps to unsigned 32 bits", () => {
    const e = newEv(ms, typeKeyOn);
    for (
      const [v, want] of [
        [-1, 4294967295],
        [2 ** 32 + 3, 3],
        [2 ** 32 - 1, 4294967295],
        [2 ** 31, 2 ** 31],
        [1.9, 1],
        [-0.5, 0],
        [-(2 ** 31), 2 ** 31],
        [2 ** 40 + 7, 7],
      ]
    ) {
      e.date = v!;
      assert.equal(e.date, want, `date = ${v}`);
    }
  });

  await t.step("refNum, port and chan store value & 0xFF", () => {
    const e = newEv(ms, typeKeyOn);
    for (const p of ["refNum", "port", "chan"] as const) {
      for (
        const [v, want] of [[256 + 7, 7], [-1, 255], [3.9, 3], [-0.9, 0], [
          0x12345,
          0x45,
        ], [2 ** 32 + 2, 2]]
      ) {
        e[p] = v!;
        assert.equal(e[p], want, `${p} = ${v}`);
      }
    }
  });

  await t.step("evType truncates fractions", () => {
    const e = newEv(ms, typeKeyOn);
    e.evType = 2.9;
    assert.equal(e.evType, 2);
  });

  await t.step("non-numbers, NaN and infinities are a TypeError", () => {
    const e = newEv(ms, typeKeyOn);
    e.date = 5;
    const props = ["date", "evType", "refNum", "port", "chan"] as const;
    for (const p of props) {
      for (const v of bad) {
        assert.throws(() => (e[p] = v as number), TypeError, `${p} = ${v}`);
      }
    }
    assert.deepEqual(props.map((p) => e[p]), [5, typeKeyOn, 255, 0, 0]);
  });
});

Deno.test("MidiEv calls apply the number rules of §1.3 to their parameters", async (t) => {
  const { ms, ref } = open();
  const bad: unknown[] = [
    "1",
    NaN,
    Infinity,
    -Infinity,
    null,
    undefined,
    {},
    1n,
  ];
  const loose = ms as unknown as Record<
    string,
    (...args: unknown[]) => unknown
  >;

  await t.step("MidiNewEv type numbers", () => {
    for (const v of bad) {
      assert.throws(() => loose.MidiNewEv!.call(ms, v), TypeError, String(v));
    }
    for (const [v, want] of [[5.9, 5], [1.999, 1], [-0.9, 0], [151.5, 151]]) {
      const e = ms.MidiNewEv(v!);
      assert.equal(e?.evType, want, `typeNum ${v}`);
      ms.MidiFreeEv(e);
    }
  });

  await t.step("field indexes and values", () => {
    const e = newEv(ms, typeNote);
    for (const v of bad) {
      assert.throws(() => loose.MidiSetField!.call(ms, e, v, 1), TypeError);
      assert.throws(() => loose.MidiSetField!.call(ms, e, 0, v), TypeError);
      assert.throws(() => loose.MidiGetField!.call(ms, e, v), TypeError);
    }
    ms.MidiSetField(e, 1.7, 60.9);
    assert.equal(ms.MidiGetField(e, 1), 60);
    assert.equal(ms.MidiGetField(e, 1.99), 60);
    ms.MidiSetField(e, -0.5, -1.5);
    assert.equal(ms.MidiGetField(e, 0), 255);
    ms.MidiSetField(e, 2 ** 32 + 2, 2 ** 32 + 1000);
    assert.equal(ms.MidiGetField(e, 2), 1000);
    assert.equal(ms.MidiGetField(e, 2 ** 32 + 2), 1000);
    const x = newEv(ms, typeSysEx);
    for (const v of bad) {
      assert.throws(() => loose.MidiAddField!.call(ms, x, v), TypeError);
    }
    assert.equal(ms.MidiCountFields(x), 0);
    ms.MidiAddField(x, 300.7);
    assert.equal(ms.MidiGetField(x, 0), 300 & 0xff);
  });

  await t.step("MidiGrowSpace counts", () => {
    for (const v of bad) {
      assert.throws(() => loose.MidiGrowSpace!.call(ms, v), TypeError);
    }
    const total = ms.MidiTotalSpace();
    assert.equal(ms.MidiGrowSpace(2.9), 2);
    assert.equal(ms.MidiGrowSpace(2 ** 32 + 3), 3);
    assert.equal(ms.MidiGrowSpace(2 ** 31), 0);
    assert.equal(ms.MidiTotalSpace(), total + 5);
  });

  await t.step("MidiSendAt dates wrap to unsigned 32 bits", () => {
    ms.MidiConnect(ref, ref, true);
    const now = ms.MidiGetTime();
    ms.MidiSendAt(ref, newEv(ms, typeKeyOn), 2 ** 32 + now + 3);
    ms.MidiSendAt(ref, newEv(ms, typeKeyOn), now + 2.9);
    ms.advance(3);
    const first = ms.MidiGetEv(ref);
    const second = ms.MidiGetEv(ref);
    assert.equal(first?.date, now + 2);
    assert.equal(second?.date, now + 3);
    for (const v of bad) {
      const e = newEv(ms, typeKeyOn);
      assert.throws(() => loose.MidiSendAt!.call(ms, ref, e, v), TypeError);
      ms.MidiFreeEv(e);
    }
  });
});

// ---- §4.2 pool deactivation, §7.8 MidiGrowSpace

Deno.test("MidiClose() of the client's last application kills every outstanding handle", async (t) => {
  await t.step("events, raw cells, sequences, queued and task handles", () => {
    const { ms, ref } = open({ poolCellCount: 100 });
    assert.equal(ms.MidiGrowSpace(20), 20);
    const s = newEv(ms, typeNote, [60, 100, 10]);
    const v = newEv(ms, typeSysEx);
    for (let i = 0; i < 20; i++) ms.MidiAddField(v, i);
    const cell = ms.MidiNewCell()!;
    const seq = ms.MidiNewSeq()!;
    const inSeq = newEv(ms, typeKeyOn);
    ms.MidiAddSeq(seq, inSeq);
    const copy = ms.MidiCopyEv(s)!;
    const q = queuedEv(ms, ref, typeKeyOn, [1, 2]);
    let runs = 0;
    const task = ms.MidiTask(() => runs++, 50, ref)!;
    assert.ok(ms.MidiFreeSpace() < 120);

    ms.MidiClose(ref);

    for (const h of [s, v, cell, inSeq, copy, q, task]) {
      assert.throws(() => h.date, { code: "DEAD" });
      assert.throws(() => ms.MidiGetField(h, 0), { code: "DEAD" });
    }
    for (const h of [s, v, inSeq, copy]) {
      assert.throws(() => ms.MidiFreeEv(h), { code: "DEAD" });
    }
    assert.throws(() => ms.MidiFreeCell(cell), { code: "DEAD" });
    assert.throws(() => seq.first, { code: "DEAD" });
    assert.throws(() => seq.last, { code: "DEAD" });
    assert.throws(() => ms.MidiClearSeq(seq), { code: "DEAD" });
    assert.throws(() => ms.MidiFreeSeq(seq), { code: "DEAD" });
    assert.equal(ms.MidiTotalSpace(), 120);
    assert.equal(ms.MidiFreeSpace(), 120);
    assert.equal(ms.MidiNewEv(typeKeyOn), null);
    assert.equal(ms.MidiNewCell(), null);
    assert.equal(ms.MidiNewSeq(), null);
    ms.advance(60);
    assert.equal(runs, 0);
  });

  await t.step("reopening does not revive handles on reused cells", () => {
    const { ms, ref } = open({ poolCellCount: 10 });
    const olds = [newEv(ms, typeKeyOn, [1]), newEv(ms, typeKeyOn, [2])];
    ms.MidiClose(ref);
    const again = ms.MidiOpen("again");
    assert.equal(ms.MidiFreeSpace(), 10);
    const news = [newEv(ms, typeKeyOn, [3]), newEv(ms, typeKeyOn, [4])];
    for (const old of olds) {
      assert.throws(() => old.date, { code: "DEAD" });
      assert.throws(() => ms.MidiGetField(old, 0), { code: "DEAD" });
      assert.throws(() => ms.MidiFreeEv(old), { code: "DEAD" });
      assert.ok(!news.includes(old));
    }
    assert.deepEqual(news.map((e) => ms.MidiGetField(e, 0)), [3, 4]);
    assert.equal(ms.MidiFreeSpace(), 8);
    ms.MidiClose(again);
  });

  await t.step(
    "a registered driver keeps the pool active until it goes",
    () => {
      const { ms, ref } = open({ poolCellCount: 30 });
      const drv = ms.MidiRegisterDriver({ name: "drv", version: 100 }, {});
      assert.ok(drv > 0);
      const e = newEv(ms, typeKeyOn, [9]);
      ms.MidiClose(ref);
      assert.equal(ms.MidiGetField(e, 0), 9);
      assert.equal(ms.MidiFreeSpace(), 29);
      ms.MidiUnregisterDriver(drv);
      assert.throws(() => e.date, { code: "DEAD" });
      assert.equal(ms.MidiFreeSpace(), 30);
    },
  );

  await t.step(
    "closing one of two applications keeps taken events owned",
    () => {
      const { ms, ref } = open();
      const other = ms.MidiOpen("other");
      const e = newEv(ms, typeKeyOn, [5]);
      const q = queuedEv(ms, ref, typeKeyOn, [6]);
      ms.MidiConnect(ref, ref, false);
      const free = ms.MidiFreeSpace();
      ms.MidiClose(ref);
      assert.equal(ms.MidiGetField(e, 0), 5);
      e.date = 3;
      assert.throws(() => q.date, { code: "DEAD" }); // its FIFO was freed
      assert.equal(ms.MidiFreeSpace(), free + 1);
      ms.MidiFreeEv(e);
      ms.MidiClose(other);
    },
  );
});

Deno.test("MidiGrowSpace() adds cells to an active pool", async (t) => {
  await t.step("returns n and the cells are usable", () => {
    const { ms } = open({ poolCellCount: 20 });
    const v = newEv(ms, typeSysEx);
    for (let i = 0; i < 30; i++) ms.MidiAddField(v, 200 - i);
    const taken = fillPool(ms, 0);
    assert.equal(ms.MidiGrowSpace(10), 10);
    assert.equal(ms.MidiTotalSpace(), 30);
    assert.equal(ms.MidiFreeSpace(), 10);
    taken.push(...fillPool(ms, 0));
    assert.equal(ms.MidiNewEv(typeKeyOn), null);
    // Events made before the growth kept their content.
    for (let i = 0; i < 30; i++) assert.equal(ms.MidiGetField(v, i), 200 - i);
    for (const e of taken) ms.MidiFreeEv(e);
    ms.MidiFreeEv(v);
    assert.equal(ms.MidiFreeSpace(), 30);
  });

  await t.step("returns 0 for n <= 0", () => {
    const { ms } = open({ poolCellCount: 20 });
    assert.equal(ms.MidiGrowSpace(0), 0);
    assert.equal(ms.MidiGrowSpace(-5), 0);
    assert.equal(ms.MidiGrowSpace(-0.5), 0);
    assert.equal(ms.MidiTotalSpace(), 20);
    const inactive = createLocalKernel({ poolCellCount: 20 });
    assert.equal(inactive.MidiGrowSpace(0), 0);
    assert.equal(inactive.MidiGrowSpace(-3), 0);
    assert.equal(inactive.MidiTotalSpace(), 20);
  });

  await t.step("returns fewer than asked at the maxCellCount bound", () => {
    const { ms } = open({ poolCellCount: 50, maxCellCount: 80 });
    assert.equal(ms.MidiGrowSpace(10), 10);
    assert.equal(ms.MidiGrowSpace(100), 20);
    assert.equal(ms.MidiTotalSpace(), 80);
    assert.equal(ms.MidiFreeSpace(), 80);
    assert.equal(ms.MidiGrowSpace(1), 0);
    assert.equal(ms.MidiTotalSpace(), 80);
    assert.equal(fillPool(ms, 0).length, 80);
  });

  await t.step("the grown size is what an inactive pool then reports", () => {
    const { ms, ref } = open({ poolCellCount: 50 });
    ms.MidiGrowSpace(7);
    ms.MidiClose(ref);
    assert.equal(ms.MidiTotalSpace(), 57);
    assert.equal(ms.MidiFreeSpace(), 57);
    ms.MidiOpen("again");
    assert.equal(ms.MidiTotalSpace(), 57);
    assert.equal(ms.MidiFreeSpace(), 57);
  });
});

Deno.test("MidiGrowSpace() does not promise more than the pool's upper bound", () => {
  const ms = createLocalKernel({ poolCellCount: 50, maxCellCount: 60 });
  assert.equal(ms.MidiGrowSpace(20), 10);
  assert.equal(ms.MidiTotalSpace(), 60);
  ms.MidiOpen("x");
  assert.equal(ms.MidiTotalSpace(), 60);
  assert.equal(ms.MidiGrowSpace(5), 0);
});
