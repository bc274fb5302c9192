// Routing through the in-process kernel: connections and their notifications
// (spec §4, §6.4, §7.6).

import assert from "node:assert/strict";
import {
  createLocalKernel,
  MIDIChgConnect,
  MIDICloseAppl,
  MidiShareDriverRef,
  typeClock,
  typeKeyOn,
} from "./mod.ts";
import { drain, makeEv } from "./_test_util.ts";

import { acceptAll, counts, listen, open } from "./_routing_test_util.ts";

// ---- §7.6 connections

Deno.test("MidiConnect() makes directed, single, one-hop connections (spec §7.6)", async (t) => {
  await t.step("directed: the destination's events do not flow back", () => {
    const { ms, refs: [a, b] } = open(2);
    ms.MidiConnect(a!, b!, true);
    assert.equal(ms.MidiIsConnected(a!, b!), true);
    assert.equal(ms.MidiIsConnected(b!, a!), false);
    ms.MidiSendIm(b!, makeEv(ms, typeKeyOn));
    ms.advance(1);
    assert.deepEqual(counts(ms, [a!, b!]), [0, 0]);
    ms.MidiSendIm(a!, makeEv(ms, typeKeyOn));
    ms.advance(1);
    assert.deepEqual(counts(ms, [a!, b!]), [0, 1]);
  });

  await t.step("at most one connection per ordered pair", () => {
    const { ms, refs: [a, b] } = open(2);
    for (let i = 0; i < 3; i++) ms.MidiConnect(a!, b!, true);
    ms.MidiSendIm(a!, makeEv(ms, typeKeyOn));
    ms.advance(1);
    assert.equal(ms.MidiCountEvs(b!), 1);
    ms.MidiConnect(a!, b!, false);
    assert.equal(ms.MidiIsConnected(a!, b!), false);
    ms.MidiSendIm(a!, makeEv(ms, typeKeyOn));
    ms.advance(1);
    assert.equal(ms.MidiCountEvs(b!), 1);
  });

  await t.step(
    "a self-connection delivers the application's own events, filtered",
    () => {
      const { ms, refs: [a] } = open(1);
      ms.MidiConnect(a!, a!, true);
      assert.equal(ms.MidiIsConnected(a!, a!), true);
      const f = acceptAll(ms);
      ms.MidiAcceptType(f, typeKeyOn, false);
      ms.MidiSetFilter(a!, f);
      ms.MidiSendIm(a!, makeEv(ms, typeKeyOn));
      ms.MidiSendIm(a!, makeEv(ms, typeClock));
      ms.advance(1);
      assert.deepEqual(drain(ms, a!).map((e) => [e.type, e.ref]), [[
        typeClock,
        a,
      ]]);
    },
  );

  await t.step("a loop is one hop only", () => {
    const { ms, refs: [a, b] } = open(2);
    ms.MidiConnect(a!, b!, true);
    ms.MidiConnect(b!, a!, true);
    ms.MidiSendIm(a!, makeEv(ms, typeKeyOn));
    ms.advance(5);
    assert.deepEqual(counts(ms, [a!, b!]), [0, 1]);
    ms.MidiSendIm(b!, makeEv(ms, typeKeyOn));
    ms.advance(5);
    assert.deepEqual(counts(ms, [a!, b!]), [1, 1]);
  });

  await t.step(
    "destinations are visited most recent first (not a guarantee of the spec)",
    () => {
      // Spec §6.2 documents this order but says programs must not rely on it; the
      // receive alarm order (first delivery) shows the visiting order.
      const { ms, refs: [a, b, c, d] } = open(4);
      const order: number[] = [];
      for (const r of [b!, c!, d!]) {
        ms.MidiSetRcvAlarm(r, (ref) => {
          order.push(ref);
          ms.MidiFlushEvs(ref);
        });
        ms.MidiConnect(a!, r, true);
      }
      ms.MidiSendIm(a!, makeEv(ms, typeKeyOn));
      ms.advance(1);
      assert.deepEqual(order, [d, c, b]);
      ms.MidiConnect(a!, c!, false);
      ms.MidiConnect(a!, c!, true);
      order.length = 0;
      ms.MidiSendIm(a!, makeEv(ms, typeKeyOn));
      ms.advance(1);
      assert.deepEqual(order, [c, d, b]);
    },
  );

  await t.step(
    "closing an application removes its connections silently",
    () => {
      const { ms, refs: [a, b, c] } = open(3);
      const log: [number, number, number][] = [];
      listen(ms, c!, log);
      ms.MidiConnect(a!, b!, true);
      ms.MidiConnect(b!, a!, true);
      log.length = 0;
      ms.MidiClose(b!);
      assert.deepEqual(log, [[c, b, MIDICloseAppl]]);
      const again = ms.MidiOpen("again");
      assert.equal(again, b);
      assert.equal(ms.MidiIsConnected(a!, again), false);
      assert.equal(ms.MidiIsConnected(again, a!), false);
    },
  );
});

Deno.test("MidiConnect() refuses the application/driver folder line silently (spec §4, §7.6)", () => {
  const { ms, refs: [a] } = open(1);
  const d = ms.MidiRegisterDriver({ name: "d", version: 1 }, {});
  const e = ms.MidiRegisterDriver({ name: "e", version: 1 }, {});
  const log: [number, number, number][] = [];
  listen(ms, a!, log);
  listen(ms, d, log);
  const refused: [number, number][] = [
    [a!, d],
    [d, a!],
    [a!, MidiShareDriverRef],
    [MidiShareDriverRef, a!],
    [0, d],
    [d, 0],
    [0, MidiShareDriverRef],
    [MidiShareDriverRef, 0],
  ];
  for (const [src, dst] of refused) {
    ms.MidiConnect(src, dst, true);
    assert.equal(ms.MidiIsConnected(src, dst), false, `${src} → ${dst}`);
  }
  assert.deepEqual(log, []);
  // Within a folder it works, with an alarm to both listeners.
  ms.MidiConnect(d, e, true);
  ms.MidiConnect(a!, 0, true);
  assert.equal(ms.MidiIsConnected(d, e), true);
  assert.equal(ms.MidiIsConnected(a!, 0), true);
  assert.deepEqual(log, [
    [a, d, MIDIChgConnect],
    [d, d, MIDIChgConnect],
    [a, a, MIDIChgConnect],
    [d, a, MIDIChgConnect],
  ]);
});

Deno.test("MidiConnect() while dormant has no effect (spec §7.6)", () => {
  const ms = createLocalKernel();
  const d1 = ms.MidiRegisterDriver({ name: "d1", version: 1 }, {});
  const d2 = ms.MidiRegisterDriver({ name: "d2", version: 1 }, {});
  ms.MidiConnect(d1, d2, true);
  assert.equal(ms.MidiIsConnected(d1, d2), false);
  const a = ms.MidiOpen("wake");
  assert.equal(ms.MidiIsConnected(d1, d2), false);
  ms.MidiConnect(d1, d2, true);
  assert.equal(ms.MidiIsConnected(d1, d2), true);
  // Sleep removes driver connections; connecting while dormant again does nothing.
  ms.MidiClose(a);
  assert.equal(ms.MidiIsConnected(d1, d2), false);
  ms.MidiConnect(d2, d1, true);
  ms.MidiOpen("wake again");
  assert.equal(ms.MidiIsConnected(d2, d1), false);
});

Deno.test("MidiIsConnected() is false for bad refnums (spec §7.6)", () => {
  const { ms, refs: [a, b] } = open(2);
  ms.MidiConnect(a!, b!, true);
  for (
    const [src, dst] of [[a!, 60], [60, a!], [-1, a!], [a!, -2], [a!, 128], [
      1000,
      b!,
    ], [a!, 70000]]
  ) {
    assert.equal(ms.MidiIsConnected(src!, dst!), false, `${src} → ${dst}`);
    ms.MidiConnect(src!, dst!, true);
    assert.equal(ms.MidiIsConnected(src!, dst!), false, `${src} → ${dst}`);
  }
  ms.MidiClose(b!);
  assert.equal(ms.MidiIsConnected(a!, b!), false);
});

Deno.test("MidiConnect() raises MIDIChgConnect only on change, with R = source (spec §6.4)", () => {
  const { ms, refs: [a, b, c] } = open(3);
  const log: [number, number, number][] = [];
  listen(ms, c!, log);
  ms.MidiConnect(b!, a!, true);
  ms.MidiConnect(b!, a!, true);
  ms.MidiConnect(b!, a!, 1 as unknown as boolean); // a number is true when non-zero
  ms.MidiConnect(a!, b!, false); // does not exist
  ms.MidiConnect(b!, 77, true); // bad refnum
  ms.MidiConnect(b!, a!, false);
  ms.MidiConnect(b!, a!, 0 as unknown as boolean);
  assert.deepEqual(log, [
    [c, b, MIDIChgConnect],
    [c, b, MIDIChgConnect],
  ]);
});
