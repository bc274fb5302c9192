// Child of the RSS probe: a client process that connects, opens an application,
// connects it to "listener", sends a few events and a task far ahead, prints "ready",
// then waits to be killed (at most 60 s).
//   _killed_client.ts <socket>
// deno-lint-ignore-file no-console
import { createClient, typeKeyOn } from "@midishare/client";

const ms = createClient({ socketPath: Deno.args[0]!, autoStart: false });
const ref = await ms.MidiOpen("doomed");
const dest = await ms.MidiGetNamedAppl("listener");
ms.MidiConnect(ref, dest, true);
for (let i = 0; i < 20; i++) {
  const e = ms.MidiNewEv(typeKeyOn)!;
  ms.MidiSetField(e, 0, 60);
  ms.MidiSendAt(ref, e, ms.MidiGetTime() + (i < 10 ? 1 : 60_000));
}
ms.MidiTask(() => {}, ms.MidiGetTime() + 60_000, ref);
await ms.MidiGetName(ref);
console.log("ready");
await new Promise((r) => setTimeout(r, 60_000));
