// Drivers: MidiSend() through drivers and slots, routed with real driver
// refnums (spec §8.3).

import assert from "node:assert/strict";
import {
  MidiInputOutputSlot,
  MidiInputSlot,
  MidiOutputSlot,
  typeKeyOff,
  typeKeyOn,
} from "./mod.ts";
import { drain, makeEv, newKernel } from "./_test_util.ts";

import { connectedDriver, infos, received } from "./_drivers_test_util.ts";

Deno.test("MidiSend() through a driver follows the event flow of §8.3", async (t) => {
  await t.step(
    "output: one copy per connected slot, port = slotRef, refNum = app",
    () => {
      const ms = newKernel();
      const app = ms.MidiOpen("app"), listener = ms.MidiOpen("listener");
      ms.MidiConnect(app, 0, true);
      ms.MidiConnect(0, listener, true);
      const d = connectedDriver(ms, "d");
      const s0 = ms.MidiAddSlot(d, "s0", MidiOutputSlot);
      const s1 = ms.MidiAddSlot(d, "s1", MidiInputSlot); // direction plays no part
      const s2 = ms.MidiAddSlot(d, "s2", MidiOutputSlot);
      ms.MidiConnectSlot(5, s0, true);
      ms.MidiConnectSlot(5, s1, true);
      ms.MidiConnectSlot(7, s1, true);
      ms.MidiConnectSlot(7, s2, true);
      const e = makeEv(ms, typeKeyOn, [60, 100], { port: 5, chan: 3 });
      ms.MidiSendAt(app, e, 4);
      ms.advance(4);
      const got = drain(ms, d).sort((x, y) => x.port - y.port);
      assert.deepEqual(
        got,
        [0, 1].map((port) => ({
          type: typeKeyOn,
          date: 4,
          ref: app,
          port,
          chan: 3,
          fields: [60, 100],
        })),
      );
      ms.MidiSendIm(app, makeEv(ms, typeKeyOn, [], { port: 7 }));
      ms.MidiSendIm(app, makeEv(ms, typeKeyOn, [], { port: 9 }));
      ms.advance(1);
      assert.deepEqual(received(ms, d), [`1/${app}`, `2/${app}`]);
      assert.equal(
        ms.MidiCountEvs(listener),
        0,
        "0 does not echo to its listeners",
      );
    },
  );
  await t.step(
    "output: every driver connected from 127, and only those",
    () => {
      const ms = newKernel();
      const app = ms.MidiOpen("app");
      ms.MidiConnect(app, 0, true);
      const d1 = connectedDriver(ms, "d1");
      const d2 = connectedDriver(ms, "d2");
      const d3 = ms.MidiRegisterDriver(infos("d3"), {}); // not connected
      for (const d of [d1, d2, d3]) {
        ms.MidiConnectSlot(5, ms.MidiAddSlot(d, "s", MidiOutputSlot), true);
      }
      ms.MidiSendIm(app, makeEv(ms, typeKeyOn, [], { port: 5 }));
      ms.advance(1);
      assert.deepEqual(received(ms, d1), [`0/${app}`]);
      assert.deepEqual(received(ms, d2), [`0/${app}`]);
      assert.deepEqual(received(ms, d3), []);
    },
  );
  await t.step(
    "output: an application not connected to 0 reaches no driver",
    () => {
      const ms = newKernel();
      const app = ms.MidiOpen("app");
      const d = connectedDriver(ms, "d");
      ms.MidiConnectSlot(5, ms.MidiAddSlot(d, "s", MidiOutputSlot), true);
      ms.MidiSendIm(app, makeEv(ms, typeKeyOn, [], { port: 5 }));
      ms.advance(1);
      assert.equal(ms.MidiCountEvs(d), 0);
    },
  );
  await t.step(
    "input: each mapped port to every application connected from 0",
    () => {
      const ms = newKernel();
      const l1 = ms.MidiOpen("l1"),
        l2 = ms.MidiOpen("l2"),
        x = ms.MidiOpen("x");
      ms.MidiConnect(0, l1, true);
      ms.MidiConnect(0, l2, true);
      ms.MidiConnect(x, 0, true);
      const d = connectedDriver(ms, "d");
      const out = connectedDriver(ms, "out");
      ms.MidiConnectSlot(10, ms.MidiAddSlot(out, "o", MidiOutputSlot), true);
      for (let i = 0; i < 3; i++) ms.MidiAddSlot(d, `s${i}`, MidiInputSlot);
      const s3 = ms.MidiAddSlot(d, "s3", MidiOutputSlot); // direction plays no part
      ms.MidiConnectSlot(10, s3, true);
      ms.MidiConnectSlot(11, s3, true);
      const e = makeEv(ms, typeKeyOn, [64, 90], { port: 3, chan: 9, date: 2 });
      ms.advance(5);
      ms.MidiSend(d, e);
      ms.advance(1);
      for (const l of [l1, l2]) {
        const got = drain(ms, l).sort((p, q) => p.port - q.port);
        assert.deepEqual(
          got,
          [10, 11].map((port) => ({
            type: typeKeyOn,
            date: 2,
            ref: d,
            port,
            chan: 9,
            fields: [64, 90],
          })),
        );
      }
      assert.equal(ms.MidiCountEvs(x), 0);
      assert.equal(ms.MidiCountEvs(d), 0);
      assert.equal(
        ms.MidiCountEvs(out),
        0,
        "input never goes to output drivers",
      );
    },
  );
  await t.step("input: an unknown or unmapped slot drops the event", () => {
    const ms = newKernel();
    const l = ms.MidiOpen("l");
    ms.MidiConnect(0, l, true);
    const d = connectedDriver(ms, "d");
    const s0 = ms.MidiAddSlot(d, "s0", MidiInputSlot);
    ms.MidiAddSlot(d, "s1", MidiInputSlot); // no port
    ms.MidiConnectSlot(40, s0, true);
    for (const port of [40, 1, 2, 63, 255]) {
      ms.MidiSendIm(d, makeEv(ms, typeKeyOn, [], { port }));
    }
    ms.advance(1);
    assert.deepEqual(received(ms, l), []);
  });
  await t.step(
    "input: a driver not connected to 127 reaches no application",
    () => {
      const ms = newKernel();
      const l = ms.MidiOpen("l");
      ms.MidiConnect(0, l, true);
      const d = ms.MidiRegisterDriver(infos("d"), {});
      ms.MidiConnectSlot(1, ms.MidiAddSlot(d, "s", MidiInputSlot), true);
      ms.MidiSendIm(d, makeEv(ms, typeKeyOn, [], { port: 0 }));
      ms.advance(1);
      assert.equal(ms.MidiCountEvs(l), 0);
    },
  );
  await t.step("input: application filters apply to the mapped port", () => {
    const ms = newKernel();
    const l = ms.MidiOpen("l");
    ms.MidiConnect(0, l, true);
    const f = ms.MidiNewFilter();
    for (let i = 0; i < 256; i++) {
      ms.MidiAcceptPort(f, i, i !== 11);
      ms.MidiAcceptType(f, i, true);
    }
    for (let c = 0; c < 16; c++) ms.MidiAcceptChan(f, c, true);
    ms.MidiSetFilter(l, f);
    const d = connectedDriver(ms, "d");
    const s = ms.MidiAddSlot(d, "s", MidiInputSlot);
    ms.MidiConnectSlot(10, s, true);
    ms.MidiConnectSlot(11, s, true);
    ms.MidiSendIm(d, makeEv(ms, typeKeyOn, [], { port: s.slotRef }));
    ms.advance(1);
    assert.deepEqual(received(ms, l), [`10/${d}`]);
  });
  await t.step("driver to driver: the port is a MidiShare port", () => {
    const ms = newKernel();
    ms.MidiOpen("app");
    const d1 = ms.MidiRegisterDriver(infos("d1"), {});
    const d2 = ms.MidiRegisterDriver(infos("d2"), {});
    ms.MidiConnect(d1, d2, true);
    assert.equal(ms.MidiIsConnected(d1, d2), true);
    const k0 = ms.MidiAddSlot(d2, "k0", MidiOutputSlot);
    const k1 = ms.MidiAddSlot(d2, "k1", MidiOutputSlot);
    const k2 = ms.MidiAddSlot(d2, "k2", MidiOutputSlot);
    ms.MidiConnectSlot(5, k0, true);
    ms.MidiConnectSlot(5, k1, true);
    ms.MidiConnectSlot(6, k2, true);
    ms.MidiAddSlot(d1, "own", MidiInputSlot); // d1's slots play no part
    ms.MidiSendIm(d1, makeEv(ms, typeKeyOn, [], { port: 5 }));
    ms.advance(1);
    assert.deepEqual(received(ms, d2), [`0/${d1}`, `1/${d1}`]);
    ms.MidiSendIm(d1, makeEv(ms, typeKeyOn, [], { port: 6 }));
    ms.MidiSendIm(d1, makeEv(ms, typeKeyOn, [], { port: 0 }));
    ms.advance(1);
    assert.deepEqual(received(ms, d2), [`2/${d1}`]);
  });
  await t.step("the driver's filter applies, on the MidiShare port", () => {
    const ms = newKernel();
    const app = ms.MidiOpen("app");
    ms.MidiConnect(app, 0, true);
    const d = connectedDriver(ms, "d");
    const f = ms.MidiNewFilter();
    for (let i = 0; i < 256; i++) {
      ms.MidiAcceptPort(f, i, i !== 0 && i !== 5);
      ms.MidiAcceptType(f, i, i !== typeKeyOff);
    }
    for (let c = 0; c < 16; c++) ms.MidiAcceptChan(f, c, true);
    ms.MidiSetFilter(d, f);
    const s0 = ms.MidiAddSlot(d, "s0", MidiOutputSlot);
    const s1 = ms.MidiAddSlot(d, "s1", MidiOutputSlot);
    ms.MidiConnectSlot(5, s0, true);
    ms.MidiConnectSlot(6, s0, true);
    ms.MidiConnectSlot(6, s1, true);
    ms.MidiSendIm(app, makeEv(ms, typeKeyOn, [], { port: 5 }));
    ms.MidiSendIm(app, makeEv(ms, typeKeyOff, [], { port: 6 }));
    ms.advance(1);
    assert.deepEqual(received(ms, d), []);
    // Port 0 is rejected, but the filter sees port 6; the copies carry slots 0 and 1.
    ms.MidiSendIm(app, makeEv(ms, typeKeyOn, [], { port: 6 }));
    ms.advance(1);
    assert.deepEqual(received(ms, d), [`0/${app}`, `1/${app}`]);
  });
  await t.step("all 64 slots of a driver are routed", () => {
    const ms = newKernel();
    const app = ms.MidiOpen("app"), l = ms.MidiOpen("l");
    ms.MidiConnect(app, 0, true);
    ms.MidiConnect(0, l, true);
    const d = connectedDriver(ms, "d");
    for (let k = 0; k < 64; k++) {
      const s = ms.MidiAddSlot(d, `s${k}`, MidiInputOutputSlot);
      ms.MidiConnectSlot(1, s, true);
      ms.MidiConnectSlot(100 + k, s, true);
    }
    ms.MidiSendIm(app, makeEv(ms, typeKeyOn, [], { port: 1 }));
    ms.advance(1);
    const ports = drain(ms, d).map((e) => e.port).sort((x, y) => x - y);
    assert.deepEqual(ports, Array.from({ length: 64 }, (_, k) => k));
    for (const k of [0, 31, 32, 63]) {
      ms.MidiSendIm(app, makeEv(ms, typeKeyOn, [], { port: 100 + k }));
      ms.advance(1);
      assert.deepEqual(received(ms, d), [`${k}/${app}`], `slot ${k}`);
    }
    for (let k = 0; k < 64; k++) {
      ms.MidiSendIm(d, makeEv(ms, typeKeyOn, [k], { port: k }));
    }
    ms.advance(1);
    const input = drain(ms, l);
    assert.equal(input.length, 128);
    for (let k = 0; k < 64; k++) {
      const ports = input.filter((e) => e.fields[0] === k).map((e) => e.port);
      assert.deepEqual(ports.sort((x, y) => x - y), [1, 100 + k], `slot ${k}`);
    }
  });
});
