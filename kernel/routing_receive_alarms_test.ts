// Routing through the in-process kernel: receive alarms and deliveries pending
// at MidiClose() (spec §6.5, §7.2).

import assert from "node:assert/strict";
import { createLocalKernel, typeKeyOn, typePrivate } from "./mod.ts";
import { makeEv } from "./_test_util.ts";

import { open } from "./_routing_test_util.ts";

// ---- §6.5 receive alarms

Deno.test("MidiSetRcvAlarm() calls the alarm once per tick with deliveries (spec §6.5)", async (t) => {
  await t.step(
    "once per tick, after every delivery of the tick, across senders",
    () => {
      const ms = createLocalKernel();
      const other = ms.connectClient();
      const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
      const c = other.MidiOpen("c");
      ms.MidiConnect(a, b, true);
      other.MidiConnect(c, b, true);
      const seen: [number, number, number][] = [];
      ms.MidiSetRcvAlarm(
        b,
        (ref) => seen.push([ref, ms.MidiGetTime(), ms.MidiCountEvs(ref)]),
      );
      ms.MidiSendAt(a, makeEv(ms, typeKeyOn), 3);
      other.MidiSendAt(c, makeEv(other, typeKeyOn), 3);
      ms.MidiSendAt(a, makeEv(ms, typeKeyOn), 3);
      ms.MidiSendAt(a, makeEv(ms, typeKeyOn), 6);
      ms.advance(10);
      assert.deepEqual(seen, [[b, 3, 3], [b, 6, 4]]);
    },
  );

  await t.step("not for events already waiting when installed", () => {
    const { ms, refs: [a, b] } = open(2);
    ms.MidiConnect(a!, b!, true);
    ms.MidiSendIm(a!, makeEv(ms, typeKeyOn));
    ms.advance(1);
    const seen: number[] = [];
    ms.MidiSetRcvAlarm(b!, (ref) => seen.push(ms.MidiCountEvs(ref)));
    assert.equal(ms.MidiGetRcvAlarm(b!) !== null, true);
    ms.advance(5);
    assert.deepEqual(seen, []);
    ms.MidiSendIm(a!, makeEv(ms, typeKeyOn));
    ms.advance(1);
    assert.deepEqual(seen, [2]);
  });

  await t.step("private events count; tasks and DTasks do not", () => {
    const { ms, refs: [a] } = open(1);
    const seen: number[] = [];
    ms.MidiSetRcvAlarm(a!, () => seen.push(ms.MidiGetTime()));
    ms.MidiTask(() => {}, 2, a!);
    ms.MidiDTask(() => {}, 3, a!);
    ms.MidiSendAt(a!, makeEv(ms, typePrivate), 4);
    ms.advance(6);
    assert.deepEqual(seen, [4]);
    assert.equal(ms.MidiCountDTasks(a!), 1);
  });

  await t.step(
    "alarms of one client's applications follow their first delivery",
    () => {
      const { ms, refs: [s1, s2, b, c] } = open(4);
      ms.MidiConnect(s1!, c!, true);
      ms.MidiConnect(s2!, b!, true);
      const order: number[] = [];
      for (const r of [b!, c!]) {
        ms.MidiSetRcvAlarm(r, (ref) => {
          order.push(ref);
          ms.MidiFlushEvs(ref);
        });
      }
      ms.MidiSendAt(s1!, makeEv(ms, typeKeyOn), 2);
      ms.MidiSendAt(s2!, makeEv(ms, typeKeyOn), 2);
      ms.MidiSendAt(s1!, makeEv(ms, typeKeyOn), 2);
      ms.MidiSendAt(s2!, makeEv(ms, typeKeyOn), 3);
      ms.MidiSendAt(s1!, makeEv(ms, typeKeyOn), 3);
      ms.advance(3);
      assert.deepEqual(order, [c, b, b, c]);
    },
  );

  await t.step(
    "null removes the alarm; a non-function throws TypeError",
    () => {
      const { ms, refs: [a] } = open(1);
      let calls = 0;
      const alarm = () => calls++;
      ms.MidiSetRcvAlarm(a!, alarm);
      assert.equal(ms.MidiGetRcvAlarm(a!), alarm);
      ms.MidiSetRcvAlarm(a!, null);
      assert.equal(ms.MidiGetRcvAlarm(a!), null);
      ms.MidiSendIm(a!, makeEv(ms, typePrivate));
      ms.advance(1);
      assert.equal(calls, 0);
      assert.throws(
        () => ms.MidiSetRcvAlarm(a!, 5 as unknown as () => void),
        TypeError,
      );
      ms.MidiSetRcvAlarm(60, alarm);
      assert.equal(ms.MidiGetRcvAlarm(60), null);
    },
  );
});

Deno.test("MidiClose() drops a pending delivery even when the refnum is reopened at once (spec §7.2)", () => {
  // A task closes b and opens a new application, which gets b's refnum, while an
  // event of the same tick was already delivered to the old b.
  const ms = createLocalKernel();
  const a = ms.MidiOpen("a"), b = ms.MidiOpen("b"), s = ms.MidiOpen("s");
  ms.MidiConnect(s, b, true);
  let reopened = -1;
  let alarms = 0;
  ms.MidiTask(
    () => {
      ms.MidiClose(b);
      reopened = ms.MidiOpen("new b");
      ms.MidiSetRcvAlarm(reopened, () => alarms++);
    },
    3,
    a,
  );
  ms.MidiSendAt(s, makeEv(ms, typeKeyOn, [60]), 3);
  ms.advance(4);
  assert.equal(reopened, b);
  // Spec §7.2: "Pending notifications for the refnum are dropped"; §7.2 MidiOpen:
  // the new application starts with an empty FIFO.
  assert.deepEqual(
    { waiting: ms.MidiCountEvs(reopened), alarms },
    { waiting: 0, alarms: 0 },
  );
});
