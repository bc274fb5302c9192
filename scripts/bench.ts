// Command-line code prints to the terminal by design (STYLE.md §8).
// deno-lint-ignore-file no-console
/**
 * `deno task bench`: runs every benchmark in its own process and prints each figure
 * beside the baseline measured in the same run.
 *
 * Usage: `deno task bench [name...]` (names: kernel)
 *
 * @module
 */

interface Bench {
  script: string;
  v8Flags: string[];
  report(result: Record<string, unknown>): void;
}

const BENCHES: Record<string, Bench> = {
  kernel: {
    script: "bench/kernel_routing.ts",
    v8Flags: ["--expose-gc", "--max-semi-space-size=256"],
    report(result) {
      const routing = result.routing as Record<string, number>[];
      console.log("Kernel routing (in-process, one source application):");
      console.log(
        "  dests  events/s     deliveries/s  ns/event  baseline ns/event  ratio",
      );
      for (const r of routing) {
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
      const heap = result.heap as Record<string, number>;
      console.log(
        `  heap while routing ${fmt(heap.events!)} events: ${
          fmt(heap.heapBeforeBytes!)
        } B before, ${fmt(heap.heapAfterBytes!)} B after (${
          heap.heapGrowthBytes! >= 0 ? "+" : ""
        }${fmt(heap.heapGrowthBytes!)} B, ${heap.bytesPerEvent} B/event)`,
      );
    },
  },
};

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

const names = Deno.args.length > 0 ? Deno.args : Object.keys(BENCHES);
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
  const output = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `--v8-flags=${bench.v8Flags.join(",")}`,
      new URL(bench.script, import.meta.url).pathname,
    ],
    stderr: "inherit",
  }).output();
  const lines = new TextDecoder().decode(output.stdout).trim().split("\n");
  if (!output.success) {
    console.error(`Benchmark "${name}" failed:\n${lines.join("\n")}`);
    failed = true;
    continue;
  }
  bench.report(JSON.parse(lines.at(-1)!));
}
if (failed) Deno.exit(1);
