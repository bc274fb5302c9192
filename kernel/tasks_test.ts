// Tasks and deferred tasks through the in-process kernel (spec §3.7, §7.15).

import assert from "node:assert/strict";
import {
  createLocalKernel,
  type LocalMidiShare,
  type MidiEv,
  typeDead,
  typeDProcess,
  typeKeyOn,
  typePrivate,
  typeProcess,
} from "./mod.ts";
import { makeEv } from "./_test_util.ts";

type Box = { value: MidiEv | null };

/** A kernel with one application. */
function one(options: Parameters<typeof createLocalKernel>[0] = {}) {
  const ms = createLocalKernel(options);
  const a = ms.MidiOpen("a");
  return { ms, a };
}

/** A task that records `[label, date, refNum, time]` in `log`. */
function logger(
  ms: LocalMidiShare,
  log: [string, number, number, number][],
  label: string,
) {
  return (date: number, refNum: number) => {
    log.push([label, date, refNum, ms.MidiGetTime()]);
  };
}

Deno.test("MidiTask() runs fn(date, refNum, a1, a2, a3) at its date", async (t) => {
  await t.step(
    "at the tick of its date, with the scheduled date and refnum",
    () => {
      const { ms, a } = one();
      const log: [string, number, number, number][] = [];
      const e = ms.MidiTask(logger(ms, log, "x"), 5, a);
      assert.notEqual(e, null);
      ms.advance(4);
      assert.deepEqual(log, []);
      ms.advance(1);
      assert.deepEqual(log, [["x", 5, a, 5]]);
      ms.advance(10);
      assert.equal(log.length, 1);
    },
  );

  await t.step("the JS arguments arrive untouched", () => {
    const { ms, a } = one();
    const obj = { deep: [1, 2] };
    const fn = () => {};
    const seen: unknown[][] = [];
    ms.MidiTask((...args) => seen.push(args), 1, a, obj, undefined, fn);
    ms.MidiTask((...args) => seen.push(args), 1, a, "s", NaN, null);
    ms.MidiTask((...args) => seen.push(args), 1, a);
    ms.advance(1);
    assert.equal(seen.length, 3);
    assert.equal(seen[0]![2], obj);
    assert.deepEqual(seen[0]!.slice(3), [undefined, fn]);
    assert.equal(seen[0]![4], fn);
    assert.deepEqual(seen[1]!.slice(2), ["s", NaN, null]);
    assert.deepEqual(seen[2], [1, a, undefined, undefined, undefined]);
  });

  await t.step("a task handle reads its date, type and fields", () => {
    const { ms, a } = one();
    const fn = () => {};
    const obj = {};
    const e = ms.MidiTask(fn, 42, a, obj, 2, 3)!;
    assert.equal(e.evType, typeProcess);
    assert.equal(e.date, 42);
    assert.equal(e.refNum, a);
    assert.equal(ms.MidiGetField(e, 0) as unknown, fn);
    assert.equal(ms.MidiGetField(e, 1) as unknown, obj);
    assert.throws(() => ms.MidiFreeEv(e), { code: "READONLY" });
    assert.throws(() => ms.MidiSetField(e, 1, 5), { code: "READONLY" });
    assert.throws(() => ms.MidiSendIm(a, e), { code: "READONLY" });
    assert.throws(() => {
      e.date = 3;
    }, { code: "READONLY" });
  });

  await t.step(
    "a task dated in the past runs at the next tick with its date",
    () => {
      const { ms, a } = one();
      ms.advance(10);
      const log: [string, number, number, number][] = [];
      ms.MidiTask(logger(ms, log, "past"), 3, a);
      ms.MidiTask(logger(ms, log, "now"), 10, a);
      ms.MidiTask(logger(ms, log, "next"), 11, a);
      ms.advance(1);
      assert.deepEqual(log, [
        ["past", 3, a, 11],
        ["now", 10, a, 11],
        ["next", 11, a, 11],
      ]);
    },
  );

  await t.step("self-rescheduling from its own date does not drift", () => {
    const { ms, a } = one();
    const dates: number[] = [];
    const lateness: number[] = [];
    const period = 7;
    const tick = (date: number, ref: number) => {
      dates.push(date);
      lateness.push(ms.MidiGetTime() - date);
      if (dates.length < 1000) ms.MidiTask(tick, date + period, ref);
    };
    ms.MidiTask(tick, 3, a);
    ms.advance(3 + 1000 * period);
    assert.equal(dates.length, 1000);
    assert.deepEqual(
      dates,
      Array.from({ length: 1000 }, (_, i) => 3 + i * period),
    );
    assert.ok(lateness.every((x) => x === 0));
  });

  await t.step("the date is wrapped to 32 unsigned bits", () => {
    const { ms, a } = one();
    const log: [string, number, number, number][] = [];
    ms.MidiTask(logger(ms, log, "w"), 2 ** 32 + 2, a);
    ms.advance(3);
    assert.deepEqual(log, [["w", 2, a, 2]]);
  });
});

Deno.test("MidiTask() returns null when it cannot schedule", async (t) => {
  await t.step("for a refnum this client did not open", () => {
    const { ms, a } = one();
    const other = ms.connectClient();
    const c = other.MidiOpen("c");
    const d = other.MidiRegisterDriver({ name: "d", version: 1 }, {});
    const free = ms.MidiFreeSpace();
    let ran = 0;
    for (const ref of [c, d, 0, 127, 60, -1, 1000, a | 0x80]) {
      assert.equal(ms.MidiTask(() => ran++, 1, ref), null, `refnum ${ref}`);
      assert.equal(ms.MidiDTask(() => ran++, 1, ref), null, `refnum ${ref}`);
    }
    assert.equal(ms.MidiFreeSpace(), free);
    ms.advance(2);
    assert.equal(ran, 0);
    assert.equal(other.MidiCountDTasks(c), 0);
    // The other client can schedule on its own refnums.
    assert.notEqual(other.MidiTask(() => ran++, 3, c), null);
    assert.notEqual(other.MidiTask(() => ran++, 3, d), null);
    ms.advance(2);
    assert.equal(ran, 2);
  });

  await t.step("for a closed refnum", () => {
    const { ms, a } = one();
    const b = ms.MidiOpen("b");
    ms.MidiClose(b);
    assert.equal(ms.MidiTask(() => {}, 1, b), null);
    void a;
  });

  await t.step("when the pool lacks 2 cells, leaking nothing", () => {
    const { ms, a } = one({ poolCellCount: 3 });
    const k1 = makeEv(ms, typeKeyOn), k2 = makeEv(ms, typeKeyOn);
    assert.equal(ms.MidiFreeSpace(), 1);
    let ran = 0;
    assert.equal(ms.MidiTask(() => ran++, 1, a), null);
    assert.equal(ms.MidiDTask(() => ran++, 1, a), null);
    assert.equal(ms.MidiFreeSpace(), 1);
    ms.advance(2);
    assert.equal(ran, 0);
    assert.equal(ms.MidiCountDTasks(a), 0);
    ms.MidiFreeEv(k1);
    assert.notEqual(ms.MidiTask(() => ran++, 3, a), null);
    assert.equal(ms.MidiFreeSpace(), 0);
    ms.advance(2);
    assert.equal(ran, 1);
    void k2;
  });
});

Deno.test("MidiTask() throws TypeError at the call when fn is not a function", () => {
  const { ms, a } = one();
  const free = ms.MidiFreeSpace();
  for (const bad of [null, undefined, 1, "f", {}]) {
    const fn = bad as unknown as () => void;
    assert.throws(() => ms.MidiTask(fn, 1, a), TypeError);
    assert.throws(() => ms.MidiDTask(fn, 1, a), TypeError);
    assert.throws(() => ms.MidiCall(fn, 1, a), TypeError);
    // Even for a refnum that would give null.
    assert.throws(() => ms.MidiTask(fn, 1, 60), TypeError);
  }
  assert.equal(ms.MidiFreeSpace(), free);
  ms.advance(3);
  assert.equal(ms.server.pendingCount, 0);
});

Deno.test("MidiTask() holds 2 cells until the task is run, forgotten or flushed (spec §7.8)", () => {
  const { ms, a } = one({ poolCellCount: 100 });
  assert.equal(ms.MidiFreeSpace(), 100);
  ms.MidiTask(() => {}, 2, a);
  assert.equal(ms.MidiFreeSpace(), 98);
  const forgotten: Box = { value: ms.MidiTask(() => {}, 5, a) };
  ms.MidiDTask(() => {}, 2, a);
  ms.MidiDTask(() => {}, 3, a);
  const dForgotten: Box = { value: ms.MidiDTask(() => {}, 50, a) };
  assert.equal(ms.MidiFreeSpace(), 90);
  ms.advance(2);
  assert.equal(ms.MidiFreeSpace(), 92, "the task ran; the DTask is ready");
  ms.MidiForgetTask(forgotten);
  assert.equal(ms.MidiFreeSpace(), 94);
  ms.MidiForgetTask(dForgotten);
  assert.equal(ms.MidiFreeSpace(), 96);
  ms.advance(1);
  assert.equal(ms.MidiCountDTasks(a), 2);
  assert.equal(ms.MidiFreeSpace(), 96);
  ms.MidiExec1DTask(a);
  assert.equal(ms.MidiFreeSpace(), 98);
  ms.MidiFlushDTasks(a);
  assert.equal(ms.MidiFreeSpace(), 100);
  ms.advance(100);
  assert.equal(ms.MidiFreeSpace(), 100);
});

Deno.test("MidiDTask() joins the DTask list at its date (spec §7.15)", async (t) => {
  await t.step("never runs by itself; counted only once ready", () => {
    const { ms, a } = one();
    const log: [string, number, number, number][] = [];
    const e = ms.MidiDTask(logger(ms, log, "d"), 4, a)!;
    assert.equal(e.evType, typeDProcess);
    ms.advance(3);
    assert.equal(ms.MidiCountDTasks(a), 0);
    ms.advance(1);
    assert.equal(ms.MidiCountDTasks(a), 1);
    ms.advance(20);
    assert.deepEqual(log, []);
    assert.equal(ms.MidiCountDTasks(a), 1);
  });

  await t.step("a task's cells go back after its function returns", () => {
    const { ms, a } = one();
    const inside: number[] = [];
    const free = ms.MidiFreeSpace();
    ms.MidiDTask(() => inside.push(ms.MidiFreeSpace()), 1, a);
    const cellsPerTask = free - ms.MidiFreeSpace();
    ms.MidiTask(() => inside.push(ms.MidiFreeSpace()), 1, a);
    ms.advance(1);
    ms.MidiExec1DTask(a);
    // Each function still sees its own task's cells, as well as the cells of the DTask
    // that waits to be executed.
    assert.deepEqual(inside, [free - 2 * cellsPerTask, free - cellsPerTask]);
    assert.equal(ms.MidiFreeSpace(), free);
  });

  await t.step(
    "MidiExec1DTask runs exactly one, in date then send order",
    () => {
      const { ms, a } = one();
      const order: string[] = [];
      const args: unknown[][] = [];
      const mk = (label: string) => (...x: unknown[]) => {
        order.push(label);
        args.push(x);
      };
      ms.MidiDTask(mk("5a"), 5, a, "x");
      ms.MidiDTask(mk("3a"), 3, a);
      ms.MidiDTask(mk("5b"), 5, a);
      ms.MidiDTask(mk("3b"), 3, a);
      ms.MidiDTask(mk("9"), 9, a);
      ms.advance(5);
      assert.equal(ms.MidiCountDTasks(a), 4);
      ms.MidiExec1DTask(a);
      assert.deepEqual(order, ["3a"]);
      assert.equal(ms.MidiCountDTasks(a), 3);
      ms.MidiExec1DTask(a);
      ms.MidiExec1DTask(a);
      assert.deepEqual(order, ["3a", "3b", "5a"]);
      assert.deepEqual(args[2], [5, a, "x", undefined, undefined]);
      ms.MidiExec1DTask(a);
      ms.MidiExec1DTask(a); // empty: nothing
      assert.deepEqual(order, ["3a", "3b", "5a", "5b"]);
      assert.equal(ms.MidiCountDTasks(a), 0);
      ms.advance(5);
      ms.MidiExec1DTask(a);
      assert.deepEqual(order, ["3a", "3b", "5a", "5b", "9"]);
    },
  );

  await t.step(
    "MidiExec1DTask runs synchronously and may schedule more",
    () => {
      const { ms, a } = one();
      const log: string[] = [];
      ms.MidiDTask(
        () => {
          log.push("first");
          ms.MidiDTask(() => log.push("second"), ms.MidiGetTime(), a);
        },
        1,
        a,
      );
      ms.advance(1);
      ms.MidiExec1DTask(a);
      assert.deepEqual(log, ["first"]);
      assert.equal(ms.MidiCountDTasks(a), 0);
      ms.advance(1);
      assert.equal(ms.MidiCountDTasks(a), 1);
      ms.MidiExec1DTask(a);
      assert.deepEqual(log, ["first", "second"]);
    },
  );

  await t.step("MidiFlushDTasks discards ready DTasks only", () => {
    const { ms, a } = one();
    const ran: number[] = [];
    const early = { value: ms.MidiDTask((d) => ran.push(d), 2, a) };
    ms.MidiDTask((d) => ran.push(d), 3, a);
    ms.MidiDTask((d) => ran.push(d), 10, a);
    ms.advance(5);
    ms.MidiFlushDTasks(a);
    assert.equal(ms.MidiCountDTasks(a), 0);
    assert.throws(() => early.value!.date, { code: "DEAD" });
    ms.MidiForgetTask(early); // a flushed DTask is finished: box nulled
    assert.equal(early.value, null);
    ms.advance(5);
    assert.equal(ms.MidiCountDTasks(a), 1);
    ms.MidiExec1DTask(a);
    assert.deepEqual(ran, [10]);
  });

  await t.step("bad refnums: 0 / nothing / nothing", () => {
    const { ms, a } = one();
    const other = ms.connectClient();
    const c = other.MidiOpen("c");
    other.MidiDTask(() => {}, 1, c);
    ms.advance(2);
    for (const ref of [c, 60, -1, 0]) {
      assert.equal(ms.MidiCountDTasks(ref), 0);
      ms.MidiExec1DTask(ref);
      ms.MidiFlushDTasks(ref);
    }
    assert.equal(other.MidiCountDTasks(c), 1);
    void a;
  });
});

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

Deno.test("MidiClose() before the date discards the application's tasks (spec §7.2)", () => {
  const { ms, a } = one({ poolCellCount: 50 });
  const b = ms.MidiOpen("b");
  const ran: string[] = [];
  const box: Box = { value: ms.MidiTask(() => ran.push("a task"), 10, a) };
  ms.MidiDTask(() => ran.push("a dtask"), 10, a);
  ms.MidiDTask(() => ran.push("a ready"), 1, a);
  ms.MidiTask(() => ran.push("b task"), 10, b);
  assert.equal(ms.MidiFreeSpace(), 42);
  ms.advance(5);
  assert.equal(ms.MidiCountDTasks(a), 1);
  ms.MidiClose(a);
  assert.equal(ms.MidiFreeSpace(), 48);
  assert.equal(ms.server.pendingCount, 1);
  // The refnum is reused by a new application: the old tasks stay discarded.
  const again = ms.MidiOpen("again");
  assert.equal(again, a);
  ms.advance(10);
  assert.deepEqual(ran, ["b task"]);
  assert.equal(ms.MidiCountDTasks(again), 0);
  ms.MidiForgetTask(box);
  assert.equal(box.value, null);
  assert.equal(ms.MidiFreeSpace(), 50);
});

Deno.test("MidiCall() schedules like MidiTask and returns undefined", () => {
  const { ms, a } = one({ poolCellCount: 10 });
  const seen: unknown[][] = [];
  const obj = {};
  const result = ms.MidiCall((...args) => seen.push(args), 3, a, obj, 2);
  assert.equal(result, undefined);
  assert.equal(ms.MidiFreeSpace(), 8);
  assert.equal(ms.MidiCall(() => seen.push(["bad"]), 3, 60), undefined);
  assert.equal(ms.MidiFreeSpace(), 8);
  ms.advance(3);
  assert.deepEqual(seen, [[3, a, obj, 2, undefined]]);
  assert.equal(ms.MidiFreeSpace(), 10);
});

Deno.test("MidiTask() runs the tasks of one client's applications in date then scheduling order", () => {
  const ms = createLocalKernel();
  const a = ms.MidiOpen("a"), b = ms.MidiOpen("b"), c = ms.MidiOpen("c");
  const log: [string, number, number, number][] = [];
  ms.MidiTask(logger(ms, log, "c5"), 5, c);
  ms.MidiTask(logger(ms, log, "a5"), 5, a);
  ms.MidiTask(logger(ms, log, "b3"), 3, b);
  ms.MidiTask(logger(ms, log, "b5"), 5, b);
  ms.MidiTask(logger(ms, log, "a3"), 3, a);
  ms.MidiTask(logger(ms, log, "c1"), 1, c);
  ms.advance(6);
  assert.deepEqual(log.map((x) => x[0]), ["c1", "b3", "a3", "c5", "a5", "b5"]);
  assert.deepEqual(log.map((x) => x[2]), [c, b, a, c, a, b]);
});

Deno.test("MidiClose() of the last application discards every pending task of every client (spec §4.1)", () => {
  const ms = createLocalKernel({ poolCellCount: 40 });
  const other = ms.connectClient({ poolCellCount: 40 });
  const a = ms.MidiOpen("a");
  const d = other.MidiRegisterDriver({ name: "d", version: 1 }, {});
  const ran: string[] = [];
  const task: Box = {
    value: other.MidiTask(() => ran.push("driver task"), 50, d),
  };
  other.MidiDTask(() => ran.push("driver dtask"), 50, d);
  other.MidiDTask(() => ran.push("driver ready"), 1, d);
  ms.MidiTask(() => ran.push("app task"), 50, a);
  ms.advance(2);
  assert.equal(other.MidiCountDTasks(d), 1);
  assert.equal(other.MidiFreeSpace(), 34);
  ms.MidiClose(a);
  assert.equal(ms.MidiCountAppls(), 0);
  assert.equal(ms.server.pendingCount, 0);
  assert.equal(other.MidiCountDTasks(d), 0);
  assert.equal(
    other.MidiFreeSpace(),
    40,
    "the driver client's tasks were freed",
  );
  other.MidiForgetTask(task);
  assert.equal(task.value, null);
  ms.MidiOpen("again");
  ms.advance(100);
  assert.equal(ran.length, 0);
  assert.equal(other.MidiCountDTasks(d), 0);
  // New tasks work after the wake-up.
  other.MidiTask(() => ran.push("fresh"), 3, d);
  ms.advance(3);
  assert.deepEqual(ran, ["fresh"]);
});
