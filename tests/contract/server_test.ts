// The contract battery against a real server process on a private socket, this test
// process being a real client (`createClient({ socketPath, autoStart: false })`) and
// peers being agent processes. Every client may use FFI: one-way calls take their
// request rings (`server_socket_test.ts` runs the battery with the rings off).

import assert from "node:assert/strict";
import { clientIdOf, mappedRings } from "../_rings.ts";
import { runBattery } from "./_battery.ts";
import { serverSubject } from "./_server_subject.ts";

Deno.test("createClient() of a MidiShare server passes the contract battery", async (t) => {
  await using subject = await serverSubject();
  await runBattery(t, subject);
  const client = clientIdOf(subject.serverLog(), Deno.pid);
  assert.ok(
    client !== undefined &&
      (await mappedRings(subject.serverPid)).includes(client),
    "the battery's client ran without a request ring",
  );
});
