// The contract battery against a real server process whose clients keep every call
// on their socket: this test process with `sharedRing: false`, the peers with
// MIDISHARE_SHARED_RING=off. `server_test.ts` runs it with request rings.

import assert from "node:assert/strict";
import { mappedRings } from "../_rings.ts";
import { runBattery } from "./_battery.ts";
import { serverSubject } from "./_server_subject.ts";

Deno.test("createClient() of a MidiShare server passes the contract battery with request rings off", async (t) => {
  await using subject = await serverSubject({ sharedRing: false });
  await runBattery(t, subject);
  assert.deepEqual(
    await mappedRings(subject.serverPid),
    [],
    "a client asked for a request ring",
  );
});
