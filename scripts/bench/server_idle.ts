// The server's idle cost: CPU as % of one core and resident memory while dormant and
// while awake with one idle application, against a plain Deno process that sleeps and
// one woken by a 1 ms timer. Prints one JSON line.
// deno-lint-ignore-file no-console
import { createClient } from "@midishare/client";
import {
  cpuSeconds,
  firstLine,
  round,
  rssMiB,
  spawnScript,
  startServer,
  stop,
  tempSocket,
} from "./_util.ts";

const SECONDS = Number(Deno.args[0] ?? 5);

async function cpu(pid: number): Promise<number> {
  const before = await cpuSeconds(pid);
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  return round(
    (100 * (await cpuSeconds(pid) - before)) /
      ((performance.now() - t0) / 1000),
    2,
  );
}

const path = await tempSocket();
const server = await startServer(path, { withPorts: true });
await new Promise((r) => setTimeout(r, 500));
const dormantCpu = await cpu(server.pid);
const dormantRss = await rssMiB(server.pid);
const ms = createClient({ socketPath: path, autoStart: false });
const ref = await ms.MidiOpen("idle");
const awakeCpu = await cpu(server.pid);
const awakeRss = await rssMiB(server.pid);
ms.MidiClose(ref);
await ms.close();
await stop(server);

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
    dormant: { cpuPercent: dormantCpu, rssMiB: round(dormantRss) },
    awakeIdle: { cpuPercent: awakeCpu, rssMiB: round(awakeRss) },
  },
  plainDeno: {
    sleeping: { cpuPercent: sleeperCpu, rssMiB: round(sleeperRss) },
    timer1ms: { cpuPercent: tickerCpu },
  },
}));
Deno.exit(0);
