// The server's idle cost: CPU as % of one core and resident memory while dormant and
// while awake with one idle application, against a plain Deno process that sleeps and
// one woken by a 1 ms timer; and the CPU and wake-ups per second of the server's threads
// (`_threads.ts`), and whether the application (run with -A) attached a request
// ring. Prints one JSON line.
// deno-lint-ignore-file no-console
import { createClient } from "@midishare/client";
import { cpuPercent, groupUse, serverThreads, snapshot } from "./_threads.ts";
import {
  firstLine,
  ringMappings,
  round,
  rssMiB,
  spawnScript,
  startServer,
  stop,
  tempSocket,
} from "./_util.ts";

const SECONDS = Number(Deno.args[0] ?? 5);

/** CPU of a process over the window, % of one core. */
async function cpu(pid: number): Promise<number> {
  return (await use(pid)).cpuPercent;
}

/** CPU of a server over the window, and the CPU and wake-ups per second of its threads. */
async function use(pid: number) {
  snapshot([pid], serverThreads); // compiles the reading
  const before = snapshot([pid], serverThreads);
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const after = snapshot([pid], serverThreads);
  const groups = await groupUse(before, after);
  return {
    cpuPercent: await cpuPercent(before, after, [pid], 2),
    threads: Object.fromEntries(
      Object.entries(groups).map((
        [name, g],
      ) => [name, {
        cpuPercent: g.cpuPercent,
        wakeUpsPerSecond: g.voluntaryPerSecond,
      }]),
    ),
  };
}

const path = await tempSocket();
const serverProcess = await startServer(path, { withPorts: true });
const pid = serverProcess.pid;
// Past its start (compiling, the first scan of the ports): dormant from then on.
await new Promise((r) => setTimeout(r, 2000));
const dormant = await use(pid);
const dormantRss = await rssMiB(pid);
const ms = createClient({ socketPath: path, autoStart: false });
const ref = await ms.MidiOpen("idle");
// Past the attachment of the application's request ring: idle from then on.
await new Promise((r) => setTimeout(r, 1000));
const awake = await use(pid);
const awakeRss = await rssMiB(pid);
const rings = await ringMappings(pid);
ms.MidiClose(ref);
await ms.close();
await stop(serverProcess);

const sleeper = spawnScript("_timer_client.ts", ["0"]);
await firstLine(sleeper);
const sleeperCpu = await cpu(sleeper.pid);
const sleeperRss = await rssMiB(sleeper.pid);
await stop(sleeper);
const ticker = spawnScript("_timer_client.ts", [String(SECONDS + 2)]);
await firstLine(ticker);
const tickerCpu = await cpu(ticker.pid);
await stop(ticker);

console.log(JSON.stringify({
  server: {
    dormant: { ...dormant, rssMiB: round(dormantRss) },
    awakeIdle: { ...awake, rssMiB: round(awakeRss), rings },
  },
  plainDeno: {
    sleeping: { cpuPercent: sleeperCpu, rssMiB: round(sleeperRss) },
    timer1ms: { cpuPercent: tickerCpu },
  },
}));
Deno.exit(0);
