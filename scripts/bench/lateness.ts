// Lateness of events sent with MidiSendAt from one client process to another: the
// receiver's clock at arrival minus the event's date, over N events at 1 kHz; against
// a worker sleeping to each millisecond with Atomics.wait, in the same run: p50, p99,
// max and their ratios. Both clients run with -A, so they send through request rings;
// how many the server had mapped is reported. Prints one JSON line.
// deno-lint-ignore-file no-console
import { createClient } from "@midishare/client";
import {
  firstLine,
  percentiles,
  ringMappings,
  round,
  spawnScript,
  startServer,
  stop,
  tempSocket,
} from "./_util.ts";

const COUNT = Number(Deno.args[0] ?? 10_000);

/**
 * Baseline: how late a worker that sleeps to each millisecond with `Atomics.wait`
 * wakes up (the floor of the mechanism the kernel uses). A `setTimeout` loop is no
 * baseline: Deno clamps nested timers to 4 ms.
 */
async function sleepLateness(count: number): Promise<number[]> {
  const source = `self.onmessage = (e) => {
    const i = new Int32Array(new SharedArrayBuffer(4)), late = [];
    const start = performance.now() + 5;
    for (let k = 1; k <= e.data; k++) {
      const wait = start + k - performance.now();
      if (wait > 0) Atomics.wait(i, 0, 0, wait);
      late.push((performance.now() - (start + k)) * 1000);
    }
    postMessage(late);
  };`;
  const url = URL.createObjectURL(
    new Blob([source], { type: "text/javascript" }),
  );
  const worker = new Worker(url, { type: "module" });
  const late = await new Promise<number[]>((resolve) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.postMessage(count);
  });
  worker.terminate();
  return late;
}

async function midiShareLateness(): Promise<{ late: number[]; rings: number }> {
  const path = await tempSocket();
  const server = await startServer(path);
  const ms = createClient({ socketPath: path, autoStart: false });
  const ref = await ms.MidiOpen("receiver");
  const late: number[] = [];
  const done = Promise.withResolvers<void>();
  ms.MidiSetRcvAlarm(ref, () => {
    const now = ms.preciseTime();
    for (let e = ms.MidiGetEv(ref); e !== null; e = ms.MidiGetEv(ref)) {
      late.push((now - e.date) * 1000);
      ms.MidiFreeEv(e);
    }
    if (late.length >= COUNT) done.resolve();
  });
  const sender = spawnScript("_sender.ts", ["lateness", path, String(COUNT)]);
  await firstLine(sender);
  await done.promise;
  const rings = await ringMappings(server.pid);
  await stop(sender);
  ms.MidiClose(ref);
  await ms.close();
  await stop(server);
  return { late, rings };
}

const us = (x: { p50: number; p99: number; max: number }) => ({
  p50: round(x.p50),
  p99: round(x.p99),
  max: round(x.max),
});
const { late, rings } = await midiShareLateness();
const ms = percentiles(late);
const floor = percentiles(await sleepLateness(COUNT));
console.log(JSON.stringify({
  events: COUNT,
  midiShareUs: us(ms),
  atomicsWaitUs: us(floor),
  ratioP50: round(ms.p50 / floor.p50, 2),
  ratioP99: round(ms.p99 / floor.p99, 2),
  ratioMax: round(ms.max / floor.max, 2),
  serverRings: rings,
}));
Deno.exit(0);
