/**
 * One health sample of the patchbay: the server status turned into the figures the
 * pages show, with rates measured since the previous sample.
 *
 * @module
 */

import type { ServerStatus } from "@midishare/client";
import type { Health } from "./protocol.ts";

/** The counters of the previous sample, for the rates. */
export interface HealthCounters {
  /** When it was taken, `performance.now()` ms. */
  readonly at: number;
  /** Events the server had handled. */
  readonly events: number;
  /** Late ticks the server had counted. */
  readonly late: number;
}

/**
 * Turns a server status into a health sample.
 *
 * @param status The server status.
 * @param options `last`, the previous counters or null, and `at`, the date now.
 * @returns The health and the counters to pass next time.
 */
export function healthSample(
  status: ServerStatus,
  options: { last: HealthCounters | null; at: number },
): { health: Health; counters: HealthCounters } {
  const { last, at } = options;
  const events = Number(status.eventCount ?? 0);
  const late = Number(status.lateTicks ?? 0);
  const seconds = last === null ? 0 : (at - last.at) / 1000;
  const rate = (now: number, before: number) =>
    seconds > 0 ? Math.max(0, Math.round((now - before) / seconds)) : 0;
  const pool = status.pool as { cells: number; used: number };
  const lateness = status.tickLateness as { p99Us?: number } | undefined;
  const health: Health = {
    time: Number(status.time ?? 0),
    applications:
      (status.refnums as { kind: string }[]).filter((r) =>
        r.kind === "application"
      ).length,
    eventsPerSecond: last === null ? 0 : rate(events, last.events),
    lateTicksPerSecond: last === null ? 0 : rate(late, last.late),
    lateTicks: late,
    tickLatenessP99Us: lateness?.p99Us ?? 0,
    freeCells: pool.cells - pool.used,
    totalCells: pool.cells,
  };
  return { health, counters: { at, events, late } };
}
