// System calls per millisecond of the server's kernel worker thread (`worker-1`) under
// the echo workload with 10 clients, against the ideal C server of the echo floor
// waking 10 Deno processes, in the same run; with each thread's wake-ups (voluntary
// context switches) and preemptions per ms over the same window. Counted with
// `perf stat` on the system call tracepoints (in the OS kernel: the thread runs at
// its own speed; needs root) or, without it, with `strace -c`, which stops the
// thread at each call (each stop a context switch) and so slows it that the tick
// loop falls behind and hardly sleeps. By hand, on a running server (PID):
//   perf stat -e raw_syscalls:sys_enter,syscalls:sys_enter_sendto,syscalls:sys_enter_futex \
//     -t $(grep -l '^worker-1$' /proc/PID/task/*/comm | cut -d/ -f5) -- sleep 5
// (`perf trace -s -t TID -- sleep 5` also gives the time in each call, but tracing
// each call to user space doubles the thread's CPU), and
//   perf record -F 4999 -t TID -o /tmp/k.data -- sleep 5
//   perf report -i /tmp/k.data --sort dso --stdio
// how its CPU splits between the OS kernel, V8 (the deno binary), its JIT code and
// libc. `Atomics.wait` shows as `futex` (one per sleep of the tick loop). Usage:
// kernel_syscalls.ts [SECONDS] [CLIENTS]. Prints one JSON line.
// deno-lint-ignore-file no-console
import { groupUse, snapshot, threadNamed } from "./_threads.ts";
import {
  buildWaker,
  firstLine,
  round,
  spawnScript,
  startServer,
  stop,
  tempSocket,
} from "./_util.ts";

const SECONDS = Number(Deno.args[0] ?? 5);
const CLIENTS = Number(Deno.args[1] ?? 10);
const RUN_SECONDS = String(SECONDS + 30);

type Tool = "perf" | "strace";

// The system calls counted one by one with perf; the rest are counted together.
const NAMED = [
  "sendto",
  "write",
  "writev",
  "futex",
  "clock_nanosleep",
  "nanosleep",
  "epoll_wait",
  "epoll_pwait",
  "read",
  "recvfrom",
  "sched_yield",
  "getpid",
  "mmap",
  "munmap",
  "madvise",
  "mprotect",
];

/** Whether `tool` can count system calls here. */
async function works(tool: Tool): Promise<boolean> {
  const args = tool === "perf"
    ? ["stat", "-e", "raw_syscalls:sys_enter", "--", "true"]
    : ["-c", "-o", "/dev/null", "true"];
  try {
    return (await new Deno.Command(tool, {
      args,
      stdout: "null",
      stderr: "null",
    })
      .output()).success;
  } catch {
    return false;
  }
}

/** Calls per system call, from `perf stat -x,` or `strace -c`; zeros left out. */
function parse(tool: Tool, text: string): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const line of text.split("\n")) {
    if (tool === "perf") {
      // count,unit,event,running time,percentage,...
      const [count, , event] = line.split(",");
      const name = /^(?:raw_)?syscalls:sys_enter_?(\w*)$/.exec(event ?? "");
      if (name !== null) calls[name[1] || "all"] = Number(count);
    } else {
      // % time, seconds, usecs/call, calls, [errors], syscall
      const f = line.trim().split(/\s+/);
      if (f.length < 5 || !/^[\d.]+$/.test(f[0]!)) continue;
      calls[f.at(-1) === "total" ? "all" : f.at(-1)!] = Number(f[3]);
    }
  }
  const named = Object.entries(calls).filter(([n]) => n !== "all");
  calls.other = (calls.all ?? 0) - named.reduce((sum, [, c]) => sum + c, 0);
  delete calls.all;
  for (const [name, count] of Object.entries(calls)) {
    if (!(count > 0)) delete calls[name];
  }
  return calls;
}

/** Counts the system calls of thread `tid` over the window; them and its switches per ms. */
async function trace(tool: Tool, pid: number, tid: number) {
  const only = (_pid: number, t: number) => t === tid ? "traced" : "rest";
  snapshot([pid], only); // compiles the reading
  const before = snapshot([pid], only);
  const events = [
    "raw_syscalls:sys_enter",
    ...NAMED.map((n) => `syscalls:sys_enter_${n}`),
  ];
  const args = tool === "perf"
    ? ["stat", "-x,", "-e", events.join(","), "-t", String(tid), "--"]
      .concat(["sleep", String(SECONDS)])
    : ["-c", "-p", String(tid)];
  const child = new Deno.Command(tool, { args, stderr: "piped" }).spawn();
  if (tool === "strace") {
    setTimeout(() => child.kill("SIGINT"), SECONDS * 1000);
  }
  const output = await child.output();
  const after = snapshot([pid], only);
  // The tool counted for SECONDS (perf while `sleep` ran, strace until SIGINT);
  // the snapshots' window also holds the tool's start and end.
  const ms = SECONDS * 1000;
  const use = (await groupUse(before, after)).traced!;
  const calls = parse(tool, new TextDecoder().decode(output.stderr));
  return {
    syscallsPerMs: Object.fromEntries(
      Object.entries(calls).map(([name, n]) => [name, round(n / ms, 2)]),
    ),
    cpuPercent: use.cpuPercent,
    systemPercent: use.systemPercent,
    wakeUpsPerMs: round(use.voluntaryPerSecond / 1000, 2),
    preemptionsPerMs: round(use.involuntaryPerSecond / 1000, 2),
  };
}

async function kernelWorker(tool: Tool) {
  const path = await tempSocket();
  const server = await startServer(path);
  const children = Array.from(
    { length: CLIENTS },
    () => spawnScript("_echo_client.ts", [path, RUN_SECONDS]),
  );
  await Promise.all(children.map(firstLine));
  await new Promise((r) => setTimeout(r, 500));
  const tid = threadNamed(server.pid, "worker-1");
  if (tid === null) throw new Error("the server has no kernel worker thread");
  const traced = await trace(tool, server.pid, tid);
  await Promise.all(children.map((c) => stop(c)));
  await stop(server);
  return traced;
}

async function idealServer(tool: Tool, waker: string) {
  const path = await tempSocket();
  const server = new Deno.Command(waker, {
    args: [path, String(CLIENTS), RUN_SECONDS],
    stdout: "piped",
  }).spawn();
  await firstLine(server);
  const children = Array.from(
    { length: CLIENTS },
    () => spawnScript("_socket_woken_client.ts", [path]),
  );
  await Promise.all(children.map(firstLine));
  await new Promise((r) => setTimeout(r, 500));
  const traced = await trace(tool, server.pid, server.pid);
  await Promise.all(children.map((c) => stop(c)));
  await stop(server);
  return traced;
}

const tool: Tool | null = await works("perf")
  ? "perf"
  : await works("strace")
  ? "strace"
  : null;
if (tool === null) {
  console.log(
    JSON.stringify({ skipped: "neither perf trace nor strace works" }),
  );
  Deno.exit(0);
}
const waker = await buildWaker();
console.log(JSON.stringify({
  tool,
  seconds: SECONDS,
  clients: CLIENTS,
  kernelWorker: await kernelWorker(tool),
  idealServer: waker === null ? null : await idealServer(tool, waker),
}));
Deno.exit(0);
