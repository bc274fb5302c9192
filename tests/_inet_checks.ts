// Helpers of the Inet driver tests: waiting for log lines, connecting a remote
// both ways, looking at bound ports, and checking dates only on a machine that is
// not overloaded.
// deno-lint-ignore-file no-console

import assert from "node:assert/strict";
import type { Station } from "./_station.ts";
import type { DriverProcess, InetStation } from "./_inet_station.ts";

/** Waits for a driver's log line containing `text`; returns when it was seen. */
export async function logged(
  driver: DriverProcess,
  text: string | RegExp,
  timeoutMs = 10_000,
  from = 0,
): Promise<number> {
  const { index } = await driver.reader.waitLine(
    (l) => typeof text === "string" ? l.includes(text) : text.test(l),
    `"${text}" in the driver's log`,
    { timeoutMs, from },
  );
  return index;
}

/** Connects `user` to `remote` and `remote` to `user` on one station. */
export async function connectBothWays(
  s: InetStation,
  user: number,
  remote: string,
): Promise<number> {
  const ref = await s.refOf(remote);
  s.ms.MidiConnect(user, ref, true);
  s.ms.MidiConnect(ref, user, true);
  await s.ms.MidiShare();
  return ref;
}

/** Whether UDP port `port` is bound in the station's namespace. */
export async function isUdpBound(s: Station, port: number): Promise<boolean> {
  const { stdout } = await s.output("ss", ["-Hunl", `sport = :${port}`]);
  return stdout.trim() !== "";
}

/**
 * Events render at date + g + M (spec §6.4). On an idle machine every error is
 * within ±1 ms of 0 (the millisecond dates of both clocks); `deno task bench inet`
 * measures it. Tests share a loaded machine, where two things move it: the offset
 * estimate is anchored on one HostID and follows the smoothed transit time of the
 * later ones (§6.3, D10), whose reception a busy process delays by milliseconds; and
 * a packet handled more than M late is rendered late (§6.2). A HostID delayed by a
 * busy core when the estimate is anchored shifts every date by that delay (11 ms
 * seen in a full parallel run), so here: the median within the LAN's own budget
 * g + M = 20 ms of 0 (a wrong formula or a lost offset is far beyond it), and most
 * events within 1.5 ms of the median (the dates follow one clock).
 */
export function assertSteady(errors: number[], what: string): void {
  const sorted = [...errors].sort((x, y) => x - y);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  assert.ok(Math.abs(median) <= 20, `${what}: median error ${median} ms`);
  const off = errors.filter((e) => Math.abs(e - median) > 1.5);
  assert.ok(
    off.length <= errors.length * 0.2,
    `${what}: ${off.length} of ${errors.length} off by more than 1.5 ms`,
  );
}

/**
 * Runs timing assertions unless the machine is overloaded (one-minute load average
 * above 4 per core): then the processes of a station wait for a core for tens of
 * milliseconds, even seconds, and timing says nothing about the driver. The
 * functional checks always run; `deno task bench inet` measures timing.
 */
export async function checkTiming(
  what: string,
  check: () => void,
): Promise<void> {
  const load = Number((await Deno.readTextFile("/proc/loadavg")).split(" ")[0]);
  const cores = navigator.hardwareConcurrency;
  if (load > 4 * cores) {
    console.log(
      `timing not checked (${what}): load average ${load} on ${cores} cores`,
    );
    return;
  }
  check();
}

/** Sorted error figures for the log: count, min, median, p99, max. */
export function stats(errors: number[]): string {
  const sorted = [...errors].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.floor(q * (sorted.length - 1))];
  return `n ${sorted.length}, min ${sorted[0]?.toFixed(2)}, p50 ${
    at(0.5)?.toFixed(2)
  }, p99 ${at(0.99)?.toFixed(2)}, max ${sorted.at(-1)?.toFixed(2)}`;
}
