// Routing through the in-process kernel: dispatch of dead, private and
// addressed events and of unknown refnums (spec §6.1).

import assert from "node:assert/strict";
import {
  createLocalKernel,
  typeDead,
  typeKeyOn,
  typePrivate,
  typeProcess,
} from "./mod.ts";
import { drain, makeEv } from "./_test_util.ts";

import { counts, driver, open } from "./_routing_test_util.ts";

// ---- §6.1 dispatch

Deno.test("MidiSendIm() drops typeDead events whatever the route (spec §6.1)", () => {
  const { ms, refs: [a, b] } = open(2);
  ms.MidiConnect(a!, b!, true);
  ms.MidiConnect(a!, a!, true);
  for (const ref of [a!, a! | 0x80, b! | 0x80]) {
    ms.MidiSendIm(ref, ms.MidiNewEv(typeDead));
  }
  // A private event retyped to typeDead within its class is dead too.
  const p = makeEv(ms, typePrivate, [1, 2, 3, 4]);
  p.evType = typeDead;
  ms.MidiSendIm(a!, p);
  ms.advance(3);
  assert.deepEqual(counts(ms, [a!, b!]), [0, 0]);
  assert.equal(ms.server.pendingCount, 0);
});

Deno.test("MidiSendIm() with a refnum that is not open drops the event (spec §6.1)", async (t) => {
  await t.step("never opened: MIDI, private and flagged events vanish", () => {
    const { ms, refs } = open(3);
    for (const r of refs) ms.MidiConnect(r, r, true);
    ms.MidiSendIm(60, makeEv(ms, typeKeyOn));
    ms.MidiSendIm(60, makeEv(ms, typePrivate));
    ms.MidiSendIm(60 | 0x80, makeEv(ms, typeKeyOn));
    ms.advance(2);
    assert.deepEqual(counts(ms, refs), [0, 0, 0]);
  });

  await t.step("closed before the date, even if the refnum is reused", () => {
    const { ms, refs: [a, b] } = open(2);
    ms.MidiConnect(a!, b!, true);
    ms.MidiSendAt(a!, makeEv(ms, typeKeyOn), 5);
    ms.MidiSendAt(a!, makeEv(ms, typePrivate), 5);
    ms.MidiClose(a!);
    const again = ms.MidiOpen("again");
    assert.equal(again, a);
    ms.MidiConnect(again, b!, true);
    ms.MidiConnect(again, again, true);
    ms.advance(10);
    assert.deepEqual(counts(ms, [again, b!]), [0, 0]);
  });

  await t.step(
    "a refnum opened by another client routes through its connections",
    () => {
      const ms = createLocalKernel();
      const other = ms.connectClient();
      const b = ms.MidiOpen("b");
      const c = other.MidiOpen("c");
      ms.MidiConnect(c, b, true);
      ms.MidiSendIm(c, makeEv(ms, typeKeyOn, [60, 1]));
      ms.advance(1);
      assert.deepEqual(drain(ms, b).map((e) => [e.ref, e.fields[0]]), [[
        c,
        60,
      ]]);
      assert.equal(other.MidiCountEvs(c), 0);
    },
  );
});

Deno.test("MidiSendIm() of a private event reaches only its sender, unfiltered (spec §6.1)", async (t) => {
  await t.step(
    "no connection, a filter rejecting everything, every private type",
    () => {
      const { ms, refs: [a, b] } = open(2);
      ms.MidiConnect(a!, b!, true);
      ms.MidiConnect(b!, a!, true);
      ms.MidiSetFilter(a!, ms.MidiNewFilter());
      let alarms = 0;
      ms.MidiSetRcvAlarm(a!, () => alarms++);
      for (let type = typePrivate; type < typeProcess; type++) {
        ms.MidiSendIm(
          a!,
          makeEv(ms, type, [type, -1, 0x7fffffff, -0x80000000], { port: 200 }),
        );
      }
      ms.advance(1);
      assert.equal(ms.MidiCountEvs(b!), 0);
      assert.equal(alarms, 1);
      const got = drain(ms, a!);
      assert.equal(got.length, typeProcess - typePrivate);
      got.forEach((e, i) => {
        assert.equal(e.type, typePrivate + i);
        assert.deepEqual(e.fields, [
          typePrivate + i,
          -1,
          0x7fffffff,
          -0x80000000,
        ]);
        assert.equal(e.port, 200);
        assert.equal(e.ref, a);
      });
    },
  );

  await t.step("with the flag bit, still to the sender only", () => {
    const { ms, refs: [a, b] } = open(2);
    ms.MidiSendIm(a! | 0x80, makeEv(ms, typePrivate, [5]));
    ms.advance(1);
    assert.deepEqual(counts(ms, [a!, b!]), [1, 0]);
  });

  await t.step(
    "sent with another client's refnum, to that refnum's FIFO",
    () => {
      const ms = createLocalKernel();
      const other = ms.connectClient();
      const a = ms.MidiOpen("a");
      const c = other.MidiOpen("c");
      ms.MidiSendIm(c, makeEv(ms, typePrivate, [9]));
      ms.advance(1);
      assert.equal(ms.MidiCountEvs(a), 0);
      assert.deepEqual(drain(other, c).map((e) => e.fields[0]), [9]);
    },
  );
});

Deno.test("MidiSendIm() with the refnum flag 0x80 goes straight to that refnum (spec §6.1)", async (t) => {
  await t.step("no connection, no filter; only that refnum", () => {
    const { ms, refs: [a, b, c] } = open(3);
    ms.MidiConnect(b!, c!, true);
    ms.MidiConnect(a!, c!, true);
    ms.MidiSetFilter(b!, ms.MidiNewFilter()); // rejects everything
    ms.MidiSendIm(b! | 0x80, makeEv(ms, typeKeyOn, [61]));
    ms.advance(1);
    assert.deepEqual(counts(ms, [a!, b!, c!]), [0, 1, 0]);
    const [got] = drain(ms, b!);
    assert.equal(got?.fields[0], 61);
    assert.equal(got?.ref, b! | 0x80); // stamped refNum & 0xFF, kept on delivery
  });

  await t.step(
    "refnum 0 with the flag: to the drivers without an A → 0 connection",
    () => {
      const ms = createLocalKernel();
      const a = ms.MidiOpen("a");
      const d = driver(ms, "out");
      const slot = ms.MidiAddSlot(d, "port 3", 2);
      ms.MidiConnectSlot(3, slot, true);
      ms.MidiSendIm(a, makeEv(ms, typeKeyOn, [62], { port: 3 }));
      ms.advance(1);
      assert.equal(ms.MidiCountEvs(d), 0, "no a → 0 connection");
      ms.MidiSendIm(0x80, makeEv(ms, typeKeyOn, [63], { port: 3 }));
      ms.advance(1);
      assert.deepEqual(
        drain(ms, d).map((e) => [e.fields[0], e.port]),
        [[63, slot.slotRef]],
      );
    },
  );
});
