/**
 * The usage text of the Internet driver's command line (spec §2.1), printed by
 * `--help` on standard output and after a usage error on standard error.
 *
 * Pure. Runs in the Inet driver at start-up; not real-time safe.
 *
 * @module
 */

import {
  DEFAULT_LOG_FILE,
  DEFAULT_MAX_CLIENTS,
  MODE_DEFAULTS,
  VERSION_LINE,
} from "./options.ts";

/**
 * The usage text, one string of lines ending with a newline.
 *
 * @param programName How the program is invoked, e.g. `midishare inet`.
 * @returns The text: synopsis, every option with its LAN and WAN defaults.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { usageText } from "./usage_text.ts";
 *
 * const text = usageText("msInetDriver");
 * assert.ok(text.startsWith("Usage: msInetDriver [options]\n"));
 * assert.match(text, /-lat, --latency <ms>/);
 * ```
 * @see spec inet.md §2.1
 */
export function usageText(programName: string): string {
  const lan = MODE_DEFAULTS.lan, wan = MODE_DEFAULTS.wan;
  const lines = [
    `Usage: ${programName} [options]`,
    "",
    "MidiShare Internet driver: LAN mode by default, WAN mode with -s.",
    "",
    "Options:",
    `  -p, --port <n>          UDP port, TCP port too in WAN` +
    ` (LAN ${lan.port}, WAN ${wan.port})`,
    `  -lat, --latency <ms>    maximum latency, 0..32767` +
    ` (LAN ${lan.maxLatencyMs}, WAN ${wan.maxLatencyMs})`,
    `  -g, --group <ms>        grouping period, 1..32767` +
    ` (LAN ${lan.groupingMs}, WAN ${wan.groupingMs})`,
    "  -d, --daemon            run in the background, log to the log file",
    `  -log, --log <file>      daemon log file (${DEFAULT_LOG_FILE})`,
    "  -s, --server [host ...] WAN mode; connect to each host given",
    `  -m, --max-clients <n>   most peers a WAN server accepts` +
    ` (${DEFAULT_MAX_CLIENTS})`,
    "  --interface <name>      network interface of LAN mode",
    "  --no-restore            do not restore the connections of a returning peer",
    `  -v, --version           print "${VERSION_LINE}" and exit`,
    "  --help                  print this text and exit",
  ];
  return lines.join("\n") + "\n";
}
