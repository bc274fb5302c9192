// Events through the in-process API: MidiNewEv, its defaults and cell costs
// (spec §3.1, §3.2), reserved types and an exhausted or inactive pool.

import assert from "node:assert/strict";
import {
  createLocalKernel,
  typeKeyOn,
  typeNote,
  typePrivate,
  typeProcess,
  typeSysEx,
} from "./mod.ts";

import {
  classOf,
  fieldCount,
  fillPool,
  newEv,
  open,
  V_TYPES,
} from "./_test_util.ts";

// ---- Local helpers and an independent model of spec §2.1, §3.2, §3.3, §3.5

/** Every allocatable type: 0..151 and 255. */
const ALLOCATABLE = [...Array.from({ length: 152 }, (_, t) => t), 255];

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
