// Routing through the in-process kernel: a copy per destination, and copies
// lost to exhausted pools (spec §6.2).

import assert from "node:assert/strict";
import { createLocalKernel, typeKeyOn, typeSysEx } from "./mod.ts";
import { drain, makeEv } from "./_test_util.ts";

// ---- §6.2 copies and lost copies

Deno.test("MidiSendIm() gives every destination its own copy (spec §6.2)", () => {
  const ms = createLocalKernel();
  const other = ms.connectClient();
  const a = ms.MidiOpen("a"), b = ms.MidiOpen("b"), c = ms.MidiOpen("c");
  const d = other.MidiOpen("d");
  for (const dst of [b, c, d]) ms.MidiConnect(a, dst, true);
  const sx = ms.MidiNewEv(typeSysEx)!;
  for (let i = 0; i < 30; i++) ms.MidiAddField(sx, i);
  ms.MidiSendAt(a, sx, 2);
  ms.MidiSendAt(a, makeEv(ms, typeKeyOn, [60, 90], { port: 5, chan: 1 }), 2);
  ms.advance(2);
  const bs = ms.MidiGetEv(b)!, bk = ms.MidiGetEv(b)!;
  ms.MidiSetField(bs, 0, 99);
  ms.MidiAddField(bs, 1);
  ms.MidiSetField(bk, 0, 1);
  bk.port = 77;
  bk.date = 1234;
  ms.MidiFreeEv(bs);
  for (const [api, ref] of [[ms, c], [other, d]] as const) {
    const s = api.MidiGetEv(ref)!, k = api.MidiGetEv(ref)!;
    assert.equal(api.MidiCountFields(s), 30);
    for (let i = 0; i < 30; i++) assert.equal(api.MidiGetField(s, i), i);
    assert.deepEqual(
      [
        api.MidiGetField(k, 0),
        api.MidiGetField(k, 1),
        k.port,
        k.chan,
        k.date,
        k.refNum,
      ],
      [60, 90, 5, 1, 2, a],
    );
  }
  assert.equal(ms.MidiGetField(bk, 0), 1);
});

Deno.test("MidiSendIm() loses the copy for an exhausted destination pool only (spec §6.2)", async (t) => {
  await t.step(
    "the full destination gets what fits, the others everything",
    () => {
      const ms = createLocalKernel();
      const small = ms.connectClient({ poolCellCount: 3 });
      const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
      const d = small.MidiOpen("d");
      ms.MidiConnect(a, b, true);
      ms.MidiConnect(a, d, true);
      let alarms = 0;
      small.MidiSetRcvAlarm(d, () => alarms++);
      for (let i = 0; i < 5; i++) {
        ms.MidiSendAt(
          a,
          makeEv(ms, typeKeyOn, [i]),
          2,
        );
      }
      ms.advance(2);
      assert.deepEqual(drain(ms, b).map((e) => e.fields[0]), [0, 1, 2, 3, 4]);
      assert.equal(small.MidiCountEvs(d), 3);
      assert.equal(small.MidiFreeSpace(), 0);
      assert.equal(alarms, 1);
      // A tick in which nothing fits: no receive alarm.
      ms.MidiSendIm(a, makeEv(ms, typeKeyOn, [5]));
      ms.advance(1);
      assert.equal(alarms, 1);
      assert.equal(ms.MidiCountEvs(b), 1);
      assert.deepEqual(drain(small, d).map((e) => e.fields[0]), [0, 1, 2]);
      ms.MidiSendIm(a, makeEv(ms, typeKeyOn, [6]));
      ms.advance(1);
      assert.deepEqual(drain(small, d).map((e) => e.fields[0]), [6]);
      assert.equal(alarms, 2);
    },
  );

  await t.step(
    "a copy too big for what is left is lost, a smaller one after it fits",
    () => {
      const ms = createLocalKernel();
      const small = ms.connectClient({ poolCellCount: 1 });
      const a = ms.MidiOpen("a");
      const d = small.MidiOpen("d");
      ms.MidiConnect(a, d, true);
      ms.MidiSendIm(a, ms.MidiNewEv(typeSysEx)); // 2 cells: lost
      ms.MidiSendIm(a, makeEv(ms, typeKeyOn, [7])); // 1 cell: fits
      ms.advance(1);
      assert.deepEqual(drain(small, d).map((e) => [e.type, e.fields[0]]), [[
        typeKeyOn,
        7,
      ]]);
    },
  );
});

Deno.test("MidiSendIm() loses the send when the server pool is exhausted, without throwing", () => {
  const ms = createLocalKernel({ serverPoolCellCount: 4 });
  const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
  ms.MidiConnect(a, b, true);
  const free = ms.MidiFreeSpace();
  for (let i = 0; i < 6; i++) ms.MidiSendIm(a, makeEv(ms, typeKeyOn, [i]));
  const big = ms.MidiNewEv(typeSysEx)!;
  for (let i = 0; i < 100; i++) ms.MidiAddField(big, i);
  ms.MidiSendIm(a, big);
  assert.equal(ms.server.lostCount, 3);
  assert.equal(ms.MidiFreeSpace(), free, "the sender's cells came back");
  assert.throws(() => big.date, { code: "DEAD" });
  ms.advance(1);
  assert.deepEqual(drain(ms, b).map((e) => e.fields[0]), [0, 1, 2, 3]);
  // The server pool is free again after the tick.
  ms.MidiSendIm(a, makeEv(ms, typeKeyOn, [9]));
  ms.advance(1);
  assert.deepEqual(drain(ms, b).map((e) => e.fields[0]), [9]);
  assert.equal(ms.server.lostCount, 3);
});
