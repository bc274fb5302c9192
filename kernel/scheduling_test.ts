// Delivery dates through the in-process kernel (spec §5.2, §5.3, §7.12).

import assert from "node:assert/strict";
import {
  createLocalKernel,
  type LocalMidiShare,
  type MidiEv,
  typeKeyOn,
  typeTempo,
} from "./mod.ts";
import { makeEv, Random } from "./_test_util.ts";

const TWO_31 = 2 ** 31;
const TWO_32 = 2 ** 32;

/** One received event: the time it was taken out, its date and its tag. */
interface Arrival {
  time: number;
  date: number;
  tag: number;
  ref: number;
}

/**
 * Installs a receive alarm on `ref` that takes every waiting event out as soon as
 * it arrives and records when; returns the record.
 */
function record(ms: LocalMidiShare, ref: number): Arrival[] {
  const out: Arrival[] = [];
  ms.MidiSetRcvAlarm(ref, (r) => {
    for (let e = ms.MidiGetEv(r); e !== null; e = ms.MidiGetEv(r)) {
      out.push({
        time: ms.MidiGetTime(),
        date: e.date,
        tag: ms.MidiGetField(e, 0),
        ref: e.refNum,
      });
      ms.MidiFreeEv(e);
    }
  });
  return out;
}

/** An event carrying a 32-bit tag in field 0 (typeTempo). */
function tagged(ms: LocalMidiShare, tag: number, date = 0): MidiEv {
  return makeEv(ms, typeTempo, [tag], { date });
}

/** Two applications a → b, b recording what it receives. */
function pair(options: { wakeTime?: number; poolCellCount?: number } = {}) {
  const ms = createLocalKernel(options);
  const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
  ms.MidiConnect(a, b, true);
  const got = record(ms, b);
  return { ms, a, b, got };
}

Deno.test("MidiSendAt() delivers an event dated d > now at the tick that makes d", async (t) => {
  await t.step("each event at its own tick, nothing before", () => {
    const { ms, a, b, got } = pair();
    for (const d of [5, 3, 10, 1]) ms.MidiSendAt(a, tagged(ms, d), d);
    for (let time = 1; time <= 12; time++) {
      ms.advance(1);
      assert.equal(ms.MidiGetTime(), time);
    }
    assert.deepEqual(got.map((x) => [x.time, x.date, x.tag]), [
      [1, 1, 1],
      [3, 3, 3],
      [5, 5, 5],
      [10, 10, 10],
    ]);
    assert.equal(ms.MidiCountEvs(b), 0);
  });

  await t.step(
    "an event far beyond the timing wheel arrives exactly at its date",
    () => {
      const { ms, a, got } = pair();
      ms.advance(3);
      ms.MidiSendAt(a, tagged(ms, 1), 9003);
      ms.MidiSendAt(a, tagged(ms, 2), 4100);
      ms.MidiSendAt(a, tagged(ms, 3), 9003);
      ms.advance(10_000);
      assert.deepEqual(got.map((x) => [x.time, x.tag]), [
        [4100, 2],
        [9003, 1],
        [9003, 3],
      ]);
    },
  );
});

Deno.test("MidiSend() delivers an event dated now or in the past at the next tick with its date", () => {
  const { ms, a, got } = pair();
  ms.advance(20);
  ms.MidiSend(a, tagged(ms, 1, 20));
  ms.MidiSend(a, tagged(ms, 2, 5));
  ms.MidiSend(a, tagged(ms, 3, 0));
  ms.MidiSend(a, tagged(ms, 4, 21)); // due at the next tick: after the late ones
  ms.MidiSend(a, tagged(ms, 5, 19));
  ms.advance(1);
  assert.deepEqual(got.map((x) => [x.time, x.date, x.tag]), [
    [21, 20, 1],
    [21, 5, 2],
    [21, 0, 3],
    [21, 19, 5],
    [21, 21, 4],
  ]);
});

Deno.test("MidiSendIm() delivers at the next tick, never at once", async (t) => {
  await t.step("the event is in no FIFO before the next tick", () => {
    const ms = createLocalKernel();
    const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
    ms.MidiConnect(a, b, true);
    ms.advance(7);
    ms.MidiSendIm(a, tagged(ms, 1, 999));
    assert.equal(ms.MidiCountEvs(b), 0);
    ms.advance(1);
    assert.equal(ms.MidiCountEvs(b), 1);
    const e = ms.MidiGetEv(b)!;
    assert.equal(e.date, 7);
  });

  await t.step("an echo chain advances one tick per hop", () => {
    const ms = createLocalKernel();
    const refs = [0, 1, 2, 3].map((i) => ms.MidiOpen(`hop${i}`));
    for (let i = 0; i < 3; i++) ms.MidiConnect(refs[i]!, refs[i + 1]!, true);
    const seen: [number, number][] = [];
    for (const r of refs.slice(1)) {
      ms.MidiSetRcvAlarm(r, (ref) => {
        const e = ms.MidiGetEv(ref)!;
        seen.push([ref, ms.MidiGetTime()]);
        ms.MidiSendIm(ref, e); // forward it: one more hop
      });
    }
    ms.advance(4);
    ms.MidiSendIm(refs[0]!, tagged(ms, 1));
    ms.advance(10);
    assert.deepEqual(seen, [[refs[1], 5], [refs[2], 6], [refs[3], 7]]);
  });

  await t.step("a ping-pong of 200 hops takes 200 ticks", () => {
    const ms = createLocalKernel();
    const p = ms.MidiOpen("ping"), q = ms.MidiOpen("pong");
    ms.MidiConnect(p, q, true);
    ms.MidiConnect(q, p, true);
    const times: number[] = [];
    for (const r of [p, q]) {
      ms.MidiSetRcvAlarm(r, (ref) => {
        const e = ms.MidiGetEv(ref)!;
        times.push(ms.MidiGetTime());
        if (times.length < 200) ms.MidiSendIm(ref, e);
        else ms.MidiFreeEv(e);
      });
    }
    ms.MidiSendIm(p, tagged(ms, 0));
    ms.advance(300);
    assert.deepEqual(times, Array.from({ length: 200 }, (_, i) => i + 1));
  });
});

Deno.test("MidiSend() keeps e.date while MidiSendAt() overwrites it", async (t) => {
  await t.step("MidiSend uses the event's date", () => {
    const { ms, a, got } = pair();
    ms.MidiSend(a, tagged(ms, 1, 15));
    ms.advance(20);
    assert.deepEqual(got.map((x) => [x.time, x.date]), [[15, 15]]);
  });

  await t.step("MidiSendAt replaces the event's date with d", () => {
    const { ms, a, got } = pair();
    ms.MidiSendAt(a, tagged(ms, 1, 15), 8);
    ms.advance(20);
    assert.deepEqual(got.map((x) => [x.time, x.date]), [[8, 8]]);
  });

  await t.step(
    "SendAt(now), SendIm and date = now + Send are equivalent",
    () => {
      const { ms, a, got } = pair();
      ms.advance(30);
      ms.MidiSendAt(a, tagged(ms, 1, 3), ms.MidiGetTime());
      ms.MidiSendIm(a, tagged(ms, 2, 3));
      const e = tagged(ms, 3);
      e.date = ms.MidiGetTime();
      ms.MidiSend(a, e);
      ms.advance(1);
      assert.deepEqual(got.map((x) => [x.time, x.date, x.tag]), [
        [31, 30, 1],
        [31, 30, 2],
        [31, 30, 3],
      ]);
    },
  );

  await t.step("MidiSendAt wraps d to 32 unsigned bits", () => {
    const { ms, a, got } = pair();
    ms.MidiSendAt(a, tagged(ms, 1), TWO_32 + 4);
    ms.MidiSendAt(a, tagged(ms, 2), 6.9);
    ms.advance(10);
    assert.deepEqual(got.map((x) => [x.time, x.date]), [[4, 4], [6, 6]]);
  });
});

Deno.test("MidiSendAt() copies reach all destinations in the same tick", () => {
  const ms = createLocalKernel();
  const other = ms.connectClient();
  const a = ms.MidiOpen("a"), b = ms.MidiOpen("b"), c = ms.MidiOpen("c");
  const d = other.MidiOpen("d");
  for (const dst of [b, c, a, d]) ms.MidiConnect(a, dst, true);
  const logs = [record(ms, a), record(ms, b), record(ms, c), record(other, d)];
  ms.MidiSendAt(a, tagged(ms, 42), 5);
  ms.MidiSendIm(a, tagged(ms, 43));
  ms.advance(8);
  for (const log of logs) {
    assert.deepEqual(log.map((x) => [x.time, x.tag, x.ref]), [
      [1, 43, a],
      [5, 42, a],
    ]);
  }
});

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

Deno.test("MidiSendAt() delivers large volumes complete and in order", async (t) => {
  const seed = 0x5eed;
  await t.step(`100 000 events at random dates (seed ${seed})`, () => {
    const { ms, a, got } = pair();
    const rnd = new Random(seed);
    const sent: { tag: number; date: number }[] = [];
    for (let tag = 0; tag < 100_000; tag++) {
      const date = 1 + rnd.int(12_000);
      sent.push({ tag, date });
      ms.MidiSendAt(a, tagged(ms, tag), date);
    }
    ms.advance(12_001);
    const expected = [...sent].sort((x, y) => x.date - y.date || x.tag - y.tag);
    assert.equal(got.length, expected.length, `seed ${seed}`);
    assert.ok(
      got.every((x) => x.time === x.date),
      `seed ${seed}: an event arrived off its date`,
    );
    assert.deepEqual(
      got.map((x) => x.tag),
      expected.map((x) => x.tag),
      `seed ${seed}`,
    );
    assert.equal(ms.server.lostCount, 0);
    assert.equal(ms.server.pendingCount, 0);
  });

  await t.step(
    "100 000 events of one date arrive in one tick in send order",
    () => {
      const ms = createLocalKernel({ poolCellCount: 110_000 });
      const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
      ms.MidiConnect(a, b, true);
      let alarms = 0;
      ms.MidiSetRcvAlarm(b, () => alarms++);
      for (let tag = 0; tag < 100_000; tag++) {
        ms.MidiSendAt(a, tagged(ms, tag), 3);
      }
      ms.advance(5);
      assert.equal(alarms, 1);
      assert.equal(ms.MidiCountEvs(b), 100_000);
      let expected = 0;
      for (let e = ms.MidiGetEv(b); e !== null; e = ms.MidiGetEv(b)) {
        assert.equal(ms.MidiGetField(e, 0), expected++);
        assert.equal(e.date, 3);
        ms.MidiFreeEv(e);
      }
      assert.equal(expected, 100_000);
      assert.equal(ms.MidiFreeSpace(), 110_000);
    },
  );
});

Deno.test("MidiSendIm() of a KeyOn keeps every field and property", () => {
  const ms = createLocalKernel();
  const a = ms.MidiOpen("a"), b2 = ms.MidiOpen("b2");
  ms.MidiConnect(a, b2, true);
  const e = makeEv(ms, typeKeyOn, [60, 100], { port: 9, chan: 4 });
  ms.MidiSendIm(a, e);
  ms.advance(1);
  const r = ms.MidiGetEv(b2)!;
  assert.deepEqual(
    [r.evType, r.refNum, r.port, r.chan, r.date],
    [typeKeyOn, a, 9, 4, 0],
  );
  assert.deepEqual([ms.MidiGetField(r, 0), ms.MidiGetField(r, 1)], [60, 100]);
});
