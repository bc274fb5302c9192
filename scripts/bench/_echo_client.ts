// Child of the echo benchmark: the msEcho workload of the design document, one
// MidiSendAt and one MidiTask per millisecond, for <seconds>.
// deno-lint-ignore-file no-console
import { createClient, typeKeyOn } from "@midishare/client";

const [socketPath, secondsText] = Deno.args;
const ms = createClient({ socketPath: socketPath!, autoStart: false });
const ref = await ms.MidiOpen("echo");
const end = ms.MidiGetTime() + Number(secondsText) * 1000;
const echo = (date: number) => {
  const e = ms.MidiNewEv(typeKeyOn)!;
  ms.MidiSetField(e, 0, 60);
  ms.MidiSendAt(ref, e, date + 1);
  if (date < end) ms.MidiTask(echo, date + 1, ref);
};
ms.MidiTask(echo, ms.MidiGetTime() + 1, ref);
console.log("ready");
while (ms.MidiGetTime() < end + 20) await new Promise((r) => setTimeout(r, 50));
ms.MidiClose(ref);
await ms.close();
