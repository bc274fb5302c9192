// Sequences through the in-process API: MidiApplySeq() and events freed while
// still in a sequence (spec §7.10).

import assert from "node:assert/strict";
import type { MidiSeq } from "./mod.ts";

import { newSeq, open, tagged, walk } from "./_sequences_test_util.ts";

Deno.test("MidiApplySeq() calls proc on each event in order", async (t) => {
  await t.step("visits every event from first to last", () => {
    const ms = open();
    const s = newSeq(ms);
    [40, 10, 30, 20].forEach((d, i) => ms.MidiAddSeq(s, tagged(ms, d, i)));
    const seen: number[] = [];
    ms.MidiApplySeq(s, (e) => seen.push(e.date));
    assert.deepEqual(seen, [10, 20, 30, 40]);
  });

  await t.step("proc may free the current event", () => {
    const ms = open();
    const before = ms.MidiFreeSpace();
    const s = newSeq(ms);
    [1, 2, 3, 4, 5].forEach((d) => ms.MidiAddSeq(s, tagged(ms, d, d)));
    const seen: number[] = [];
    ms.MidiApplySeq(s, (e) => {
      seen.push(e.date);
      ms.MidiFreeEv(e);
    });
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
    assert.equal(ms.MidiFreeSpace(), before - 1);
  });

  await t.step("proc may relink the current event", () => {
    const ms = open();
    const s = newSeq(ms);
    const evs = [1, 2, 3].map((d) => tagged(ms, d, d));
    for (const e of evs) ms.MidiAddSeq(s, e);
    const seen: number[] = [];
    ms.MidiApplySeq(s, (e) => {
      seen.push(e.date);
      e.link = null;
    });
    assert.deepEqual(seen, [1, 2, 3]);
  });

  await t.step("an exception in proc stops the walk and propagates", () => {
    const ms = open();
    const s = newSeq(ms);
    [1, 2, 3, 4].forEach((d) => ms.MidiAddSeq(s, tagged(ms, d, d)));
    const seen: number[] = [];
    const boom = new Error("boom");
    assert.throws(
      () =>
        ms.MidiApplySeq(s, (e) => {
          seen.push(e.date);
          if (e.date === 2) throw boom;
        }),
      (error) => error === boom,
    );
    assert.deepEqual(seen, [1, 2]);
    assert.equal(walk(s).length, 4);
  });

  await t.step("null arguments do nothing", () => {
    const ms = open();
    const s = newSeq(ms);
    ms.MidiAddSeq(s, tagged(ms, 1, 1));
    let calls = 0;
    ms.MidiApplySeq(null, () => calls++);
    ms.MidiApplySeq(undefined as unknown as MidiSeq, () => calls++);
    ms.MidiApplySeq(s, null);
    ms.MidiApplySeq(s, undefined as unknown as null);
    assert.equal(calls, 0);
  });

  await t.step("an empty sequence calls nothing", () => {
    const ms = open();
    let calls = 0;
    ms.MidiApplySeq(newSeq(ms), () => calls++);
    assert.equal(calls, 0);
  });
});

Deno.test("MidiFreeEv() on an event still in a sequence leaves a dead handle in it", async (t) => {
  await t.step("access through the sequence throws DEAD", () => {
    const ms = open();
    const s = newSeq(ms);
    const [a, b, c] = [1, 2, 3].map((d) => tagged(ms, d, d));
    for (const e of [a!, b!, c!]) ms.MidiAddSeq(s, e);
    ms.MidiFreeEv(b!);
    const middle = s.first!.link!;
    assert.equal(middle, b);
    assert.throws(() => middle.date, { code: "DEAD" });
    assert.throws(() => middle.link, { code: "DEAD" });
    assert.throws(() => ms.MidiApplySeq(s, () => {}), { code: "DEAD" });
  });

  await t.step("a recycled cell does not show through the dead handle", () => {
    const ms = open();
    const s = newSeq(ms);
    const [a, b] = [1, 2].map((d) => tagged(ms, d, d));
    ms.MidiAddSeq(s, a!);
    ms.MidiAddSeq(s, b!);
    ms.MidiFreeEv(b!);
    const fresh = tagged(ms, 7, 7);
    assert.equal(s.last, b);
    assert.throws(() => s.last!.date, { code: "DEAD" });
    assert.throws(() => s.first!.link!.date, { code: "DEAD" });
    assert.equal(fresh.date, 7);
    assert.equal(fresh.link, null);
  });

  await t.step("a dead last event makes a later MidiAddSeq throw DEAD", () => {
    const ms = open();
    const s = newSeq(ms);
    const a = tagged(ms, 1, 1);
    ms.MidiAddSeq(s, a);
    ms.MidiFreeEv(a);
    const e = tagged(ms, 5, 5);
    assert.throws(() => ms.MidiAddSeq(s, e), { code: "DEAD" });
  });
});
