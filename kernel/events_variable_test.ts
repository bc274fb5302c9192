// Events through the in-process API: private, task and variable-length
// events (spec §3.3, §3.4).

import assert from "node:assert/strict";
import {
  type MidiEv,
  typeDead,
  typeDProcess,
  typeKeyOn,
  typeNote,
  typePrivate,
  typeProcess,
  typeSysEx,
  typeTempo,
} from "./mod.ts";
import {
  fillPool,
  newEv,
  open,
  Random,
  seedForTest,
  V_TYPES,
} from "./_test_util.ts";

const TASK_TYPES = [typeProcess, typeDProcess, typeDead];

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
