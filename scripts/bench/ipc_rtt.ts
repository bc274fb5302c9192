// Round trip of a synchronous call (MidiGetName) from a client process to the server,
// against a plain Deno Unix-socket ping-pong between two processes, same run.
// Prints one JSON line.
// deno-lint-ignore-file no-console
import { createClient } from "@midishare/client";
import {
  firstLine,
  percentiles,
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

async function getName(): Promise<number[]> {
  const path = await tempSocket();
  const server = await startServer(path);
  const ms = createClient({ socketPath: path, autoStart: false });
  const ref = await ms.MidiOpen("rtt");
  const times: number[] = [];
  for (let i = 0; i < ROUNDS + 500; i++) {
    const t0 = performance.now();
    await ms.MidiGetName(ref);
    if (i >= 500) times.push((performance.now() - t0) * 1000);
  }
  ms.MidiClose(ref);
  await ms.close();
  await stop(server);
  return times;
}

const base = percentiles(await pingPong());
const call = percentiles(await getName());
console.log(JSON.stringify({
  rounds: ROUNDS,
  pingPongUs: { p50: round(base.p50), p99: round(base.p99) },
  midiGetNameUs: { p50: round(call.p50), p99: round(call.p99) },
  ratioP50: round(call.p50 / base.p50, 2),
  ratioP99: round(call.p99 / base.p99, 2),
}));
Deno.exit(0);
