// Child of the lateness and throughput benchmarks: a client process that sends to the
// application named "receiver".
//   lateness <socket> <count>: one event per ms, each scheduled 100 ms ahead in
//     batches of 20;
//   burst <socket> <count>: MidiSendIm as fast as possible, batches of 8000 (what
//     a request ring holds: 192 KB of frames) with a `setTimeout(0)` between two
//     (which Deno clamps to 1 to 4 ms once nested, so this paces the sender);
//     "sent" is followed by the seconds from the first call to the last, to tell
//     that pace from the server's.
// deno-lint-ignore-file no-console
import { createClient, typeKeyOn } from "@midishare/client";

const [mode, socketPath, countText] = Deno.args;
const count = Number(countText);
const ms = createClient({ socketPath: socketPath!, autoStart: false });
const ref = await ms.MidiOpen("sender");
const dest = await ms.MidiGetNamedAppl("receiver");
ms.MidiConnect(ref, dest, true);
await ms.MidiIsConnected(ref, dest);
console.log("ready");
const BATCH = 8000;
const pause = (t: number) => new Promise((r) => setTimeout(r, t));
let seconds = 0;
if (mode === "lateness") {
  const start = ms.MidiGetTime() + 100;
  for (let i = 0; i < count; i += 20) {
    while (ms.MidiGetTime() < start + i - 100) await pause(2);
    for (let k = i; k < Math.min(count, i + 20); k++) {
      const e = ms.MidiNewEv(typeKeyOn)!;
      ms.MidiSetField(e, 0, k & 0x7f);
      ms.MidiSendAt(ref, e, start + k);
    }
  }
} else {
  const start = performance.now();
  for (let i = 0; i < count; i += BATCH) {
    for (let k = i; k < Math.min(count, i + BATCH); k++) {
      const e = ms.MidiNewEv(typeKeyOn)!;
      ms.MidiSetField(e, 0, k & 0x7f);
      ms.MidiSendIm(ref, e);
    }
    await pause(0);
  }
  seconds = (performance.now() - start) / 1000;
}
await ms.MidiGetName(ref); // everything sent has reached the server
console.log(`sent ${seconds}`);
await pause(1500);
ms.MidiClose(ref);
await ms.close();
