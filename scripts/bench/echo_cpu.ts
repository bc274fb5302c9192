// The echo workload of the design document: 1 and 10 client processes, each doing one
// MidiSendAt and one MidiTask per millisecond, for S seconds: CPU of the server and of
// every client, as % of one core; against, in the same run, the floor (as many Deno
// processes each woken by one socket byte per millisecond, written by an ideal C
// server, whose own CPU is the ideal server's) and plain Deno processes woken by a
// 1 ms timer (which fires only about 470 times a second here, so it under-counts).
// Prints one JSON line. The floor needs a C compiler (`cc`); without one it is null.
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

/** Builds the ideal waker; null without a C compiler. */
async function buildWaker(): Promise<string | null> {
  const dir = await Deno.makeTempDir({ prefix: "midishare-echo-" });
  const out = `${dir}/socket_waker`;
  try {
    const cc = await new Deno.Command("cc", {
      args: [
        "-O2",
        "-o",
        out,
        new URL("./socket_waker.c", import.meta.url).pathname,
      ],
      stdout: "null",
      stderr: "piped",
    }).output();
    return cc.success ? out : null;
  } catch {
    return null;
  }
}

async function floor(waker: string, clients: number) {
  const path = await tempSocket();
  const server = new Deno.Command(waker, {
    args: [path, String(clients), String(SECONDS + 2)],
    stdout: "piped",
  }).spawn();
  await firstLine(server);
  const children = Array.from(
    { length: clients },
    () => spawnScript("_socket_woken_client.ts", [path]),
  );
  await Promise.all(children.map(firstLine));
  await new Promise((r) => setTimeout(r, 500));
  const idealServer = await measure([server.pid], SECONDS / 2);
  const woken = await measure(children.map((c) => c.pid), SECONDS / 2);
  await Promise.all(children.map((c) => stop(c)));
  await stop(server);
  return { idealServerCpuPercent: idealServer, wokenCpuPercent: woken };
}

const waker = await buildWaker();
const result: Record<string, unknown> = { seconds: SECONDS };
for (const n of [1, 10]) {
  result[`clients${n}`] = {
    midiShare: await echo(n),
    floor: waker === null ? null : await floor(waker, n),
    denoTimers: await timers(n),
  };
}
console.log(JSON.stringify(result));
Deno.exit(0);
