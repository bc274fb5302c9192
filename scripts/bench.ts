// Command-line code prints to the terminal by design (STYLE.md §8).
// deno-lint-ignore-file no-console
/**
 * `deno task bench`: runs every benchmark in its own process and prints each figure
 * beside the baseline measured in the same run.
 *
 * Usage: `deno task bench [name...]`; names: kernel, rtt, lateness, throughput, echo,
 * syscalls (the kernel worker's system calls per ms under the echo workload, with
 * `perf stat`, or `strace`), inet (the network driver between network namespaces,
 * with raw UDP as its baseline; needs root), idle, web (the patchbay page in
 * headless Chromium; needs chromium), overload, rtmidi (needs jackd2, librtmidi6 and
 * a C compiler with the JACK headers); `overload` (64 processes for a minute) and
 * `syscalls` (it traces) are left out when no name is given. Each benchmark script prints one JSON line; `--json` prints them all as they
 * are.
 *
 * @module
 */

import { reportEcho, reportSyscalls } from "./bench/_echo_report.ts";
import {
  reportIdle,
  reportLateness,
  reportRtt,
  reportThroughput,
} from "./bench/_ipc_report.ts";

type Result = Record<string, unknown>;
type Row = Record<string, number>;

interface Bench {
  script: string;
  args?: string[];
  v8Flags?: string[];
  report(result: Result): void;
}

const fmt = (n: number) => n.toLocaleString("en-US");
const us = (x: Row) =>
  `p50 ${x.p50} µs, p99 ${x.p99} µs${
    x.max === undefined ? "" : `, max ${x.max} µs`
  }`;

const BENCHES: Record<string, Bench> = {
  kernel: {
    script: "bench/kernel_routing.ts",
    v8Flags: ["--expose-gc", "--max-semi-space-size=256"],
    report(result) {
      console.log("Kernel routing, in process, one source application:");
      console.log(
        "  dests  events/s     deliveries/s  ns/event  baseline ns/event  ratio",
      );
      for (const r of result.routing as Row[]) {
        console.log(
          `  ${String(r.destinations).padStart(5)}  ${
            fmt(r.eventsPerSecond!).padStart(11)
          }  ${fmt(r.deliveriesPerSecond!).padStart(12)}  ${
            String(r.nsPerEvent).padStart(8)
          }  ${
            String(r.baselineNsPerEvent).padStart(17)
          }  ${r.ratioToBaseline}x`,
        );
      }
      console.log(
        "  (baseline: copying each event's cell once per destination, nothing else)",
      );
      const heap = result.heap as Row;
      console.log(
        `  heap while routing ${fmt(heap.events!)} events: ${
          fmt(heap.heapBeforeBytes!)
        } B before, ${fmt(heap.heapAfterBytes!)} B after (${
          heap.heapGrowthBytes! >= 0 ? "+" : ""
        }${fmt(heap.heapGrowthBytes!)} B, ${heap.bytesPerEvent} B/event)`,
      );
    },
  },
  rtt: { script: "bench/ipc_rtt.ts", report: reportRtt },
  lateness: { script: "bench/lateness.ts", report: reportLateness },
  throughput: { script: "bench/throughput.ts", report: reportThroughput },
  echo: {
    script: "bench/echo_cpu.ts",
    report: reportEcho,
  },
  syscalls: {
    script: "bench/kernel_syscalls.ts",
    report: reportSyscalls,
  },
  overload: {
    script: "bench/overload.ts",
    args: ["64", "4", "5"],
    report(r) {
      const row = (name: string, x: Record<string, unknown>) => {
        const late = x.latenessMs as Row, added = x.addedMs as Row;
        console.log(
          `  ${name} ${String(x.senders).padStart(2)} senders: received ${
            fmt(x.received as number)
          } of ${
            fmt(x.sent as number)
          }; lateness p50 ${late.p50} ms, p99 ${late.p99} ms, max ${late.max} ms; added by MidiShare p50 ${added.p50} ms, p99 ${added.p99} ms, max ${added.max} ms; dropped late ${x.lateDrops}, to lagging clients ${x.slowDrops}, over quota ${x.quotaLosses}; latest dispatch ${x.worstDispatchLatenessMs} ms after its date`,
        );
      };
      console.log(
        `Overload: client processes each sending one event per ms for ${r.seconds} s to one receiver:`,
      );
      row("baseline", r.baseline as Record<string, unknown>);
      row("overload", r.overload as Record<string, unknown>);
    },
  },
  rtmidi: {
    script: "bench/rtmidi_loop.ts",
    report(r) {
      const loop = (x: Row) =>
        `average ${x.averageMs} ms, p50 ${x.p50Ms} ms, p99 ${x.p99Ms} ms, highest ${x.highestMs} ms`;
      console.log(
        `MIDI round trip measured by jack_midi_latency_test (JACK dummy, ${r.jackPeriodFrames}-frame periods):`,
      );
      console.log(
        `  through MidiShare (input slot, thru application, output slot): ${
          loop(r.midiShare as Row)
        }`,
      );
      console.log(
        `  through a pass-through inside JACK:                            ${
          loop(r.direct as Row)
        }`,
      );
      console.log(
        `  MidiShare adds ${r.addedAverageMs} ms on average, ${r.addedP99Ms} ms at p99 (target at most 1 ms at p99)`,
      );
      const late = r.scheduledOutputLateness as Row;
      console.log(
        `  scheduled output, date to RtMidi (${late.count} events): p50 ${late.p50Us} µs, p99 ${late.p99Us} µs, max ${late.maxUs} µs (target p99 at most 200 µs)`,
      );
    },
  },
  inet: {
    script: "bench/inet.ts",
    report(r) {
      if (r.skipped !== undefined) {
        console.log(
          `Network driver between namespaces: skipped (${r.skipped})`,
        );
        return;
      }
      console.log(
        "Network driver (main.ts inet) between two network namespaces on a bridge:",
      );
      for (const x of r.rendering as Record<string, unknown>[]) {
        const e = x.errorMs as Row, cpu = x.driverCpuAt1kHz as Row;
        console.log(
          `  rendering error, ${
            fmt(x.events as number)
          } events at 1 kHz, ${x.args}: p50 ${e.p50} ms, p99 ${e.p99} ms, max ${e.max} ms (min ${e.min}); ${x.late} late, ${x.early} early (beyond 1 ms), ${x.missing} missing; driver CPU ${cpu.senderPercent}% sending, ${cpu.receiverPercent}% receiving`,
        );
      }
      for (const t of r.throughput as Row[]) {
        console.log(
          `  forwarding, ${fmt(t.offeredPerSecond!)} events/s offered: ${
            fmt(t.receivedPerSecond!)
          } events/s received, ${fmt(t.sent! - t.received!)} of ${
            fmt(t.sent!)
          } missing (${t.lostInSenderServer} and ${t.lostInReceiverServer} lost in the servers); sending driver CPU ${t.senderDriverCpuPercent}% while it forwards`,
        );
      }
      console.log(
        `  driver CPU awake and idle: ${r.driverIdleAwakeCpuPercent}%`,
      );
      const b = r.baselines as Result;
      if (b.skipped !== undefined) {
        console.log(`  raw UDP baseline: skipped (${b.skipped})`);
        return;
      }
      const t = b.udpThroughput as Row;
      console.log(
        `  baseline, raw UDP ping-pong, ${
          (b.pingPongUs as Row).sizeBytes
        }-byte datagrams: ${us(b.pingPongUs as Row)}`,
      );
      console.log(
        `  baseline, raw UDP ${t.sizeBytes}-byte datagrams: ${
          fmt(t.datagramsPerSecond!)
        }/s received (${fmt(t.bytesPerSecond!)} B/s), sent at ${
          fmt(t.senderDatagramsPerSecond!)
        }/s, ${t.lossPercent}% lost`,
      );
    },
  },
  idle: { script: "bench/server_idle.ts", report: reportIdle },
};

BENCHES.web = {
  script: "bench/web_page.ts",
  report(r) {
    const c = r.change as Record<string, Row & number>;
    const m = r.monitor as Row;
    const ms = (x: Row) => `p50 ${x.p50} ms, p99 ${x.p99} ms, max ${x.max} ms`;
    console.log(
      `Patchbay page (headless Chromium), ${c.count} connection changes:`,
    );
    console.log(`  change shown on the page:     ${ms(c.toPageMs as Row)}`);
    console.log(`  change told to an app alarm:  ${ms(c.toAlarmMs as Row)}`);
    console.log(`  ratio p50: ${c.ratioP50}x`);
    console.log(
      `Monitor, ${fmt(m.events!)} events sent at ${fmt(m.sentPerSecond!)}/s:`,
    );
    console.log(
      `  counted on the page:          ${
        fmt(m.pagePerSecond!)
      } events/s (${m.pageLagMs} ms behind the last)`,
    );
    console.log(
      `  received by the application:  ${fmt(m.receiverPerSecond!)} events/s`,
    );
  },
};

const isJson = Deno.args.includes("--json");
const asked = Deno.args.filter((a) => a !== "--json");
const names = asked.length > 0
  ? asked
  : Object.keys(BENCHES).filter((name) =>
    name !== "overload" && name !== "syscalls"
  );
let failed = false;
for (const name of names) {
  const bench = BENCHES[name];
  if (bench === undefined) {
    console.error(
      `Unknown benchmark "${name}": expected one of ${
        Object.keys(BENCHES).join(", ")
      }`,
    );
    Deno.exit(2);
  }
  const flags = bench.v8Flags ? [`--v8-flags=${bench.v8Flags.join(",")}`] : [];
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      ...flags,
      new URL(bench.script, import.meta.url).pathname,
      ...(bench.args ?? []),
    ],
    stderr: "inherit",
  }).output();
  const lines = new TextDecoder().decode(output.stdout).trim().split("\n");
  if (!output.success) {
    console.error(`Benchmark "${name}" failed:\n${lines.join("\n")}`);
    failed = true;
    continue;
  }
  const result = JSON.parse(lines.at(-1)!);
  if (isJson) console.log(JSON.stringify({ name, ...result }));
  else bench.report(result);
}
if (failed) Deno.exit(1);
