// Routing, connections, filters and notifications through the in-process kernel
// (spec §6, §7.3, §7.6, §7.16).

import assert from "node:assert/strict";
import {
  createLocalKernel,
  type LocalMidiShare,
  MIDIChgConnect,
  MIDIChgName,
  MIDICloseAppl,
  type MidiFilter,
  MIDIOpenAppl,
  MidiShareDriverRef,
  typeActiveSens,
  typeApplAlarm,
  typeChanPress,
  typeClock,
  typeCtrl14b,
  typeCtrlChange,
  typeDead,
  typeKeyOff,
  typeKeyOn,
  typeKeyPress,
  typeNote,
  typePitchWheel,
  typePrivate,
  typeProcess,
  typeProgChange,
  typeQuarterFrame,
  typeRcvAlarm,
  typeSongPos,
  typeSongSel,
  typeStream,
  typeSysEx,
  typeTempo,
  typeTextual,
} from "./mod.ts";
import { drain, makeEv } from "./_test_util.ts";

/** A kernel with `n` applications of the first client. */
function open(
  n: number,
  options: Parameters<typeof createLocalKernel>[0] = {},
) {
  const ms = createLocalKernel(options);
  const refs = Array.from({ length: n }, (_, i) => ms.MidiOpen(`app${i}`));
  return { ms, refs };
}

/** A filter accepting every port, type and channel. */
function acceptAll(ms: LocalMidiShare): MidiFilter {
  const f = ms.MidiNewFilter();
  for (let i = 0; i < 256; i++) {
    ms.MidiAcceptPort(f, i, true);
    ms.MidiAcceptType(f, i, true);
  }
  for (let c = 0; c < 16; c++) ms.MidiAcceptChan(f, c, true);
  return f;
}

/** Counts of waiting events of each refnum. */
function counts(ms: LocalMidiShare, refs: number[]): number[] {
  return refs.map((r) => ms.MidiCountEvs(r));
}

/** Application alarm codes received by `ref`, recorded as [ref, R, change]. */
function listen(
  ms: LocalMidiShare,
  ref: number,
  log: [number, number, number][],
): void {
  ms.MidiSetApplAlarm(
    ref,
    (r, code) => log.push([r, code >> 16, code & 0xffff]),
  );
}

/** A driver of `ms` connected both ways to 127 at wake-up. */
function driver(ms: LocalMidiShare, name: string): number {
  return ms.MidiRegisterDriver({ name, version: 100 }, {
    wakeup: (ref) => {
      ms.MidiConnect(ref, MidiShareDriverRef, true);
      ms.MidiConnect(MidiShareDriverRef, ref, true);
    },
  });
}

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

// ---- §6.3 and §7.16 filters

/** Sends one event of each `[type, port, chan]` from `a`, returns what `b` got. */
function pass(
  ms: LocalMidiShare,
  a: number,
  b: number,
  sends: [number, number, number][],
): [number, number, number][] {
  for (const [type, port, chan] of sends) {
    ms.MidiSendIm(a, makeEv(ms, type, [], { port, chan }));
  }
  ms.advance(1);
  return drain(ms, b).map((e) => [e.type, e.port, e.chan]);
}

Deno.test("MidiNewFilter() returns a filter that rejects everything (spec §7.16)", () => {
  const { ms, refs: [a, b] } = open(2);
  const f = ms.MidiNewFilter();
  assert.equal(f.kind, "MidiFilter");
  for (let i = 0; i < 256; i++) {
    assert.equal(ms.MidiIsAcceptedPort(f, i), false);
    assert.equal(ms.MidiIsAcceptedType(f, i), false);
  }
  for (let c = 0; c < 16; c++) assert.equal(ms.MidiIsAcceptedChan(f, c), false);
  ms.MidiConnect(a!, b!, true);
  ms.MidiSetFilter(b!, f);
  const types = [
    typeNote,
    typeKeyOn,
    typeClock,
    typeSysEx,
    typeTempo,
    typeCtrl14b,
  ];
  assert.deepEqual(pass(ms, a!, b!, types.map((t) => [t, 0, 0])), []);
});

Deno.test("MidiSetFilter() filters by port and type bits for every routed event (spec §6.3)", async (t) => {
  const routed = [
    typeNote,
    typeKeyOn,
    typeKeyOff,
    typeKeyPress,
    typeCtrlChange,
    typeProgChange,
    typeChanPress,
    typePitchWheel,
    typeSongPos,
    typeSongSel,
    typeClock,
    typeActiveSens,
    typeSysEx,
    typeStream,
    typeQuarterFrame,
    typeCtrl14b,
    typeTextual,
    typeTempo,
    typeRcvAlarm,
    typeApplAlarm,
  ];

  await t.step("a cleared type bit stops that type only", () => {
    const { ms, refs: [a, b] } = open(2);
    ms.MidiConnect(a!, b!, true);
    const f = acceptAll(ms);
    ms.MidiSetFilter(b!, f);
    for (const type of routed) {
      ms.MidiAcceptType(f, type, false);
      const got = pass(ms, a!, b!, routed.map((t) => [t, 1, 2]));
      assert.deepEqual(
        got.map((e) => e[0]),
        routed.filter((t) => t !== type),
        `type ${type}`,
      );
      ms.MidiAcceptType(f, type, true);
    }
  });

  await t.step("a cleared port bit stops every type on that port", () => {
    const { ms, refs: [a, b] } = open(2);
    ms.MidiConnect(a!, b!, true);
    const f = acceptAll(ms);
    ms.MidiAcceptPort(f, 7, false);
    ms.MidiAcceptPort(f, 255, false);
    ms.MidiSetFilter(b!, f);
    const sends: [number, number, number][] = [];
    for (const type of routed) {
      for (const port of [6, 7, 8, 255, 0]) sends.push([type, port, 0]);
    }
    const got = pass(ms, a!, b!, sends);
    assert.deepEqual(
      got,
      sends.filter(([, port]) => port !== 7 && port !== 255),
    );
  });
});

Deno.test("MidiSetFilter() applies channel bits to types 0..7 only, with chan & 0x0F (spec §6.3)", () => {
  const { ms, refs: [a, b] } = open(2);
  ms.MidiConnect(a!, b!, true);
  const f = acceptAll(ms);
  for (let c = 0; c < 16; c++) ms.MidiAcceptChan(f, c, c === 3);
  ms.MidiSetFilter(b!, f);
  const sends: [number, number, number][] = [];
  for (let type = 0; type <= 7; type++) {
    for (const chan of [3, 0x13, 0xf3, 4, 0x14, 0]) sends.push([type, 0, chan]);
  }
  for (
    const type of [typeSongPos, typeClock, typeSysEx, typeCtrl14b, typeTempo]
  ) {
    for (const chan of [3, 4, 0x14]) sends.push([type, 0, chan]);
  }
  const got = pass(ms, a!, b!, sends);
  assert.deepEqual(
    got,
    sends.filter(([type, , chan]) => type > 7 || (chan & 0x0f) === 3),
  );
});

Deno.test("MidiSetFilter() shares one filter between applications, live (spec §7.3)", async (t) => {
  await t.step(
    "changes apply to every installed application without re-installing",
    () => {
      const { ms, refs: [a, b, c] } = open(3);
      ms.MidiConnect(a!, b!, true);
      ms.MidiConnect(a!, c!, true);
      const f = ms.MidiNewFilter();
      ms.MidiSetFilter(b!, f);
      ms.MidiSetFilter(c!, f);
      assert.equal(ms.MidiGetFilter(b!), f);
      assert.equal(ms.MidiGetFilter(c!), f);
      const send = () => {
        ms.MidiSendIm(a!, makeEv(ms, typeClock, [], { port: 4 }));
        ms.advance(1);
        const n = counts(ms, [b!, c!]);
        ms.MidiFlushEvs(b!);
        ms.MidiFlushEvs(c!);
        return n;
      };
      assert.deepEqual(send(), [0, 0]);
      ms.MidiAcceptType(f, typeClock, true);
      assert.deepEqual(send(), [0, 0]);
      ms.MidiAcceptPort(f, 4, true);
      assert.deepEqual(send(), [1, 1]);
      ms.MidiAcceptPort(f, 4, false);
      assert.deepEqual(send(), [0, 0]);
      ms.MidiAcceptPort(f, 4, true);
      ms.MidiSetFilter(c!, null);
      ms.MidiAcceptType(f, typeClock, false);
      assert.deepEqual(send(), [0, 1]);
    },
  );

  await t.step("MidiSetFilter(ref, null) accepts everything again", () => {
    const { ms, refs: [a, b] } = open(2);
    ms.MidiConnect(a!, b!, true);
    ms.MidiSetFilter(b!, ms.MidiNewFilter());
    assert.deepEqual(pass(ms, a!, b!, [[typeKeyOn, 9, 9]]), []);
    ms.MidiSetFilter(b!, null);
    assert.equal(ms.MidiGetFilter(b!), null);
    assert.deepEqual(pass(ms, a!, b!, [[typeKeyOn, 9, 9]]), [[
      typeKeyOn,
      9,
      9,
    ]]);
  });

  await t.step(
    "a refnum of another client or a bad refnum: null / no effect",
    () => {
      const ms = createLocalKernel();
      const other = ms.connectClient();
      const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
      ms.MidiConnect(a, b, true);
      const f = other.MidiNewFilter();
      other.MidiSetFilter(b, f);
      other.MidiSetFilter(60, f);
      assert.equal(other.MidiGetFilter(b), null);
      assert.equal(ms.MidiGetFilter(b), null);
      assert.equal(other.MidiGetFilter(60), null);
      assert.deepEqual(pass(ms, a, b, [[typeKeyOn, 0, 0]]), [[
        typeKeyOn,
        0,
        0,
      ]]);
      other.MidiFreeFilter(f); // never installed
    },
  );

  await t.step("filters never apply to tasks or DTasks", () => {
    const { ms, refs: [a] } = open(1);
    ms.MidiSetFilter(a!, ms.MidiNewFilter());
    let ran = 0;
    ms.MidiTask(() => ran++, 1, a!);
    ms.MidiDTask(() => ran++, 1, a!);
    ms.advance(1);
    assert.equal(ran, 1);
    assert.equal(ms.MidiCountDTasks(a!), 1);
    ms.MidiExec1DTask(a!);
    assert.equal(ran, 2);
  });
});

Deno.test("MidiFreeFilter() refuses installed filters and kills the others (spec §7.16)", async (t) => {
  await t.step(
    "an installed filter throws READONLY until uninstalled everywhere",
    () => {
      const { ms, refs: [a, b] } = open(2);
      const f = ms.MidiNewFilter();
      ms.MidiSetFilter(a!, f);
      ms.MidiSetFilter(b!, f);
      assert.throws(() => ms.MidiFreeFilter(f), { code: "READONLY" });
      ms.MidiSetFilter(a!, null);
      assert.throws(() => ms.MidiFreeFilter(f), { code: "READONLY" });
      ms.MidiSetFilter(b!, ms.MidiNewFilter()); // replaced
      ms.MidiFreeFilter(f);
    },
  );

  await t.step("closing the application uninstalls its filter", () => {
    const { ms, refs: [, b] } = open(2); // the first keeps MidiShare awake
    const f = ms.MidiNewFilter();
    ms.MidiSetFilter(b!, f);
    ms.MidiClose(b!);
    ms.MidiFreeFilter(f);
  });

  await t.step("a freed filter throws DEAD everywhere", () => {
    const { ms, refs: [a] } = open(1);
    const f = ms.MidiNewFilter();
    ms.MidiFreeFilter(f);
    const calls: [string, () => unknown][] = [
      ["MidiFreeFilter", () => ms.MidiFreeFilter(f)],
      ["MidiSetFilter", () => ms.MidiSetFilter(a!, f)],
      ["MidiAcceptPort", () => ms.MidiAcceptPort(f, 1, true)],
      ["MidiAcceptChan", () => ms.MidiAcceptChan(f, 1, true)],
      ["MidiAcceptType", () => ms.MidiAcceptType(f, 1, true)],
      ["MidiIsAcceptedPort", () => ms.MidiIsAcceptedPort(f, 1)],
      ["MidiIsAcceptedChan", () => ms.MidiIsAcceptedChan(f, 1)],
      ["MidiIsAcceptedType", () => ms.MidiIsAcceptedType(f, 1)],
    ];
    for (const [name, call] of calls) {
      assert.throws(call, { code: "DEAD" }, name);
    }
    assert.equal(ms.MidiGetFilter(a!), null);
  });
});

Deno.test("MidiAcceptPort() and friends ignore out-of-range numbers (spec §7.16)", () => {
  const ms = createLocalKernel();
  const f = ms.MidiNewFilter();
  for (const n of [-1, 256, 300, -32768, 32767]) {
    ms.MidiAcceptPort(f, n, true);
    ms.MidiAcceptType(f, n, true);
  }
  for (const n of [-1, 16, 17, 255]) ms.MidiAcceptChan(f, n, true);
  for (let i = 0; i < 256; i++) {
    assert.equal(ms.MidiIsAcceptedPort(f, i), false, `port ${i}`);
    assert.equal(ms.MidiIsAcceptedType(f, i), false, `type ${i}`);
  }
  for (let c = 0; c < 16; c++) assert.equal(ms.MidiIsAcceptedChan(f, c), false);
  const all = acceptAll(ms);
  for (const n of [-1, 256, 1000]) {
    assert.equal(ms.MidiIsAcceptedPort(all, n), false);
    assert.equal(ms.MidiIsAcceptedType(all, n), false);
  }
  for (const n of [-1, 16, 100]) {
    assert.equal(ms.MidiIsAcceptedChan(all, n), false);
  }
  // One bit changes one answer.
  ms.MidiAcceptType(f, 9, true);
  ms.MidiAcceptPort(f, 200, true);
  ms.MidiAcceptChan(f, 15, true);
  assert.deepEqual(
    [
      ms.MidiIsAcceptedType(f, 9),
      ms.MidiIsAcceptedType(f, 8),
      ms.MidiIsAcceptedPort(f, 200),
      ms.MidiIsAcceptedPort(f, 201),
      ms.MidiIsAcceptedChan(f, 15),
      ms.MidiIsAcceptedChan(f, 14),
    ],
    [true, false, true, false, true, false],
  );
});

Deno.test("MidiAcceptPort() and the other filter calls throw TypeError for a non-filter", () => {
  const { ms, refs: [a] } = open(1);
  const fake = { kind: "MidiFilter" } as MidiFilter;
  for (const bad of [fake, {}, 1, "f", undefined, null]) {
    const f = bad as MidiFilter;
    assert.throws(() => ms.MidiAcceptPort(f, 1, true), TypeError);
    assert.throws(() => ms.MidiAcceptChan(f, 1, true), TypeError);
    assert.throws(() => ms.MidiAcceptType(f, 1, true), TypeError);
    assert.throws(() => ms.MidiIsAcceptedPort(f, 1), TypeError);
    assert.throws(() => ms.MidiIsAcceptedChan(f, 1), TypeError);
    assert.throws(() => ms.MidiIsAcceptedType(f, 1), TypeError);
    assert.throws(() => ms.MidiFreeFilter(f), TypeError);
  }
  for (const bad of [fake, {}, 1, "f"]) {
    assert.throws(() => ms.MidiSetFilter(a!, bad as MidiFilter), TypeError);
  }
});

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

// ---- §6.5 receive alarms

Deno.test("MidiSetRcvAlarm() calls the alarm once per tick with deliveries (spec §6.5)", async (t) => {
  await t.step(
    "once per tick, after every delivery of the tick, across senders",
    () => {
      const ms = createLocalKernel();
      const other = ms.connectClient();
      const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
      const c = other.MidiOpen("c");
      ms.MidiConnect(a, b, true);
      other.MidiConnect(c, b, true);
      const seen: [number, number, number][] = [];
      ms.MidiSetRcvAlarm(
        b,
        (ref) => seen.push([ref, ms.MidiGetTime(), ms.MidiCountEvs(ref)]),
      );
      ms.MidiSendAt(a, makeEv(ms, typeKeyOn), 3);
      other.MidiSendAt(c, makeEv(other, typeKeyOn), 3);
      ms.MidiSendAt(a, makeEv(ms, typeKeyOn), 3);
      ms.MidiSendAt(a, makeEv(ms, typeKeyOn), 6);
      ms.advance(10);
      assert.deepEqual(seen, [[b, 3, 3], [b, 6, 4]]);
    },
  );

  await t.step("not for events already waiting when installed", () => {
    const { ms, refs: [a, b] } = open(2);
    ms.MidiConnect(a!, b!, true);
    ms.MidiSendIm(a!, makeEv(ms, typeKeyOn));
    ms.advance(1);
    const seen: number[] = [];
    ms.MidiSetRcvAlarm(b!, (ref) => seen.push(ms.MidiCountEvs(ref)));
    assert.equal(ms.MidiGetRcvAlarm(b!) !== null, true);
    ms.advance(5);
    assert.deepEqual(seen, []);
    ms.MidiSendIm(a!, makeEv(ms, typeKeyOn));
    ms.advance(1);
    assert.deepEqual(seen, [2]);
  });

  await t.step("private events count; tasks and DTasks do not", () => {
    const { ms, refs: [a] } = open(1);
    const seen: number[] = [];
    ms.MidiSetRcvAlarm(a!, () => seen.push(ms.MidiGetTime()));
    ms.MidiTask(() => {}, 2, a!);
    ms.MidiDTask(() => {}, 3, a!);
    ms.MidiSendAt(a!, makeEv(ms, typePrivate), 4);
    ms.advance(6);
    assert.deepEqual(seen, [4]);
    assert.equal(ms.MidiCountDTasks(a!), 1);
  });

  await t.step(
    "alarms of one client's applications follow their first delivery",
    () => {
      const { ms, refs: [s1, s2, b, c] } = open(4);
      ms.MidiConnect(s1!, c!, true);
      ms.MidiConnect(s2!, b!, true);
      const order: number[] = [];
      for (const r of [b!, c!]) {
        ms.MidiSetRcvAlarm(r, (ref) => {
          order.push(ref);
          ms.MidiFlushEvs(ref);
        });
      }
      ms.MidiSendAt(s1!, makeEv(ms, typeKeyOn), 2);
      ms.MidiSendAt(s2!, makeEv(ms, typeKeyOn), 2);
      ms.MidiSendAt(s1!, makeEv(ms, typeKeyOn), 2);
      ms.MidiSendAt(s2!, makeEv(ms, typeKeyOn), 3);
      ms.MidiSendAt(s1!, makeEv(ms, typeKeyOn), 3);
      ms.advance(3);
      assert.deepEqual(order, [c, b, b, c]);
    },
  );

  await t.step(
    "null removes the alarm; a non-function throws TypeError",
    () => {
      const { ms, refs: [a] } = open(1);
      let calls = 0;
      const alarm = () => calls++;
      ms.MidiSetRcvAlarm(a!, alarm);
      assert.equal(ms.MidiGetRcvAlarm(a!), alarm);
      ms.MidiSetRcvAlarm(a!, null);
      assert.equal(ms.MidiGetRcvAlarm(a!), null);
      ms.MidiSendIm(a!, makeEv(ms, typePrivate));
      ms.advance(1);
      assert.equal(calls, 0);
      assert.throws(
        () => ms.MidiSetRcvAlarm(a!, 5 as unknown as () => void),
        TypeError,
      );
      ms.MidiSetRcvAlarm(60, alarm);
      assert.equal(ms.MidiGetRcvAlarm(60), null);
    },
  );
});

Deno.test("MidiClose() drops a pending delivery even when the refnum is reopened at once (spec §7.2)", () => {
  // A task closes b and opens a new application, which gets b's refnum, while an
  // event of the same tick was already delivered to the old b.
  const ms = createLocalKernel();
  const a = ms.MidiOpen("a"), b = ms.MidiOpen("b"), s = ms.MidiOpen("s");
  ms.MidiConnect(s, b, true);
  let reopened = -1;
  let alarms = 0;
  ms.MidiTask(
    () => {
      ms.MidiClose(b);
      reopened = ms.MidiOpen("new b");
      ms.MidiSetRcvAlarm(reopened, () => alarms++);
    },
    3,
    a,
  );
  ms.MidiSendAt(s, makeEv(ms, typeKeyOn, [60]), 3);
  ms.advance(4);
  assert.equal(reopened, b);
  // Spec §7.2: "Pending notifications for the refnum are dropped"; §7.2 MidiOpen:
  // the new application starts with an empty FIFO.
  assert.deepEqual(
    { waiting: ms.MidiCountEvs(reopened), alarms },
    { waiting: 0, alarms: 0 },
  );
});

// ---- §6.4 application alarms

Deno.test("MidiSetApplAlarm() hears the changes of spec §6.4", async (t) => {
  await t.step(
    "MIDIOpenAppl to every alarm, ascending refnums, drivers too",
    () => {
      const ms = createLocalKernel();
      const other = ms.connectClient();
      const a = ms.MidiOpen("a"), b = ms.MidiOpen("b"), c = ms.MidiOpen("c");
      const d = ms.MidiRegisterDriver({ name: "d", version: 1 }, {});
      const log: [number, number, number][] = [];
      for (const r of [d, c, a, b]) listen(ms, r, log); // installed out of order
      const otherLog: [number, number, number][] = [];
      const e = other.MidiOpen("e");
      listen(other, e, otherLog);
      assert.deepEqual(log, [a, b, c, d].map((r) => [r, e, MIDIOpenAppl]));
      const f = other.MidiOpen("f");
      assert.deepEqual(
        otherLog,
        [[e, f, MIDIOpenAppl]],
        "the new one is not told",
      );
      assert.deepEqual(
        log.slice(4),
        [a, b, c, d].map((r) => [r, f, MIDIOpenAppl]),
      );
    },
  );

  await t.step("MIDICloseAppl to the others, not to the closed one", () => {
    const { ms, refs: [a, b, c] } = open(3);
    const log: [number, number, number][] = [];
    for (const r of [a!, b!, c!]) listen(ms, r, log);
    ms.MidiClose(b!);
    assert.deepEqual(log, [[a, b, MIDICloseAppl], [c, b, MIDICloseAppl]]);
  });

  await t.step("the last close is silent, even for a driver's alarm", () => {
    const ms = createLocalKernel();
    const other = ms.connectClient();
    const a = ms.MidiOpen("a");
    const d = other.MidiRegisterDriver({ name: "d", version: 1 }, {});
    const log: [number, number, number][] = [];
    listen(other, d, log);
    const b = ms.MidiOpen("b");
    ms.MidiClose(a);
    assert.deepEqual(log, [[d, b, MIDIOpenAppl], [d, a, MIDICloseAppl]]);
    ms.MidiClose(b);
    assert.equal(ms.MidiCountAppls(), 0);
    assert.deepEqual(log.length, 2);
  });

  await t.step(
    "MIDIChgName for open refnums > 0 only, the renamer told too",
    () => {
      const { ms, refs: [a, b] } = open(2);
      const d = ms.MidiRegisterDriver({ name: "d", version: 1 }, {});
      const log: [number, number, number][] = [];
      listen(ms, a!, log);
      ms.MidiSetName(a!, "renamed");
      ms.MidiSetName(b!, "other");
      ms.MidiSetName(d, "driver");
      ms.MidiSetName(0, "no");
      ms.MidiSetName(MidiShareDriverRef, "no");
      ms.MidiSetName(60, "no");
      ms.MidiSetName(-1, "no");
      assert.deepEqual(log, [
        [a, a, MIDIChgName],
        [a, b, MIDIChgName],
        [a, d, MIDIChgName],
      ]);
      assert.equal(ms.MidiGetName(0), "MidiShare");
      assert.equal(ms.MidiGetName(d), "driver");
      ms.MidiClose(b!);
      log.length = 0;
      ms.MidiSetName(b!, "closed");
      assert.deepEqual(log, []);
    },
  );

  await t.step("an alarm installed on a driver refnum works", () => {
    const ms = createLocalKernel();
    const a = ms.MidiOpen("a");
    const d = ms.MidiRegisterDriver({ name: "d", version: 1 }, {});
    const log: [number, number, number][] = [];
    listen(ms, d, log);
    assert.equal(typeof ms.MidiGetApplAlarm(d), "function");
    const b = ms.MidiOpen("b");
    ms.MidiConnect(a, b, true);
    ms.MidiSetName(a, "x");
    assert.deepEqual(log, [
      [d, b, MIDIOpenAppl],
      [d, a, MIDIChgConnect],
      [d, a, MIDIChgName],
    ]);
  });

  await t.step(
    "null removes the alarm; non-function throws; bad refnum ignored",
    () => {
      const { ms, refs: [a] } = open(1);
      const log: [number, number, number][] = [];
      listen(ms, a!, log);
      ms.MidiSetApplAlarm(a!, null);
      assert.equal(ms.MidiGetApplAlarm(a!), null);
      ms.MidiOpen("b");
      assert.deepEqual(log, []);
      assert.throws(
        () => ms.MidiSetApplAlarm(a!, {} as unknown as () => void),
        TypeError,
      );
      ms.MidiSetApplAlarm(60, () => {});
      assert.equal(ms.MidiGetApplAlarm(60), null);
    },
  );
});

// ---- §1.5 exceptions in callbacks

Deno.test("createLocalKernel() reports and swallows exceptions thrown by callbacks (spec §1.5)", async (t) => {
  await t.step("application alarms keep coming after one threw", () => {
    const errors: unknown[] = [];
    const ms = createLocalKernel({ reportError: (e) => errors.push(e) });
    const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
    const codes: number[] = [];
    let throws = 0;
    ms.MidiSetApplAlarm(a, (_r, code) => {
      codes.push(code);
      throw new Error(`alarm ${++throws}`);
    });
    ms.MidiSetApplAlarm(b, (_r, code) => codes.push(-code));
    ms.MidiSetName(a, "x");
    ms.MidiSetName(b, "y");
    assert.deepEqual(codes, [
      (a << 16) | MIDIChgName,
      -((a << 16) | MIDIChgName),
      (b << 16) | MIDIChgName,
      -((b << 16) | MIDIChgName),
    ]);
    assert.deepEqual(errors.map((e) => (e as Error).message), [
      "alarm 1",
      "alarm 2",
    ]);
  });

  await t.step("receive alarms, tasks and later deliveries go on", () => {
    const errors: unknown[] = [];
    const ms = createLocalKernel({ reportError: (e) => errors.push(e) });
    const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
    ms.MidiConnect(a, b, true);
    let calls = 0;
    ms.MidiSetRcvAlarm(b, () => {
      calls++;
      throw new RangeError("rcv");
    });
    const ran: number[] = [];
    ms.MidiTask(
      () => {
        throw new TypeError("task");
      },
      2,
      a,
    );
    ms.MidiTask((d) => ran.push(d), 2, a);
    ms.MidiSendAt(a, makeEv(ms, typeKeyOn), 2);
    ms.MidiSendAt(a, makeEv(ms, typeKeyOn), 4);
    ms.advance(5);
    assert.equal(calls, 2);
    assert.deepEqual(ran, [2]);
    assert.equal(ms.MidiCountEvs(b), 2);
    assert.deepEqual(errors.map((e) => (e as Error).message).sort(), [
      "rcv",
      "rcv",
      "task",
    ]);
  });

  await t.step(
    "another client's reportError gets its own callbacks' errors",
    () => {
      const mine: unknown[] = [], theirs: unknown[] = [];
      const ms = createLocalKernel({ reportError: (e) => mine.push(e) });
      const other = ms.connectClient({ reportError: (e) => theirs.push(e) });
      ms.MidiOpen("a");
      const c = other.MidiOpen("c");
      other.MidiSetApplAlarm(c, () => {
        throw new Error("theirs");
      });
      ms.MidiOpen("b");
      assert.equal(mine.length, 0);
      assert.equal(theirs.length, 1);
    },
  );

  await t.step("without reportError the exception is swallowed", () => {
    const ms = createLocalKernel();
    const a = ms.MidiOpen("a");
    ms.MidiTask(
      () => {
        throw new Error("quiet");
      },
      1,
      a,
    );
    let after = false;
    ms.MidiTask(() => after = true, 2, a);
    ms.advance(3);
    assert.equal(after, true);
  });
});
