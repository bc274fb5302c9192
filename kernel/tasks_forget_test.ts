// Tasks through the in-process kernel: MidiForgetTask() (spec §7.15).

import assert from "node:assert/strict";
import { typeKeyOn, typeProcess } from "./mod.ts";
import { makeEv } from "./_test_util.ts";

import { type Box, one } from "./_tasks_test_util.ts";

Deno.test("MidiForgetTask() cancels tasks and always empties the box (spec §7.15)", async (t) => {
  await t.step("a null or undefined value does nothing", () => {
    const { ms } = one();
    const box: Box = { value: null };
    ms.MidiForgetTask(box);
    assert.equal(box.value, null);
    ms.MidiForgetTask({ value: undefined as unknown as null });
  });

  await t.step("a scheduled task is cancelled and never runs", () => {
    const { ms, a } = one();
    const free = ms.MidiFreeSpace();
    let ran = false;
    const box: Box = { value: ms.MidiTask(() => ran = true, 5, a) };
    const handle = box.value!;
    ms.advance(2);
    ms.MidiForgetTask(box);
    assert.equal(box.value, null);
    assert.equal(ms.MidiFreeSpace(), free);
    assert.throws(() => handle.evType, { code: "DEAD" });
    ms.advance(10);
    assert.equal(ran, false);
    // Forgetting it again through another box: finished, box nulled.
    const again: Box = { value: handle };
    ms.MidiForgetTask(again);
    assert.equal(again.value, null);
  });

  await t.step("a scheduled DTask never joins the list", () => {
    const { ms, a } = one();
    const box: Box = { value: ms.MidiDTask(() => {}, 5, a) };
    ms.MidiForgetTask(box);
    ms.advance(10);
    assert.equal(ms.MidiCountDTasks(a), 0);
  });

  await t.step("a ready DTask leaves the list and the count", () => {
    const { ms, a } = one();
    const ran: string[] = [];
    ms.MidiDTask(() => ran.push("first"), 1, a);
    const box: Box = { value: ms.MidiDTask(() => ran.push("middle"), 2, a) };
    ms.MidiDTask(() => ran.push("last"), 3, a);
    ms.advance(3);
    assert.equal(ms.MidiCountDTasks(a), 3);
    ms.MidiForgetTask(box);
    assert.equal(box.value, null);
    assert.equal(ms.MidiCountDTasks(a), 2);
    ms.MidiExec1DTask(a);
    ms.MidiExec1DTask(a);
    ms.MidiExec1DTask(a);
    assert.deepEqual(ran, ["first", "last"]);
    // The last one of the list, then a new one: the list is still sound.
    const tail: Box = { value: ms.MidiDTask(() => ran.push("tail"), 4, a) };
    ms.MidiDTask(() => ran.push("after"), 4, a);
    ms.advance(1);
    const lastBox: Box = { value: ms.MidiDTask(() => ran.push("x"), 5, a) };
    ms.advance(1);
    ms.MidiForgetTask(lastBox);
    ms.MidiDTask(() => ran.push("new"), 6, a);
    ms.advance(1);
    ms.MidiForgetTask(tail);
    assert.equal(ms.MidiCountDTasks(a), 2);
    ms.MidiExec1DTask(a);
    ms.MidiExec1DTask(a);
    assert.deepEqual(ran, ["first", "last", "after", "new"]);
  });

  await t.step("a finished task: nothing, but the box is nulled", () => {
    const { ms, a } = one();
    const run: Box = { value: ms.MidiTask(() => {}, 1, a) };
    const exec: Box = { value: ms.MidiDTask(() => {}, 1, a) };
    ms.advance(1);
    ms.MidiExec1DTask(a);
    const free = ms.MidiFreeSpace();
    ms.MidiForgetTask(run);
    ms.MidiForgetTask(exec);
    assert.deepEqual([run.value, exec.value], [null, null]);
    assert.equal(ms.MidiFreeSpace(), free);
  });

  await t.step("a running task forgetting itself is harmless", () => {
    const { ms, a } = one();
    const ran: string[] = [];
    const self: Box = { value: null };
    self.value = ms.MidiTask(
      () => {
        ran.push("self");
        ms.MidiForgetTask(self);
        ran.push(self.value === null ? "nulled" : "kept");
        ms.MidiTask(() => ran.push("scheduled by it"), 2, a);
      },
      1,
      a,
    );
    ms.MidiTask(() => ran.push("neighbour"), 1, a);
    const free = ms.MidiFreeSpace();
    ms.advance(3);
    assert.deepEqual(ran, ["self", "nulled", "neighbour", "scheduled by it"]);
    assert.equal(ms.MidiFreeSpace(), free + 4);
  });

  await t.step(
    "a task forgotten by another task of the same tick does not run",
    () => {
      const { ms, a } = one();
      const ran: string[] = [];
      const victim: Box = { value: null };
      ms.MidiTask(
        () => {
          ran.push("killer");
          ms.MidiForgetTask(victim);
        },
        4,
        a,
      );
      victim.value = ms.MidiTask(() => ran.push("victim"), 4, a);
      ms.advance(5);
      assert.deepEqual(ran, ["killer"]);
      assert.equal(victim.value, null);
    },
  );

  await t.step(
    "a forgotten task's cells reused by new tasks: nothing runs early or twice",
    () => {
      // The pool hands cells out again in an order that, after two rounds, gives
      // the last task the header cell of the first one: the server's stale item of
      // the first task must not run it.
      const { ms, a } = one({ poolCellCount: 2 });
      const ran: [string, number, number][] = [];
      const mk = (label: string) => (date: number) =>
        ran.push([label, date, ms.MidiGetTime()]);
      const first: Box = { value: ms.MidiTask(mk("first"), 3, a) };
      ms.MidiForgetTask(first);
      const second: Box = { value: ms.MidiTask(mk("second"), 4, a) };
      ms.MidiForgetTask(second);
      assert.notEqual(ms.MidiTask(mk("third"), 6, a), null);
      ms.advance(10);
      assert.deepEqual(ran, [["third", 6, 6]]);
    },
  );

  await t.step(
    "an owned, queued or raw non-task handle throws TypeError",
    () => {
      const { ms, a } = one();
      ms.MidiConnect(a, a, true);
      const owned = makeEv(ms, typeKeyOn);
      assert.throws(() => ms.MidiForgetTask({ value: owned }), TypeError);
      ms.MidiSendIm(a, makeEv(ms, typeKeyOn));
      ms.advance(1);
      const queued = ms.MidiAvailEv(a)!;
      assert.throws(() => ms.MidiForgetTask({ value: queued }), TypeError);
      const cell = ms.MidiNewCell()!;
      assert.throws(() => ms.MidiForgetTask({ value: cell }), TypeError);
      // An owned event of a task type, never sent, is not a task either.
      const unsent = ms.MidiNewEv(typeProcess)!;
      const box: Box = { value: unsent };
      assert.throws(() => ms.MidiForgetTask(box), TypeError);
      assert.equal(box.value, unsent);
      assert.equal(ms.MidiGetField(owned, 0), 0, "the owned event is intact");
    },
  );

  await t.step("a dead non-task handle throws DEAD", () => {
    const { ms } = one();
    const e = makeEv(ms, typeKeyOn);
    ms.MidiFreeEv(e);
    assert.throws(() => ms.MidiForgetTask({ value: e }), { code: "DEAD" });
  });

  await t.step(
    "a box that is not an object, or a non-handle value, throws TypeError",
    () => {
      const { ms } = one();
      for (const bad of [null, undefined, 5, "box", true]) {
        assert.throws(
          () => ms.MidiForgetTask(bad as unknown as Box),
          TypeError,
        );
      }
      for (const value of [{}, 5, "e", { evType: typeProcess }]) {
        assert.throws(
          () => ms.MidiForgetTask({ value } as unknown as Box),
          TypeError,
        );
      }
    },
  );
});
