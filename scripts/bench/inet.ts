// The network driver (`main.ts inet`) between two network namespaces on a bridge,
// each with its own server: the rendering error of events sent at 1 kHz (arrival
// date at the receiving application minus send date minus g minus M, both dates
// mapped to the host clock through each server's time origin) with the LAN defaults
// and with -g 1 -lat 3; the events per second one station forwards to the other; the
// driver's CPU awake and idle, and while forwarding at 1 kHz. The raw UDP ping-pong
// and throughput of `inet_baseline.ts` run in the same process tree as the baseline.
// Needs root; without it, prints why. Prints one JSON line.
//
// Usage: deno run -A scripts/bench/inet.ts [--quick]
// deno-lint-ignore-file no-console
import { createClient, type MidiShareClient } from "@midishare/client";
import {
  createNetnsPair,
  type NetnsPair,
  type PairEnd,
} from "./_netns_pair.ts";
import { cpuSeconds, percentiles, round, waitForSocket } from "./_util.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const isQuick = Deno.args.includes("--quick");
const EVENTS = isQuick ? 1_000 : 10_000;
const THROUGHPUT_MS = isQuick ? 500 : 2_000;
const IDLE_MS = isQuick ? 1_000 : 5_000;

interface Station {
  end: PairEnd;
  name: string;
  socketPath: string;
  server: Deno.ChildProcess;
  ms: MidiShareClient;
  user: number;
  received: { date: number; index: number; at: number }[];
}

function inNamespace(
  pair: NetnsPair,
  s: { end: PairEnd; name: string },
  argv: string[],
) {
  return pair.spawn(s.end, [
    ...["unshare", "--uts", "sh", "-c", 'hostname "$0" && exec "$@"', s.name],
    ...argv,
  ]);
}

async function startStation(
  pair: NetnsPair,
  end: PairEnd,
  name: string,
  dir: string,
): Promise<Station> {
  const socketPath = `${dir}/${name}.sock`;
  const server = inNamespace(pair, { end, name }, [
    ...[Deno.execPath(), "run", "-A", `${ROOT}main.ts`, "serve", "--persist"],
    ...["--quiet", "--midi-api", "off", "--socket", socketPath],
  ]);
  await waitForSocket(socketPath);
  const ms = createClient({
    socketPath,
    autoStart: false,
    poolCellCount: 400_000,
  });
  const user = await ms.MidiOpen("bench");
  const station: Station = {
    end,
    name,
    socketPath,
    server,
    ms,
    user,
    received: [],
  };
  ms.MidiSetRcvAlarm(user, (r) => {
    const at = performance.now();
    for (let e = ms.MidiGetEv(r); e !== null; e = ms.MidiGetEv(r)) {
      const index = ms.MidiGetField(e, 0) + 128 * ms.MidiGetField(e, 1) +
        16384 * e.chan;
      station.received.push({ date: e.date, index, at });
      ms.MidiFreeEv(e);
    }
  });
  return station;
}

/** The driver in `s`, its log lines collected as they come. */
function startDriver(
  pair: NetnsPair,
  s: Station,
  args: string[],
): { child: Deno.ChildProcess; lines: string[] } {
  const child = inNamespace(pair, s, [
    ...["env", `MIDISHARE_SOCKET=${s.socketPath}`],
    ...[Deno.execPath(), "run", "-A", `${ROOT}main.ts`, "inet", ...args],
  ]);
  const lines: string[] = [];
  (async () => {
    let buf = "";
    for await (
      const chunk of child.stdout.pipeThrough(new TextDecoderStream())
    ) {
      buf += chunk;
      const parts = buf.split("\n");
      buf = parts.pop()!;
      lines.push(...parts);
    }
  })().catch(() => {});
  return { child, lines };
}

async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 20_000,
) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const origin = (s: Station) =>
  performance.timeOrigin + performance.now() - s.ms.preciseTime();

async function refOf(s: Station, name: string): Promise<number> {
  let ref = -1;
  await until(async () => (ref = await s.ms.MidiGetNamedAppl(name)) > 0, name);
  return ref;
}

/** Sends `count` KeyOn events from a to b, one per `spacingMs` (index in fields). */
function send(
  a: Station,
  first: number,
  count: number,
  perMs: number,
): number[] {
  const dates: number[] = [];
  for (let i = 0; i < count; i++) {
    const e = a.ms.MidiNewEv(1)!;
    a.ms.MidiSetField(e, 0, i & 127);
    a.ms.MidiSetField(e, 1, (i >> 7) & 127);
    e.chan = (i >> 14) & 15;
    const date = first + Math.floor(i / perMs);
    a.ms.MidiSendAt(a.user, e, date);
    dates.push(date);
  }
  return dates;
}

/**
 * Sends `perMs` events per ms for `durationMs`, scheduled at most 200 ms ahead: the
 * server's pool holds what waits for its date, and must not overflow.
 */
async function stream(a: Station, perMs: number, durationMs: number) {
  const first = a.ms.MidiGetTime() + 50;
  let ms = 0, i = 0;
  while (ms < durationMs) {
    const horizon = Math.min(durationMs, a.ms.MidiGetTime() - first + 200);
    for (; ms < horizon; ms++) {
      for (let k = 0; k < perMs; k++, i++) {
        const e = a.ms.MidiNewEv(1)!;
        a.ms.MidiSetField(e, 0, i & 127);
        a.ms.MidiSetField(e, 1, (i >> 7) & 127);
        a.ms.MidiSendAt(a.user, e, first + ms);
      }
    }
    await sleep(20);
  }
}

/** One run of `EVENTS` events at 1 kHz with the drivers started with `args`. */
async function renderingRun(
  pair: NetnsPair,
  a: Station,
  b: Station,
  args: string[],
  delayMs: number,
) {
  const da = startDriver(pair, a, args);
  const db = startDriver(pair, b, args);
  await until(
    () => da.lines.some((l) => l.includes(`${b.name} : peer arrived`)),
    "discovery",
  );
  await until(
    () => db.lines.some((l) => l.includes(`${a.name} : peer arrived`)),
    "discovery",
  );
  const bInA = await refOf(a, b.name), aInB = await refOf(b, a.name);
  a.ms.MidiConnect(a.user, bInA, true);
  b.ms.MidiConnect(aInB, b.user, true);
  await a.ms.MidiShare();
  await b.ms.MidiShare();
  await sleep(500); // a few more clock samples
  b.received.length = 0;
  const [cpuA0, cpuB0] = [
    await cpuSeconds(da.child.pid),
    await cpuSeconds(db.child.pid),
  ];
  const first = a.ms.MidiGetTime() + 200;
  const sent = send(a, first, EVENTS, 1);
  await sleep(200 + EVENTS + 1000);
  const seconds = (200 + EVENTS + 1000) / 1000;
  const cpu = {
    senderPercent: round(
      100 * (await cpuSeconds(da.child.pid) - cpuA0) / seconds,
    ),
    receiverPercent: round(
      100 * (await cpuSeconds(db.child.pid) - cpuB0) / seconds,
    ),
  };
  const offset = origin(b) - origin(a);
  const errors = b.received.map((r) =>
    r.date + offset - sent[r.index]! - delayMs
  );
  const p = percentiles(errors);
  const result = {
    args: args.join(" ") || "(LAN defaults)",
    events: EVENTS,
    errorMs: {
      p50: round(p.p50, 2),
      p99: round(p.p99, 2),
      max: round(p.max, 2),
      min: round(Math.min(...errors), 2),
    },
    late: errors.filter((e) => e > 1).length,
    early: errors.filter((e) => e < -1).length,
    missing: EVENTS - b.received.length,
    driverCpuAt1kHz: cpu,
  };
  return { result, da, db, cpuA0 };
}

async function stopDriver(d: { child: Deno.ChildProcess }) {
  try {
    d.child.kill("SIGTERM");
  } catch {
    // Already gone.
  }
  await d.child.status;
}

async function baseline() {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${ROOT}scripts/bench/inet_baseline.ts`,
      ...(isQuick ? ["--quick"] : []),
    ],
    stderr: "inherit",
  }).output();
  const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
  return JSON.parse(lines.at(-1)!);
}

let pair: NetnsPair;
try {
  pair = await createNetnsPair();
} catch (error) {
  console.log(JSON.stringify({ skipped: (error as Error).message }));
  Deno.exit(0);
}
const dir = await Deno.makeTempDir({ prefix: "midishare-bench-inet-" });
const stations: Station[] = [];
try {
  const a = await startStation(pair, pair.a, "benchalpha", dir);
  const b = await startStation(pair, pair.b, "benchbeta", dir);
  stations.push(a, b);

  // Awake and idle, then LAN defaults at 1 kHz.
  const lan = await renderingRun(pair, a, b, [], 20);
  const idleA0 = await cpuSeconds(lan.da.child.pid);
  await sleep(IDLE_MS);
  const idleCpuPercent = round(
    100 * (await cpuSeconds(lan.da.child.pid) - idleA0) / (IDLE_MS / 1000),
  );

  // Throughput: a steady stream offered at rising rates, LAN defaults.
  const throughput = [];
  for (const perMs of [50, 100, 200]) {
    b.received.length = 0;
    const count = perMs * THROUGHPUT_MS;
    const cpuA0 = await cpuSeconds(lan.da.child.pid);
    await stream(a, perMs, THROUGHPUT_MS);
    // Until nothing more arrives for a second (late ones are late, not lost).
    for (let n = -1, i = 0; n !== b.received.length && i < 30; i++) {
      n = b.received.length;
      await sleep(1000);
    }
    const arrivals = b.received.map((r) => r.at).sort((x, y) => x - y);
    const spanS = arrivals.length > 1
      ? (arrivals.at(-1)! - arrivals[0]!) / 1000
      : 0;
    const lost = async (x: Station) =>
      Number((await x.ms.serverStatus()).lostCount);
    throughput.push({
      lostInSenderServer: await lost(a),
      lostInReceiverServer: await lost(b),
      offeredPerSecond: perMs * 1000,
      sent: count,
      received: b.received.length,
      receivedPerSecond: spanS > 0 ? Math.round(b.received.length / spanS) : 0,
      senderDriverCpuPercent: round(
        100 * (await cpuSeconds(lan.da.child.pid) - cpuA0) /
          Math.max(spanS, 0.001),
      ),
    });
  }
  await stopDriver(lan.da);
  await stopDriver(lan.db);
  await sleep(500);

  const fast = await renderingRun(pair, a, b, ["-g", "1", "-lat", "3"], 4);
  await stopDriver(fast.da);
  await stopDriver(fast.db);

  for (const s of stations) await s.ms.close();
  const baselines = await baseline();
  console.log(JSON.stringify({
    rendering: [lan.result, fast.result],
    throughput,
    driverIdleAwakeCpuPercent: idleCpuPercent,
    baselines,
  }));
} finally {
  for (const s of stations) {
    await s.ms.close().catch(() => {});
    try {
      s.server.kill("SIGTERM");
    } catch {
      // Already gone.
    }
    await s.server.status;
  }
  await pair[Symbol.asyncDispose]();
  await Deno.remove(dir, { recursive: true }).catch(() => {});
}
