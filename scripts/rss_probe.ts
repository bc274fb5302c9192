// deno-lint-ignore-file no-console
/**
 * A bounded probe of the server's memory across killed clients: starts a server,
 * keeps one listening application open, then starts client processes that open an
 * application, send events and a task and are killed with SIGKILL, `batch` at a time,
 * `kills` in all; prints the server's resident memory every `every` kills as one JSON
 * line, with the kernel worker's heap from `ServerStatus`. Loopback only; every child
 * is killed, and the whole probe gives up after 10 minutes.
 *
 * Usage: `deno run -A scripts/rss_probe.ts [kills=500] [every=50] [batch=4]`
 *
 * @module
 */

import { createClient } from "@midishare/client";
import {
  firstLine,
  rssMiB,
  spawnScript,
  startServer,
  stop,
  tempSocket,
} from "./bench/_util.ts";

const KILLS = Number(Deno.args[0] ?? 500);
const EVERY = Number(Deno.args[1] ?? 50);
const BATCH = Number(Deno.args[2] ?? 4);
const deadline = setTimeout(() => {
  console.error("rss_probe: gave up after 10 minutes");
  Deno.exit(1);
}, 600_000);

const path = await tempSocket();
const server = await startServer(path);
const ms = createClient({ socketPath: path, autoStart: false });
const listener = await ms.MidiOpen("listener");
ms.MidiSetRcvAlarm(listener, (ref) => ms.MidiFlushEvs(ref));
const samples: {
  kills: number;
  rssMiB: number;
  kernelHeapMiB: unknown;
  poolUsed: number;
}[] = [];
const sample = async (kills: number) => {
  const status = await ms.serverStatus();
  samples.push({
    kills,
    rssMiB: Math.round(await rssMiB(server.pid) * 100) / 100,
    kernelHeapMiB: status.kernelHeapMiB,
    poolUsed: (status.pool as { used: number }).used,
  });
};
try {
  await sample(0);
  for (let done = 0; done < KILLS;) {
    const children = Array.from(
      { length: Math.min(BATCH, KILLS - done) },
      () => spawnScript("_killed_client.ts", [path]),
    );
    await Promise.all(children.map(firstLine));
    await Promise.all(children.map((c) => stop(c, "SIGKILL")));
    const before = done;
    done += children.length;
    if (Math.floor(done / EVERY) > Math.floor(before / EVERY)) {
      // Let the server see the disconnections first.
      await new Promise((r) => setTimeout(r, 200));
      await sample(done);
    }
  }
} finally {
  ms.MidiClose(listener);
  await ms.close();
  await stop(server);
  clearTimeout(deadline);
}
const first = samples[1] ?? samples[0]!, last = samples.at(-1)!;
console.log(JSON.stringify({
  kills: KILLS,
  samples,
  kibPerKillAfterFirstSample: Math.round(
    ((last.rssMiB - first.rssMiB) * 1024) /
      Math.max(1, last.kills - first.kills),
  ),
}));
