// Mail boxes through the in-process API: MidiReadSync() and MidiWriteSync()
// (spec §7.14).

import assert from "node:assert/strict";
import { createLocalKernel, type MidiMailBox } from "./mod.ts";

Deno.test("MidiReadSync() empties the box and returns its content", async (t) => {
  const ms = createLocalKernel();

  await t.step("a full box", () => {
    const value = { x: 1 };
    const box: MidiMailBox = { value };
    assert.equal(ms.MidiReadSync(box), value);
    assert.equal(box.value, null);
    assert.equal(ms.MidiReadSync(box), null);
    assert.equal(box.value, null);
  });

  await t.step("falsy values are content too", () => {
    for (const v of [0, false, "", NaN]) {
      const box: MidiMailBox = { value: v };
      assert.equal(ms.MidiReadSync(box), v);
      assert.equal(box.value, null);
    }
  });

  await t.step("an undefined box reads undefined and becomes null", () => {
    const box: MidiMailBox = { value: undefined };
    assert.equal(ms.MidiReadSync(box), undefined);
    assert.equal(box.value, null);
    const bare = {} as MidiMailBox;
    assert.equal(ms.MidiReadSync(bare), undefined);
    assert.equal(bare.value, null);
  });

  await t.step("works before MidiOpen", () => {
    assert.equal(ms.MidiCountAppls(), 0);
    assert.equal(ms.MidiReadSync({ value: 3 }), 3);
  });
});

Deno.test("MidiWriteSync() writes only into an empty box", async (t) => {
  const ms = createLocalKernel();

  await t.step("an empty box takes the value; null is returned", () => {
    const box: MidiMailBox = { value: null };
    assert.equal(ms.MidiWriteSync(box, 5), null);
    assert.equal(box.value, 5);
  });

  await t.step("undefined counts as empty", () => {
    const box: MidiMailBox = { value: undefined };
    assert.equal(ms.MidiWriteSync(box, "a"), undefined);
    assert.equal(box.value, "a");
    const bare = {} as MidiMailBox;
    assert.equal(ms.MidiWriteSync(bare, 7), undefined);
    assert.equal(bare.value, 7);
  });

  await t.step("a full box is left alone and its content returned", () => {
    for (const held of [1, 0, false, "", "x", { y: 2 }, NaN]) {
      const box: MidiMailBox = { value: held };
      assert.equal(ms.MidiWriteSync(box, 99), held);
      assert.equal(box.value, held);
    }
  });

  await t.step("a write after a read succeeds", () => {
    const box: MidiMailBox = { value: 1 };
    assert.equal(ms.MidiWriteSync(box, 2), 1);
    assert.equal(ms.MidiReadSync(box), 1);
    assert.equal(ms.MidiWriteSync(box, 2), null);
    assert.equal(ms.MidiReadSync(box), 2);
  });
});

Deno.test("MidiReadSync() and MidiWriteSync() reject a box that is not an object", () => {
  const ms = createLocalKernel();
  const read = ms.MidiReadSync as (box: unknown) => unknown;
  const write = ms.MidiWriteSync as (box: unknown, v: unknown) => unknown;
  for (const bad of [null, undefined, 0, 1, "box", true, 1n, Symbol("s")]) {
    assert.throws(() => read.call(ms, bad), TypeError, String(bad));
    assert.throws(() => write.call(ms, bad, 1), TypeError, String(bad));
  }
});
