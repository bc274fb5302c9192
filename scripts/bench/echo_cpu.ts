// The echo workload of the design document: 1 and 10 client processes, each doing one
// MidiSendAt and one MidiTask per millisecond, for S seconds: CPU of the server and of
// every client, as % of one core; against, in the same run, the floor (as many Deno
// processes each woken by one socket byte per millisecond, written by an ideal C
// server, whose own CPU is the ideal server's) and plain Deno processes woken by a
// 1 ms timer (which fires only about 470 times a second here, so it under-counts).
// Over the same window, where it goes: CPU, wake-ups (voluntary context switches) and
// preemptions (involuntary ones) per second of each group of threads (`_threads.ts`),
// and the CPU each wake-up costs; and how many request rings the server and the
// clients mapped. Prints one JSON line. The floor needs a C compiler (`cc`); without
// one it is null.
// deno-lint-ignore-file no-console
import {
  clientThreads,
  cpuPercent,
  type Grouping,
  type GroupUse,
  groupUse,
  serverThreads,
  snapshot,
  usPerWake,
} from "./_threads.ts";
import {
  buildWaker,
  firstLine,
  ringMappings,
  round,
  spawnScript,
  startServer,
  stop,
  tempSocket,
} from "./_util.ts";

const SECONDS = Number(Deno.args[0] ?? 10);
// How long the workload runs: past the window however slowly the processes start
// (ten take seconds on a loaded machine); each is stopped once the window is over.
const RUN_SECONDS = String(SECONDS + 30);

const sleep = (seconds: number) =>
  new Promise((r) => setTimeout(r, seconds * 1000));

/**
 * A server and its clients over one window of `seconds`: the CPU of each side as %
 * of one core (from each process's stat), each side's groups of threads, and the
 * CPU per wake-up of the server's `busiest` group and of a client.
 */
async function window(
  server: { pid: number; grouping: Grouping; busiest: string },
  clients: number[],
  seconds: number,
) {
  snapshot([server.pid, ...clients], server.grouping); // compiles the reading
  const s0 = snapshot([server.pid], server.grouping);
  const c0 = snapshot(clients, clientThreads);
  await sleep(seconds);
  const s1 = snapshot([server.pid], server.grouping);
  const c1 = snapshot(clients, clientThreads);
  const serverCpu = await cpuPercent(s0, s1);
  const clientsCpu = await cpuPercent(c0, c1);
  const serverThreads = await groupUse(s0, s1);
  const clientGroups = await groupUse(c0, c1);
  const main = clientGroups.main as GroupUse | undefined;
  return {
    serverCpuPercent: serverCpu,
    clientsCpuPercent: clientsCpu,
    totalCpuPercent: round(serverCpu + clientsCpu),
    serverThreads,
    clientThreads: clientGroups,
    usPerWake: {
      server: usPerWake(serverThreads[server.busiest]),
      clientMain: usPerWake(main),
      // A client's whole CPU (every thread) per wake-up of its main thread.
      client: usPerWake(main, clientsCpu),
    },
  };
}

async function echo(clients: number) {
  const path = await tempSocket();
  const server = await startServer(path);
  const children = Array.from(
    { length: clients },
    () => spawnScript("_echo_client.ts", [path, RUN_SECONDS]),
  );
  await Promise.all(children.map(firstLine));
  await sleep(0.5);
  const pids = children.map((c) => c.pid);
  const use = await window(
    { pid: server.pid, grouping: serverThreads, busiest: "kernel" },
    pids,
    SECONDS,
  );
  const rings = {
    server: await ringMappings(server.pid),
    clients: (await Promise.all(pids.map(ringMappings))).filter((n) => n > 0)
      .length,
  };
  await Promise.all(children.map((c) => stop(c)));
  await stop(server);
  return { ...use, rings };
}

async function timers(clients: number) {
  const children = Array.from(
    { length: clients },
    () => spawnScript("_timer_client.ts", [String(SECONDS)]),
  );
  await Promise.all(children.map(firstLine));
  const pids = children.map((c) => c.pid);
  snapshot(pids, clientThreads); // compiles the reading
  const before = snapshot(pids, clientThreads);
  await sleep(SECONDS / 2);
  const total = await cpuPercent(before, snapshot(pids, clientThreads));
  await Promise.all(children.map((c) => stop(c)));
  return { totalCpuPercent: total };
}

async function floor(waker: string, clients: number) {
  const path = await tempSocket();
  const server = new Deno.Command(waker, {
    args: [path, String(clients), RUN_SECONDS],
    stdout: "piped",
  }).spawn();
  await firstLine(server);
  const children = Array.from(
    { length: clients },
    () => spawnScript("_socket_woken_client.ts", [path]),
  );
  await Promise.all(children.map(firstLine));
  await sleep(0.5);
  const use = await window(
    { pid: server.pid, grouping: () => "main", busiest: "main" },
    children.map((c) => c.pid),
    SECONDS,
  );
  await Promise.all(children.map((c) => stop(c)));
  await stop(server);
  const { serverCpuPercent, clientsCpuPercent, ...rest } = use;
  return {
    idealServerCpuPercent: serverCpuPercent,
    wokenCpuPercent: clientsCpuPercent,
    ...rest,
  };
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
