// The echo workload of the design document: 1 and 10 client processes, each doing one
// MidiSendAt and one MidiTask per millisecond, for S seconds: CPU of the server and of
// every client, as % of one core; against the same number of plain Deno processes
// woken by a 1 ms timer. Prints one JSON line.
// deno-lint-ignore-file no-console
import {
  cpuSeconds,
  firstLine,
  round,
  spawnScript,
  startServer,
  stop,
  tempSocket,
} from "./_util.ts";

const SECONDS = Number(Deno.args[0] ?? 10);

async function measure(pids: number[], seconds: number): Promise<number> {
  const before = await Promise.all(pids.map(cpuSeconds));
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const after = await Promise.all(pids.map(cpuSeconds));
  const elapsed = (performance.now() - t0) / 1000;
  const used = after.reduce((n, v, i) => n + v - before[i]!, 0);
  return round((100 * used) / elapsed);
}

async function echo(clients: number) {
  const path = await tempSocket();
  const server = await startServer(path);
  const children = Array.from(
    { length: clients },
    () => spawnScript("_echo_client.ts", [path, String(SECONDS + 2)]),
  );
  await Promise.all(children.map(firstLine));
  await new Promise((r) => setTimeout(r, 500));
  const serverCpu = await measure([server.pid], SECONDS / 2);
  const total = await measure(
    [server.pid, ...children.map((c) => c.pid)],
    SECONDS / 2,
  );
  await Promise.all(children.map((c) => c.status));
  await stop(server);
  return { serverCpuPercent: serverCpu, totalCpuPercent: total };
}

async function timers(clients: number) {
  const children = Array.from(
    { length: clients },
    () => spawnScript("_timer_client.ts", [String(SECONDS)]),
  );
  await Promise.all(children.map(firstLine));
  const total = await measure(children.map((c) => c.pid), SECONDS / 2);
  await Promise.all(children.map((c) => stop(c)));
  return { totalCpuPercent: total };
}

const result: Record<string, unknown> = { seconds: SECONDS };
for (const n of [1, 10]) {
  result[`clients${n}`] = {
    midiShare: await echo(n),
    denoTimers: await timers(n),
  };
}
console.log(JSON.stringify(result));
Deno.exit(0);
