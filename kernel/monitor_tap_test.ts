// The monitor tap: a copy of what an application, a driver or refnum 0 receives goes
// to the tapping application, without any connection changing.

import assert from "node:assert/strict";
import { MidiShareDriverRef, typeKeyOn, typeNote } from "./mod.ts";
import { drain, makeEv, newKernel } from "./_test_util.ts";

Deno.test("MonitorTap() copies what the target receives, connections unchanged", async (t) => {
  const ms = newKernel();
  const [src, dst, tap] = ["src", "dst", "tap"].map((n) => ms.MidiOpen(n)) as [
    number,
    number,
    number,
  ];
  ms.MidiConnect(src, dst, true);
  ms.monitorTap(tap, dst, true);

  await t.step("the copy carries the sender, port and fields", () => {
    ms.MidiSendIm(
      src,
      makeEv(ms, typeNote, [60, 100, 250], { port: 3, chan: 2 }),
    );
    ms.advance(2);
    const got = drain(ms, dst), copy = drain(ms, tap);
    assert.equal(got.length, 1);
    assert.deepEqual(copy, got);
    assert.equal(copy[0]!.ref, src);
    assert.equal(copy[0]!.port, 3);
  });

  await t.step("connections and status do not show the tap as one", () => {
    assert.equal(ms.MidiIsConnected(dst, tap), false);
    assert.equal(ms.MidiIsConnected(src, tap), false);
    const status = JSON.parse(ms.server.ServerStatus());
    const entry = status.refnums.find((r: { refNum: number }) =>
      r.refNum === tap
    );
    assert.deepEqual(entry.connectedTo, []);
    assert.deepEqual(entry.taps, [dst]);
    assert.equal(status.eventCount, 1);
  });

  await t.step("the tapping application's filter applies", () => {
    const f = ms.MidiNewFilter();
    for (let i = 0; i < 256; i++) ms.MidiAcceptPort(f, i, true);
    for (let c = 0; c < 16; c++) ms.MidiAcceptChan(f, c, true);
    ms.MidiAcceptType(f, typeKeyOn, true);
    ms.MidiSetFilter(tap, f);
    ms.MidiSendIm(src, makeEv(ms, typeNote, [61, 100, 10]));
    ms.MidiSendIm(src, makeEv(ms, typeKeyOn, [62, 100]));
    ms.advance(2);
    assert.equal(drain(ms, dst).length, 2);
    assert.deepEqual(drain(ms, tap).map((e) => e.type), [typeKeyOn]);
    ms.MidiSetFilter(tap, null);
  });

  await t.step(
    "a copy is not tapped again, and a stopped tap copies nothing",
    () => {
      const tap2 = ms.MidiOpen("tap2");
      ms.monitorTap(tap2, tap, true);
      ms.MidiSendIm(src, makeEv(ms, typeKeyOn, [63, 1]));
      ms.advance(2);
      assert.equal(drain(ms, dst).length, 1);
      assert.equal(drain(ms, tap).length, 1);
      assert.equal(drain(ms, tap2).length, 0);
      ms.monitorTap(tap, dst, false);
      ms.MidiSendIm(src, makeEv(ms, typeKeyOn, [64, 1]));
      ms.advance(2);
      assert.equal(drain(ms, dst).length, 1);
      assert.equal(drain(ms, tap).length, 0);
      ms.MidiClose(tap2);
    },
  );

  await t.step("only the owner's applications tap, never themselves", () => {
    const other = ms.connectClient();
    const spy = other.MidiOpen("spy");
    ms.monitorTap(spy, dst, true); // spy belongs to another client
    ms.monitorTap(dst, dst, true);
    ms.MidiSendIm(src, makeEv(ms, typeKeyOn, [65, 1]));
    ms.advance(2);
    assert.equal(drain(ms, dst).length, 1);
    assert.equal(other.MidiCountEvs(spy), 0);
    other.MidiClose(spy);
  });

  await t.step("the tap ends when the target closes", () => {
    ms.monitorTap(tap, dst, true);
    ms.MidiClose(dst);
    const dst2 = ms.MidiOpen("dst2"); // may reuse the refnum
    ms.MidiConnect(src, dst2, true);
    ms.MidiSendIm(src, makeEv(ms, typeKeyOn, [66, 1]));
    ms.advance(2);
    assert.equal(drain(ms, dst2).length, 1);
    assert.equal(drain(ms, tap).length, 0);
  });

  await t.step("tapping 0 shows what goes to the hardware ports", () => {
    ms.MidiConnect(src, 0, true);
    ms.monitorTap(tap, 0, true);
    ms.MidiSendIm(src, makeEv(ms, typeKeyOn, [67, 1], { port: 5 }));
    ms.advance(2);
    const copy = drain(ms, tap);
    assert.equal(copy.length, 1);
    assert.equal(copy[0]!.port, 5);
    assert.equal(ms.MidiIsConnected(0, tap), false);
    assert.equal(ms.MidiIsConnected(MidiShareDriverRef, tap), false);
  });
});
