// Routing through the in-process kernel: filters by port, type and channel,
// shared between applications (spec §6.3, §7.3, §7.16).

import assert from "node:assert/strict";
import {
  createLocalKernel,
  type LocalMidiShare,
  typeActiveSens,
  typeApplAlarm,
  typeChanPress,
  typeClock,
  typeCtrl14b,
  typeCtrlChange,
  typeKeyOff,
  typeKeyOn,
  typeKeyPress,
  typeNote,
  typePitchWheel,
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

import { acceptAll, counts, open } from "./_routing_test_util.ts";

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
