/**
 * The texts the station cores log (spec §5.2 to §5.6, §7.9): alerts of the shape
 * `<what>: <object>, <reason> <detail>` and the WAN progress lines. The program adds
 * the `[date] ` prefix where the core asks for it.
 *
 * Pure. Runs in the Inet driver; not real-time safe.
 *
 * @module
 */

import { LOG_INDENT } from "./banner.ts";

/**
 * An alert line of spec §7.9: `<what>: <object>, <reason> <detail>`.
 *
 * @param what Usually the driver name.
 * @param object What failed.
 * @param reason Why.
 * @param detail The system error text, or empty.
 * @returns The line.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { alertText } from "./log_lines.ts";
 *
 * assert.equal(
 *   alertText("msLANDriver", "cannot wake up", "socket open failed", "EADDRINUSE"),
 *   "msLANDriver: cannot wake up, socket open failed EADDRINUSE",
 * );
 * ```
 * @see spec inet.md §7.9
 */
export function alertText(
  what: string,
  object: string,
  reason: string,
  detail = "",
): string {
  return `${what}: ${object}, ${reason}${detail === "" ? "" : ` ${detail}`}`;
}

/**
 * The report line of a TCPBye received (spec §5.6), 20 spaces first:
 * `<name> : remote connection report: v:<version> maxLat:<n> over:<n> missing:<n>`;
 * the missing count reads `unknown` from a 14-byte TCPBye (an original peer, D4).
 *
 * @param name The peer's name.
 * @param report The decoded TCPBye fields.
 * @returns The line.
 * @see spec inet.md §5.6
 */
export function reportLine(
  name: string,
  report: {
    readonly protocolVersion: number;
    readonly maxLatencyMs: number;
    readonly lateCount: number;
    readonly missingCount: number | null;
  },
): string {
  const missing = report.missingCount === null
    ? "unknown"
    : String(report.missingCount);
  return `${LOG_INDENT}${name} : remote connection report:` +
    ` v:${report.protocolVersion} maxLat:${report.maxLatencyMs}` +
    ` over:${report.lateCount} missing:${missing}`;
}
