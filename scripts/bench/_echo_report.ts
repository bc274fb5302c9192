// Command-line code prints to the terminal by design.
// deno-lint-ignore-file no-console
/**
 * How `deno task bench echo` prints the result of `echo_cpu.ts`: the CPU of the
 * server and its clients against the floor and the ideal C server, then where it
 * goes, per group of threads, over the same window; and how `deno task bench
 * syscalls` prints `kernel_syscalls.ts`. Private to `scripts/bench/`.
 *
 * @module
 */

type Row = Record<string, number>;

interface Group {
  cpuPercent: number;
  systemPercent?: number;
  voluntaryPerSecond: number;
  involuntaryPerSecond: number;
  threads: number;
}

interface Window {
  serverThreads: Record<string, Group>;
  clientThreads: Record<string, Group>;
  usPerWake: Record<string, number | null>;
}

type MidiShare = Row & Window & { rings?: Row };
type Floor = Row & Window;

const ratio = (a?: number | null, b?: number | null) =>
  typeof a === "number" && typeof b === "number" && b > 0
    ? `${Math.round((10 * a) / b) / 10}x`
    : "n/a";

const wake = (us: number | null | undefined) =>
  us === null || us === undefined ? "" : `, ${us} µs/wake`;

/** "name cpu% (wake-ups/s, preemptions/s[, µs/wake])" for each group, in `order`. */
function groups(
  use: Record<string, Group>,
  order: string[],
  perWake: Record<string, number | null | undefined> = {},
): string {
  return order.filter((name) => use[name] !== undefined).map((name) => {
    const g = use[name]!;
    const many = g.threads > 1 ? `[${g.threads}]` : "";
    const sys = g.systemPercent ? ` (sys ${g.systemPercent}%)` : "";
    return `${name}${many} ${g.cpuPercent}%${sys} (${g.voluntaryPerSecond}/s, ${g.involuntaryPerSecond}/s${
      wake(perWake[name])
    })`;
  }).join(", ");
}

/** Prints the echo benchmark's result. */
export function reportEcho(r: Record<string, unknown>): void {
  console.log(
    `Echo workload (a MidiSendAt and a MidiTask per ms per client, ${r.seconds} s), % of one core:`,
  );
  for (const n of [1, 10]) {
    const row = r[`clients${n}`] as {
      midiShare: MidiShare;
      floor: Floor | null;
      denoTimers: Row;
    };
    const m = row.midiShare, f = row.floor;
    console.log(
      `  ${
        String(n).padStart(2)
      } clients: server ${m.serverCpuPercent}%, server and clients ${m.totalCpuPercent}%` +
        `; ${n} plain Deno processes with a 1 ms timer: ${row.denoTimers.totalCpuPercent}%`,
    );
    if (f !== null) {
      console.log(
        `     floor: ${n} Deno processes woken by a socket byte each ms ${f.wokenCpuPercent}%, ` +
          `the ideal C server writing them ${f.idealServerCpuPercent}%; ` +
          `ratios: server and clients ${
            ratio(m.totalCpuPercent, f.wokenCpuPercent)
          } the floor, server ${
            ratio(m.serverCpuPercent, f.idealServerCpuPercent)
          } the ideal server (targets 1.5x for 10 clients)`,
      );
    } else console.log("     floor: not measured (no C compiler)");
    if (m.serverThreads === undefined) continue;
    console.log(
      "     threads, same window: CPU % (sys: in the OS kernel) (wake-ups/s, preemptions/s, CPU per wake-up); [n] threads summed",
    );
    console.log(
      `       server:  ${
        groups(m.serverThreads, ["kernel", "listener", "main", "v8", "other"], {
          kernel: m.usPerWake.server,
        })
      }`,
    );
    console.log(
      `       clients: ${
        groups(m.clientThreads, ["main", "others"], {
          main: m.usPerWake.clientMain,
        })
      }; a client's whole CPU per wake-up of its main thread ${m.usPerWake.client} µs`,
    );
    if (f !== null && f.serverThreads !== undefined) {
      console.log(
        `       floor:   Deno ${
          groups(f.clientThreads, ["main", "others"], {
            main: f.usPerWake.clientMain,
          })
        }; whole CPU per wake-up ${f.usPerWake.client} µs; C server ${
          groups(f.serverThreads, ["main"], { main: f.usPerWake.server })
        }`,
      );
      console.log(
        `       per wake-up ratios: kernel worker ${
          ratio(m.usPerWake.server, f.usPerWake.server)
        } the C server's, client ${
          ratio(m.usPerWake.client!, f.usPerWake.client!)
        } a woken Deno process's`,
      );
    }
    if (m.rings !== undefined) {
      console.log(
        `       request rings mapped: server ${m.rings.server}, clients ${m.rings.clients} of ${n}`,
      );
    }
  }
}

interface Traced {
  syscallsPerMs: Record<string, number>;
  cpuPercent: number;
  systemPercent: number;
  wakeUpsPerMs: number;
  preemptionsPerMs: number;
}

/** "sendto 9.9, futex 1 per ms; CPU 14% (sys 7%); 1 wake-ups and 0 preemptions per ms". */
function traced(t: Traced): string {
  const calls = Object.entries(t.syscallsPerMs).filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ${n}`).join(", ");
  return `${calls} per ms; CPU ${t.cpuPercent}% (sys ${t.systemPercent}%); ${t.wakeUpsPerMs} wake-ups and ${t.preemptionsPerMs} preemptions per ms`;
}

/** Prints the system calls benchmark's result. */
export function reportSyscalls(r: Record<string, unknown>): void {
  if (r.skipped !== undefined) {
    console.log(`System calls of the kernel worker: skipped (${r.skipped})`);
    return;
  }
  console.log(
    `System calls per ms, echo workload with ${r.clients} clients, ${r.seconds} s, counted with ${r.tool}:`,
  );
  console.log(`  kernel worker:   ${traced(r.kernelWorker as Traced)}`);
  const ideal = r.idealServer as Traced | null;
  console.log(
    `  ideal C server:  ${
      ideal === null ? "not measured (no C compiler)" : traced(ideal)
    }`,
  );
}
