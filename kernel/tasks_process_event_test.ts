// Tasks through the in-process kernel: hand-built typeProcess events sent with
// MidiSendAt() (spec §3.7).

import assert from "node:assert/strict";
import {
  createLocalKernel,
  typeDead,
  typeDProcess,
  typePrivate,
  typeProcess,
} from "./mod.ts";
import { makeEv } from "./_test_util.ts";

import { type Box, one } from "./_tasks_test_util.ts";

Deno.test("MidiSendAt() of a hand-built typeProcess event behaves like MidiTask (spec §3.7)", async (t) => {
  await t.step(
    "it runs with its fields as arguments and its handle is a task",
    () => {
      const { ms, a } = one();
      const free = ms.MidiFreeSpace();
      const seen: unknown[][] = [];
      const obj = { x: 1 };
      const e = ms.MidiNewEv(typeProcess)!;
      ms.MidiSetField(e, 0, (...args: unknown[]) => seen.push(args));
      ms.MidiSetField(e, 1, obj);
      ms.MidiSetField(e, 3, "three");
      ms.MidiSendAt(a, e, 4);
      assert.equal(ms.MidiFreeSpace(), free - 2, "held until run");
      assert.equal(e.evType, typeProcess);
      assert.equal(e.date, 4);
      assert.equal(e.refNum, a);
      assert.throws(() => ms.MidiSetField(e, 1, 0), { code: "READONLY" });
      ms.advance(4);
      assert.deepEqual(seen, [[4, a, obj, 0, "three"]]);
      assert.equal(seen[0]![2], obj);
      assert.equal(ms.MidiFreeSpace(), free);
      const box: Box = { value: e };
      ms.MidiForgetTask(box);
      assert.equal(box.value, null);
    },
  );

  await t.step("it can be forgotten before its date", () => {
    const { ms, a } = one();
    let ran = false;
    const e = ms.MidiNewEv(typeProcess)!;
    ms.MidiSetField(e, 0, () => ran = true);
    e.date = 6;
    ms.MidiSend(a, e);
    const box: Box = { value: e };
    ms.advance(3);
    ms.MidiForgetTask(box);
    ms.advance(10);
    assert.equal(ran, false);
    assert.equal(box.value, null);
  });

  await t.step("a hand-built typeDProcess joins the DTask list", () => {
    const { ms, a } = one();
    const dates: number[] = [];
    const e = ms.MidiNewEv(typeDProcess)!;
    ms.MidiSetField(e, 0, (d: number) => dates.push(d));
    ms.MidiSendIm(a, e);
    ms.advance(1);
    assert.equal(ms.MidiCountDTasks(a), 1);
    ms.MidiExec1DTask(a);
    assert.deepEqual(dates, [0]);
  });

  await t.step(
    "field 0 not a function at the date: nothing runs, the task is finished",
    () => {
      const { ms, a } = one();
      const free = ms.MidiFreeSpace();
      const e = ms.MidiNewEv(typeProcess)!;
      ms.MidiSetField(e, 0, "not a function");
      ms.MidiSendAt(a, e, 2);
      const empty = ms.MidiNewEv(typeProcess)!; // field 0 left at 0
      ms.MidiSendAt(a, empty, 2);
      ms.advance(3);
      assert.equal(ms.MidiFreeSpace(), free);
      for (const h of [e, empty]) {
        const box: Box = { value: h };
        ms.MidiForgetTask(box);
        assert.equal(box.value, null);
      }
    },
  );

  await t.step(
    "a private event retyped to typeProcess is a task once sent",
    () => {
      const { ms, a } = one();
      let ran = 0;
      const e = makeEv(ms, typePrivate, [1, 2, 3, 4]);
      e.evType = typeProcess;
      ms.MidiSetField(e, 0, () => ran++);
      ms.MidiSendAt(a, e, 1);
      ms.advance(2);
      assert.equal(ran, 1);
      assert.equal(ms.MidiCountEvs(a), 0);
    },
  );

  await t.step(
    "sent with a refnum this client did not open, it is a finished task",
    () => {
      // Spec §1.4 and §7.12: a sent event of type 128/129 becomes a task handle, and
      // MidiForgetTask on a finished task only nulls the box.
      const ms = createLocalKernel();
      const other = ms.connectClient();
      ms.MidiOpen("a");
      const c = other.MidiOpen("c");
      let ran = false;
      const e = ms.MidiNewEv(typeProcess)!;
      ms.MidiSetField(e, 0, () => ran = true);
      ms.MidiSendAt(c, e, 2);
      ms.advance(3);
      assert.equal(ran, false);
      const box: Box = { value: e };
      ms.MidiForgetTask(box);
      assert.equal(box.value, null);
    },
  );

  await t.step(
    "sent with the refnum flag 0x80, it runs for refnum & 0x7F",
    () => {
      // Spec §7.12 stamps refNum & 0xFF; §6.1 dispatches a typeProcess item of
      // r = refNum & 0x7F by running it in the client that scheduled it.
      const { ms, a } = one();
      const seen: number[] = [];
      const e = ms.MidiNewEv(typeProcess)!;
      ms.MidiSetField(e, 0, (_d: number, ref: number) => seen.push(ref));
      ms.MidiSendAt(a | 0x80, e, 2);
      ms.advance(3);
      assert.deepEqual(seen, [a]);
    },
  );

  await t.step(
    "a sent typeDead event is dropped and its handle is dead",
    () => {
      const { ms, a } = one();
      let ran = false;
      const e = ms.MidiNewEv(typeDead)!;
      ms.MidiSetField(e, 0, () => ran = true);
      ms.MidiSendAt(a, e, 1);
      ms.advance(2);
      assert.equal(ran, false);
      assert.equal(ms.MidiCountDTasks(a), 0);
      assert.throws(() => e.evType, { code: "DEAD" });
    },
  );
});
