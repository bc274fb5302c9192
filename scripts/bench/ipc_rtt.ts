// Round trip of a synchronous call (MidiGetName) from a client process to the server,
// against a plain Deno Unix-socket ping-pong between two processes, same run: p50,
// p99 and max. Requests keep the first socket even with a request ring, which the
// client (run with -A) attaches; whether it did is reported, and the same client
// without a ring (`sharedRing: false`) is measured too; for each, the CPU and the
// wake-ups per call of the server's threads and the client's (`_threads.ts`).
// Prints one JSON line.
// deno-lint-ignore-file no-console
import { createClient } from "@midishare/client";
import { type GroupUse, serverAndClients, startWindow } from "./_threads.ts";
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

const ROUNDS = Number(Deno.args[0] ?? 5000);

async function pingPong(): Promise<number[]> {
  const path = await tempSocket();
  const echo = spawnScript("_echo_server.ts", [path]);
  await firstLine(echo);
  const conn = await Deno.connect({ transport: "unix", path });
  const message = new Uint8Array(16), reply = new Uint8Array(64);
  const times: number[] = [];
  for (let i = 0; i < ROUNDS + 500; i++) {
    const t0 = performance.now();
    await conn.write(message);
    let got = 0;
    while (got < message.length) {
      got += (await conn.read(reply.subarray(got))) ?? 0;
    }
    if (i >= 500) times.push((performance.now() - t0) * 1000);
  }
  conn.close();
  await stop(echo);
  return times;
}

async function getName(
  sharedRing: boolean,
): Promise<{
  times: number[];
  rings: number;
  perCall: Record<string, { cpuUs: number; wakeUps: number }>;
}> {
  const path = await tempSocket();
  const server = await startServer(path);
  const ms = createClient({ socketPath: path, autoStart: false, sharedRing });
  const ref = await ms.MidiOpen("rtt");
  const times: number[] = [];
  let endWindow = (): Promise<Record<string, GroupUse>> => Promise.resolve({});
  let start = 0;
  for (let i = 0; i < ROUNDS + 500; i++) {
    if (i === 500) {
      endWindow = startWindow(
        [server.pid, Deno.pid],
        serverAndClients(server.pid, { client: Deno.pid }),
      );
      start = performance.now();
    }
    const t0 = performance.now();
    await ms.MidiGetName(ref);
    if (i >= 500) times.push((performance.now() - t0) * 1000);
  }
  const seconds = (performance.now() - start) / 1000;
  const perCall = Object.fromEntries(
    Object.entries(await endWindow()).map(([name, g]) => [name, {
      cpuUs: round((g.cpuPercent / 100) * seconds * 1e6 / ROUNDS),
      wakeUps: round(g.voluntaryPerSecond * seconds / ROUNDS, 2),
    }]),
  );
  const rings = await ringMappings(server.pid);
  ms.MidiClose(ref);
  await ms.close();
  await stop(server);
  return { times, rings, perCall };
}

const us = (x: { p50: number; p99: number; max: number }) => ({
  p50: round(x.p50),
  p99: round(x.p99),
  max: round(x.max),
});
const base = percentiles(await pingPong());
const { times, rings, perCall } = await getName(true);
const call = percentiles(times);
const noRing = await getName(false);
const socketOnly = percentiles(noRing.times);
console.log(JSON.stringify({
  rounds: ROUNDS,
  pingPongUs: us(base),
  midiGetNameUs: us(call),
  midiGetNameSocketOnlyUs: us(socketOnly),
  ratioP50: round(call.p50 / base.p50, 2),
  ratioP99: round(call.p99 / base.p99, 2),
  ratioMax: round(call.max / base.max, 2),
  serverRings: rings,
  perCall,
  perCallSocketOnly: noRing.perCall,
}));
Deno.exit(0);
