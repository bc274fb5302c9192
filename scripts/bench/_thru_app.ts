// The MidiShare thru application of the RtMidi benchmark: everything MidiShare's
// inputs (refnum 0) deliver goes straight back out, on the same port.
// deno-lint-ignore-file no-console
import { createClient } from "@midishare/client";

const ms = createClient({ socketPath: Deno.args[0]!, autoStart: false });
const ref = await ms.MidiOpen("thru");
ms.MidiConnect(0, ref, true);
ms.MidiConnect(ref, 0, true);
ms.MidiSetRcvAlarm(ref, () => {
  for (let e = ms.MidiGetEv(ref); e !== null; e = ms.MidiGetEv(ref)) {
    ms.MidiSendIm(ref, e);
  }
});
await ms.MidiIsConnected(ref, 0);
console.log("ready");
await new Promise(() => {});
