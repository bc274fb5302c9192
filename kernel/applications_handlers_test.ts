// Applications: installing filters, receive alarms and application alarms, and
// the port state calls (spec §7.3, §7.7).

import assert from "node:assert/strict";
import {
  type LocalMidiShare,
  MIDIChgConnect,
  MIDIOpenAppl,
  MIDIOpenDriver,
  typeKeyOn,
} from "./mod.ts";
import { makeEv, newKernel, rethrow } from "./_test_util.ts";

import { driverInfos, watch } from "./_applications_test_util.ts";

Deno.test("MidiSetFilter() installs, replaces and removes a filter", async (t) => {
  await t.step("round trip and effect on delivery", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
    ms.MidiConnect(a, b, true);
    const f = ms.MidiNewFilter(); // rejects everything
    ms.MidiSetFilter(b, f);
    assert.equal(ms.MidiGetFilter(b), f);
    ms.MidiSendIm(a, makeEv(ms, typeKeyOn));
    ms.advance(1);
    assert.equal(ms.MidiCountEvs(b), 0);
    ms.MidiSetFilter(b, null);
    assert.equal(ms.MidiGetFilter(b), null);
    ms.MidiSendIm(a, makeEv(ms, typeKeyOn));
    ms.advance(1);
    assert.equal(ms.MidiCountEvs(b), 1);
  });
  await t.step("one filter on several applications", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
    const f = ms.MidiNewFilter();
    ms.MidiSetFilter(a, f);
    ms.MidiSetFilter(b, f);
    assert.equal(ms.MidiGetFilter(a), f);
    assert.equal(ms.MidiGetFilter(b), f);
  });
  await t.step("another client's refnum: no effect", () => {
    const ms = newKernel();
    const other = ms.connectClient({ reportError: rethrow });
    other.MidiOpen("o");
    const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
    ms.MidiConnect(a, b, true);
    other.MidiSetFilter(b, other.MidiNewFilter());
    assert.equal(ms.MidiGetFilter(b), null);
    assert.equal(other.MidiGetFilter(b), null);
    ms.MidiSendIm(a, makeEv(ms, typeKeyOn));
    ms.advance(1);
    assert.equal(ms.MidiCountEvs(b), 1);
  });
  await t.step("bad refnums give null", () => {
    const ms = newKernel();
    ms.MidiOpen("a");
    const f = ms.MidiNewFilter();
    for (const ref of [0, 127, 50, -1]) {
      ms.MidiSetFilter(ref, f);
      assert.equal(ms.MidiGetFilter(ref), null, `refnum ${ref}`);
    }
  });
  await t.step("a non-filter is a TypeError", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    assert.throws(
      () =>
        ms.MidiSetFilter(
          a,
          {} as unknown as ReturnType<LocalMidiShare["MidiNewFilter"]>,
        ),
      TypeError,
    );
  });
});

Deno.test("MidiSetRcvAlarm() installs, replaces and removes the receive alarm", async (t) => {
  await t.step("round trip and calls", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
    ms.MidiConnect(a, b, true);
    const calls: string[] = [];
    const first = (r: number) => calls.push(`first ${r}`);
    const second = (r: number) => calls.push(`second ${r}`);
    assert.equal(ms.MidiGetRcvAlarm(b), null);
    ms.MidiSetRcvAlarm(b, first);
    assert.equal(ms.MidiGetRcvAlarm(b), first);
    ms.MidiSendIm(a, makeEv(ms, typeKeyOn));
    ms.advance(1);
    ms.MidiSetRcvAlarm(b, second);
    assert.equal(ms.MidiGetRcvAlarm(b), second);
    ms.MidiSendIm(a, makeEv(ms, typeKeyOn));
    ms.advance(1);
    ms.MidiSetRcvAlarm(b, null);
    assert.equal(ms.MidiGetRcvAlarm(b), null);
    ms.MidiSendIm(a, makeEv(ms, typeKeyOn));
    ms.advance(1);
    assert.deepEqual(calls, [`first ${b}`, `second ${b}`]);
    assert.equal(ms.MidiCountEvs(b), 3);
  });
  await t.step("a non-function is a TypeError", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    for (const bad of [1, "f", {}, true]) {
      assert.throws(
        () => ms.MidiSetRcvAlarm(a, bad as unknown as () => void),
        TypeError,
      );
    }
    assert.equal(ms.MidiGetRcvAlarm(a), null);
  });
  await t.step("another client's refnum: no effect", () => {
    const ms = newKernel();
    const other = ms.connectClient({ reportError: rethrow });
    other.MidiOpen("o");
    const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
    ms.MidiConnect(a, b, true);
    let called = 0;
    other.MidiSetRcvAlarm(b, () => called++);
    assert.equal(other.MidiGetRcvAlarm(b), null);
    assert.equal(ms.MidiGetRcvAlarm(b), null);
    ms.MidiSendIm(a, makeEv(ms, typeKeyOn));
    ms.advance(1);
    assert.equal(called, 0);
  });
});

Deno.test("MidiSetApplAlarm() installs, replaces and removes the application alarm", async (t) => {
  await t.step("round trip and calls", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    const calls: string[] = [];
    const first = (r: number, code: number) => calls.push(`1 ${r} ${code}`);
    const second = (r: number, code: number) => calls.push(`2 ${r} ${code}`);
    assert.equal(ms.MidiGetApplAlarm(a), null);
    ms.MidiSetApplAlarm(a, first);
    assert.equal(ms.MidiGetApplAlarm(a), first);
    const b = ms.MidiOpen("b");
    ms.MidiSetApplAlarm(a, second);
    assert.equal(ms.MidiGetApplAlarm(a), second);
    ms.MidiConnect(b, a, true);
    ms.MidiSetApplAlarm(a, null);
    assert.equal(ms.MidiGetApplAlarm(a), null);
    ms.MidiOpen("c");
    assert.deepEqual(calls, [
      `1 ${a} ${(b << 16) | MIDIOpenAppl}`,
      `2 ${a} ${(b << 16) | MIDIChgConnect}`,
    ]);
  });
  await t.step("works for driver refnums", () => {
    const ms = newKernel();
    ms.MidiOpen("a");
    const d = ms.MidiRegisterDriver(driverInfos("d"), {});
    const log = watch(ms, d);
    assert.notEqual(ms.MidiGetApplAlarm(d), null);
    const d2 = ms.MidiRegisterDriver(driverInfos("d2"), {});
    assert.deepEqual(log, [[d2, MIDIOpenDriver]]);
  });
  await t.step("a non-function is a TypeError", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    for (const bad of [1, "f", {}, false]) {
      assert.throws(
        () => ms.MidiSetApplAlarm(a, bad as unknown as () => void),
        TypeError,
      );
    }
    assert.equal(ms.MidiGetApplAlarm(a), null);
  });
  await t.step("another client's refnum: no effect", () => {
    const ms = newKernel();
    const other = ms.connectClient({ reportError: rethrow });
    other.MidiOpen("o");
    const a = ms.MidiOpen("a");
    let called = 0;
    other.MidiSetApplAlarm(a, () => called++);
    assert.equal(other.MidiGetApplAlarm(a), null);
    assert.equal(ms.MidiGetApplAlarm(a), null);
    ms.MidiOpen("b");
    ms.MidiSetName(a, "x");
    assert.equal(called, 0);
  });
  await t.step("bad refnums give null", () => {
    const ms = newKernel();
    ms.MidiOpen("a");
    for (const ref of [0, 127, 50, -1]) {
      ms.MidiSetApplAlarm(ref, () => {});
      assert.equal(ms.MidiGetApplAlarm(ref), null, `refnum ${ref}`);
    }
  });
});

Deno.test("MidiGetPortState() is always true and MidiSetPortState() does nothing", async (t) => {
  await t.step("before and after opening, whatever was set", () => {
    const ms = newKernel();
    assert.equal(ms.MidiGetPortState(0), true);
    const a = ms.MidiOpen("a");
    const log = watch(ms, a);
    for (const port of [0, 1, 5, 255]) {
      ms.MidiSetPortState(port, false);
      assert.equal(ms.MidiGetPortState(port), true, `port ${port}`);
    }
    ms.MidiSetPortState(1, true);
    assert.equal(ms.MidiGetPortState(1), true);
    assert.deepEqual(log, [], "obsolete change codes are never sent");
  });
  await t.step("port state does not affect routing", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
    ms.MidiConnect(a, b, true);
    ms.MidiSetPortState(0, false);
    ms.MidiSendIm(a, makeEv(ms, typeKeyOn, [], { port: 0 }));
    ms.advance(1);
    assert.equal(ms.MidiCountEvs(b), 1);
  });
});
