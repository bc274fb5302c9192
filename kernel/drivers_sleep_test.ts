// Drivers: MidiClose() of the last application puts drivers to sleep (spec §8.4).

import assert from "node:assert/strict";
import { MidiInputSlot, MidiOutputSlot, typeKeyOn } from "./mod.ts";
import { makeEv, newKernel } from "./_test_util.ts";

import { connectedDriver, infos, received } from "./_drivers_test_util.ts";

Deno.test("MidiClose() of the last application puts drivers to sleep as in §8.4", async (t) => {
  await t.step(
    "connections, FIFO and ready DTasks lost; slots and mappings kept",
    () => {
      const ms = newKernel();
      let sleeps = 0;
      const d = ms.MidiRegisterDriver(infos("d"), { sleep: () => sleeps++ });
      const d2 = ms.MidiRegisterDriver(infos("d2"), {});
      const s0 = ms.MidiAddSlot(d, "s0", MidiOutputSlot);
      const s1 = ms.MidiAddSlot(d, "s1", MidiInputSlot);
      ms.MidiConnectSlot(5, s0, true);
      ms.MidiConnectSlot(8, s1, true);
      const baseline = ms.MidiFreeSpace();
      const app = ms.MidiOpen("app");
      ms.MidiConnect(app, 0, true);
      ms.MidiConnect(127, d, true);
      ms.MidiConnect(d, 127, true);
      ms.MidiConnect(d, d2, true);
      ms.MidiSendIm(app, makeEv(ms, typeKeyOn, [], { port: 5 }));
      ms.MidiDTask(() => {}, 0, d);
      let lateRan = false;
      ms.MidiDTask(() => lateRan = true, 50, d);
      ms.MidiTask(() => lateRan = true, 50, d);
      ms.advance(1);
      assert.equal(ms.MidiCountEvs(d), 1);
      assert.equal(ms.MidiCountDTasks(d), 1);
      const queued = ms.MidiAvailEv(d)!;
      const slotsBefore = [ms.MidiGetSlotInfos(s0), ms.MidiGetSlotInfos(s1)];

      ms.MidiClose(app);
      assert.equal(sleeps, 1);
      assert.equal(ms.MidiCountEvs(d), 0);
      assert.equal(ms.MidiCountDTasks(d), 0);
      assert.throws(() => queued.date, { code: "DEAD" });
      assert.equal(
        ms.MidiFreeSpace(),
        baseline,
        "cells of the FIFO and tasks back",
      );
      assert.equal(ms.server.pendingCount, 0);
      assert.deepEqual(
        [ms.MidiGetSlotInfos(s0), ms.MidiGetSlotInfos(s1)],
        slotsBefore,
      );
      assert.equal(ms.MidiGetDriverInfos(d)?.slots, 2);

      const again = ms.MidiOpen("again");
      assert.equal(ms.MidiIsConnected(127, d), false);
      assert.equal(ms.MidiIsConnected(d, 127), false);
      assert.equal(ms.MidiIsConnected(d, d2), false);
      assert.equal(ms.MidiIsSlotConnected(5, s0), true);
      assert.equal(ms.MidiIsSlotConnected(8, s1), true);
      ms.advance(60);
      assert.equal(lateRan, false);
      assert.equal(ms.MidiCountDTasks(d), 0);
      // The kept mapping routes again once the driver reconnects.
      ms.MidiConnect(again, 0, true);
      ms.MidiConnect(127, d, true);
      ms.MidiSendIm(again, makeEv(ms, typeKeyOn, [], { port: 5 }));
      ms.advance(1);
      assert.deepEqual(received(ms, d), [`0/${again}`]);
    },
  );
  await t.step(
    "a wakeup that reconnects restores the flow at every wake-up",
    () => {
      const ms = newKernel();
      const d = connectedDriver(ms, "d");
      const s = ms.MidiAddSlot(d, "s", MidiOutputSlot);
      ms.MidiConnectSlot(2, s, true);
      for (let round = 0; round < 3; round++) {
        const app = ms.MidiOpen("app");
        ms.MidiConnect(app, 0, true);
        ms.MidiSendIm(app, makeEv(ms, typeKeyOn, [], { port: 2 }));
        ms.advance(1);
        assert.deepEqual(received(ms, d), [`0/${app}`], `round ${round}`);
        ms.MidiClose(app);
      }
    },
  );
});
