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
  type MidiFilter,
  MIDIOpenAppl,
  typeCtrlChange,
  typeDead,
  typeKeyOn,
  typeNote,
  typePrivate,
  typeProgChange,
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
import type { MidiApi } from "./_subject.ts";

/** A filter accepting every port, type and channel. */
async function openFilter(ms: MidiApi): Promise<MidiFilter> {
  const f = await ms.MidiNewFilter();
  for (let i = 0; i < 256; i++) {
    await ms.MidiAcceptPort(f, i, true);
    await ms.MidiAcceptType(f, i, true);
  }
  for (let i = 0; i < 16; i++) await ms.MidiAcceptChan(f, i, true);
  return f;
}

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
      "MidiAvailEv() shows the oldest event as a read-only handle that MidiGetEv() then returns owned",
    async fn(s) {
      const [a, b] = await openAll(s, "a", "b");
      await s.ms.MidiConnect(a!, b!, true);
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      for (const tag of [1, 2, 3]) {
        await s.ms.MidiSendAt(
          a!,
          await newEvent(s.ms, typeKeyOn, [tag, 1]),
          date,
        );
      }
      await s.settle(LEAD_MS + 1);
      assert.equal(await s.ms.MidiCountEvs(b!), 3);
      const queued = await s.ms.MidiAvailEv(b!);
      assert.ok(queued !== null);
      assert.equal(await s.ms.MidiGetField(queued, 0), 1);
      assert.equal(await s.ms.MidiCountFields(queued), 2);
      const copy = await s.ms.MidiCopyEv(queued);
      await assertMidiShareError(
        () => s.ms.MidiSetField(queued, 0, 9),
        "READONLY",
      );
      await assertMidiShareError(() => s.ms.MidiFreeEv(queued), "READONLY");
      await assertMidiShareError(() => s.ms.MidiSendIm(a!, queued), "READONLY");
      await assertMidiShareError(() => {
        queued.date = 5;
      }, "READONLY");
      assert.equal(await s.ms.MidiCountEvs(b!), 3);
      const owned = await s.ms.MidiGetEv(b!);
      assert.equal(owned, queued);
      await s.ms.MidiSetField(owned, 0, 9);
      await s.ms.MidiFreeEv(owned);
      await s.ms.MidiFreeEv(copy);
      const next = await s.ms.MidiAvailEv(b!);
      assert.ok(next !== null);
      await s.ms.MidiFlushEvs(b!);
      assert.equal(await s.ms.MidiCountEvs(b!), 0);
      assert.equal(await s.ms.MidiAvailEv(b!), null);
      assert.equal(await s.ms.MidiGetEv(b!), null);
      await assertMidiShareError(() => next.date, "DEAD");
      await closeAll(s, a!, b!);
    },
  },
  {
    name:
      "MidiGetEv() and the other receiving calls see nothing for refnum 0 or a free refnum",
    async fn(s) {
      const [a] = await openAll(s, "a");
      for (const ref of [0, 99, 127]) {
        assert.equal(await s.ms.MidiCountEvs(ref), 0);
        assert.equal(await s.ms.MidiGetEv(ref), null);
        assert.equal(await s.ms.MidiAvailEv(ref), null);
        await s.ms.MidiFlushEvs(ref);
      }
      await assertThrows(() => s.ms.MidiGetEv("a" as never), TypeError);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiSetRcvAlarm() alarms run once per tick after all of its events are queued, and not again for events left waiting",
    async fn(s) {
      const [a, b] = await openAll(s, "a", "b");
      await s.ms.MidiConnect(a!, b!, true);
      const seen: number[] = [];
      await s.ms.MidiSetRcvAlarm(b!, (ref) => {
        seen.push(s.ms.MidiCountEvs(ref));
      });
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      for (const d of [date, date, date, date + 5, date + 5]) {
        await s.ms.MidiSendAt(a!, await newEvent(s.ms, typeKeyOn), d);
      }
      await s.settle(LEAD_MS + 10);
      assert.deepEqual(seen, [3, 5]);
      // Installing another alarm does not call it for the events already waiting.
      const late: number[] = [];
      await s.ms.MidiSetRcvAlarm(b!, (ref) => late.push(ref));
      await s.settle(5);
      assert.deepEqual(late, []);
      await s.ms.MidiFlushEvs(b!);
      await closeAll(s, a!, b!);
    },
  },
  {
    name:
      "MidiNewFilter() rejects everything until MidiAcceptPort(), MidiAcceptChan() and MidiAcceptType() set bits that MidiIsAccepted*() read",
    async fn(s) {
      const f = await s.ms.MidiNewFilter();
      for (let i = 0; i < 256; i++) {
        assert.equal(await s.ms.MidiIsAcceptedPort(f, i), false);
        assert.equal(await s.ms.MidiIsAcceptedType(f, i), false);
      }
      for (let i = 0; i < 16; i++) {
        assert.equal(await s.ms.MidiIsAcceptedChan(f, i), false);
      }
      await s.ms.MidiAcceptPort(f, 3, true);
      await s.ms.MidiAcceptChan(f, 15, true);
      await s.ms.MidiAcceptType(f, 255, 1 as never);
      await s.ms.MidiAcceptPort(f, 256, true);
      await s.ms.MidiAcceptChan(f, 16, true);
      await s.ms.MidiAcceptType(f, -1, true);
      const read = async () => [
        await s.ms.MidiIsAcceptedPort(f, 3),
        await s.ms.MidiIsAcceptedPort(f, 2),
        await s.ms.MidiIsAcceptedPort(f, 256),
        await s.ms.MidiIsAcceptedChan(f, 15),
        await s.ms.MidiIsAcceptedChan(f, 16),
        await s.ms.MidiIsAcceptedType(f, 255),
        await s.ms.MidiIsAcceptedType(f, -1),
        await s.ms.MidiIsAcceptedPort(f, 0),
        await s.ms.MidiIsAcceptedChan(f, 0),
      ];
      assert.deepEqual(await read(), [
        true,
        false,
        false,
        true,
        false,
        true,
        false,
        false,
        false,
      ]);
      await s.ms.MidiAcceptPort(f, 3, false);
      await s.ms.MidiAcceptChan(f, 15, false);
      await s.ms.MidiAcceptType(f, 255, false);
      assert.deepEqual(await read(), Array(9).fill(false));
      await assertThrows(
        () => s.ms.MidiAcceptPort(null as never, 1, true),
        TypeError,
      );
      await assertThrows(
        () => s.ms.MidiIsAcceptedType({} as never, 1),
        TypeError,
      );
      await assertThrows(
        () => s.ms.MidiAcceptChan(f, "1" as never, true),
        TypeError,
      );
      await s.ms.MidiFreeFilter(f);
      await assertMidiShareError(() => s.ms.MidiAcceptChan(f, 1, true), "DEAD");
      await assertMidiShareError(() => s.ms.MidiIsAcceptedChan(f, 1), "DEAD");
      await assertMidiShareError(() => s.ms.MidiFreeFilter(f), "DEAD");
      await assertThrows(() => s.ms.MidiFreeFilter(3 as never), TypeError);
    },
  },
  {
    name:
      "MidiSetFilter() lets events through when their port and type bits are set, and the channel bit for types 0..7 only",
    async fn(s) {
      const [a, b] = await openAll(s, "a", "b");
      await s.ms.MidiConnect(a!, b!, true);
      const f = await s.ms.MidiNewFilter();
      await s.ms.MidiAcceptPort(f, 1, true);
      await s.ms.MidiAcceptChan(f, 2, true);
      for (const t of [typeKeyOn, typeCtrlChange, typeSysEx]) {
        await s.ms.MidiAcceptType(f, t, true);
      }
      await s.ms.MidiSetFilter(b!, f);
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      const tries: [number, number, number][] = [
        // type, port, chan; the tag is the index
        [typeKeyOn, 1, 2],
        [typeKeyOn, 1, 3],
        [typeKeyOn, 2, 2],
        [typeProgChange, 1, 2],
        [typeSysEx, 1, 5],
        [typeCtrlChange, 1, 0x12],
      ];
      for (const [tag, [type, port, chan]] of tries.entries()) {
        await s.ms.MidiSendAt(
          a!,
          await newEvent(s.ms, type, [tag], { port, chan }),
          date,
        );
      }
      await s.settle(LEAD_MS + 1);
      const got = await takeAll(s.ms, b!);
      assert.deepEqual(got.map((e) => e.fields[0]), [0, 4, 5]);
      await s.ms.MidiSetFilter(b!, null);
      await s.ms.MidiFreeFilter(f);
      await closeAll(s, a!, b!);
    },
  },
  {
    name:
      "MidiAcceptType() on a filter installed on two applications applies to later events without MidiSetFilter() again",
    async fn(s) {
      const [a, b, c] = await openAll(s, "a", "b", "c");
      await s.ms.MidiConnect(a!, b!, true);
      await s.ms.MidiConnect(a!, c!, true);
      const f = await openFilter(s.ms);
      await s.ms.MidiSetFilter(b!, f);
      await s.ms.MidiSetFilter(c!, f);
      const send = async (tag: number) => {
        await s.ms.MidiSendIm(a!, await newEvent(s.ms, typeKeyOn, [tag, 1]));
        await s.settle(1);
      };
      await send(1);
      await s.ms.MidiAcceptType(f, typeKeyOn, false);
      await send(2);
      await s.ms.MidiAcceptType(f, typeKeyOn, true);
      await send(3);
      for (const ref of [b!, c!]) {
        assert.deepEqual((await takeAll(s.ms, ref)).map((e) => e.fields[0]), [
          1,
          3,
        ]);
      }
      await s.ms.MidiSetFilter(b!, null);
      await s.ms.MidiSetFilter(c!, null);
      await s.ms.MidiFreeFilter(f);
      await closeAll(s, a!, b!, c!);
    },
  },
  {
    name:
      "MidiSetRcvAlarm() alarms are not called for tasks or DTasks, and one that throws is called again at the next delivery",
    async fn(s) {
      const [a, b] = await openAll(s, "a", "b");
      await s.ms.MidiConnect(a!, b!, true);
      const calls: number[] = [];
      await s.ms.MidiSetRcvAlarm(a!, (ref) => calls.push(ref));
      await s.ms.MidiSetRcvAlarm(b!, (ref) => {
        calls.push(ref);
        throw new Error("a receive alarm failing on purpose");
      });
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      await s.ms.MidiTask(() => {}, date, a!);
      await s.ms.MidiDTask(() => {}, date, a!);
      await s.ms.MidiSendAt(a!, await newEvent(s.ms, typeKeyOn), date);
      await s.ms.MidiSendAt(a!, await newEvent(s.ms, typeKeyOn), date + 2);
      await s.settle(LEAD_MS + 3);
      assert.deepEqual(calls, [b, b]);
      assert.equal(await s.ms.MidiCountDTasks(a!), 1);
      assert.equal(await s.ms.MidiCountEvs(b!), 2);
      await closeAll(s, a!, b!);
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
  {
    name:
      "MidiSetRcvAlarm() alarms of a tick run after every delivery of that tick to the client, for all its applications",
    async fn(s) {
      const [a, b, c] = await openAll(s, "a", "b", "c");
      await s.ms.MidiConnect(a!, b!, true);
      await s.ms.MidiConnect(a!, c!, true);
      const seen: number[][] = [];
      const alarm = () => {
        seen.push([s.ms.MidiCountEvs(b!), s.ms.MidiCountEvs(c!)]);
      };
      await s.ms.MidiSetRcvAlarm(b!, alarm);
      await s.ms.MidiSetRcvAlarm(c!, alarm);
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      await s.ms.MidiSendAt(a!, await newEvent(s.ms, typeKeyOn), date);
      await s.ms.MidiSendAt(a!, await newEvent(s.ms, typeKeyOn), date);
      await s.settle(LEAD_MS + 1);
      assert.deepEqual(seen, [[2, 2], [2, 2]]);
      await closeAll(s, a!, b!, c!);
    },
  },
];
