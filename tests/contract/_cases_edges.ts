/**
 * Contract cases at the edges the spec settles: unsigned and wrap-safe dates, bit
 * fields, bad indexes on every type, handle kinds, folders (spec §3.3, §3.4, §4,
 * §5.3, §7.10, §7.15). Private to `tests/contract/`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { MidiInputSlot, typeKeyOn, typeSMPTEOffset } from "@midishare/client";
import {
  assertThrows,
  closeAll,
  type ContractCase,
  LEAD_MS,
  newEvent,
  openAll,
  takeAll,
} from "./_case_kit.ts";

/** Cases at the edges. */
export const edgeCases: ContractCase[] = [
  {
    name: "MidiAddSeq() orders dates as unsigned numbers, not wrap-safe ones",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const seq = await s.ms.MidiNewSeq();
      assert.ok(seq !== null);
      for (const date of [2 ** 32 - 1, 5, 2 ** 31, 2 ** 31 - 1]) {
        await s.ms.MidiAddSeq(
          seq,
          await newEvent(s.ms, typeKeyOn, [], { date }),
        );
      }
      const dates: number[] = [];
      await s.ms.MidiApplySeq(seq, (e) => dates.push(e.date));
      assert.deepEqual(dates, [5, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1]);
      await s.ms.MidiFreeSeq(seq);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiSendAt() counts a date more than 2^31 ms ahead as late: delivered at the next tick with that date",
    async fn(s) {
      const [a, b] = await openAll(s, "a", "b");
      await s.ms.MidiConnect(a!, b!, true);
      const now = await s.ms.MidiGetTime();
      const far = (now + 2 ** 31 + LEAD_MS) % 2 ** 32;
      await s.ms.MidiSendAt(a!, await newEvent(s.ms, typeKeyOn, [1, 1]), far);
      await s.settle(1);
      assert.deepEqual((await takeAll(s.ms, b!)).map((e) => e.date), [far]);
      await closeAll(s, a!, b!);
    },
  },
  {
    name:
      "MidiSetField() on a SMPTE offset keeps each field to its bits, leaving the others alone",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const widths = [2, 5, 6, 6, 5, 7];
      for (const [field, bits] of widths.entries()) {
        const e = await newEvent(s.ms, typeSMPTEOffset);
        await s.ms.MidiSetField(e, field, 0xffff);
        const read = [];
        for (let i = 0; i < 6; i++) read.push(await s.ms.MidiGetField(e, i));
        const expected = widths.map((_, i) => i === field ? 2 ** bits - 1 : 0);
        assert.deepEqual(read, expected, `field ${field}`);
        await s.ms.MidiFreeEv(e);
      }
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiGetField() reads 0 and MidiSetField() changes nothing past the last field, for every type",
    async fn(s) {
      const [a] = await openAll(s, "a");
      for (let type = 0; type < 152; type++) {
        if (type === 128 || type === 129) continue;
        const e = await newEvent(s.ms, type);
        const count = await s.ms.MidiCountFields(e);
        const before = [];
        for (let i = 0; i < count; i++) {
          await s.ms.MidiSetField(e, i, i + 1);
          before.push(await s.ms.MidiGetField(e, i));
        }
        await s.ms.MidiSetField(e, count, 99);
        await s.ms.MidiSetField(e, count + 1, 99);
        await s.ms.MidiSetField(e, -1, 99);
        const after = [];
        for (let i = 0; i < count; i++) {
          after.push(await s.ms.MidiGetField(e, i));
        }
        assert.deepEqual(after, before, `type ${type}`);
        assert.equal(await s.ms.MidiGetField(e, count), 0, `type ${type}`);
        assert.equal(await s.ms.MidiGetField(e, -1), 0, `type ${type}`);
        assert.equal(await s.ms.MidiCountFields(e), count, `type ${type}`);
        await s.ms.MidiFreeEv(e);
      }
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiForgetTask() throws a TypeError for a raw cell or a queued event, which are not tasks",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const cell = await s.ms.MidiNewCell();
      await assertThrows(() => s.ms.MidiForgetTask({ value: cell }), TypeError);
      await s.ms.MidiFreeCell(cell);
      await s.ms.MidiSendAt(a! + 128, await newEvent(s.ms, typeKeyOn), 0);
      await s.settle(1);
      const queued = await s.ms.MidiAvailEv(a!);
      assert.ok(queued !== null);
      assert.equal(queued.link, null);
      await assertThrows(
        () => s.ms.MidiForgetTask({ value: queued }),
        TypeError,
      );
      await s.ms.MidiFlushEvs(a!);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiConnect() refuses every connection across the application and driver folders, 0 and 127 included",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const d = await s.ms.MidiRegisterDriver({ name: "d", version: 1 }, {});
      await s.ms.MidiAddSlot(d, "s", MidiInputSlot);
      const pairs = [[0, d], [d, 0], [127, a!], [a!, 127], [0, 127], [127, 0]];
      for (const [src, dest] of pairs) {
        await s.ms.MidiConnect(src!, dest!, true);
        assert.equal(
          await s.ms.MidiIsConnected(src!, dest!),
          false,
          `${src} to ${dest}`,
        );
      }
      await s.ms.MidiUnregisterDriver(d);
      await closeAll(s, a!);
    },
  },
];
