// Events through the in-process API: pool deactivation and MidiGrowSpace
// (spec §4.2, §7.8).

import assert from "node:assert/strict";
import { createLocalKernel, typeKeyOn, typeNote, typeSysEx } from "./mod.ts";

import { fillPool, newEv, open, queuedEv } from "./_test_util.ts";

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
