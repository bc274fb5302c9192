/**
 * Contract cases: receiving, receive alarms and filters (spec §6.3, §6.5, §7.13,
 * §7.16). Private to `tests/contract/`.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  type MidiFilter,
  typeCtrlChange,
  typeKeyOn,
  typeProgChange,
  typeSysEx,
} from "@midishare/client";
import {
  assertMidiShareError,
  assertThrows,
  closeAll,
  type ContractCase,
  LEAD_MS,
  newEvent,
  openAll,
  takeAll,
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
/** Cases about receiving and filters. */
export const receivingCases: ContractCase[] = [
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
