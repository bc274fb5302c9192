// Integration: every server call of the spec's Appendix A, made by one client process
// and seen by another through the server (the calls answered inside the client have
// their own tests in kernel/).

import assert from "node:assert/strict";
import { gather, startAgent, startServer } from "./_harness.ts";

const MIDIChgName = 3, MIDIChangeSync = 11, MIDIOpenDriver = 12;
const MIDICloseDriver = 13, MIDIAddSlot = 14, MIDIRemoveSlot = 15;
const MIDIChgSlotConnect = 16, MIDIChgSlotName = 17;
const MIDISyncExternal = 0x8000, MidiInputOutputSlot = 3;

interface Alarm {
  ref: number;
  code: number;
}

Deno.test("every server call works from one client process and is seen by another", async () => {
  await using server = await startServer();
  await using a = startAgent(server.socketPath, "a");
  await using b = startAgent(server.socketPath, "b");
  const alpha = await a.call("MidiOpen", "alpha") as number;
  const beta = await b.call("MidiOpen", "beta") as number;
  await b.run("watchAlarms", { ref: beta });
  // A one-way call of `a` has reached the server once a later request of `a` is answered.
  const reached = () => a.call("MidiGetName", alpha);

  // Applications: names, lookups by index and by name.
  await a.call("MidiSetName", alpha, "alpha 2");
  await reached();
  assert.equal(await b.call("MidiGetName", alpha), "alpha 2");
  assert.equal(await b.call("MidiGetNamedAppl", "alpha 2"), alpha);
  assert.equal(await b.call("MidiGetIndAppl", 1), 0);
  assert.deepEqual(
    [await b.call("MidiGetIndAppl", 2), await b.call("MidiGetIndAppl", 3)],
    [alpha, beta].sort((x, y) => x - y),
  );
  assert.equal(await b.call("MidiGetError"), 0);

  // Drivers and slots.
  const driver = await a.call("MidiRegisterDriver", {
    name: "every call",
    version: 123,
  }, {}) as number;
  // Index 1 is MidiShare's own driver, refnum 127.
  assert.deepEqual(
    [await b.call("MidiGetIndDriver", 1), await b.call("MidiGetIndDriver", 2)],
    [127, driver],
  );
  assert.deepEqual(await b.call("MidiGetDriverInfos", driver), {
    name: "every call",
    version: 123,
    slots: 0,
  });
  const slot = await a.call(
    "MidiAddSlot",
    driver,
    "first",
    MidiInputOutputSlot,
  ) as { drvRef: number; slotRef: number };
  assert.deepEqual(await b.call("MidiGetIndSlot", driver, 1), slot);
  await b.call("MidiSetSlotName", slot, "renamed");
  await b.call("MidiConnectSlot", 9, slot, true);
  assert.equal(await b.call("MidiIsSlotConnected", 9, slot), true);
  const infos = await a.call("MidiGetSlotInfos", slot) as {
    name: string;
    direction: number;
    cnx: Uint8Array | Record<string, number>;
  };
  assert.equal(infos.name, "renamed");
  assert.equal(infos.direction, MidiInputOutputSlot);
  await a.call("MidiRemoveSlot", slot);
  await reached();
  assert.equal(
    (await b.call("MidiGetIndSlot", driver, 1) as { slotRef: number }).slotRef <
      0,
    true,
  );
  await a.call("MidiUnregisterDriver", driver);
  await reached();
  assert.ok((await b.call("MidiGetIndDriver", 2) as number) < 0);

  // Synchronisation: the mode word, the info and the time conversions.
  await a.call("MidiSetSyncMode", MIDISyncExternal | 3);
  await reached();
  const sync = await b.call("MidiGetSyncInfo") as {
    syncMode: number;
    syncLocked: number;
  };
  assert.deepEqual([sync.syncMode, sync.syncLocked], [
    MIDISyncExternal | 3,
    0,
  ]);
  const ext = await b.call("MidiGetExtTime") as number;
  assert.ok(Number.isInteger(ext));
  const int = 12_345;
  assert.equal(
    await b.call("MidiExt2IntTime", await b.call("MidiInt2ExtTime", int)),
    int,
  );

  // Connections, and the alarms the other application got for all of the above.
  await a.call("MidiConnect", alpha, beta, true);
  await reached();
  assert.equal(await b.call("MidiIsConnected", alpha, beta), true);
  const alarms = await gather<Alarm>(b, "alarms", 8);
  // An alarm is the refnum concerned in the high word and the change code below it.
  const codes = alarms.map((x) => x.code & 0xffff);
  assert.ok(alarms.some((x) => x.code === (alpha << 16 | MIDIChgName)));
  for (
    const code of [
      MIDIChgName,
      MIDIOpenDriver,
      MIDIAddSlot,
      MIDIChgSlotName,
      MIDIChgSlotConnect,
      MIDIRemoveSlot,
      MIDICloseDriver,
      MIDIChangeSync,
    ]
  ) {
    assert.ok(codes.includes(code), `alarm ${code} missing from ${codes}`);
  }
});
