// Sequences through the in-process API: creating, adding to, clearing and
// freeing sequences (spec §7.10).

import assert from "node:assert/strict";
import {
  createLocalKernel,
  type MidiEv,
  type MidiSeq,
  typeSysEx,
} from "./mod.ts";
import { Random } from "./_test_util.ts";

import {
  newSeq,
  open,
  seedForTest,
  tagged,
  tagOf,
  walk,
} from "./_sequences_test_util.ts";

Deno.test("MidiNewSeq() returns an empty sequence costing one cell", async (t) => {
  await t.step("first and last are null, one cell taken", () => {
    const ms = open();
    const before = ms.MidiFreeSpace();
    const s = newSeq(ms);
    assert.equal(s.first, null);
    assert.equal(s.last, null);
    assert.equal(before - ms.MidiFreeSpace(), 1);
    ms.MidiFreeSeq(s);
    assert.equal(ms.MidiFreeSpace(), before);
  });

  await t.step("null when no cell is left", () => {
    const ms = open({ poolCellCount: 3 });
    const held = [newSeq(ms), newSeq(ms), newSeq(ms)];
    assert.equal(ms.MidiFreeSpace(), 0);
    assert.equal(ms.MidiNewSeq(), null);
    assert.equal(ms.MidiFreeSpace(), 0);
    ms.MidiFreeSeq(held[1]!);
    assert.ok(ms.MidiNewSeq() !== null);
  });

  await t.step("null before the first MidiOpen", () => {
    const ms = createLocalKernel({ poolCellCount: 50 });
    assert.equal(ms.MidiNewSeq(), null);
    assert.equal(ms.MidiFreeSpace(), 50);
  });
});

Deno.test("MidiAddSeq() keeps dates in non-decreasing unsigned order", async (t) => {
  const ms = open();

  await t.step("into an empty sequence: first and last", () => {
    const s = newSeq(ms);
    const e = tagged(ms, 10, 1);
    e.link = tagged(ms, 0, 99); // a stale link is overwritten
    ms.MidiAddSeq(s, e);
    assert.equal(s.first, e);
    assert.equal(s.last, e);
    assert.equal(e.link, null);
  });

  await t.step("an earlier date goes at the head", () => {
    const s = newSeq(ms);
    const a = tagged(ms, 10, 1), b = tagged(ms, 5, 2);
    ms.MidiAddSeq(s, a);
    ms.MidiAddSeq(s, b);
    assert.deepEqual(walk(s), [b, a]);
    assert.equal(s.first, b);
    assert.equal(b.link, a);
  });

  await t.step("a later date goes at the tail", () => {
    const s = newSeq(ms);
    const a = tagged(ms, 10, 1), b = tagged(ms, 20, 2);
    ms.MidiAddSeq(s, a);
    ms.MidiAddSeq(s, b);
    assert.deepEqual(walk(s), [a, b]);
    assert.equal(b.link, null);
  });

  await t.step("a date in between goes before the first greater date", () => {
    const s = newSeq(ms);
    const evs = [10, 20, 30, 40].map((d, i) => tagged(ms, d, i));
    for (const e of evs) ms.MidiAddSeq(s, e);
    const mid = tagged(ms, 25, 9);
    ms.MidiAddSeq(s, mid);
    assert.deepEqual(walk(s), [evs[0], evs[1], mid, evs[2], evs[3]]);
    const early = tagged(ms, 11, 8);
    ms.MidiAddSeq(s, early);
    assert.deepEqual(walk(s), [evs[0], early, evs[1], mid, evs[2], evs[3]]);
  });

  await t.step("equal dates go after the existing ones", () => {
    const s = newSeq(ms);
    const a = tagged(ms, 10, 1), b = tagged(ms, 10, 2), c = tagged(ms, 10, 3);
    const head = tagged(ms, 5, 0), tail = tagged(ms, 50, 9);
    ms.MidiAddSeq(s, a);
    ms.MidiAddSeq(s, b); // equal to first and last
    ms.MidiAddSeq(s, tail);
    ms.MidiAddSeq(s, c); // equal to events in the middle
    ms.MidiAddSeq(s, head);
    const d = tagged(ms, 5, 4); // equal to the first only
    ms.MidiAddSeq(s, d);
    const e = tagged(ms, 50, 10); // equal to the last
    ms.MidiAddSeq(s, e);
    assert.deepEqual(walk(s).map((x) => tagOf(ms, x)), [0, 4, 1, 2, 3, 9, 10]);
  });

  await t.step("dates compare unsigned: 0xFFFFFFFF sorts last", () => {
    const s = newSeq(ms);
    const dates = [0xffffffff, 0x80000000, 0x7fffffff, 0, 1, -1, 0xfffffffe];
    dates.forEach((d, i) => ms.MidiAddSeq(s, tagged(ms, d, i)));
    assert.deepEqual(walk(s).map((x) => x.date), [
      0,
      1,
      0x7fffffff,
      0x80000000,
      0xfffffffe,
      0xffffffff,
      0xffffffff,
    ]);
    // -1 was stored as 0xFFFFFFFF and added after the first one.
    assert.deepEqual(walk(s).slice(-2).map((x) => tagOf(ms, x)), [0, 5]);
  });

  await t.step("random dates give a stable sort", () => {
    const seed = seedForTest();
    const rng = new Random(seed);
    for (let round = 0; round < 20; round++) {
      const s = newSeq(ms);
      const added: { date: number; tag: number }[] = [];
      const pick = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff];
      for (let i = 0; i < 60; i++) {
        const date = rng.next() < 0.3
          ? rng.pick(pick)
          : rng.next() < 0.5
          ? rng.int(8)
          : rng.int(2 ** 32);
        added.push({ date, tag: i });
        ms.MidiAddSeq(s, tagged(ms, date, i));
      }
      const want = added.slice().sort((x, y) => x.date - y.date);
      const got = walk(s).map((x) => ({ date: x.date, tag: tagOf(ms, x) }));
      assert.deepEqual(got, want, `seed ${seed}, round ${round}`);
      ms.MidiFreeSeq(s);
    }
  });

  await t.step("null arguments do nothing", () => {
    const s = newSeq(ms);
    const e = tagged(ms, 3, 1);
    ms.MidiAddSeq(null, e);
    ms.MidiAddSeq(undefined as unknown as MidiSeq, e);
    ms.MidiAddSeq(s, null);
    ms.MidiAddSeq(s, undefined as unknown as MidiEv);
    assert.equal(s.first, null);
    assert.equal(e.link, null);
    ms.MidiFreeEv(e);
  });
});

Deno.test("MidiClearSeq() frees every event of the sequence", async (t) => {
  await t.step("the free space is restored and the sequence is empty", () => {
    const ms = open();
    const s = newSeq(ms);
    const withHeader = ms.MidiFreeSpace();
    const evs = [30, 10, 20].map((d, i) => tagged(ms, d, i));
    const sysex = ms.MidiNewEv(typeSysEx)!;
    for (let i = 0; i < 40; i++) ms.MidiAddField(sysex, i);
    sysex.date = 15;
    for (const e of [...evs, sysex]) ms.MidiAddSeq(s, e);
    ms.MidiClearSeq(s);
    assert.equal(ms.MidiFreeSpace(), withHeader);
    assert.equal(s.first, null);
    assert.equal(s.last, null);
    for (const e of [...evs, sysex]) {
      assert.throws(() => e.date, { code: "DEAD" });
    }
    // The sequence is still usable.
    const again = tagged(ms, 1, 1);
    ms.MidiAddSeq(s, again);
    assert.equal(s.first, again);
    ms.MidiFreeSeq(s);
  });

  await t.step("an empty sequence and null do nothing", () => {
    const ms = open();
    const s = newSeq(ms);
    const free = ms.MidiFreeSpace();
    ms.MidiClearSeq(s);
    ms.MidiClearSeq(null);
    ms.MidiClearSeq(undefined as unknown as MidiSeq);
    assert.equal(ms.MidiFreeSpace(), free);
    assert.equal(s.first, null);
  });
});

Deno.test("MidiFreeSeq() frees the events and the header and kills the sequence", async (t) => {
  await t.step("the free space is restored", () => {
    const ms = open();
    const before = ms.MidiFreeSpace();
    const s = newSeq(ms);
    const evs = [1, 2, 3].map((d) => tagged(ms, d, d));
    for (const e of evs) ms.MidiAddSeq(s, e);
    ms.MidiFreeSeq(s);
    assert.equal(ms.MidiFreeSpace(), before);
    for (const e of evs) assert.throws(() => e.link, { code: "DEAD" });
  });

  await t.step("every later use of the sequence throws DEAD", () => {
    const ms = open();
    const s = newSeq(ms);
    ms.MidiAddSeq(s, tagged(ms, 1, 1));
    ms.MidiFreeSeq(s);
    const e = tagged(ms, 2, 2);
    const free = ms.MidiFreeSpace();
    const uses: [string, () => unknown][] = [
      ["first", () => s.first],
      ["last", () => s.last],
      ["set first", () => (s.first = null)],
      ["set last", () => (s.last = e)],
      ["MidiAddSeq", () => ms.MidiAddSeq(s, e)],
      ["MidiAddSeq null", () => ms.MidiAddSeq(s, null)],
      ["MidiClearSeq", () => ms.MidiClearSeq(s)],
      ["MidiFreeSeq", () => ms.MidiFreeSeq(s)],
      ["MidiApplySeq", () => ms.MidiApplySeq(s, () => {})],
      ["MidiApplySeq null", () => ms.MidiApplySeq(s, null)],
    ];
    for (const [what, use] of uses) {
      assert.throws(use, { code: "DEAD" }, what);
    }
    assert.equal(ms.MidiFreeSpace(), free);
    assert.equal(e.link, null);
    ms.MidiFreeEv(e);
  });

  await t.step("a recycled header cell does not revive the sequence", () => {
    const ms = open();
    const s = newSeq(ms);
    ms.MidiFreeSeq(s);
    const fresh = newSeq(ms);
    assert.notEqual(fresh, s);
    assert.throws(() => s.first, { code: "DEAD" });
    assert.equal(fresh.first, null);
  });

  await t.step("null does nothing", () => {
    const ms = open();
    const free = ms.MidiFreeSpace();
    ms.MidiFreeSeq(null);
    ms.MidiFreeSeq(undefined as unknown as MidiSeq);
    assert.equal(ms.MidiFreeSpace(), free);
  });
});
