/**
 * Runs `_udp_probe.py` (plain UDP and TCP endpoints) in a station of a test
 * network. Private to `tests/`.
 *
 * @module
 */

import { type LineReader, readLines } from "./_line_reader.ts";
import { python3 } from "./_netns_gate.ts";
import type { Station } from "./_station.ts";

const PROBE = new URL("./_udp_probe.py", import.meta.url).pathname;

/** What `_udp_probe.py recv` prints at its end. */
export interface ProbeReceipt {
  count: number;
  /** Source addresses, in order of first arrival. */
  from: string[];
  /** Sequence numbers in arrival order (duplicates included). */
  seqs: number[];
  /** Per datagram, from its send time to its arrival, ms. */
  delaysMs: number[];
}

/** A running probe. */
export interface Probe {
  child: Deno.ChildProcess;
  reader: LineReader;
  /** Its JSON result line. */
  result<T>(what: string, timeoutMs?: number): Promise<T>;
}

/**
 * Starts `_udp_probe.py <args>` in `station`; for the commands that bind a port
 * (`recv`, `tcp-recv`), waits until it is bound.
 */
export async function startProbe(
  station: Station,
  args: string[],
): Promise<Probe> {
  const child = station.spawn(python3()!, [PROBE, ...args], {
    timeoutMs: 30_000,
  });
  const reader = readLines(child);
  if (args[0] === "recv" || args[0] === "tcp-recv") {
    await reader.waitLine(
      (l) => l === "ready",
      `${args[0]} on ${station.name}`,
    );
  }
  return {
    child,
    reader,
    async result<T>(what: string, timeoutMs = 15_000) {
      const value = await reader.waitJson<T>(what, { timeoutMs });
      await child.status;
      return value;
    },
  };
}
