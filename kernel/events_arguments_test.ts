// Events through the in-process API: nil and non-handle arguments, and the
// number rules of spec §1.3.

import assert from "node:assert/strict";
import { type MidiEv, typeKeyOn, typeNote, typeSysEx } from "./mod.ts";

import { newEv, open } from "./_test_util.ts";

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
