// Routing through the in-process kernel: freeing filters and the filter calls'
// bad arguments (spec §7.16).

import assert from "node:assert/strict";
import { createLocalKernel, type MidiFilter } from "./mod.ts";

import { acceptAll, open } from "./_routing_test_util.ts";

Deno.test("MidiFreeFilter() refuses installed filters and kills the others (spec §7.16)", async (t) => {
  await t.step(
    "an installed filter throws READONLY until uninstalled everywhere",
    () => {
      const { ms, refs: [a, b] } = open(2);
      const f = ms.MidiNewFilter();
      ms.MidiSetFilter(a!, f);
      ms.MidiSetFilter(b!, f);
      assert.throws(() => ms.MidiFreeFilter(f), { code: "READONLY" });
      ms.MidiSetFilter(a!, null);
      assert.throws(() => ms.MidiFreeFilter(f), { code: "READONLY" });
      ms.MidiSetFilter(b!, ms.MidiNewFilter()); // replaced
      ms.MidiFreeFilter(f);
    },
  );

  await t.step("closing the application uninstalls its filter", () => {
    const { ms, refs: [, b] } = open(2); // the first keeps MidiShare awake
    const f = ms.MidiNewFilter();
    ms.MidiSetFilter(b!, f);
    ms.MidiClose(b!);
    ms.MidiFreeFilter(f);
  });

  await t.step("a freed filter throws DEAD everywhere", () => {
    const { ms, refs: [a] } = open(1);
    const f = ms.MidiNewFilter();
    ms.MidiFreeFilter(f);
    const calls: [string, () => unknown][] = [
      ["MidiFreeFilter", () => ms.MidiFreeFilter(f)],
      ["MidiSetFilter", () => ms.MidiSetFilter(a!, f)],
      ["MidiAcceptPort", () => ms.MidiAcceptPort(f, 1, true)],
      ["MidiAcceptChan", () => ms.MidiAcceptChan(f, 1, true)],
      ["MidiAcceptType", () => ms.MidiAcceptType(f, 1, true)],
      ["MidiIsAcceptedPort", () => ms.MidiIsAcceptedPort(f, 1)],
      ["MidiIsAcceptedChan", () => ms.MidiIsAcceptedChan(f, 1)],
      ["MidiIsAcceptedType", () => ms.MidiIsAcceptedType(f, 1)],
    ];
    for (const [name, call] of calls) {
      assert.throws(call, { code: "DEAD" }, name);
    }
    assert.equal(ms.MidiGetFilter(a!), null);
  });
});

Deno.test("MidiAcceptPort() and friends ignore out-of-range numbers (spec §7.16)", () => {
  const ms = createLocalKernel();
  const f = ms.MidiNewFilter();
  for (const n of [-1, 256, 300, -32768, 32767]) {
    ms.MidiAcceptPort(f, n, true);
    ms.MidiAcceptType(f, n, true);
  }
  for (const n of [-1, 16, 17, 255]) ms.MidiAcceptChan(f, n, true);
  for (let i = 0; i < 256; i++) {
    assert.equal(ms.MidiIsAcceptedPort(f, i), false, `port ${i}`);
    assert.equal(ms.MidiIsAcceptedType(f, i), false, `type ${i}`);
  }
  for (let c = 0; c < 16; c++) assert.equal(ms.MidiIsAcceptedChan(f, c), false);
  const all = acceptAll(ms);
  for (const n of [-1, 256, 1000]) {
    assert.equal(ms.MidiIsAcceptedPort(all, n), false);
    assert.equal(ms.MidiIsAcceptedType(all, n), false);
  }
  for (const n of [-1, 16, 100]) {
    assert.equal(ms.MidiIsAcceptedChan(all, n), false);
  }
  // One bit changes one answer.
  ms.MidiAcceptType(f, 9, true);
  ms.MidiAcceptPort(f, 200, true);
  ms.MidiAcceptChan(f, 15, true);
  assert.deepEqual(
    [
      ms.MidiIsAcceptedType(f, 9),
      ms.MidiIsAcceptedType(f, 8),
      ms.MidiIsAcceptedPort(f, 200),
      ms.MidiIsAcceptedPort(f, 201),
      ms.MidiIsAcceptedChan(f, 15),
      ms.MidiIsAcceptedChan(f, 14),
    ],
    [true, false, true, false, true, false],
  );
});

Deno.test("MidiAcceptPort() and the other filter calls throw TypeError for a non-filter", () => {
  const { ms, refs: [a] } = open(1);
  const fake = { kind: "MidiFilter" } as MidiFilter;
  for (const bad of [fake, {}, 1, "f", undefined, null]) {
    const f = bad as MidiFilter;
    assert.throws(() => ms.MidiAcceptPort(f, 1, true), TypeError);
    assert.throws(() => ms.MidiAcceptChan(f, 1, true), TypeError);
    assert.throws(() => ms.MidiAcceptType(f, 1, true), TypeError);
    assert.throws(() => ms.MidiIsAcceptedPort(f, 1), TypeError);
    assert.throws(() => ms.MidiIsAcceptedChan(f, 1), TypeError);
    assert.throws(() => ms.MidiIsAcceptedType(f, 1), TypeError);
    assert.throws(() => ms.MidiFreeFilter(f), TypeError);
  }
  for (const bad of [fake, {}, 1, "f"]) {
    assert.throws(() => ms.MidiSetFilter(a!, bad as MidiFilter), TypeError);
  }
});
