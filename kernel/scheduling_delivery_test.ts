// Delivery dates through the in-process kernel: the tick at which MidiSendAt(),
// MidiSend() and MidiSendIm() deliver, and the dates they keep (spec §5.2, §7.12).

import assert from "node:assert/strict";
import { createLocalKernel } from "./mod.ts";

import { pair, record, tagged, TWO_32 } from "./_scheduling_test_util.ts";

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
