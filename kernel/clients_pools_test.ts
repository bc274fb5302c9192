// Several in-process clients of one kernel: a pool per client, deactivated with
// its last application and driver, and events of other clients refused
// (spec §4.2, §6.2, §7.8).

import assert from "node:assert/strict";
import { createLocalKernel, typeKeyOn, typeSysEx } from "./mod.ts";
import { drain, makeEv, rethrow } from "./_test_util.ts";

import { twoClients } from "./_clients_test_util.ts";

Deno.test("MidiFreeSpace() shows that every client has its own pool", async (t) => {
  await t.step(
    "sending gives cells back at once, receiving takes the receiver's",
    () => {
      const { ms, other } = twoClients();
      const a = ms.MidiOpen("a");
      const b = other.MidiOpen("b");
      ms.MidiConnect(a, b, true);
      const freeA = ms.MidiFreeSpace(), freeB = other.MidiFreeSpace();
      const e = makeEv(ms, typeKeyOn, [60, 100]);
      assert.equal(ms.MidiFreeSpace(), freeA - 1);
      ms.MidiSendIm(a, e);
      assert.equal(ms.MidiFreeSpace(), freeA, "given back at the send");
      assert.equal(other.MidiFreeSpace(), freeB, "not delivered yet");
      ms.advance(1);
      assert.equal(ms.MidiFreeSpace(), freeA);
      assert.equal(other.MidiFreeSpace(), freeB - 1);
      const sysex = makeEv(ms, typeSysEx);
      for (let i = 0; i < 30; i++) ms.MidiAddField(sysex, i);
      assert.equal(ms.MidiFreeSpace(), freeA - 4); // 2 + floor(30 / 12)
      ms.MidiSendIm(a, sysex);
      assert.equal(ms.MidiFreeSpace(), freeA);
      ms.advance(1);
      assert.equal(other.MidiFreeSpace(), freeB - 1 - 4);
      const got = drain(other, b);
      assert.equal(got.length, 2);
      assert.equal(got[1]?.fields.length, 30);
      assert.equal(other.MidiFreeSpace(), freeB);
      assert.equal(ms.MidiFreeSpace(), freeA);
    },
  );
  await t.step("pool sizes are per client", () => {
    const ms = createLocalKernel({ poolCellCount: 500 });
    const other = ms.connectClient({ poolCellCount: 100 });
    assert.equal(ms.MidiTotalSpace(), 500);
    assert.equal(other.MidiTotalSpace(), 100);
    ms.MidiOpen("a");
    other.MidiOpen("b");
    assert.equal(ms.MidiTotalSpace(), 500);
    assert.equal(other.MidiTotalSpace(), 100);
  });
  await t.step("an exhausted pool loses copies for its client only", () => {
    const ms = createLocalKernel({ reportError: rethrow });
    const small = ms.connectClient({ poolCellCount: 10, reportError: rethrow });
    const a = ms.MidiOpen("a"), mine = ms.MidiOpen("mine");
    const b = small.MidiOpen("b");
    ms.MidiConnect(a, b, true);
    ms.MidiConnect(a, mine, true);
    const hoard = [];
    for (
      let e = small.MidiNewEv(typeKeyOn);
      e;
      e = small.MidiNewEv(typeKeyOn)
    ) {
      hoard.push(e);
    }
    assert.equal(hoard.length, 10);
    assert.equal(small.MidiFreeSpace(), 0);
    ms.MidiSendIm(a, makeEv(ms, typeKeyOn, [1]));
    ms.advance(1);
    assert.equal(small.MidiCountEvs(b), 0);
    assert.equal(ms.MidiCountEvs(mine), 1);
    small.MidiFreeEv(hoard.pop()!);
    ms.MidiSendIm(a, makeEv(ms, typeKeyOn, [2]));
    ms.advance(1);
    assert.deepEqual(drain(small, b).map((e) => e.fields[0]), [2]);
  });
});

Deno.test("MidiClose() and MidiUnregisterDriver() deactivate a pool only with the last of both", async (t) => {
  await t.step("application closed first, then driver", () => {
    const ms = createLocalKernel({ reportError: rethrow });
    ms.MidiOpen("keep"); // another client keeps MidiShare awake
    const client = ms.connectClient({ reportError: rethrow });
    const a = client.MidiOpen("a");
    const d = client.MidiRegisterDriver({ name: "d", version: 1 }, {});
    const e = makeEv(client, typeKeyOn, [60]);
    const total = client.MidiTotalSpace();
    client.MidiClose(a);
    assert.equal(client.MidiGetField(e, 0), 60, "still owned");
    assert.equal(client.MidiFreeSpace(), total - 1);
    assert.notEqual(client.MidiNewEv(typeKeyOn), null);
    client.MidiUnregisterDriver(d);
    assert.throws(() => e.date, { code: "DEAD" });
    assert.equal(client.MidiNewEv(typeKeyOn), null);
    assert.equal(client.MidiFreeSpace(), total);
  });
  await t.step("driver unregistered first, then application", () => {
    const ms = createLocalKernel({ reportError: rethrow });
    ms.MidiOpen("keep");
    const client = ms.connectClient({ reportError: rethrow });
    const a = client.MidiOpen("a");
    const d = client.MidiRegisterDriver({ name: "d", version: 1 }, {});
    const e = makeEv(client, typeKeyOn, [61]);
    client.MidiUnregisterDriver(d);
    assert.equal(client.MidiGetField(e, 0), 61, "still owned");
    client.MidiClose(a);
    assert.throws(() => e.date, { code: "DEAD" });
    assert.equal(client.MidiNewEv(typeKeyOn), null);
  });
  await t.step("a driver alone activates the pool, even while dormant", () => {
    const ms = createLocalKernel({ reportError: rethrow });
    assert.equal(ms.MidiNewEv(typeKeyOn), null);
    const d = ms.MidiRegisterDriver({ name: "d", version: 1 }, {});
    const e = ms.MidiNewEv(typeKeyOn);
    assert.notEqual(e, null);
    ms.MidiUnregisterDriver(d);
    assert.throws(() => e!.date, { code: "DEAD" });
  });
  await t.step("other clients' pools are untouched", () => {
    const { ms, other } = twoClients();
    ms.MidiOpen("keep");
    const e = makeEv(ms, typeKeyOn, [62]);
    const o = other.MidiOpen("o");
    other.MidiClose(o);
    assert.equal(ms.MidiGetField(e, 0), 62);
  });
});

Deno.test("MidiFreeEv() refuses an event of another in-process client", () => {
  const ms = createLocalKernel();
  const other = ms.connectClient();
  ms.MidiOpen("a");
  other.MidiOpen("b");
  const mine = other.MidiNewEv(typeKeyOn)!;
  const theirs = ms.MidiNewEv(typeKeyOn)!;
  const free = other.MidiFreeSpace();
  assert.throws(() => other.MidiFreeEv(theirs), TypeError);
  assert.throws(() => other.MidiSendIm(1, theirs), TypeError);
  assert.throws(() => other.MidiForgetTask({ value: theirs }), TypeError);
  assert.equal(other.MidiFreeSpace(), free);
  assert.equal(mine.evType, typeKeyOn);
  assert.equal(theirs.evType, typeKeyOn);
});
