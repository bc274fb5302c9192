// The contract battery against a real server process on a private socket, this test
// process being a real client (`createClient({ socketPath, autoStart: false })`) and
// peers being agent processes.

import { runBattery } from "./_battery.ts";
import { serverSubject } from "./_server_subject.ts";

Deno.test("createClient() of a MidiShare server passes the contract battery", async (t) => {
  await using subject = await serverSubject();
  await runBattery(t, subject);
});
