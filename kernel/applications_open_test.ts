// Applications: MidiOpen() refnums and the admission limit of spec §2.7 (§7.2).

import assert from "node:assert/strict";
import { MIDIerrSpace, MIDIOpenAppl, MidiShareDriverRef } from "./mod.ts";
import { newKernel } from "./_test_util.ts";

import { driverInfos, watch } from "./_applications_test_util.ts";

Deno.test("MidiOpen() allocates the lowest free refnum with a fresh state", async (t) => {
  await t.step("refnums 1, 2, 3, then reused lowest first", () => {
    const ms = newKernel();
    const refs = [1, 2, 3, 4, 5].map((i) => ms.MidiOpen(`a${i}`));
    assert.deepEqual(refs, [1, 2, 3, 4, 5]);
    ms.MidiClose(4);
    ms.MidiClose(2);
    assert.equal(ms.MidiOpen("x"), 2);
    assert.equal(ms.MidiOpen("y"), 4);
    assert.equal(ms.MidiOpen("z"), 6);
  });
  await t.step("drivers do not take application refnums", () => {
    const ms = newKernel();
    const d = ms.MidiRegisterDriver(driverInfos("d"), {});
    assert.equal(d, 126);
    assert.equal(ms.MidiOpen("a"), 1);
  });
  await t.step("the name is cut to 31 characters", () => {
    const ms = newKernel();
    const long = "0123456789".repeat(5);
    const a = ms.MidiOpen(long);
    assert.equal(ms.MidiGetName(a), long.slice(0, 31));
    const e = ms.MidiOpen("");
    assert.equal(ms.MidiGetName(e), "");
  });
  await t.step(
    "no filter, no alarms, info null, empty FIFO, no connection",
    () => {
      const ms = newKernel();
      const a = ms.MidiOpen("a");
      ms.MidiSetInfo(a, "old");
      ms.MidiSetFilter(a, ms.MidiNewFilter());
      ms.MidiSetRcvAlarm(a, () => {});
      ms.MidiSetApplAlarm(a, () => {});
      ms.MidiConnect(a, a, true);
      ms.MidiConnect(0, a, true);
      ms.MidiClose(a);
      const b = ms.MidiOpen("b");
      assert.equal(b, a, "same refnum reused");
      assert.equal(ms.MidiGetFilter(b), null);
      assert.equal(ms.MidiGetRcvAlarm(b), null);
      assert.equal(ms.MidiGetApplAlarm(b), null);
      assert.equal(ms.MidiGetInfo(b), null);
      assert.equal(ms.MidiCountEvs(b), 0);
      assert.equal(ms.MidiCountDTasks(b), 0);
      assert.equal(ms.MidiIsConnected(b, b), false);
      assert.equal(ms.MidiIsConnected(0, b), false);
    },
  );
  await t.step("MIDIOpenAppl goes to the others, not to the new one", () => {
    const ms = newKernel();
    const a = ms.MidiOpen("a");
    const log = watch(ms, a);
    const b = ms.MidiOpen("b");
    assert.deepEqual(log, [[b, MIDIOpenAppl]]);
  });
  await t.step("a non-string name is a TypeError and opens nothing", () => {
    const ms = newKernel();
    for (const bad of [123, null, undefined, {}, ["a"]]) {
      assert.throws(() => ms.MidiOpen(bad as unknown as string), TypeError);
    }
    assert.equal(ms.MidiCountAppls(), 0);
    assert.equal(ms.MidiOpen("a"), 1);
  });
});

Deno.test("MidiOpen() admits at most 124 applications and drivers together", async (t) => {
  await t.step("124 applications with nothing else; the next gets -1", () => {
    const ms = newKernel();
    const refs = [];
    for (let i = 0; i < 124; i++) refs.push(ms.MidiOpen(`a${i}`));
    assert.deepEqual(refs, Array.from({ length: 124 }, (_, i) => i + 1));
    assert.equal(ms.MidiOpen("one more"), MIDIerrSpace);
    assert.equal(ms.MidiCountAppls(), 125);
    assert.equal(
      ms.MidiRegisterDriver(driverInfos("d"), {}),
      MIDIerrSpace,
    );
    assert.equal(ms.MidiCountDrivers(), 1);
  });
  await t.step(
    "a refused MidiOpen leaves a free slot for the next close",
    () => {
      const ms = newKernel();
      for (let i = 0; i < 124; i++) ms.MidiOpen(`a${i}`);
      ms.MidiClose(50);
      assert.equal(ms.MidiOpen("again"), 50);
      assert.equal(ms.MidiOpen("again"), MIDIerrSpace);
    },
  );
  await t.step("drivers registered while awake count", () => {
    const ms = newKernel();
    ms.MidiOpen("a");
    for (let i = 0; i < 10; i++) ms.MidiRegisterDriver(driverInfos("d"), {});
    let opened = 1;
    while (ms.MidiOpen("fill") >= 0) opened++;
    assert.equal(opened, 114);
    assert.equal(opened + 10, 124);
    assert.equal(ms.MidiCountAppls() + ms.MidiCountDrivers(), 126);
    assert.equal(ms.MidiRegisterDriver(driverInfos("d"), {}), -1);
  });
  await t.step("drivers registered while dormant count", () => {
    const ms = newKernel();
    for (let i = 0; i < 20; i++) ms.MidiRegisterDriver(driverInfos("d"), {});
    let opened = 0;
    while (ms.MidiOpen("fill") >= 0) opened++;
    assert.equal(opened, 104);
    assert.equal(ms.MidiOpen("fill"), MIDIerrSpace);
  });
  await t.step(
    "with 124 drivers registered while dormant, MidiOpen is refused without waking",
    () => {
      const ms = newKernel();
      let wakeups = 0;
      const drivers = [];
      for (let i = 0; i < 124; i++) {
        drivers.push(
          ms.MidiRegisterDriver(driverInfos(`d${i}`), {
            wakeup: () => wakeups++,
          }),
        );
      }
      assert.ok(drivers.every((d) => d > 0));
      assert.equal(ms.MidiOpen("a"), MIDIerrSpace);
      assert.equal(wakeups, 0);
      assert.equal(ms.MidiCountAppls(), 0);
      assert.equal(ms.MidiCountDrivers(), 124);
      assert.equal(ms.MidiGetName(MidiShareDriverRef), null);
      assert.equal(ms.MidiGetName(0), null);
      ms.MidiUnregisterDriver(drivers[0]!);
      const a = ms.MidiOpen("a");
      assert.equal(a, 1);
      assert.equal(wakeups, 123);
      assert.equal(ms.MidiOpen("b"), MIDIerrSpace);
    },
  );
});
