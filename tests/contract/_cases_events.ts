/**
 * Contract cases: events and their fields, memory, sequences and mail boxes (spec §3,
 * §7.8 to §7.10, §7.14). Private to `tests/contract/`.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  type MidiEv,
  typeApplAlarm,
  typeCtrl14b,
  typeCtrlChange,
  typeKeyOn,
  typeKeySign,
  typeNote,
  typePrivate,
  typeSeqNum,
  typeSMPTEOffset,
  typeSysEx,
  typeTempo,
  typeText,
} from "@midishare/client";
import {
  assertMidiShareError,
  assertThrows,
  closeAll,
  type ContractCase,
  newEvent,
  openAll,
} from "./_case_kit.ts";

/** The fixed field count of every type (spec §2.1); variable types have 0 when new. */
function fieldCount(type: number): number {
  if (type === typeNote) return 3;
  if (type <= 4 || type === 7 || type === 8) return 2;
  if (type <= 9) return 1;
  if (type <= 18) return 0;
  if (type <= 129 || type === 255) return 4;
  const counts: Record<number, number> = {
    130: 2,
    131: 2,
    132: 2,
    133: 2,
    134: 1,
    142: 1,
    144: 1,
    145: 6,
    146: 4,
    147: 2,
    149: 1,
    151: 1,
  };
  return counts[type] ?? 0;
}

/** Cases about events, memory, sequences and mail boxes. */
export const eventCases: ContractCase[] = [
  {
    name:
      "MidiNewEv() gives refNum 255, date 0, link null and zero fields for every allocatable type, and null for 152..254 or outside 0..255",
    async fn(s) {
      const [a] = await openAll(s, "a");
      for (let type = 0; type < 256; type++) {
        const e = await s.ms.MidiNewEv(type);
        if (type >= 152 && type <= 254) {
          assert.equal(e, null, `type ${type}`);
          continue;
        }
        assert.ok(e !== null, `type ${type}`);
        assert.deepEqual(
          [e.evType, e.date, e.refNum, e.port, e.chan, e.link],
          [type, 0, 255, 0, 0, null],
        );
        assert.equal(
          await s.ms.MidiCountFields(e),
          fieldCount(type),
          `type ${type}`,
        );
        if (type < 128) {
          for (let i = 0; i < fieldCount(type); i++) {
            assert.equal(await s.ms.MidiGetField(e, i), 0);
          }
        }
        await s.ms.MidiFreeEv(e);
      }
      assert.equal(await s.ms.MidiNewEv(-1), null);
      assert.equal(await s.ms.MidiNewEv(256), null);
      await assertThrows(() => s.ms.MidiNewEv("1" as never), TypeError);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiSetField() truncates a value to the width of its field and MidiGetField() reads it back zero-extended",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const cases: [number, number, number, number][] = [
        // type, field, value written, value read
        [typeNote, 0, 300, 44],
        [typeNote, 1, 60.9, 60],
        [typeNote, 2, 70_000, 70_000 & 0xffff],
        [typeKeySign, 0, -1, 255],
        [typeCtrl14b, 1, 0x12345, 0x2345],
        [typeSeqNum, 0, 65_535, 65_535],
        [typeTempo, 0, 0x87654321, 0x87654321 | 0],
        [typeApplAlarm, 0, (5 << 16) | 3, (5 << 16) | 3],
        [typePrivate, 3, -5, -5],
        [typePrivate + 50, 0, 2 ** 32 + 7, 7],
      ];
      for (const [type, field, written, read] of cases) {
        const e = await newEvent(s.ms, type);
        await s.ms.MidiSetField(e, field, written);
        assert.equal(
          await s.ms.MidiGetField(e, field),
          read,
          `type ${type} field ${field} = ${written}`,
        );
        await s.ms.MidiFreeEv(e);
      }
      // The six SMPTE offset fields are stored apart and replaced, not OR-ed.
      const smpte = await newEvent(s.ms, typeSMPTEOffset, [
        3,
        23,
        59,
        58,
        29,
        99,
      ]);
      await s.ms.MidiSetField(smpte, 1, 5);
      const fields = [];
      for (let i = 0; i < 6; i++) {
        fields.push(await s.ms.MidiGetField(smpte, i));
      }
      assert.deepEqual(fields, [3, 5, 59, 58, 29, 99]);
      await s.ms.MidiFreeEv(smpte);
      const priv = await newEvent(s.ms, typePrivate);
      await assertThrows(
        () => s.ms.MidiSetField(priv, 0, "x" as never),
        TypeError,
      );
      await assertThrows(
        () => s.ms.MidiSetField(priv, "0" as never, 1),
        TypeError,
      );
      await s.ms.MidiFreeEv(priv);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiGetField() reads 0 and MidiSetField() writes nothing at a bad index, and both ignore a null event",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const e = await newEvent(s.ms, typeNote, [60, 100, 500]);
      await s.ms.MidiSetField(e, 3, 7);
      await s.ms.MidiSetField(e, -1, 7);
      assert.equal(await s.ms.MidiGetField(e, 3), 0);
      assert.equal(await s.ms.MidiGetField(e, -1), 0);
      assert.equal(await s.ms.MidiGetField(e, 2), 500);
      const sysex = await newEvent(s.ms, typeSysEx, [1, 2, 3]);
      await s.ms.MidiSetField(sysex, 3, 9);
      await s.ms.MidiSetField(sysex, 0, 4);
      assert.equal(await s.ms.MidiCountFields(sysex), 3);
      assert.equal(await s.ms.MidiGetField(sysex, 0), 4);
      assert.equal(await s.ms.MidiGetField(sysex, 3), 0);
      assert.equal(await s.ms.MidiGetField(null, 0), 0);
      assert.equal(await s.ms.MidiCountFields(null), 0);
      await s.ms.MidiSetField(null, 0, 1);
      await s.ms.MidiAddField(null, 1);
      await s.ms.MidiFreeEv(e);
      await s.ms.MidiFreeEv(sysex);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiAddField() appends bytes to a variable event, one more cell every 12 bytes, and does nothing on a fixed event",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const free = await s.ms.MidiFreeSpace();
      const e = await newEvent(s.ms, typeSysEx);
      assert.equal(await s.ms.MidiFreeSpace(), free - 2);
      for (let i = 0; i < 11; i++) await s.ms.MidiAddField(e, i);
      assert.equal(await s.ms.MidiFreeSpace(), free - 2);
      await s.ms.MidiAddField(e, 0x1ff);
      assert.equal(await s.ms.MidiFreeSpace(), free - 3);
      for (let i = 12; i < 24; i++) await s.ms.MidiAddField(e, i);
      assert.equal(await s.ms.MidiFreeSpace(), free - 4);
      assert.equal(await s.ms.MidiCountFields(e), 24);
      assert.equal(await s.ms.MidiGetField(e, 11), 0xff);
      assert.equal(await s.ms.MidiGetField(e, 23), 23);
      const k = await newEvent(s.ms, typeKeyOn, [1, 2]);
      await s.ms.MidiAddField(k, 3);
      assert.equal(await s.ms.MidiCountFields(k), 2);
      await s.ms.MidiFreeEv(e);
      await s.ms.MidiFreeEv(k);
      assert.equal(await s.ms.MidiFreeSpace(), free);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiCopyEv() makes a deep and independent copy with link null, and returns null for null",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const other = await newEvent(s.ms, typeKeyOn);
      const bytes = Array.from({ length: 30 }, (_, i) => i * 3);
      const e = await newEvent(s.ms, typeText, bytes, {
        port: 9,
        chan: 4,
        date: 1234,
      });
      e.link = other;
      const copy = await s.ms.MidiCopyEv(e);
      assert.ok(copy !== null);
      assert.deepEqual(
        [copy.evType, copy.date, copy.port, copy.chan, copy.refNum, copy.link],
        [typeText, 1234, 9, 4, 255, null],
      );
      assert.equal(await s.ms.MidiCountFields(copy), 30);
      await s.ms.MidiSetField(copy, 0, 99);
      copy.date = 1;
      assert.equal(await s.ms.MidiGetField(e, 0), 0);
      assert.equal(e.date, 1234);
      assert.equal(await s.ms.MidiGetField(copy, 29), 87);
      assert.equal(await s.ms.MidiCopyEv(null), null);
      for (const x of [e, copy, other]) await s.ms.MidiFreeEv(x);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiFreeEv() gives the cells back and kills the handle; a null event does nothing, a non-event is a TypeError",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const free = await s.ms.MidiFreeSpace();
      const e = await newEvent(s.ms, typeKeyOn, [60, 1]);
      await s.ms.MidiFreeEv(e);
      assert.equal(await s.ms.MidiFreeSpace(), free);
      await assertMidiShareError(() => e.date, "DEAD");
      await assertMidiShareError(() => s.ms.MidiGetField(e, 0), "DEAD");
      await assertMidiShareError(() => s.ms.MidiSetField(e, 0, 1), "DEAD");
      await assertMidiShareError(() => s.ms.MidiCopyEv(e), "DEAD");
      await assertMidiShareError(() => s.ms.MidiFreeEv(e), "DEAD");
      await assertMidiShareError(() => s.ms.MidiSendIm(a!, e), "DEAD");
      await s.ms.MidiFreeEv(null);
      await assertThrows(() => s.ms.MidiFreeEv({} as never), TypeError);
      await assertThrows(() => s.ms.MidiGetField(5 as never, 0), TypeError);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiNewEv() events change evType within their storage class, keeping the bytes, and throw KIND across classes",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const e = await newEvent(s.ms, typeCtrlChange, [7, 100]);
      e.evType = typeCtrl14b;
      assert.equal(await s.ms.MidiGetField(e, 0), 7 + 100 * 256);
      await assertMidiShareError(() => {
        e.evType = typeSysEx;
      }, "KIND");
      await assertMidiShareError(() => {
        e.evType = 200;
      }, "KIND");
      assert.equal(e.evType, typeCtrl14b);
      await s.ms.MidiFreeEv(e);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiTotalSpace() and MidiFreeSpace() report the future pool before the first MidiOpen, where MidiNewEv() is null and MidiGrowSpace() returns its argument",
    async fn(s) {
      const total = await s.ms.MidiTotalSpace();
      assert.ok(total >= 15_000, `total ${total}`);
      assert.equal(await s.ms.MidiFreeSpace(), total);
      assert.equal(await s.ms.MidiNewEv(typeKeyOn), null);
      assert.equal(await s.ms.MidiNewCell(), null);
      assert.equal(await s.ms.MidiGrowSpace(100), 100);
      assert.equal(await s.ms.MidiGrowSpace(0), 0);
      assert.equal(await s.ms.MidiGrowSpace(-5), 0);
      assert.equal(await s.ms.MidiTotalSpace(), total + 100);
      const [a] = await openAll(s, "a");
      assert.equal(await s.ms.MidiTotalSpace(), total + 100);
      assert.equal(await s.ms.MidiFreeSpace(), total + 100);
      assert.equal(await s.ms.MidiGrowSpace(10), 10);
      assert.equal(await s.ms.MidiTotalSpace(), total + 110);
      assert.equal(await s.ms.MidiFreeSpace(), total + 110);
      await assertThrows(() => s.ms.MidiGrowSpace("1" as never), TypeError);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiNewCell() gives one raw cell with zeroed properties that MidiFreeCell() takes back, and cells and events do not mix",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const free = await s.ms.MidiFreeSpace();
      const c = await s.ms.MidiNewCell();
      assert.ok(c !== null);
      assert.equal(await s.ms.MidiFreeSpace(), free - 1);
      assert.deepEqual(
        [c.evType, c.date, c.refNum, c.port, c.chan, c.link],
        [0, 0, 0, 0, 0, null],
      );
      const e = await newEvent(s.ms, typeKeyOn);
      await assertMidiShareError(() => s.ms.MidiFreeEv(c), "KIND");
      await assertMidiShareError(() => s.ms.MidiGetField(c, 0), "KIND");
      await assertMidiShareError(() => s.ms.MidiSendIm(a!, c), "KIND");
      await assertMidiShareError(() => s.ms.MidiFreeCell(e), "KIND");
      await s.ms.MidiFreeCell(null);
      await s.ms.MidiFreeCell(c);
      await s.ms.MidiFreeEv(e);
      assert.equal(await s.ms.MidiFreeSpace(), free);
      await assertMidiShareError(() => s.ms.MidiFreeCell(c), "DEAD");
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiFreeSpace() counts 1 cell per small event, 2 per private event, 2 + n/12 per variable event and 1 per sequence",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const free = await s.ms.MidiFreeSpace();
      const small = await newEvent(s.ms, typeKeyOn);
      assert.equal(await s.ms.MidiFreeSpace(), free - 1);
      const priv = await newEvent(s.ms, typePrivate);
      assert.equal(await s.ms.MidiFreeSpace(), free - 3);
      const text = await newEvent(s.ms, typeText, Array(25).fill(65));
      assert.equal(await s.ms.MidiFreeSpace(), free - 3 - 4);
      const seq = await s.ms.MidiNewSeq();
      assert.ok(seq !== null);
      assert.equal(await s.ms.MidiFreeSpace(), free - 8);
      for (const e of [small, priv, text]) await s.ms.MidiFreeEv(e);
      await s.ms.MidiFreeSeq(seq);
      assert.equal(await s.ms.MidiFreeSpace(), free);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiNewEv() and MidiCopyEv() return null on an exhausted pool, leaking nothing, and MidiAddField() then adds nothing",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const free = await s.ms.MidiFreeSpace();
      const sysex = await newEvent(s.ms, typeSysEx, Array(11).fill(1));
      const cells: MidiEv[] = [];
      for (
        let c = await s.ms.MidiNewCell();
        c !== null;
        c = await s.ms.MidiNewCell()
      ) {
        cells.push(c);
      }
      assert.equal(cells.length, free - 2);
      assert.equal(await s.ms.MidiFreeSpace(), 0);
      assert.equal(await s.ms.MidiNewEv(typeKeyOn), null);
      assert.equal(await s.ms.MidiCopyEv(sysex), null);
      assert.equal(await s.ms.MidiNewSeq(), null);
      assert.equal(await s.ms.MidiTask(() => {}, 0, a!), null);
      await s.ms.MidiAddField(sysex, 12);
      assert.equal(await s.ms.MidiCountFields(sysex), 11);
      assert.equal(await s.ms.MidiFreeSpace(), 0);
      await s.ms.MidiFreeCell(cells.pop()!);
      // One free cell is not enough for a private event (2 cells).
      assert.equal(await s.ms.MidiNewEv(typePrivate), null);
      assert.equal(await s.ms.MidiFreeSpace(), 1);
      for (const c of cells) await s.ms.MidiFreeCell(c);
      await s.ms.MidiFreeEv(sysex);
      assert.equal(await s.ms.MidiFreeSpace(), free);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiAddSeq() keeps dates in order and puts an event after those of the same date; null arguments do nothing",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const seq = await s.ms.MidiNewSeq();
      assert.ok(seq !== null);
      assert.deepEqual([seq.first, seq.last], [null, null]);
      const dates = [10, 5, 10, 20, 0, 10];
      for (const [tag, date] of dates.entries()) {
        await s.ms.MidiAddSeq(
          seq,
          await newEvent(s.ms, typeKeyOn, [tag], { date }),
        );
      }
      await s.ms.MidiAddSeq(seq, null);
      const lone = await newEvent(s.ms, typeKeyOn, [99], { date: 7 });
      await s.ms.MidiAddSeq(null, lone);
      assert.equal(lone.link, null);
      await s.ms.MidiFreeEv(lone);
      const order = [];
      for (let e = seq.first; e !== null; e = e.link) {
        order.push([e.date, await s.ms.MidiGetField(e, 0)]);
      }
      assert.deepEqual(order, [[0, 4], [5, 1], [10, 0], [10, 2], [10, 5], [
        20,
        3,
      ]]);
      assert.equal(await s.ms.MidiGetField(seq.last, 0), 3);
      await s.ms.MidiFreeSeq(seq);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiApplySeq() calls the procedure on each event in order, lets it free the current one, and stops on an exception",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const free = await s.ms.MidiFreeSpace();
      const seq = await s.ms.MidiNewSeq();
      assert.ok(seq !== null);
      for (const date of [30, 10, 20]) {
        await s.ms.MidiAddSeq(
          seq,
          await newEvent(s.ms, typeKeyOn, [date], { date }),
        );
      }
      const seen: number[] = [];
      await s.ms.MidiApplySeq(seq, (e) => seen.push(e.date));
      assert.deepEqual(seen, [10, 20, 30]);
      await s.ms.MidiApplySeq(seq, null);
      await s.ms.MidiApplySeq(null, () => seen.push(-1));
      let calls = 0;
      await assert.rejects(async () => {
        await s.ms.MidiApplySeq(seq, () => {
          calls++;
          throw new Error("stop");
        });
      }, /stop/);
      assert.equal(calls, 1);
      await s.ms.MidiApplySeq(seq, (e) => s.ms.MidiFreeEv(e));
      assert.equal(await s.ms.MidiFreeSpace(), free - 1);
      seq.first = seq.last = null;
      await s.ms.MidiFreeSeq(seq);
      assert.equal(await s.ms.MidiFreeSpace(), free);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiClearSeq() frees every event of a sequence and MidiFreeSeq() frees it too, killing the handle",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const free = await s.ms.MidiFreeSpace();
      const seq = await s.ms.MidiNewSeq();
      assert.ok(seq !== null);
      const events: MidiEv[] = [];
      for (let i = 0; i < 5; i++) {
        const e = await newEvent(s.ms, typeText, [65, 66], { date: i });
        events.push(e);
        await s.ms.MidiAddSeq(seq, e);
      }
      await s.ms.MidiClearSeq(seq);
      assert.deepEqual([seq.first, seq.last], [null, null]);
      assert.equal(await s.ms.MidiFreeSpace(), free - 1);
      await assertMidiShareError(() => events[0]!.date, "DEAD");
      await s.ms.MidiClearSeq(null);
      await s.ms.MidiFreeSeq(null);
      await s.ms.MidiFreeSeq(seq);
      assert.equal(await s.ms.MidiFreeSpace(), free);
      await assertMidiShareError(() => seq.first, "DEAD");
      await assertMidiShareError(() => s.ms.MidiClearSeq(seq), "DEAD");
      await assertThrows(() => s.ms.MidiAddSeq({} as never, null), TypeError);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiWriteSync() writes only into an empty box and returns what it found, and MidiReadSync() takes the value out",
    async fn(s) {
      const box: { value: unknown } = { value: null };
      assert.equal(await s.ms.MidiWriteSync(box, "first"), null);
      assert.equal(box.value, "first");
      assert.equal(await s.ms.MidiWriteSync(box, "second"), "first");
      assert.equal(box.value, "first");
      assert.equal(await s.ms.MidiReadSync(box), "first");
      assert.equal(box.value, null);
      assert.equal(await s.ms.MidiReadSync(box), null);
      box.value = undefined;
      assert.equal(await s.ms.MidiWriteSync(box, 3), undefined);
      assert.equal(box.value, 3);
      await assertThrows(() => s.ms.MidiWriteSync(5 as never, 1), TypeError);
      await assertThrows(() => s.ms.MidiReadSync(null as never), TypeError);
    },
  },
];
