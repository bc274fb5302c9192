/**
 * The start-up banner (spec §2.3 step 6) and the date prefix of log lines (§2.4).
 *
 * Pure: the date is passed in. Runs in the Inet driver; not real-time safe.
 *
 * @module
 */

import { type InetConfig, PROGRAM_VERSION } from "./options.ts";

/** The indent of continuation lines of the log: 20 spaces. */
export const LOG_INDENT: string = " ".repeat(20);

/** The line printed on standard output in interactive mode after the banner. */
export const QUIT_HINT = "type 'q' to quit";

/**
 * The date prefix of the log, `[dd/mm/YYYY HH:MM:SS]`, in the local time of `date`.
 *
 * @param date The wall-clock date to format.
 * @returns The bracketed prefix, 21 characters.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatLogDate } from "./banner.ts";
 *
 * assert.equal(
 *   formatLogDate(new Date(2024, 0, 5, 9, 3, 7)),
 *   "[05/01/2024 09:03:07]",
 * );
 * ```
 * @see spec inet.md §2.4
 */
export function formatLogDate(date: Date): string {
  const two = (n: number) => String(n).padStart(2, "0");
  return `[${two(date.getDate())}/${two(date.getMonth() + 1)}/` +
    `${date.getFullYear()} ${two(date.getHours())}:${two(date.getMinutes())}:` +
    `${two(date.getSeconds())}]`;
}

/**
 * The banner lines logged at start-up, in order (the caller logs them; in
 * interactive mode it then prints {@link QUIT_HINT} on standard output).
 *
 * @param config The parsed configuration.
 * @param now The wall-clock date of the first line.
 * @returns Three lines in LAN mode, four in WAN mode.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bannerLines } from "./banner.ts";
 * import { parseOptions } from "./options.ts";
 *
 * const parsed = parseOptions([]);
 * assert.ok(parsed.kind === "run");
 * const lines = bannerLines(parsed.config, new Date(2024, 0, 5, 9, 3, 7));
 * assert.equal(
 *   lines[0],
 *   "[05/01/2024 09:03:07] MidiShare Internet driver v. 1.13 is running",
 * );
 * ```
 * @see spec inet.md §2.3
 */
export function bannerLines(config: InetConfig, now: Date): string[] {
  const lines = [
    `${formatLogDate(now)} MidiShare Internet driver v. ${PROGRAM_VERSION}` +
    " is running",
    `${LOG_INDENT}Basic scan detection active and redirected to stderr`,
  ];
  if (config.mode === "wan") {
    lines.push(
      `${LOG_INDENT}TCP server mode on: ${config.maxClients} clients allowed`,
    );
  }
  lines.push(
    `${LOG_INDENT}UDP port: ${config.port} maximum latency allowed: ` +
      `${config.maxLatencyMs} grouping time: ${config.groupingMs}`,
  );
  return lines;
}
