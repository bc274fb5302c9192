// Events through the in-process API: the handle states of spec §1.4 (queued,
// task, cell, dead).

import assert from "node:assert/strict";
import {
  type LocalMidiShare,
  type MidiEv,
  typeDProcess,
  typeKeyOn,
  typeNote,
  typePrivate,
  typeProcess,
  typeSysEx,
} from "./mod.ts";

import { newEv, open, queuedEv } from "./_test_util.ts";

const COMMON_PROPS = [
  "date",
  "evType",
  "refNum",
  "port",
  "chan",
  "link",
] as const;

// ---- §1.4 handle states

/** Every read of spec §1.4 that a readable handle allows. */
function readAll(ms: LocalMidiShare, e: MidiEv): unknown[] {
  const out: unknown[] = COMMON_PROPS.map((p) => e[p]);
  const n = ms.MidiCountFields(e);
  for (let i = 0; i < n; i++) out.push(ms.MidiGetField(e, i));
  return out;
}

/** Every write, free or send; each must throw `code`. */
function assertNoWrites(
  ms: LocalMidiShare,
  ref: number,
  e: MidiEv,
  code: string,
): void {
  const other = newEv(ms, typeKeyOn);
  const type = e.evType;
  const writes: [string, () => void][] = [
    ["date", () => (e.date = 1)],
    ["evType", () => (e.evType = type)],
    ["refNum", () => (e.refNum = 1)],
    ["port", () => (e.port = 1)],
    ["chan", () => (e.chan = 1)],
    ["link", () => (e.link = other)],
    ["link null", () => (e.link = null)],
    ["MidiSetField", () => ms.MidiSetField(e, 0, 1)],
    ["MidiAddField", () => ms.MidiAddField(e, 1)],
    ["MidiFreeEv", () => ms.MidiFreeEv(e)],
    ["MidiSendIm", () => ms.MidiSendIm(ref, e)],
    ["MidiSend", () => ms.MidiSend(ref, e)],
    ["MidiSendAt", () => ms.MidiSendAt(ref, e, 5)],
  ];
  for (const [what, write] of writes) {
    assert.throws(write, { code }, what);
  }
  ms.MidiFreeEv(other);
}

Deno.test("MidiAvailEv() returns a queued handle, read-only until MidiGetEv", async (t) => {
  const { ms, ref } = open();

  await t.step(
    "reads, MidiGetField, MidiCountFields, MidiCopyEv are allowed",
    () => {
      const q = queuedEv(ms, ref, typeNote, [60, 100, 1000]);
      assert.equal(q.evType, typeNote);
      assert.equal(q.refNum, ref);
      assert.equal(q.link, null);
      assert.equal(ms.MidiCountFields(q), 3);
      assert.equal(ms.MidiGetField(q, 2), 1000);
      const c = ms.MidiCopyEv(q)!;
      ms.MidiFreeEv(c);
      ms.MidiFlushEvs(ref);
    },
  );

  await t.step(
    "writes, free and sends throw READONLY and change nothing",
    () => {
      const q = queuedEv(ms, ref, typeNote, [60, 100, 1000]);
      const before = readAll(ms, q);
      const free = ms.MidiFreeSpace();
      assertNoWrites(ms, ref, q, "READONLY");
      assert.deepEqual(readAll(ms, q), before);
      assert.equal(ms.MidiFreeSpace(), free);
      assert.equal(ms.MidiCountEvs(ref), 1);
      ms.advance(2);
      assert.equal(ms.MidiCountEvs(ref), 1, "a refused send went out");
      ms.MidiFlushEvs(ref);
    },
  );

  await t.step("a later MidiGetEv returns the same handle, now owned", () => {
    const q = queuedEv(ms, ref, typeKeyOn, [61, 70]);
    assert.equal(ms.MidiAvailEv(ref), q);
    const g = ms.MidiGetEv(ref);
    assert.equal(g, q);
    assert.equal(g.link, null);
    assert.equal(ms.MidiCountEvs(ref), 0);
    q.date = 77;
    q.link = null;
    ms.MidiSetField(q, 0, 62);
    assert.equal(ms.MidiGetField(q, 0), 62);
    ms.MidiFreeEv(q);
    assert.throws(() => q.date, { code: "DEAD" });
  });

  await t.step("MidiFlushEvs kills the queued handle", () => {
    const q = queuedEv(ms, ref, typeKeyOn, [61, 70]);
    ms.MidiFlushEvs(ref);
    assert.throws(() => q.date, { code: "DEAD" });
    assert.throws(() => ms.MidiGetField(q, 0), { code: "DEAD" });
  });
});

Deno.test("MidiTask() returns a task handle: reads allowed, writes READONLY", async (t) => {
  const { ms, ref } = open();

  await t.step("MidiTask result", () => {
    let runs = 0;
    const fn = () => runs++;
    const arg = { x: 1 };
    const task = ms.MidiTask(fn, 100, ref, 1, "two", arg);
    assert.ok(task !== null);
    assert.equal(task.evType, typeProcess);
    assert.equal(task.date, 100);
    assert.equal(task.refNum, ref);
    assert.equal(ms.MidiCountFields(task), 4);
    const get = ms.MidiGetField as (e: MidiEv, f: number) => unknown;
    assert.equal(get.call(ms, task, 0), fn);
    assert.equal(get.call(ms, task, 1), 1);
    assert.equal(get.call(ms, task, 2), "two");
    assert.equal(get.call(ms, task, 3), arg);
    const free = ms.MidiFreeSpace();
    assert.throws(() => ms.MidiSetField(task, 1, 5), { code: "READONLY" });
    assert.throws(() => ms.MidiFreeEv(task), { code: "READONLY" });
    assertNoWrites(ms, ref, task, "READONLY");
    assert.equal(ms.MidiFreeSpace(), free);
    assert.equal(get.call(ms, task, 1), 1);
    // A copy is an ordinary owned event, not a scheduled task.
    const copy = ms.MidiCopyEv(task)!;
    assert.equal(copy.evType, typeProcess);
    assert.equal(get.call(ms, copy, 0), fn);
    ms.MidiSetField(copy, 1, 9);
    ms.MidiForgetTask({ value: task });
    ms.advance(150);
    assert.equal(runs, 0);
    ms.MidiFreeEv(copy);
  });

  await t.step("MidiDTask result", () => {
    const task = ms.MidiDTask(() => {}, 10, ref);
    assert.ok(task !== null);
    assert.equal(task.evType, typeDProcess);
    assert.throws(() => ms.MidiSetField(task, 0, 1), { code: "READONLY" });
    assert.throws(() => ms.MidiFreeEv(task), { code: "READONLY" });
    ms.MidiForgetTask({ value: task });
  });

  await t.step("a sent typeProcess event becomes a task handle", () => {
    let runs = 0;
    const e = newEv(ms, typeProcess);
    ms.MidiSetField(e, 0, (() => runs++) as unknown as number);
    ms.MidiSendAt(ref, e, ms.MidiGetTime() + 3);
    assert.equal(e.evType, typeProcess);
    assert.throws(() => ms.MidiFreeEv(e), { code: "READONLY" });
    assert.throws(() => ms.MidiSetField(e, 1, 1), { code: "READONLY" });
    ms.advance(3);
    assert.equal(runs, 1);
    assert.throws(() => e.date, { code: "DEAD" });
  });
});

Deno.test("MidiNewCell() returns a raw cell handle", async (t) => {
  const { ms, ref } = open();

  await t.step("the six common properties are zeroed and writable", () => {
    const c = ms.MidiNewCell()!;
    assert.ok(c !== null);
    for (const p of ["date", "evType", "refNum", "port", "chan"] as const) {
      assert.equal(c[p], 0, p);
    }
    assert.equal(c.link, null);
    c.date = 99;
    c.evType = 7;
    c.refNum = 3;
    c.port = 4;
    c.chan = 5;
    const e = newEv(ms, typeKeyOn);
    c.link = e;
    assert.deepEqual(
      [c.date, c.evType, c.refNum, c.port, c.chan, c.link],
      [99, 7, 3, 4, 5, e],
    );
    ms.MidiFreeCell(c);
    ms.MidiFreeEv(e);
  });

  await t.step("event calls and sends throw KIND", () => {
    const c = ms.MidiNewCell()!;
    const free = ms.MidiFreeSpace();
    const calls: [string, () => unknown][] = [
      ["MidiFreeEv", () => ms.MidiFreeEv(c)],
      ["MidiCopyEv", () => ms.MidiCopyEv(c)],
      ["MidiGetField", () => ms.MidiGetField(c, 0)],
      ["MidiSetField", () => ms.MidiSetField(c, 0, 1)],
      ["MidiCountFields", () => ms.MidiCountFields(c)],
      ["MidiAddField", () => ms.MidiAddField(c, 1)],
      ["MidiSendIm", () => ms.MidiSendIm(ref, c)],
      ["MidiSend", () => ms.MidiSend(ref, c)],
      ["MidiSendAt", () => ms.MidiSendAt(ref, c, 1)],
    ];
    for (const [what, call] of calls) {
      assert.throws(call, { code: "KIND" }, what);
    }
    assert.equal(ms.MidiFreeSpace(), free);
    c.date = 1; // still a live raw cell
    ms.MidiFreeCell(c);
    assert.equal(ms.MidiFreeSpace(), free + 1);
    assert.throws(() => c.date, { code: "DEAD" });
    assert.throws(() => ms.MidiFreeCell(c), { code: "DEAD" });
  });

  await t.step(
    "MidiFreeCell on an event throws KIND and keeps the event",
    () => {
      for (const type of [typeKeyOn, typePrivate, typeSysEx, typeProcess]) {
        const e = newEv(ms, type);
        const free = ms.MidiFreeSpace();
        assert.throws(() => ms.MidiFreeCell(e), { code: "KIND" });
        assert.equal(ms.MidiFreeSpace(), free);
        assert.equal(e.evType, type);
        ms.MidiFreeEv(e);
      }
    },
  );
});

Deno.test("MidiFreeEv() leaves a dead handle that every use rejects with DEAD", async (t) => {
  const { ms, ref } = open();
  const deadHandles: [string, () => MidiEv][] = [
    ["freed S event", () => {
      const e = newEv(ms, typeKeyOn);
      ms.MidiFreeEv(e);
      return e;
    }],
    ["freed V event", () => {
      const e = newEv(ms, typeSysEx, []);
      ms.MidiAddField(e, 1);
      ms.MidiFreeEv(e);
      return e;
    }],
    ["freed P event", () => {
      const e = newEv(ms, typePrivate);
      ms.MidiFreeEv(e);
      return e;
    }],
    ["sent event", () => {
      const e = newEv(ms, typeKeyOn);
      ms.MidiSendIm(ref, e);
      return e;
    }],
    ["freed raw cell", () => {
      const c = ms.MidiNewCell()!;
      ms.MidiFreeCell(c);
      return c;
    }],
  ];
  for (const [name, make] of deadHandles) {
    await t.step(name, () => {
      const e = make();
      const other = newEv(ms, typeKeyOn);
      const s = ms.MidiNewSeq()!;
      const uses: [string, () => unknown][] = [
        ...COMMON_PROPS.map((p): [string, () => unknown] => [p, () => e[p]]),
        ["set date", () => (e.date = 1)],
        ["set evType", () => (e.evType = 1)],
        ["set refNum", () => (e.refNum = 1)],
        ["set port", () => (e.port = 1)],
        ["set chan", () => (e.chan = 1)],
        ["set link", () => (e.link = other)],
        ["MidiFreeEv", () => ms.MidiFreeEv(e)],
        ["MidiCopyEv", () => ms.MidiCopyEv(e)],
        ["MidiGetField", () => ms.MidiGetField(e, 0)],
        ["MidiSetField", () => ms.MidiSetField(e, 0, 1)],
        ["MidiCountFields", () => ms.MidiCountFields(e)],
        ["MidiAddField", () => ms.MidiAddField(e, 1)],
        ["MidiSendIm", () => ms.MidiSendIm(ref, e)],
        ["MidiSend", () => ms.MidiSend(ref, e)],
        ["MidiSendAt", () => ms.MidiSendAt(ref, e, 1)],
        ["MidiFreeCell", () => ms.MidiFreeCell(e)],
        ["MidiAddSeq", () => ms.MidiAddSeq(s, e)],
        ["MidiForgetTask", () => ms.MidiForgetTask({ value: e })],
      ];
      const free = ms.MidiFreeSpace();
      for (const [what, use] of uses) {
        assert.throws(use, { code: "DEAD" }, what);
      }
      assert.equal(ms.MidiFreeSpace(), free);
      assert.equal(s.first, null);
      ms.MidiFreeSeq(s);
      ms.MidiFreeEv(other);
    });
  }
});
