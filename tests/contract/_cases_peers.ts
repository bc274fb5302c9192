/**
 * Contract cases that need two programs: a second client of the same MidiShare
 * (spec §4, §6.4, §9). Private to `tests/contract/`.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  MIDIChgConnect,
  MIDIChgName,
  MIDICloseAppl,
  MIDICloseDriver,
  MidiInputOutputSlot,
  MIDIOpenAppl,
  typeKeyOn,
  typeNote,
} from "@midishare/client";
import {
  closeAll,
  code,
  type ContractCase,
  LEAD_MS,
  newEvent,
  openAll,
  settlePast,
  takeAll,
  watchAlarms,
} from "./_case_kit.ts";

/** Cases with a second program. */
export const peerCases: ContractCase[] = [
  {
    name:
      "MidiSendAt() reaches an application of another client at its date, and MidiCountAppls() follows that client",
    async fn(s) {
      await using peer = await s.peer("peer");
      const [a] = await openAll(s, "a");
      const p = await peer.call("MidiOpen", "p") as number;
      await s.settle(0);
      assert.equal(await s.ms.MidiCountAppls(), 3);
      await peer.collect(p);
      await s.ms.MidiConnect(a!, p, true);
      await s.ms.MidiConnect(p, a!, true);
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      await s.ms.MidiSendAt(
        a!,
        await newEvent(s.ms, typeNote, [60, 90, 250], { port: 4, chan: 2 }),
        date,
      );
      await peer.send(p, {
        type: typeKeyOn,
        fields: [61, 91],
        port: 5,
        chan: 3,
      }, date + 1);
      await s.settle(LEAD_MS + 2);
      assert.deepEqual(await peer.received(), [
        {
          ref: p,
          type: typeNote,
          date,
          refNum: a,
          port: 4,
          chan: 2,
          fields: [60, 90, 250],
        },
      ]);
      assert.deepEqual(await takeAll(s.ms, a!), [
        {
          ref: a,
          type: typeKeyOn,
          date: date + 1,
          refNum: p,
          port: 5,
          chan: 3,
          fields: [61, 91],
        },
      ]);
      await peer.call("MidiClose", p);
      await s.settle(0);
      assert.equal(await s.ms.MidiCountAppls(), 2);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiClose(), MidiSetInfo(), MidiTask() and the receiving calls treat an application of another client as a bad refnum",
    async fn(s) {
      await using peer = await s.peer("peer");
      const [a] = await openAll(s, "a");
      const p = await peer.call("MidiOpen", "p") as number;
      await s.ms.MidiConnect(a!, p, true);
      await s.ms.MidiSendIm(a!, await newEvent(s.ms, typeKeyOn));
      await s.settle(2);
      await s.ms.MidiClose(p);
      await s.ms.MidiSetInfo(p, "mine");
      await s.ms.MidiSetRcvAlarm(p, () => {});
      await s.settle(0);
      assert.equal(await s.ms.MidiGetName(p), "p");
      assert.equal(await s.ms.MidiGetInfo(p), null);
      assert.equal(await s.ms.MidiGetRcvAlarm(p), null);
      assert.equal(await s.ms.MidiCountEvs(p), 0);
      assert.equal(await s.ms.MidiGetEv(p), null);
      assert.equal(await s.ms.MidiTask(() => {}, 0, p), null);
      assert.equal(await s.ms.MidiDTask(() => {}, 0, p), null);
      assert.equal(await s.ms.MidiGetFilter(p), null);
      assert.equal(await s.ms.MidiGetApplAlarm(p), null);
      assert.equal(await s.ms.MidiCountDTasks(p), 0);
      await s.ms.MidiFlushEvs(p);
      await s.ms.MidiExec1DTask(p);
      await s.ms.MidiFlushDTasks(p);
      await s.ms.MidiSetFilter(p, null);
      await s.ms.MidiSetApplAlarm(p, () => {});
      await s.settle(0);
      assert.equal(await peer.call("MidiCountEvs", p), 1);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiSetName() and MidiConnect() work on applications of another client, whose alarms hear them",
    async fn(s) {
      await using peer = await s.peer("peer");
      const p = await peer.call("MidiOpen", "p") as number;
      await peer.watchAlarms(p);
      const [a] = await openAll(s, "a");
      await s.ms.MidiSetName(p, "renamed");
      await s.ms.MidiConnect(p, a!, true);
      await s.settle(0);
      assert.equal(await peer.call("MidiGetName", p), "renamed");
      assert.equal(await peer.call("MidiIsConnected", p, a), true);
      assert.deepEqual(await peer.alarms(), [
        { ref: p, code: code(a!, MIDIOpenAppl) },
        { ref: p, code: code(p, MIDIChgName) },
        { ref: p, code: code(p, MIDIChgConnect) },
      ]);
      await s.ms.MidiClose(a!);
      await s.settle(0);
      assert.deepEqual(await peer.alarms(), [
        { ref: p, code: code(a!, MIDICloseAppl) },
      ]);
    },
  },
  {
    name:
      "MidiSendAt() with the refnum of another client's application routes through that application's connections",
    async fn(s) {
      await using peer = await s.peer("peer");
      const p = await peer.call("MidiOpen", "p") as number;
      const [b] = await openAll(s, "b");
      await s.ms.MidiConnect(p, b!, true);
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      await s.ms.MidiSendAt(p, await newEvent(s.ms, typeKeyOn, [7, 7]), date);
      await s.settle(LEAD_MS + 1);
      const got = await takeAll(s.ms, b!);
      assert.deepEqual(got.map((e) => [e.refNum, e.date, e.fields]), [[
        p,
        date,
        [7, 7],
      ]]);
      await closeAll(s, b!);
    },
  },
  {
    name:
      "MidiUnregisterDriver() ignores a driver of another client, whose slots any client may add and connect",
    async fn(s) {
      await using peer = await s.peer("peer");
      const [a] = await openAll(s, "a");
      const d = await peer.call("MidiRegisterDriver", {
        name: "theirs",
        version: 2,
      }, {}) as number;
      await s.ms.MidiUnregisterDriver(d);
      const slot = await s.ms.MidiAddSlot(d, "added", MidiInputOutputSlot);
      assert.deepEqual(slot, { drvRef: d, slotRef: 0 });
      await s.ms.MidiConnectSlot(12, slot, true);
      await s.settle(0);
      assert.equal(await s.ms.MidiIsSlotConnected(12, slot), true);
      assert.deepEqual(await s.ms.MidiGetDriverInfos(d), {
        name: "theirs",
        version: 2,
        slots: 1,
      });
      assert.equal(await s.ms.MidiCountDrivers(), 2);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiOpen() applications and drivers of a client that dies are closed by MidiShare, telling the others",
    async fn(s) {
      const peer = await s.peer("victim");
      await using _ = peer;
      const [a] = await openAll(s, "a");
      const alarms = await watchAlarms(s.ms, a!);
      const p = await peer.call("MidiOpen", "p") as number;
      const d = await peer.call(
        "MidiRegisterDriver",
        { name: "d", version: 1 },
        {},
      ) as number;
      await s.ms.MidiConnect(p, a!, true);
      await s.ms.MidiConnect(a!, p, true);
      // An event of the dying client still pending must never arrive.
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      await peer.send(p, { type: typeKeyOn, fields: [1, 1] }, date);
      await s.settle(0);
      alarms.length = 0;
      await peer.kill();
      await s.settle(0);
      assert.deepEqual(
        alarms.map((x) => x.code).sort(),
        [code(p, MIDICloseAppl), code(d, MIDICloseDriver)].sort(),
      );
      assert.equal(await s.ms.MidiIsConnected(a!, p), false);
      assert.equal(await s.ms.MidiCountAppls(), 2);
      assert.equal(await s.ms.MidiCountDrivers(), 1);
      await settlePast(s, date);
      assert.equal(await s.ms.MidiCountEvs(a!), 0);
      await closeAll(s, a!);
    },
  },
];
