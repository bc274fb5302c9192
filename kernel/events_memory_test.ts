// Events through the in-process API: MidiCopyEv and MidiFreeEv (spec §7.9).

import assert from "node:assert/strict";
import {
  typeKeyOn,
  typeNote,
  typeProcess,
  typeSMPTEOffset,
  typeStream,
  typeSysEx,
} from "./mod.ts";

import { classOf, fillPool, newEv, open, queuedEv } from "./_test_util.ts";

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
