/**
 * Contract cases: connections, sending, receiving and filters (spec §5, §6, §7.6,
 * §7.12, §7.13, §7.16). Private to `tests/contract/`.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  MIDIChgConnect,
  MIDICloseAppl,
  MIDIOpenAppl,
  typeDead,
  typeKeyOn,
  typeNote,
  typePrivate,
  typeSysEx,
} from "@midishare/client";
import {
  assertMidiShareError,
  assertThrows,
  closeAll,
  code,
  type ContractCase,
  LEAD_MS,
  newEvent,
  openAll,
  takeAll,
  watchAlarms,
} from "./_case_kit.ts";

/** Cases about connections, sending, receiving and filters. */
export const routingCases: ContractCase[] = [
  {
    name:
      "MidiConnect() makes a directed connection that MidiIsConnected() reports, with MIDIChgConnect only on change",
    async fn(s) {
      const [a, b] = await openAll(s, "a", "b");
      const alarms = await watchAlarms(s.ms, a!);
      await s.ms.MidiConnect(a!, b!, true);
      await s.ms.MidiConnect(a!, b!, true);
      assert.equal(await s.ms.MidiIsConnected(a!, b!), true);
      assert.equal(await s.ms.MidiIsConnected(b!, a!), false);
      await s.ms.MidiConnect(b!, b!, true);
      assert.equal(await s.ms.MidiIsConnected(b!, b!), true);
      await s.ms.MidiConnect(a!, 99, true);
      assert.equal(await s.ms.MidiIsConnected(a!, 99), false);
      assert.equal(await s.ms.MidiIsConnected(99, a!), false);
      await s.ms.MidiConnect(a!, b!, false);
      await s.ms.MidiConnect(a!, b!, false);
      assert.equal(await s.ms.MidiIsConnected(a!, b!), false);
      await s.settle(0);
      assert.deepEqual(alarms.map((x) => x.code), [
        code(a!, MIDIChgConnect),
        code(b!, MIDIChgConnect),
        code(a!, MIDIChgConnect),
      ]);
      await assertThrows(
        () => s.ms.MidiConnect("1" as never, b!, true),
        TypeError,
      );
      await assertThrows(
        () => s.ms.MidiConnect(a!, b!, "yes" as never),
        TypeError,
      );
      await assertThrows(
        () => s.ms.MidiIsConnected(a!, null as never),
        TypeError,
      );
      await closeAll(s, a!, b!);
    },
  },
  {
    name:
      "MidiClose() removes the connections of an application without MIDIChgConnect",
    async fn(s) {
      const [a, b, c] = await openAll(s, "a", "b", "c");
      await s.ms.MidiConnect(a!, b!, true);
      await s.ms.MidiConnect(b!, c!, true);
      const alarms = await watchAlarms(s.ms, a!);
      await s.ms.MidiClose(b!);
      const [d] = await openAll(s, "d");
      assert.equal(d, b);
      assert.equal(await s.ms.MidiIsConnected(a!, d!), false);
      assert.equal(await s.ms.MidiIsConnected(d!, c!), false);
      await s.settle(0);
      assert.deepEqual(alarms.map((x) => x.code), [
        code(b!, MIDICloseAppl),
        code(d!, MIDIOpenAppl),
      ]);
      await closeAll(s, a!, c!, d!);
    },
  },
  {
    name:
      "MidiSendAt() delivers at the date to a connected application, with the sender's refnum, fields, port and chan",
    async fn(s) {
      const [a, b] = await openAll(s, "a", "b");
      await s.ms.MidiConnect(a!, b!, true);
      const arrivals: number[] = [];
      await s.ms.MidiSetRcvAlarm(b!, () => {
        arrivals.push(s.ms.MidiGetTime());
      });
      const e = await newEvent(s.ms, typeNote, [60, 100, 500], {
        port: 3,
        chan: 9,
      });
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      await s.ms.MidiSendAt(a!, e, date);
      await assertMidiShareError(() => e.date, "DEAD");
      assert.equal(await s.ms.MidiCountEvs(b!), 0);
      await s.settle(LEAD_MS + 1);
      assert.deepEqual(await takeAll(s.ms, b!), [{
        ref: b,
        type: typeNote,
        date,
        refNum: a,
        port: 3,
        chan: 9,
        fields: [60, 100, 500],
      }]);
      assert.equal(arrivals.length, 1);
      assert.ok(arrivals[0]! >= date, `arrived at ${arrivals[0]}, due ${date}`);
      assert.equal(await s.ms.MidiCountEvs(a!), 0);
      const bad = await newEvent(s.ms, typeKeyOn);
      await assertThrows(
        () => s.ms.MidiSendAt(a!, bad, "1" as never),
        TypeError,
      );
      await assertThrows(
        () => s.ms.MidiSendAt("a" as never, bad, 1),
        TypeError,
      );
      // The event was not sent: it is still the caller's.
      await s.ms.MidiFreeEv(bad);
      await s.ms.MidiSendAt(a!, null, 0);
      await closeAll(s, a!, b!);
    },
  },
  {
    name:
      "MidiSend() delivers at the event's own date, and a past date at the next tick keeping that date",
    async fn(s) {
      const [a, b] = await openAll(s, "a", "b");
      await s.ms.MidiConnect(a!, b!, true);
      await s.settle(20);
      const now = await s.ms.MidiGetTime();
      const future = await newEvent(s.ms, typeKeyOn, [1, 1], {
        date: now + LEAD_MS,
      });
      const past = await newEvent(s.ms, typeKeyOn, [2, 1], { date: now - 10 });
      await s.ms.MidiSend(a!, future);
      await s.ms.MidiSend(a!, past);
      await s.ms.MidiSend(a!, null);
      await s.settle(LEAD_MS + 1);
      const got = await takeAll(s.ms, b!);
      assert.deepEqual(got.map((e) => [e.fields[0], e.date]), [
        [2, now - 10],
        [1, now + LEAD_MS],
      ]);
      await assertMidiShareError(() => s.ms.MidiSend(a!, past), "DEAD");
      await closeAll(s, a!, b!);
    },
  },
  {
    name:
      "MidiSendIm() delivers at the next tick, not within the call, dated with the current time of MidiShare",
    async fn(s) {
      const [a, b] = await openAll(s, "a", "b");
      await s.ms.MidiConnect(a!, b!, true);
      await s.settle(5);
      const before = await s.ms.MidiGetTime();
      await s.ms.MidiSendIm(a!, await newEvent(s.ms, typeKeyOn, [60, 1]));
      const after = await s.ms.MidiGetTime();
      assert.equal(await s.ms.MidiCountEvs(b!), 0);
      await s.settle(1);
      const got = await takeAll(s.ms, b!);
      assert.equal(got.length, 1);
      // The current time at the server (spec §7.12), which a client process reads
      // from its own clock.
      const latest = after + s.clockToleranceMs;
      assert.ok(
        got[0]!.date >= before && got[0]!.date <= latest,
        `date ${got[0]!.date} outside ${before}..${latest}`,
      );
      await s.ms.MidiSendIm(a!, null);
      await closeAll(s, a!, b!);
    },
  },
  {
    name:
      "MidiSendAt() delivers events in date order, and equal dates in send order",
    async fn(s) {
      const [a, b] = await openAll(s, "a", "b");
      await s.ms.MidiConnect(a!, b!, true);
      const base = await s.ms.MidiGetTime() + LEAD_MS;
      const offsets = [3, 1, 2, 1, 3, 0, 2, 1, 0, 3];
      for (const [tag, offset] of offsets.entries()) {
        await s.ms.MidiSendAt(
          a!,
          await newEvent(s.ms, typeKeyOn, [tag, 1]),
          base + offset,
        );
      }
      await s.settle(LEAD_MS + 4);
      const got = await takeAll(s.ms, b!);
      const expected = [...offsets.entries()]
        .sort(([t1, o1], [t2, o2]) => o1 - o2 || t1 - t2)
        .map(([tag, offset]) => [tag, base + offset]);
      assert.deepEqual(got.map((e) => [e.fields[0], e.date]), expected);
      await closeAll(s, a!, b!);
    },
  },
  {
    name:
      "MidiSendAt() gives every destination its own copy, and the sent handle is dead",
    async fn(s) {
      const [a, b, c] = await openAll(s, "a", "b", "c");
      await s.ms.MidiConnect(a!, b!, true);
      await s.ms.MidiConnect(a!, c!, true);
      const e = await newEvent(s.ms, typeSysEx, [1, 2, 3]);
      await s.ms.MidiSendAt(a!, e, await s.ms.MidiGetTime());
      await assertMidiShareError(() => s.ms.MidiFreeEv(e), "DEAD");
      await s.settle(1);
      const forB = await s.ms.MidiGetEv(b!);
      const forC = await s.ms.MidiGetEv(c!);
      assert.ok(forB !== null && forC !== null && forB !== forC);
      const dateOfC = forC.date;
      await s.ms.MidiSetField(forB, 0, 100);
      forB.port = 50;
      forB.date += 1000;
      await s.ms.MidiFreeEv(forB);
      assert.deepEqual(
        [forC.port, await s.ms.MidiGetField(forC, 0), forC.refNum],
        [0, 1, a],
      );
      assert.equal(forC.date, dateOfC);
      await s.ms.MidiFreeEv(forC);
      await closeAll(s, a!, b!, c!);
    },
  },
  {
    name:
      "MidiSendAt() delivers a private event to its sender only, unfiltered, and never a typeDead event",
    async fn(s) {
      const [a, b] = await openAll(s, "a", "b");
      await s.ms.MidiConnect(a!, b!, true);
      const closed = await s.ms.MidiNewFilter();
      await s.ms.MidiSetFilter(a!, closed);
      let alarms = 0;
      await s.ms.MidiSetRcvAlarm(a!, () => alarms++);
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      await s.ms.MidiSendAt(
        a!,
        await newEvent(s.ms, typePrivate + 1, [1, -2, 3, 4]),
        date,
      );
      await s.ms.MidiSendAt(a!, await newEvent(s.ms, typeDead), date);
      await s.settle(LEAD_MS + 1);
      assert.deepEqual(await takeAll(s.ms, a!), [{
        ref: a,
        type: typePrivate + 1,
        date,
        refNum: a,
        port: 0,
        chan: 0,
        fields: [1, -2, 3, 4],
      }]);
      assert.equal(alarms, 1);
      assert.equal(await s.ms.MidiCountEvs(b!), 0);
      await s.ms.MidiSetFilter(a!, null);
      await s.ms.MidiFreeFilter(closed);
      await closeAll(s, a!, b!);
    },
  },
  {
    name:
      "MidiClose() drops the pending sends of the application: nothing reaches its destinations",
    async fn(s) {
      const [a, b] = await openAll(s, "a", "b");
      await s.ms.MidiConnect(a!, b!, true);
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      await s.ms.MidiSendAt(a!, await newEvent(s.ms, typeKeyOn), date);
      await s.ms.MidiSendAt(a!, await newEvent(s.ms, typeKeyOn), date + 1);
      // (A MidiSendIm right before the close may or may not be dispatched first
      // through a socket: the spec only drops what is not dispatched yet.)
      await s.ms.MidiClose(a!);
      await s.settle(LEAD_MS + 1);
      assert.equal(await s.ms.MidiCountEvs(b!), 0);
      await closeAll(s, b!);
    },
  },
  {
    name:
      "MidiSendAt() with the refnum plus 128 delivers straight to that refnum, ignoring its connections and filter",
    async fn(s) {
      const [a, b] = await openAll(s, "a", "b");
      await s.ms.MidiConnect(a!, b!, true);
      await s.ms.MidiSetFilter(a!, await s.ms.MidiNewFilter());
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      await s.ms.MidiSendAt(
        a! + 128,
        await newEvent(s.ms, typeKeyOn, [1, 2]),
        date,
      );
      await s.settle(LEAD_MS + 1);
      const got = await takeAll(s.ms, a!);
      assert.deepEqual(got.map((e) => [e.date, e.refNum & 0x7f, e.fields]), [[
        date,
        a,
        [1, 2],
      ]]);
      assert.equal(await s.ms.MidiCountEvs(b!), 0);
      const f = await s.ms.MidiGetFilter(a!);
      await s.ms.MidiSetFilter(a!, null);
      await s.ms.MidiFreeFilter(f!);
      await closeAll(s, a!, b!);
    },
  },
];
