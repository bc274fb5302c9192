// Command-line code prints to the terminal by design.
// deno-lint-ignore-file no-console
/**
 * How `deno task bench` prints the benchmarks between client processes and the
 * server: `rtt` (ipc_rtt.ts), `lateness`, `throughput` and `idle` (server_idle.ts),
 * each beside its baseline of the same run, with where the time goes when the
 * benchmark tells it. Private to `scripts/bench/`.
 *
 * @module
 */

type Result = Record<string, unknown>;
type Row = Record<string, number>;

const fmt = (n: number) => n.toLocaleString("en-US");

const us = (x: Row) =>
  `p50 ${x.p50} µs, p99 ${x.p99} µs${
    x.max === undefined ? "" : `, max ${x.max} µs`
  }`;

const rings = (r: Result) =>
  r.serverRings === undefined
    ? ""
    : `; request rings mapped by the server: ${r.serverRings}`;

/** "name cpu% wake-ups/s, ..." of groups of threads (see `_threads.ts`). */
function threads(groups: Record<string, Row>): string {
  return Object.entries(groups).filter(([, g]) =>
    g.cpuPercent! > 0 || g.voluntaryPerSecond! > 0
  ).map(([name, g]) => `${name} ${g.cpuPercent}% ${g.voluntaryPerSecond}/s`)
    .join(", ");
}

/** "name N µs N wake-ups, ..." per call, leaving out what did nothing. */
function perCall(groups: Record<string, Row>): string {
  return Object.entries(groups).filter(([, g]) =>
    g.cpuUs! > 0 || g.wakeUps! > 0
  ).map(([name, g]) => `${name} ${g.cpuUs} µs ${g.wakeUps}`).join(", ");
}

/** Prints the round-trip benchmark's result. */
export function reportRtt(r: Result): void {
  console.log("Round trip of MidiGetName from a client process:");
  console.log(`  MidiShare:                ${us(r.midiGetNameUs as Row)}`);
  if (r.midiGetNameSocketOnlyUs !== undefined) {
    console.log(
      `  MidiShare, no ring:       ${us(r.midiGetNameSocketOnlyUs as Row)}`,
    );
  }
  console.log(`  Unix-socket ping-pong:    ${us(r.pingPongUs as Row)}`);
  console.log(
    `  ratio: p50 ${r.ratioP50}x, p99 ${r.ratioP99}x, max ${r.ratioMax}x (target p99 at most 1.5x)${
      rings(r)
    }`,
  );
  if (r.perCall !== undefined) {
    console.log("  per call, CPU and wake-ups of each group of threads:");
    console.log(
      `    with a ring: ${perCall(r.perCall as Record<string, Row>)}`,
    );
    console.log(
      `    no ring:     ${perCall(r.perCallSocketOnly as Record<string, Row>)}`,
    );
  }
}

/** Prints the lateness benchmark's result. */
export function reportLateness(r: Result): void {
  console.log(
    `Lateness of MidiSendAt between client processes (${
      fmt(r.events as number)
    } events at 1 kHz):`,
  );
  console.log(
    `  MidiShare:                ${us(r.midiShareUs as Row)}`,
  );
  console.log(`  worker Atomics.wait 1 ms: ${us(r.atomicsWaitUs as Row)}`);
  if (r.ratioP50 !== undefined) {
    console.log(
      `  ratio: p50 ${r.ratioP50}x, p99 ${r.ratioP99}x, max ${r.ratioMax}x (targets p50 and p99 at most 1.5x)${
        rings(r)
      }`,
    );
  }
}

/** Prints the throughput benchmark's result. */
export function reportThroughput(r: Result): void {
  console.log("Events per second from one client process to another:");
  console.log(
    `  MidiShare:                ${
      fmt(r.midiShareEventsPerSecond as number)
    } (target 1,000,000)`,
  );
  if (r.senderCallsPerSecond !== undefined) {
    console.log(
      `  the sender's calls:       ${
        fmt(r.senderCallsPerSecond as number)
      }/s (its own pace: 8000, what a ring holds, per setTimeout(0))`,
    );
  }
  console.log(
    `  Unix socket, 24-byte frames read one by one: ${
      fmt(r.rawSocketFramesPerSecond as number)
    }`,
  );
  console.log(`  ratio: ${r.ratio}x${rings(r)}`);
  if (r.threads !== undefined) {
    console.log(
      `  threads while events flow (CPU, wake-ups/s): ${
        threads(r.threads as Record<string, Row>)
      }`,
    );
  }
}

/** Prints the idle benchmark's result. */
export function reportIdle(r: Result): void {
  const s = r.server as Record<string, Result>,
    d = r.plainDeno as Record<string, Row>;
  const state = (x: Result, target: string) =>
    `${x.cpuPercent}%, ${x.rssMiB} MiB (target ${target})${
      x.threads === undefined
        ? ""
        : `; threads (CPU, wake-ups/s): ${
          Object.entries(x.threads as Record<string, Row>).map(([n, t]) =>
            `${n} ${t.cpuPercent}% ${t.wakeUpsPerSecond}/s`
          ).join(", ")
        }`
    }${x.rings === undefined ? "" : `; request rings: ${x.rings}`}`;
  console.log("Server idle cost, % of one core and resident memory:");
  console.log(`  dormant:                  ${state(s.dormant!, "~0%")}`);
  console.log(`  awake, one idle app:      ${state(s.awakeIdle!, "under 1%")}`);
  console.log(
    `  plain Deno, sleeping:     ${d.sleeping!.cpuPercent}%, ${
      d.sleeping!.rssMiB
    } MiB`,
  );
  console.log(`  plain Deno, 1 ms timer:   ${d.timer1ms!.cpuPercent}%`);
}
