/**
 * Where a process's CPU goes, thread by thread, from /proc: CPU time of each thread
 * (utime + stime, fields 14 and 15 of /proc/<pid>/task/<tid>/stat, in clock ticks)
 * and its voluntary and involuntary context switches (/proc/<pid>/task/<tid>/status),
 * summed over groups of threads named by their `comm`. A voluntary switch is a
 * thread going to sleep, so each one is a wake-up to come. Private to
 * `scripts/bench/`.
 *
 * @module
 */

import { clockTicks, round } from "./_util.ts";

/** One thread's counters at one instant. */
interface ThreadCounters {
  group: string;
  ticks: number;
  systemTicks: number;
  voluntary: number;
  involuntary: number;
}

/** A snapshot of some processes: their CPU ticks, and every thread keyed by `pid/tid`. */
export interface Snapshot {
  at: number;
  processes: Map<number, number>;
  threads: Map<string, ThreadCounters>;
}

/** What a group of threads did over a window, per second of the window. */
export interface GroupUse {
  /** CPU, % of one core. */
  cpuPercent: number;
  /** The part of it spent in the operating system's kernel (stime), % of one core. */
  systemPercent: number;
  /** Voluntary context switches (wake-ups) per second. */
  voluntaryPerSecond: number;
  /** Involuntary context switches (preemptions) per second. */
  involuntaryPerSecond: number;
  /** Threads seen in the group (over all its processes). */
  threads: number;
}

/** Names the group of a thread from its process, its tid and its `comm`. */
export type Grouping = (pid: number, tid: number, comm: string) => string;

/**
 * The groups of a MidiShare server's threads: its main thread, the kernel worker
 * (`worker-1`, which runs the tick loop), the listener (`worker-2`), V8's helper
 * threads, and the rest (the runtime's I/O threads, other workers such as the port
 * scanner of the RtMidi driver).
 */
export function serverThreads(pid: number, tid: number, comm: string): string {
  if (tid === pid) return "main";
  if (comm === "worker-1") return "kernel";
  if (comm === "worker-2") return "listener";
  return comm.startsWith("V8 ") ? "v8" : "other";
}

/** The groups of a client process's threads: its main thread and the others. */
export function clientThreads(pid: number, tid: number): string {
  return tid === pid ? "main" : "others";
}

/** utime and stime (fields 14 and 15) of a /proc stat file, in clock ticks. */
function statTicks(stat: string): [user: number, system: number] {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return [Number(fields[11]), Number(fields[12])];
}

function readThread(
  pid: number,
  tid: number,
  grouping: Grouping,
): ThreadCounters | null {
  const dir = `/proc/${pid}/task/${tid}`;
  try {
    const stat = Deno.readTextFileSync(`${dir}/stat`);
    const status = Deno.readTextFileSync(`${dir}/status`);
    const [user, system] = statTicks(stat);
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const count = (name: string) =>
      Number(new RegExp(`\\n${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return {
      group: grouping(pid, tid, comm),
      ticks: user + system,
      systemTicks: system,
      voluntary: count("voluntary_ctxt_switches"),
      involuntary: count("nonvoluntary_ctxt_switches"),
    };
  } catch {
    return null; // the thread ended meanwhile
  }
}

/**
 * Reads the counters of every thread of `pids` now, synchronously so that all are
 * read within a few milliseconds of each other (the asynchronous reads of a loaded
 * machine spread over hundreds; the first call, compiling, takes tens: take one to
 * throw away before a window).
 */
export function snapshot(pids: number[], grouping: Grouping): Snapshot {
  const processes = new Map<number, number>();
  const threads = new Map<string, ThreadCounters>();
  for (const pid of pids) {
    let tids: number[] = [];
    try {
      const [user, system] = statTicks(
        Deno.readTextFileSync(`/proc/${pid}/stat`),
      );
      processes.set(pid, user + system);
      tids = [...Deno.readDirSync(`/proc/${pid}/task`)].map((e) =>
        Number(e.name)
      );
    } catch {
      continue; // the process ended
    }
    for (const tid of tids) {
      const t = readThread(pid, tid, grouping);
      if (t !== null) threads.set(`${pid}/${tid}`, t);
    }
  }
  return { at: performance.now(), processes, threads };
}

/**
 * What each group did between two snapshots of the same processes. A thread that
 * started in between counts from zero; one that ended is missing (its process's own
 * CPU, from /proc/<pid>/stat, still has it).
 */
export async function groupUse(
  before: Snapshot,
  after: Snapshot,
): Promise<Record<string, GroupUse>> {
  const ticks = await clockTicks();
  const seconds = (after.at - before.at) / 1000;
  const sums: Record<string, ThreadCounters & { threads: number }> = {};
  for (const [key, end] of after.threads) {
    const start = before.threads.get(key);
    const s = sums[end.group] ??= {
      group: end.group,
      ticks: 0,
      systemTicks: 0,
      voluntary: 0,
      involuntary: 0,
      threads: 0,
    };
    s.ticks += end.ticks - (start?.ticks ?? 0);
    s.systemTicks += end.systemTicks - (start?.systemTicks ?? 0);
    s.voluntary += end.voluntary - (start?.voluntary ?? 0);
    s.involuntary += end.involuntary - (start?.involuntary ?? 0);
    s.threads++;
  }
  const use: Record<string, GroupUse> = {};
  for (const group of Object.keys(sums).sort()) {
    const s = sums[group]!;
    use[group] = {
      cpuPercent: round((100 * s.ticks) / ticks / seconds),
      systemPercent: round((100 * s.systemTicks) / ticks / seconds),
      voluntaryPerSecond: Math.round(s.voluntary / seconds),
      involuntaryPerSecond: Math.round(s.involuntary / seconds),
      threads: s.threads,
    };
  }
  return use;
}

/** The id of the first thread of `pid` whose `comm` is `name`; null when none is. */
export function threadNamed(pid: number, name: string): number | null {
  for (const entry of Deno.readDirSync(`/proc/${pid}/task`)) {
    const comm = Deno.readTextFileSync(`/proc/${pid}/task/${entry.name}/comm`);
    if (comm.trim() === name) return Number(entry.name);
  }
  return null;
}

/**
 * CPU of processes between two snapshots, as % of one core: all their threads, those
 * that ended in between too (from /proc/<pid>/stat); `pids` defaults to all.
 */
export async function cpuPercent(
  before: Snapshot,
  after: Snapshot,
  pids: number[] = [...after.processes.keys()],
  digits = 1,
): Promise<number> {
  const ticks = pids.reduce(
    (n, pid) =>
      n + (after.processes.get(pid) ?? 0) - (before.processes.get(pid) ?? 0),
    0,
  );
  const seconds = (after.at - before.at) / 1000;
  return round((100 * ticks) / await clockTicks() / seconds, digits);
}

/**
 * Microseconds of CPU per wake-up of a group: its CPU over its voluntary switches
 * (each a sleep that ends in a wake-up); null when it never slept.
 */
export function usPerWake(
  use: GroupUse | undefined,
  cpuPercent = use?.cpuPercent ?? 0,
): number | null {
  if (use === undefined || use.voluntaryPerSecond === 0) return null;
  return round((cpuPercent / 100) * 1e6 / use.voluntaryPerSecond);
}

/**
 * Starts a window over the threads of `pids` now; the function it returns ends it
 * and tells what each group did.
 */
export function startWindow(
  pids: number[],
  grouping: Grouping,
): () => Promise<Record<string, GroupUse>> {
  snapshot(pids, grouping); // compiles the reading
  const before = snapshot(pids, grouping);
  return () => groupUse(before, snapshot(pids, grouping));
}

/** Groups the threads of a server (see {@link serverThreads}) and named clients. */
export function serverAndClients(
  server: number,
  clients: Record<string, number>,
): Grouping {
  const names = new Map(Object.entries(clients).map(([n, pid]) => [pid, n]));
  return (pid, tid, comm) =>
    pid === server
      ? serverThreads(pid, tid, comm)
      : `${names.get(pid) ?? pid} ${clientThreads(pid, tid)}`;
}
