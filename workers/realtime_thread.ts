/**
 * Makes the calling thread fit for a millisecond clock, through FFI to the C library:
 * a 1 ns timer slack (so a 1 ms wait is not rounded up by 50 µs) and a real-time
 * scheduling priority, falling back to the highest nice value allowed.
 *
 * Runs once at the start of the kernel worker. Not real-time safe. Needs `--allow-ffi`;
 * without it, or on another system, it reports what it could not do and goes on.
 *
 * @module
 */

/** What {@link raiseThreadPriority} achieved, one phrase each, for the log. */
export interface PriorityReport {
  /** "timer slack 1 ns" or why not. */
  timerSlack: string;
  /** "SCHED_FIFO priority N", "nice -N" or why not. */
  priority: string;
}

const PR_SET_TIMERSLACK = 29;
const SCHED_FIFO = 1;
const SYS_GETTID: Record<string, number> = { "x86_64": 186, "aarch64": 178 };

/** Tries to set a 1 ns timer slack and a real-time priority for this thread. */
export function raiseThreadPriority(fifoPriority = 80): PriorityReport {
  const report: PriorityReport = {
    timerSlack: "unchanged",
    priority: "unchanged",
  };
  if (Deno.build.os !== "linux") {
    report.timerSlack = report.priority = `unsupported on ${Deno.build.os}`;
    return report;
  }
  let libc;
  try {
    libc = Deno.dlopen("libc.so.6", {
      prctl: {
        parameters: ["i32", "u64", "u64", "u64", "u64"],
        result: "i32",
      },
      syscall: { parameters: ["i64"], result: "i64" },
      sched_setscheduler: {
        parameters: ["i32", "i32", "buffer"],
        result: "i32",
      },
      setpriority: { parameters: ["i32", "u32", "i32"], result: "i32" },
    });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    report.timerSlack = report.priority = `no FFI (${why})`;
    return report;
  }
  try {
    report.timerSlack =
      libc.symbols.prctl(PR_SET_TIMERSLACK, 1n, 0n, 0n, 0n) === 0
        ? "timer slack 1 ns"
        : "timer slack refused";
    const nr = SYS_GETTID[Deno.build.arch];
    const tid = nr === undefined ? 0 : Number(libc.symbols.syscall(BigInt(nr)));
    const param = new Int32Array([fifoPriority]);
    if (
      tid > 0 && libc.symbols.sched_setscheduler(tid, SCHED_FIFO, param) === 0
    ) {
      report.priority = `SCHED_FIFO priority ${fifoPriority}`;
    } else {
      // No real-time rights: the best nice value this user may take.
      let nice = -20;
      while (nice < 0 && libc.symbols.setpriority(0, tid, nice) !== 0) nice++;
      report.priority = nice < 0
        ? `nice ${nice} (no real-time scheduling rights)`
        : "normal priority (no rights to raise it)";
    }
  } finally {
    libc.close();
  }
  return report;
}
