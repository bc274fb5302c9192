/**
 * Helpers of the benchmarks: a server process, child scripts, CPU and memory of a
 * process from /proc, percentiles, the echo floor's C waker. Private to
 * `scripts/bench/`.
 *
 * @module
 */

const ROOT = new URL("../../", import.meta.url).pathname;

/** p50, p99 and max of a list of numbers. */
export function percentiles(
  values: number[],
): { p50: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]! };
}

/** Rounds to `digits` decimals. */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** A private socket path. */
export async function tempSocket(): Promise<string> {
  return `${await Deno.makeTempDir({ prefix: "midishare-bench-" })}/ms.sock`;
}

/**
 * Starts `main.ts serve --persist` and waits until it listens. Hardware ports are off
 * unless `withPorts`: only the idle figure measures the server as users start it.
 */
export async function startServer(
  socketPath: string,
  { withPorts = false, args = [] as string[] } = {},
): Promise<Deno.ChildProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${ROOT}main.ts`,
      "serve",
      "--socket",
      socketPath,
      "--persist",
      "--quiet",
      ...(withPorts ? [] : ["--midi-api", "off"]),
      ...args,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  await waitForSocket(socketPath);
  return child;
}

/** Waits until something listens on `path`. */
export async function waitForSocket(path: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      (await Deno.connect({ transport: "unix", path })).close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  throw new Error(`Nothing listens on ${path}`);
}

/** Spawns a script of `scripts/bench/` with arguments; its stdout is piped. */
export function spawnScript(name: string, args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}scripts/bench/${name}`, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

/** Reads the lines a child prints one by one: "" once it has closed its output. */
export function lineReader(child: Deno.ChildProcess): () => Promise<string> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  return async () => {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const end = text.includes("\n") ? text.indexOf("\n") + 1 : text.length;
    const line = text.slice(0, end).trimEnd();
    text = text.slice(end);
    return line;
  };
}

/** Reads the first line a child prints (its "ready" signal or its result). */
export async function firstLine(child: Deno.ChildProcess): Promise<string> {
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  reader.releaseLock();
  return text.split("\n")[0]!;
}

let ticksPerSecond: number | undefined;

/** Clock ticks per second of /proc's CPU times (`getconf CLK_TCK`, usually 100). */
export async function clockTicks(): Promise<number> {
  if (ticksPerSecond !== undefined) return ticksPerSecond;
  let ticks = 100; // Linux's value on every common architecture
  try {
    const out = await new Deno.Command("getconf", { args: ["CLK_TCK"] })
      .output();
    const told = Number(new TextDecoder().decode(out.stdout).trim());
    if (told > 0) ticks = told;
  } catch {
    // No getconf: the usual value.
  }
  ticksPerSecond = ticks;
  return ticks;
}

/** User plus system CPU seconds a process has used so far (all its threads). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Fields 14 and 15 of stat (utime, stime), in clock ticks.
  return (Number(fields[11]) + Number(fields[12])) / await clockTicks();
}

/**
 * The request rings a process has mapped: the distinct `memfd:midishare-ring-N`
 * files in /proc/<pid>/maps (the server maps one per attached client, a client its
 * own); 0 when the process is gone.
 */
export async function ringMappings(pid: number | "self"): Promise<number> {
  try {
    const maps = await Deno.readTextFile(`/proc/${pid}/maps`);
    return new Set(maps.match(/memfd:midishare-ring-\d+/g) ?? []).size;
  } catch {
    return 0;
  }
}

/** Resident memory of a process, in MiB. */
export async function rssMiB(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kib / 1024;
}

/** Kills a child and waits for it. */
export async function stop(
  child: Deno.ChildProcess,
  signal: Deno.Signal = "SIGTERM",
): Promise<void> {
  try {
    child.kill(signal);
  } catch {
    // Already gone.
  }
  await child.status;
}

/**
 * Builds `socket_waker.c`, the ideal server of the echo floor, into a temporary
 * directory; its path, or null without a C compiler.
 */
export async function buildWaker(): Promise<string | null> {
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
