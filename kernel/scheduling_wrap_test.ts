// Delivery dates through the in-process kernel: sends from inside a tick, and
// dates around 2^31 and 2^32 (spec §5.3, §7.12).

import assert from "node:assert/strict";
import { createLocalKernel } from "./mod.ts";

import {
  pair,
  record,
  tagged,
  TWO_31,
  TWO_32,
} from "./_scheduling_test_util.ts";

Deno.test("MidiSendAt() from inside a tick is considered at the next tick at the earliest", async (t) => {
  await t.step("sends from a task: late ones first at the next tick", () => {
    const { ms, a, b, got } = pair();
    let countAtTask = -1;
    ms.MidiTask(
      (date) => {
        ms.MidiSendAt(a, tagged(ms, 1), date + 1); // due at the next tick
        ms.MidiSendIm(a, tagged(ms, 2)); // dated now: late at the next tick
        ms.MidiSendAt(a, tagged(ms, 3), date - 1); // past
        ms.MidiSendAt(a, tagged(ms, 4), date); // now
        countAtTask = ms.MidiCountEvs(b);
      },
      10,
      a,
    );
    ms.advance(10);
    assert.equal(countAtTask, 0);
    assert.equal(got.length, 0);
    ms.advance(1);
    assert.deepEqual(got.map((x) => [x.time, x.date, x.tag]), [
      [11, 10, 2],
      [11, 9, 3],
      [11, 10, 4],
      [11, 11, 1],
    ]);
  });

  await t.step("a send from a receive alarm arrives at the next tick", () => {
    const ms = createLocalKernel();
    const a = ms.MidiOpen("a"), b = ms.MidiOpen("b"), c = ms.MidiOpen("c");
    ms.MidiConnect(a, b, true);
    ms.MidiConnect(b, c, true);
    const got = record(ms, c);
    ms.MidiSetRcvAlarm(b, (ref) => {
      const e = ms.MidiGetEv(ref)!;
      ms.MidiSendAt(ref, e, e.date); // its own date: already due
    });
    ms.MidiSendAt(a, tagged(ms, 7), 4);
    ms.advance(10);
    assert.deepEqual(got.map((x) => [x.time, x.date]), [[5, 4]]);
  });

  await t.step(
    "a task scheduled from a task for now runs at the next tick",
    () => {
      const ms = createLocalKernel();
      const a = ms.MidiOpen("a");
      const runs: [string, number, number][] = [];
      ms.MidiTask(
        (date) => {
          runs.push(["first", date, ms.MidiGetTime()]);
          ms.MidiTask((d) => runs.push(["now", d, ms.MidiGetTime()]), date, a);
          ms.MidiTask((d) => runs.push(["past", d, ms.MidiGetTime()]), 1, a);
        },
        6,
        a,
      );
      ms.advance(10);
      assert.deepEqual(runs, [["first", 6, 6], ["now", 6, 7], ["past", 1, 7]]);
    },
  );
});

Deno.test("MidiSendAt() schedules wrap-safely around 2^31 and 2^32 (spec §5.3)", async (t) => {
  for (const wake of [TWO_31 - 5, TWO_32 - 5]) {
    const name = wake === TWO_31 - 5 ? "2^31" : "2^32";

    await t.step(
      `events across ${name} come out in order at their ticks`,
      () => {
        const { ms, a, got } = pair({ wakeTime: wake });
        const t0 = ms.MidiGetTime();
        assert.equal(t0, wake);
        const deltas = [8, 1, 5, 3, 6, 5, 10, -3, 4, 5];
        deltas.forEach((k, i) => ms.MidiSendAt(a, tagged(ms, i), t0 + k));
        const times: number[] = [];
        for (let i = 0; i < 12; i++) {
          ms.advance(1);
          times.push(ms.MidiGetTime());
        }
        assert.deepEqual(
          times,
          Array.from({ length: 12 }, (_, i) => (t0 + i + 1) >>> 0),
        );
        const at = (k: number) => (t0 + k) >>> 0;
        assert.deepEqual(got.map((x) => [x.time, x.date, x.tag]), [
          [at(1), at(-3), 7],
          [at(1), at(1), 1],
          [at(3), at(3), 3],
          [at(4), at(4), 8],
          [at(5), at(5), 2],
          [at(5), at(5), 5],
          [at(5), at(5), 9],
          [at(6), at(6), 4],
          [at(8), at(8), 0],
          [at(10), at(10), 6],
        ]);
      },
    );

    await t.step(
      `far-future events across ${name} arrive at their ticks`,
      () => {
        const { ms, a, got } = pair({ wakeTime: wake });
        const t0 = ms.MidiGetTime();
        ms.MidiSendAt(a, tagged(ms, 1), t0 + 6000);
        ms.MidiSendAt(a, tagged(ms, 2), t0 + 4097);
        ms.MidiSendAt(a, tagged(ms, 3), t0 + 6000);
        ms.advance(6005);
        assert.deepEqual(got.map((x) => [x.time, x.tag]), [
          [(t0 + 4097) >>> 0, 2],
          [(t0 + 6000) >>> 0, 1],
          [(t0 + 6000) >>> 0, 3],
        ]);
      },
    );

    await t.step(`an event 2^31 or more ahead is late across ${name}`, () => {
      const { ms, a, got } = pair({ wakeTime: wake });
      const t0 = ms.MidiGetTime();
      ms.MidiSendAt(a, tagged(ms, 1), t0 + TWO_31 + 7);
      ms.MidiSendAt(a, tagged(ms, 2), t0 + TWO_31);
      ms.MidiSendAt(a, tagged(ms, 3), t0 + TWO_31 - 1); // far future
      ms.advance(1);
      assert.deepEqual(got.map((x) => [x.time, x.date, x.tag]), [
        [(t0 + 1) >>> 0, (t0 + TWO_31 + 7) >>> 0, 1],
        [(t0 + 1) >>> 0, (t0 + TWO_31) >>> 0, 2],
      ]);
      ms.advance(100);
      assert.equal(got.length, 2);
      assert.equal(ms.server.pendingCount, 1);
    });

    await t.step(`tasks across ${name} run at their dates`, () => {
      const ms = createLocalKernel({ wakeTime: wake });
      const a = ms.MidiOpen("a");
      const t0 = ms.MidiGetTime();
      const runs: [number, number][] = [];
      for (const k of [9, 2, 7]) {
        ms.MidiTask((d) => runs.push([d, ms.MidiGetTime()]), t0 + k, a);
      }
      ms.advance(10);
      assert.deepEqual(
        runs,
        [2, 7, 9].map((k) => [(t0 + k) >>> 0, (t0 + k) >>> 0]),
      );
    });
  }

  await t.step(
    "at time 0, a date above 2^31 is in the past, not the future",
    () => {
      const { ms, a, got } = pair();
      ms.MidiSendAt(a, tagged(ms, 1), TWO_31 + 1);
      ms.MidiSendAt(a, tagged(ms, 2), TWO_32 - 1);
      ms.advance(1);
      assert.deepEqual(got.map((x) => [x.time, x.date]), [
        [1, TWO_31 + 1],
        [1, TWO_32 - 1],
      ]);
    },
  );
});
