/**
 * Helpers of the request-ring tests: what a server process has mapped and opened,
 * which client id the server gave a process, and the hostile client
 * (`_ring_intruder.ts`). Private to `tests/`.
 *
 * @module
 */

import { terminate, waitFor } from "./_harness.ts";

const INTRUDER = new URL("./_ring_intruder.ts", import.meta.url).pathname;

/** The lines of `/proc/<pid>/maps` that map a request ring. */
export async function ringMappings(pid: number): Promise<string[]> {
  const maps = await Deno.readTextFile(`/proc/${pid}/maps`);
  return maps.split("\n").filter((line) =>
    line.includes("/memfd:midishare-ring-")
  );
}

/** The client ids whose request ring process `pid` maps. */
export async function mappedRings(pid: number): Promise<number[]> {
  return (await ringMappings(pid))
    .map((line) => Number(/midishare-ring-(\d+)/.exec(line)![1]))
    .sort((a, b) => a - b);
}

/**
 * The client ids whose request ring process `pid` has attached: mapped, and its
 * memory file closed (the server closes it when the client attaches).
 */
export async function attachedRings(pid: number): Promise<number[]> {
  const open = [...(await descriptors(pid)).values()];
  return (await mappedRings(pid)).filter((id) =>
    !open.some((target) => target.includes(`/memfd:midishare-ring-${id} `))
  );
}

/** The open descriptors of process `pid`: number, and what it points to. */
export async function descriptors(pid: number): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for await (const entry of Deno.readDir(`/proc/${pid}/fd`)) {
    const target = await Deno.readLink(`/proc/${pid}/fd/${entry.name}`)
      .catch(() => null);
    if (target !== null) found.set(entry.name, target);
  }
  return found;
}

/** The descriptors in `now` that `before` did not have, as "fd -> target". */
export function newDescriptors(
  before: Map<string, string>,
  now: Map<string, string>,
): string[] {
  return [...now].filter(([fd, target]) => before.get(fd) !== target)
    .map(([fd, target]) => `${fd} -> ${target}`);
}

/** The client id the server logged last for a connection of process `pid`. */
export function clientIdOf(log: string, pid: number): number | undefined {
  const line = new RegExp(
    `client (\\d+) \\(pid ${pid}, [^)]*\\) connected`,
    "g",
  );
  const last = [...log.matchAll(line)].at(-1);
  return last === undefined ? undefined : Number(last[1]);
}

/** Waits until the server logged that the client in process `pid` disconnected. */
export async function waitForDisconnect(
  log: () => string,
  pid: number,
): Promise<void> {
  const line = new RegExp(`client \\d+ \\(pid ${pid}, [^)]*\\) disconnected`);
  await waitFor(() => line.test(log()), `the disconnect of process ${pid}`);
}

/** What the hostile client printed, one JSON value per line, and its exit. */
export interface IntruderRun {
  lines: Record<string, unknown>[];
  code: number;
  stderr: string;
}

/** Runs `_ring_intruder.ts` against `socketPath` for case `name`; bounded. */
export async function runIntruder(
  socketPath: string,
  name: string,
): Promise<IntruderRun> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", INTRUDER, socketPath, name],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const timer = setTimeout(() => terminate(child, 2000), 90_000);
  try {
    const out = await child.output();
    const decoder = new TextDecoder();
    return {
      lines: decoder.decode(out.stdout).split("\n").filter((l) => l !== "")
        .map((l) => JSON.parse(l)),
      code: out.code,
      stderr: decoder.decode(out.stderr),
    };
  } finally {
    clearTimeout(timer);
  }
}

/** The value of `key` in the first line of `run` that has it. */
export function field<T>(run: IntruderRun, key: string): T {
  const line = run.lines.find((l) => key in l);
  if (line === undefined) {
    throw new Error(
      `the intruder printed no "${key}" (exit ${run.code}): ${run.stderr}`,
    );
  }
  return line[key] as T;
}
