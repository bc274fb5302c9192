// Child of the overload benchmark and test: a client process that sends `count`
// events to the application named "receiver", one per ms, each dated 100 ms ahead,
// in batches of 20. Each event is a `typeTempo` whose field holds the sender's clock
// when it was sent, so that the receiver tells the lateness MidiShare added from the
// lateness of a sender that ran late.
//   _overload_sender.ts <socket> <count>
// deno-lint-ignore-file no-console
import { createClient, typeTempo } from "@midishare/client";

const [socketPath, countText] = Deno.args;
const count = Number(countText);
const ms = createClient({ socketPath: socketPath!, autoStart: false });
const ref = await ms.MidiOpen("sender");
const dest = await ms.MidiGetNamedAppl("receiver");
ms.MidiConnect(ref, dest, true);
await ms.MidiIsConnected(ref, dest);
console.log("ready");
const pause = (t: number) => new Promise((r) => setTimeout(r, t));
const start = ms.MidiGetTime() + 100;
for (let i = 0; i < count; i += 20) {
  while (ms.MidiGetTime() < start + i - 100) await pause(2);
  for (let k = i; k < Math.min(count, i + 20); k++) {
    const e = ms.MidiNewEv(typeTempo)!;
    ms.MidiSetField(e, 0, ms.MidiGetTime());
    ms.MidiSendAt(ref, e, start + k);
  }
}
await ms.MidiGetName(ref); // everything sent has reached the server
console.log("sent");
// Closing discards what is still scheduled: wait past the last date first.
await pause(300);
ms.MidiClose(ref);
await ms.close();
