// The contract battery against the in-process kernel: `createKernel({ clock:
// "manual" })` of `@midishare/client`, time moved by `advance(ms)`.

import { runBattery } from "./_battery.ts";
import { inProcessSubject } from "./_in_process_subject.ts";

Deno.test("createKernel() with a manual clock passes the contract battery", async (t) => {
  await using subject = inProcessSubject();
  await runBattery(t, subject);
});
