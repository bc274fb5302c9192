// Delivery dates through the in-process kernel: large volumes, and every field
// and property kept (spec §5.2, §7.12).

import assert from "node:assert/strict";
import { createLocalKernel, typeKeyOn } from "./mod.ts";
import { makeEv, Random } from "./_test_util.ts";

import { pair, tagged } from "./_scheduling_test_util.ts";

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
