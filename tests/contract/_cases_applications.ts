/**
 * Contract cases: environment, opening and closing applications, and their
 * configuration (spec §7.1 to §7.3). Private to `tests/contract/`.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  MIDIChgName,
  MIDICloseAppl,
  MIDIerrIndex,
  MIDIerrSpace,
  MIDInoErr,
  MIDIOpenAppl,
} from "@midishare/client";
import {
  assertMidiShareError,
  assertThrows,
  closeAll,
  code,
  type ContractCase,
  openAll,
  watchAlarms,
} from "./_case_kit.ts";

const LONG_NAME = "a name of forty characters, or just so!";

/** Cases about applications. */
export const applicationCases: ContractCase[] = [
  {
    name: "MidiGetVersion() returns 195 and MidiShare() is true",
    async fn(s) {
      assert.equal(await s.ms.MidiGetVersion(), 195);
      assert.equal(await s.ms.MidiShare(), true);
    },
  },
  {
    name: "MidiCountAppls() counts refnum 0 once the first application is open",
    async fn(s) {
      assert.equal(await s.ms.MidiCountAppls(), 0);
      const [a, b] = await openAll(s, "a", "b");
      assert.equal(await s.ms.MidiCountAppls(), 3);
      await closeAll(s, b!);
      await s.settle(0);
      assert.equal(await s.ms.MidiCountAppls(), 2);
      await closeAll(s, a!);
      await s.settle(0);
      assert.equal(await s.ms.MidiCountAppls(), 0);
    },
  },
  {
    name:
      "MidiGetIndAppl() lists refnum 0 then applications by refnum, and MIDIerrIndex outside 1..MidiCountAppls()",
    async fn(s) {
      const refs = await openAll(s, "a", "b", "c");
      const count = await s.ms.MidiCountAppls();
      const listed = [];
      for (let i = 1; i <= count; i++) {
        listed.push(await s.ms.MidiGetIndAppl(i));
      }
      assert.deepEqual(listed, [0, ...refs].sort((x, y) => x - y));
      for (const index of [0, -1, count + 1, 200]) {
        assert.equal(await s.ms.MidiGetIndAppl(index), MIDIerrIndex);
      }
      await closeAll(s, ...refs);
    },
  },
  {
    name:
      "MidiGetNamedAppl() finds MidiShare at 0, the first exact match, and MIDIerrIndex otherwise",
    async fn(s) {
      const [a, b, c] = await openAll(s, "twin", "twin", LONG_NAME);
      assert.equal(await s.ms.MidiGetNamedAppl("MidiShare"), 0);
      assert.equal(await s.ms.MidiGetNamedAppl("twin"), Math.min(a!, b!));
      assert.equal(await s.ms.MidiGetNamedAppl("Twin"), MIDIerrIndex);
      assert.equal(await s.ms.MidiGetNamedAppl("nobody"), MIDIerrIndex);
      // Names keep 31 characters: the cut name matches, the long one never does.
      assert.equal(await s.ms.MidiGetNamedAppl(LONG_NAME.slice(0, 31)), c);
      assert.equal(await s.ms.MidiGetNamedAppl(LONG_NAME), MIDIerrIndex);
      await assertThrows(() => s.ms.MidiGetNamedAppl(7 as never), TypeError);
      await closeAll(s, a!, b!, c!);
    },
  },
  {
    name: "MidiGetError() is MIDInoErr when MidiShare runs well",
    async fn(s) {
      const [a] = await openAll(s, "a");
      assert.equal(await s.ms.MidiGetError(), MIDInoErr);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiOpen() gives the lowest free refnum and reuses a closed one, names cut to 31 characters",
    async fn(s) {
      const [a, b, c] = await openAll(s, "a", "b", LONG_NAME);
      assert.deepEqual([a, b, c], [1, 2, 3]);
      assert.equal(await s.ms.MidiGetName(c!), LONG_NAME.slice(0, 31));
      await s.ms.MidiClose(b!);
      const [d] = await openAll(s, "d");
      assert.equal(d, b);
      assert.equal(await s.ms.MidiGetName(d!), "d");
      await closeAll(s, a!, c!, d!);
    },
  },
  {
    name: "MidiOpen() throws a TypeError for a name that is not a string",
    async fn(s) {
      await assertThrows(() => s.ms.MidiOpen(42 as never), TypeError);
      await assertThrows(() => s.ms.MidiOpen(null as never), TypeError);
      assert.equal(await s.ms.MidiCountAppls(), 0);
    },
  },
  {
    name:
      "MidiOpen() returns MIDIerrSpace once 124 applications are open, as does MidiRegisterDriver()",
    async fn(s) {
      const refs = [];
      for (let i = 0; i < 124; i++) refs.push(await s.ms.MidiOpen(`app ${i}`));
      assert.deepEqual(refs, Array.from({ length: 124 }, (_, i) => i + 1));
      assert.equal(await s.ms.MidiCountAppls(), 125);
      assert.equal(await s.ms.MidiOpen("one too many"), MIDIerrSpace);
      assert.equal(
        await s.ms.MidiRegisterDriver({ name: "too many", version: 1 }, {}),
        MIDIerrSpace,
      );
      await closeAll(s, ...refs);
    },
  },
  {
    name:
      "MidiClose() sends MIDICloseAppl to the others, not for the last application, and time restarts at 0",
    async fn(s) {
      const [a, b] = await openAll(s, "a", "b");
      const alarmsOfA = await watchAlarms(s.ms, a!);
      await s.settle(200);
      const before = await s.ms.MidiGetTime();
      assert.ok(before >= 200, `time ${before}`);
      await s.ms.MidiClose(b!);
      await s.settle(0);
      assert.deepEqual(alarmsOfA, [{ ref: a, code: code(b!, MIDICloseAppl) }]);
      const [c] = await openAll(s, "c");
      const alarmsOfC = await watchAlarms(s.ms, c!);
      await s.ms.MidiClose(a!);
      await s.settle(0);
      assert.deepEqual(alarmsOfC, [{ ref: c, code: code(a!, MIDICloseAppl) }]);
      await s.ms.MidiClose(c!);
      await s.settle(0);
      assert.deepEqual(alarmsOfC, [{ ref: c, code: code(a!, MIDICloseAppl) }]);
      assert.equal(await s.ms.MidiCountAppls(), 0);
      const [d] = await openAll(s, "d");
      const after = await s.ms.MidiGetTime();
      assert.ok(
        after < before,
        `time ${after} after waking up, ${before} before`,
      );
      await closeAll(s, d!);
    },
  },
  {
    name:
      "MidiClose() ignores refnum 0, a free refnum and a driver, and throws a TypeError for a non-number",
    async fn(s) {
      const [a] = await openAll(s, "a");
      const driver = await s.ms.MidiRegisterDriver(
        { name: "drv", version: 1 },
        {},
      );
      for (const ref of [0, 99, 127, -1, driver]) await s.ms.MidiClose(ref);
      await s.settle(0);
      assert.equal(await s.ms.MidiCountAppls(), 2);
      assert.equal(await s.ms.MidiGetName(a!), "a");
      assert.equal(await s.ms.MidiGetName(driver), "drv");
      await assertThrows(() => s.ms.MidiClose("1" as never), TypeError);
      await assertThrows(() => s.ms.MidiClose(NaN), TypeError);
      await s.ms.MidiUnregisterDriver(driver);
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiSetName() renames an application, cut to 31 characters, with MIDIChgName; MidiGetName() is null for a free refnum",
    async fn(s) {
      const [a, b] = await openAll(s, "a", "b");
      const alarms = await watchAlarms(s.ms, a!);
      await s.ms.MidiSetName(b!, "bee");
      await s.ms.MidiSetName(a!, LONG_NAME);
      await s.ms.MidiSetName(0, "not MidiShare");
      await s.ms.MidiSetName(77, "nobody");
      await s.settle(0);
      assert.equal(await s.ms.MidiGetName(b!), "bee");
      assert.equal(await s.ms.MidiGetName(a!), LONG_NAME.slice(0, 31));
      assert.equal(await s.ms.MidiGetName(0), "MidiShare");
      assert.equal(await s.ms.MidiGetName(127), "MidiShare");
      assert.equal(await s.ms.MidiGetName(77), null);
      assert.deepEqual(alarms, [
        { ref: a, code: code(b!, MIDIChgName) },
        { ref: a, code: code(a!, MIDIChgName) },
      ]);
      await assertThrows(() => s.ms.MidiSetName(a!, 5 as never), TypeError);
      await assertThrows(() => s.ms.MidiGetName("a" as never), TypeError);
      await closeAll(s, a!, b!);
    },
  },
  {
    name:
      "MidiSetInfo() keeps any value for an application of this client, and MidiGetInfo() is null elsewhere",
    async fn(s) {
      const [a] = await openAll(s, "a");
      assert.equal(await s.ms.MidiGetInfo(a!), null);
      const info = { any: ["value"] };
      await s.ms.MidiSetInfo(a!, info);
      assert.equal(await s.ms.MidiGetInfo(a!), info);
      await s.ms.MidiSetInfo(99, "lost");
      assert.equal(await s.ms.MidiGetInfo(99), null);
      assert.equal(await s.ms.MidiGetInfo(0), null);
      await s.ms.MidiClose(a!);
      assert.equal(await s.ms.MidiGetInfo(a!), null);
    },
  },
  {
    name:
      "MidiSetApplAlarm() installs an alarm that MidiGetApplAlarm() returns and that hears MIDIOpenAppl",
    async fn(s) {
      const [a] = await openAll(s, "a");
      assert.equal(await s.ms.MidiGetApplAlarm(a!), null);
      const alarms = await watchAlarms(s.ms, a!);
      assert.equal(typeof await s.ms.MidiGetApplAlarm(a!), "function");
      const [b] = await openAll(s, "b");
      await s.settle(0);
      assert.deepEqual(alarms, [{ ref: a, code: code(b!, MIDIOpenAppl) }]);
      await s.ms.MidiSetApplAlarm(a!, null);
      assert.equal(await s.ms.MidiGetApplAlarm(a!), null);
      const [c] = await openAll(s, "c");
      await s.settle(0);
      assert.equal(alarms.length, 1);
      assert.equal(await s.ms.MidiGetApplAlarm(99), null);
      await assertThrows(
        () => s.ms.MidiSetApplAlarm(a!, 5 as never),
        TypeError,
      );
      await closeAll(s, a!, b!, c!);
    },
  },
  {
    name:
      "MidiSetRcvAlarm() installs an alarm that MidiGetRcvAlarm() returns; a non-function is a TypeError",
    async fn(s) {
      const [a] = await openAll(s, "a");
      assert.equal(await s.ms.MidiGetRcvAlarm(a!), null);
      const alarm = () => {};
      await s.ms.MidiSetRcvAlarm(a!, alarm);
      assert.equal(await s.ms.MidiGetRcvAlarm(a!), alarm);
      await s.ms.MidiSetRcvAlarm(a!, null);
      assert.equal(await s.ms.MidiGetRcvAlarm(a!), null);
      await s.ms.MidiSetRcvAlarm(99, alarm);
      assert.equal(await s.ms.MidiGetRcvAlarm(99), null);
      await assertThrows(
        () => s.ms.MidiSetRcvAlarm(a!, "alarm" as never),
        TypeError,
      );
      await closeAll(s, a!);
    },
  },
  {
    name:
      "MidiSetFilter() installs a shared filter that MidiGetFilter() returns; null removes it, a freed one is dead",
    async fn(s) {
      const [a, b] = await openAll(s, "a", "b");
      const f = await s.ms.MidiNewFilter();
      assert.equal(await s.ms.MidiGetFilter(a!), null);
      await s.ms.MidiSetFilter(a!, f);
      await s.ms.MidiSetFilter(b!, f);
      assert.equal(await s.ms.MidiGetFilter(a!), f);
      assert.equal(await s.ms.MidiGetFilter(b!), f);
      await assertMidiShareError(() => s.ms.MidiFreeFilter(f), "READONLY");
      await s.ms.MidiSetFilter(a!, null);
      await s.ms.MidiSetFilter(b!, null);
      assert.equal(await s.ms.MidiGetFilter(a!), null);
      await s.ms.MidiSetFilter(99, f);
      assert.equal(await s.ms.MidiGetFilter(99), null);
      await s.ms.MidiFreeFilter(f);
      await assertMidiShareError(() => s.ms.MidiSetFilter(a!, f), "DEAD");
      await assertMidiShareError(() => s.ms.MidiIsAcceptedPort(f, 1), "DEAD");
      await assertThrows(() => s.ms.MidiSetFilter(a!, {} as never), TypeError);
      await closeAll(s, a!, b!);
    },
  },
  {
    name:
      "MidiSetApplAlarm() alarms of several applications hear one change in ascending refnum order, the causing one included",
    async fn(s) {
      const [a, b, c] = await openAll(s, "a", "b", "c");
      const heard: number[] = [];
      for (const ref of [c!, a!, b!]) {
        await s.ms.MidiSetApplAlarm(ref, (r, x) => {
          assert.equal(x, code(b!, MIDIChgName));
          heard.push(r);
        });
      }
      await s.ms.MidiSetName(b!, "bee");
      await s.settle(0);
      assert.deepEqual(heard, [a, b, c]);
      await closeAll(s, a!, b!, c!);
    },
  },
  {
    name:
      "MidiOpen() calls made together get the lowest free refnums in call order",
    async fn(s) {
      const refs = await Promise.all(
        ["x", "y", "z"].map(async (name) => await s.ms.MidiOpen(name)),
      );
      assert.deepEqual(refs, [1, 2, 3]);
      for (const [i, name] of ["x", "y", "z"].entries()) {
        assert.equal(await s.ms.MidiGetName(refs[i]!), name);
      }
      assert.equal(await s.ms.MidiCountAppls(), 4);
      await closeAll(s, ...refs);
    },
  },
];
