/**
 * Contract cases: the life cycle of handles and pools, integer arguments, and what a
 * client's memory pays for events (spec §1.3, §1.4, §4.2, §6.2, §7.2, §7.8). Private
 * to `tests/contract/`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { type MidiEv, typeKeyOn, typeSysEx } from "@midishare/client";
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

/** Cases about life cycles and numbers. */
export const lifeCycleCases: ContractCase[] = [
  {
    name:
      "MidiClose() of the client's last application kills every handle of its pool, a driver keeping it alive",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const e = await newEvent(s.ms, typeKeyOn, [1, 2]);
      await s.ms.MidiClose(a!);
      await assertMidiShareError(() => e.date, "DEAD");
      await assertMidiShareError(() => s.ms.MidiFreeEv(e), "DEAD");
      const d = await s.ms.MidiRegisterDriver(
        { name: "keeper", version: 1 },
        {},
      );
      // Registering a driver activates the pool, even while MidiShare is dormant.
      const early = await s.ms.MidiNewEv(typeKeyOn);
      assert.ok(early !== null);
      await s.ms.MidiFreeEv(early);
      const [b] = await openAll(s, "b");
      const kept = await newEvent(s.ms, typeKeyOn, [3, 4]);
      await s.ms.MidiClose(b!);
      assert.equal(await s.ms.MidiGetField(kept, 0), 3);
      await s.ms.MidiFreeEv(kept);
      await s.ms.MidiUnregisterDriver(d);
    },
  },
  {
    name:
      "MidiClose() kills the handles of the application's waiting events, but not the events already taken out",
    async fn(s) {
      const [a, b] = await openAll(s, "a", "b");
      await s.ms.MidiConnect(a!, b!, true);
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      for (const tag of [1, 2]) {
        await s.ms.MidiSendAt(
          a!,
          await newEvent(s.ms, typeKeyOn, [tag, 0]),
          date,
        );
      }
      await s.settle(LEAD_MS + 1);
      const taken = await s.ms.MidiGetEv(b!);
      const waiting = await s.ms.MidiAvailEv(b!);
      assert.ok(taken !== null && waiting !== null);
      const free = await s.ms.MidiFreeSpace();
      await s.ms.MidiClose(b!);
      assert.equal(await s.ms.MidiFreeSpace(), free + 1);
      assert.equal(await s.ms.MidiGetEv(b!), null);
      await assertMidiShareError(() => waiting.date, "DEAD");
      assert.equal(await s.ms.MidiGetField(taken, 0), 1);
      await s.ms.MidiFreeEv(taken);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiSendAt() gives the sender's cells back at once, and each delivered copy takes cells from its receiver",
    async fn(s) {
      const [a, b, c] = await openAll(s, "a", "b", "c");
      await s.ms.MidiConnect(a!, b!, true);
      await s.ms.MidiConnect(a!, c!, true);
      const free = await s.ms.MidiFreeSpace();
      const e = await newEvent(s.ms, typeSysEx, Array(30).fill(5));
      assert.equal(await s.ms.MidiFreeSpace(), free - 4);
      await s.ms.MidiSendAt(a!, e, await s.ms.MidiGetTime() + LEAD_MS);
      assert.equal(await s.ms.MidiFreeSpace(), free);
      await s.settle(LEAD_MS + 1);
      assert.equal(await s.ms.MidiFreeSpace(), free - 8);
      const got = await takeAll(s.ms, b!);
      assert.equal(got[0]?.fields.length, 30);
      await s.ms.MidiFlushEvs(c!);
      assert.equal(await s.ms.MidiFreeSpace(), free);
      await closeAll(s, a!, b!, c!);
    },
  },
  {
    name:
      "MidiSendAt() loses the copy of a receiver whose pool is exhausted, and only that copy",
    async fn(s) {
      await using peer = await s.peer("peer");
      const [a, b] = await openAll(s, "a", "b");
      const p = await peer.call("MidiOpen", "p") as number;
      await peer.collect(p);
      await s.ms.MidiConnect(a!, b!, true);
      await s.ms.MidiConnect(a!, p, true);
      const e = await newEvent(s.ms, typeKeyOn, [60, 1]);
      const cells: MidiEv[] = [];
      for (
        let c = await s.ms.MidiNewCell();
        c !== null;
        c = await s.ms.MidiNewCell()
      ) {
        cells.push(c);
      }
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      await s.ms.MidiSendAt(a!, e, date);
      // Sending gave the event's cell back: take it too.
      const last = await s.ms.MidiNewCell();
      assert.ok(last !== null);
      cells.push(last);
      assert.equal(await s.ms.MidiFreeSpace(), 0);
      await s.settle(LEAD_MS + 1);
      assert.equal(await s.ms.MidiCountEvs(b!), 0);
      assert.deepEqual(
        (await peer.received()).map((x) => [x.date, x.refNum]),
        [[date, a]],
      );
      for (const c of cells) await s.ms.MidiFreeCell(c);
      await closeAll(s, a!, b!);
    },
  },
  {
    name:
      "MidiGetName() and the other calls truncate integer arguments toward zero and wrap them to their C width",
    async fn(s) {
      const [a, b] = await openAll(s, "a", "b");
      assert.equal(await s.ms.MidiGetIndAppl(1.9), 0);
      assert.equal(await s.ms.MidiGetName(a! + 65_536), "a");
      assert.equal(await s.ms.MidiGetName(a! + 0.7), "a");
      await s.ms.MidiConnect(a!, b! - 65_536, 1 as never);
      assert.equal(await s.ms.MidiIsConnected(a!, b!), true);
      await s.ms.MidiConnect(a!, b!, 0 as never);
      assert.equal(await s.ms.MidiIsConnected(a!, b!), false);
      await s.ms.MidiConnect(a!, b!, true);
      const date = await s.ms.MidiGetTime() + LEAD_MS;
      await s.ms.MidiSendAt(
        a!,
        await newEvent(s.ms, typeKeyOn),
        date + 2 ** 32,
      );
      await s.settle(LEAD_MS + 1);
      assert.deepEqual((await takeAll(s.ms, b!)).map((e) => e.date), [date]);
      await assertThrows(() => s.ms.MidiGetName(Infinity), TypeError);
      await assertThrows(() => s.ms.MidiGetIndAppl(NaN), TypeError);
      await assertThrows(() => s.ms.MidiGetName(1n as never), TypeError);
      await closeAll(s, a!, b!);
    },
  },
];
