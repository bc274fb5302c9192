// Several in-process clients of one kernel: a killed client's applications and
// drivers closed by disconnect() (spec §9).

import assert from "node:assert/strict";
import { MIDICloseAppl, MIDICloseDriver, typeKeyOn } from "./mod.ts";
import { makeEv } from "./_test_util.ts";

import { sorted, twoClients, watch } from "./_clients_test_util.ts";

Deno.test("disconnect() closes a killed client's applications and drivers (§9)", async (t) => {
  await t.step(
    "same alarms as the calls, connections and pending items gone",
    () => {
      const { ms, other: killed } = twoClients();
      const o = ms.MidiOpen("o");
      const log = watch(ms, o);
      const k1 = killed.MidiOpen("k1"), k2 = killed.MidiOpen("k2");
      const kd = killed.MidiRegisterDriver({ name: "kd", version: 1 }, {});
      killed.MidiConnect(kd, 127, true);
      killed.MidiConnect(127, kd, true);
      ms.MidiConnect(o, k1, true);
      ms.MidiConnect(k1, o, true);
      ms.MidiConnect(k2, k2, true);
      ms.advance(2);
      const pending = ms.server.pendingCount, used = ms.server.pool.used;
      let ran = false;
      killed.MidiSendAt(k1, makeEv(killed, typeKeyOn, [1]), 10);
      killed.MidiSendAt(kd, makeEv(killed, typeKeyOn, [2]), 10);
      killed.MidiTask(() => ran = true, 10, k2);
      killed.MidiDTask(() => ran = true, 10, kd);
      assert.equal(ms.server.pendingCount, pending + 4);
      assert.ok(ms.server.pool.used > used);
      log.length = 0;

      killed.disconnect();
      assert.deepEqual(sorted(log), [
        [k1, MIDICloseAppl],
        [k2, MIDICloseAppl],
        [kd, MIDICloseDriver],
      ]);
      assert.equal(ms.server.pendingCount, pending);
      assert.equal(ms.server.pool.used, used);
      assert.equal(ms.MidiCountAppls(), 2);
      assert.equal(ms.MidiCountDrivers(), 1);
      for (const r of [k1, k2, kd]) assert.equal(ms.MidiGetName(r), null);
      assert.equal(ms.MidiIsConnected(o, k1), false);
      ms.advance(20);
      assert.equal(ms.MidiCountEvs(o), 0);
      assert.equal(ran, false);
      const reused = ms.MidiOpen("reused");
      assert.equal(reused, k1);
      assert.equal(ms.MidiIsConnected(o, reused), false);
      assert.equal(ms.MidiIsConnected(reused, o), false);
    },
  );
  await t.step("a killed client's callbacks never run again", () => {
    const { ms, other: killed } = twoClients();
    ms.MidiOpen("o");
    const k1 = killed.MidiOpen("k1"), k2 = killed.MidiOpen("k2");
    const kd = killed.MidiRegisterDriver({ name: "kd", version: 1 }, {});
    const calls: string[] = [];
    const alarm = (r: number, code: number) =>
      calls.push(`alarm of ${r}: R=${code >> 16} change=${code & 0xffff}`);
    killed.MidiSetApplAlarm(k2, alarm);
    killed.MidiSetApplAlarm(kd, alarm);
    killed.MidiSetRcvAlarm(k2, (r) => calls.push(`rcv ${r}`));
    void k1;
    killed.disconnect();
    ms.advance(2);
    assert.deepEqual(calls, []);
  });
  await t.step("the last application's client: MidiShare goes dormant", () => {
    const { ms, other: killed } = twoClients();
    const slept: number[] = [];
    const d = ms.MidiRegisterDriver({ name: "d", version: 1 }, {
      sleep: (r) => slept.push(r),
    });
    killed.MidiOpen("only");
    killed.MidiSendAt(1, makeEv(killed, typeKeyOn), 50);
    ms.advance(5);
    killed.disconnect();
    assert.equal(ms.server.isAwake, false);
    assert.equal(ms.MidiCountAppls(), 0);
    assert.equal(ms.MidiCountDrivers(), 1);
    assert.equal(ms.MidiGetName(0), null);
    assert.equal(ms.MidiGetName(127), null);
    assert.deepEqual(slept, [d]);
    assert.equal(ms.server.pendingCount, 0);
    assert.notEqual(
      ms.MidiNewEv(typeKeyOn),
      null,
      "the driver's pool is active",
    );
    ms.MidiOpen("new");
    assert.equal(ms.MidiGetTime(), 0);
  });
  await t.step(
    "disconnect() twice or of an idle client changes nothing",
    () => {
      const { ms, other } = twoClients();
      const o = ms.MidiOpen("o");
      const log = watch(ms, o);
      other.disconnect();
      other.disconnect();
      const idle = ms.connectClient();
      idle.disconnect();
      assert.deepEqual(log, []);
      assert.equal(ms.MidiCountAppls(), 2);
    },
  );
});
