/**
 * The command line of the Internet driver (spec §2.1, §2.2): the original's options,
 * parsing rules and mode defaults, with the range checks and repeated `-s` lists of
 * the new driver, and long aliases.
 *
 * Pure: parses a string array and prints nothing. Runs in the Inet driver at start-up;
 * not real-time safe.
 *
 * @module
 */

/** LAN (broadcast discovery) or WAN (explicit TCP connections). */
export type InetMode = "lan" | "wan";

/** The parsed command line with the mode defaults applied. */
export interface InetConfig {
  /** WAN when `-s` appears anywhere, LAN otherwise. */
  readonly mode: InetMode;
  /** UDP port, and TCP port in WAN mode (4950 LAN, 4951 WAN). */
  readonly port: number;
  /** Maximum latency allowed on reception, ms (10 LAN, 1500 WAN). */
  readonly maxLatencyMs: number;
  /** Grouping period on sending, ms (10 LAN, 200 WAN). */
  readonly groupingMs: number;
  /** Whether to detach and log to {@link logFile} (`-d`). */
  readonly isDaemon: boolean;
  /** Log file of daemon mode (`-log`). */
  readonly logFile: string;
  /** Hosts to connect to in WAN mode, in order, several `-s` lists joined. */
  readonly hosts: readonly string[];
  /** Most peers a WAN server accepts (`-m`, default 32; ignored in LAN mode). */
  readonly maxClients: number;
  /** The driver application's name (spec §1.3), e.g. `msLANDriver:5000`. */
  readonly driverName: string;
  /** The network interface to use in LAN mode (`--interface`, spec §4.2), or null. */
  readonly interfaceName: string | null;
  /** Whether connections of a returning peer are restored (spec §7.8). */
  readonly restoresConnections: boolean;
}

/**
 * The outcome of {@link parseOptions}:
 * - `"run"`: start the driver with `config`;
 * - `"version"`: print {@link VERSION_LINE} on standard output, exit 0;
 * - `"help"`: print the usage text on standard output, exit 0;
 * - `"usage"`: print `message` and the usage text on standard error, exit 1.
 */
export type OptionsResult =
  | { readonly kind: "run"; readonly config: InetConfig }
  | { readonly kind: "version" }
  | { readonly kind: "help" }
  | { readonly kind: "usage"; readonly message: string };

/** The program version of `-v` and the banner. */
export const PROGRAM_VERSION = "1.13";
/** What `-v` prints. */
export const VERSION_LINE = `msInetDriver v. ${PROGRAM_VERSION}`;
/** Default log file of daemon mode. */
export const DEFAULT_LOG_FILE = "/var/log/msInetDriver.log";

/** Port, maximum latency and grouping period of one mode. */
export interface ModeDefaults {
  /** UDP (and WAN TCP) port. */
  readonly port: number;
  /** Maximum latency allowed, ms. */
  readonly maxLatencyMs: number;
  /** Grouping period, ms. */
  readonly groupingMs: number;
}

/** Defaults per mode (spec §2.1, §8). */
export const MODE_DEFAULTS: Readonly<Record<InetMode, ModeDefaults>> = Object
  .freeze({
    lan: Object.freeze({ port: 4950, maxLatencyMs: 10, groupingMs: 10 }),
    wan: Object.freeze({ port: 4951, maxLatencyMs: 1500, groupingMs: 200 }),
  });
/** Default maximum number of WAN peers. */
export const DEFAULT_MAX_CLIENTS = 32;

type NumericKey = "port" | "maxLatencyMs" | "groupingMs" | "maxClients";

/** Numeric options: the config field, the accepted range, and how to say it. */
const NUMERIC: Record<string, { key: NumericKey; min: number; max: number }> = {
  "-p": { key: "port", min: 1, max: 65535 },
  "-lat": { key: "maxLatencyMs", min: 0, max: 32767 },
  "-g": { key: "groupingMs", min: 1, max: 32767 },
  "-m": { key: "maxClients", min: 1, max: 32767 },
};

/** Long aliases and the short spelling they stand for. */
const ALIASES: Record<string, string> = {
  "--port": "-p",
  "--latency": "-lat",
  "--group": "-g",
  "--grouping": "-g",
  "--daemon": "-d",
  "--log": "-log",
  "--server": "-s",
  "--max-clients": "-m",
  "--version": "-v",
};

/**
 * The driver application's name (spec §1.3): `msLANDriver` or `msWANDriver`, with
 * `:<port>` appended when the port is not the mode's default.
 *
 * @param mode The mode.
 * @param port The configured port.
 * @returns The name, at most 31 characters.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { driverName } from "./options.ts";
 *
 * assert.equal(driverName("lan", 4950), "msLANDriver");
 * assert.equal(driverName("wan", 4950), "msWANDriver:4950");
 * ```
 * @see spec inet.md §1.3
 */
export function driverName(mode: InetMode, port: number): string {
  const base = mode === "lan" ? "msLANDriver" : "msWANDriver";
  return port === MODE_DEFAULTS[mode].port ? base : `${base}:${port}`;
}

/**
 * Parses the driver's arguments (without the program name) left to right; later
 * options override earlier ones.
 *
 * Rules of the original (§2.2): every option and every value is its own argument;
 * a numeric value is the signed decimal prefix of its argument (`12abc` is 12); `-log`
 * needs a value that does not start with `-`; `-s` takes every following argument up
 * to the next one starting with `-`; anything else is a usage error. New: values out
 * of range are usage errors (port 1..65535, `-lat` 0..32767, `-g` and `-m`
 * 1..32767); several `-s` lists are joined. Long aliases (`--port 5000` or
 * `--port=5000`), `--help`, `--interface NAME` and `--no-restore` are additions.
 *
 * @param args The arguments.
 * @returns What to do; see {@link OptionsResult}.
 * @example Select WAN mode with two hosts
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseOptions } from "./options.ts";
 *
 * const result = parseOptions(["-s", "a", "b", "-g", "50"]);
 * assert.equal(result.kind, "run");
 * if (result.kind === "run") {
 *   assert.deepEqual(result.config.hosts, ["a", "b"]);
 *   assert.equal(result.config.groupingMs, 50);
 *   assert.equal(result.config.driverName, "msWANDriver");
 * }
 * ```
 * @see spec inet.md §2.1, §2.2
 */
export function parseOptions(args: readonly string[]): OptionsResult {
  const set: Partial<Record<NumericKey, number>> = {};
  const hosts: string[] = [];
  let isWan = false, isDaemon = false, restoresConnections = true;
  let logFile = DEFAULT_LOG_FILE;
  let interfaceName: string | null = null;
  const list = splitLongValues(args);
  for (let i = 0; i < list.length; i++) {
    const arg = list[i] ?? "";
    const opt = ALIASES[arg] ?? arg;
    const next = list[i + 1];
    const numeric = NUMERIC[opt];
    if (numeric !== undefined) {
      const value = readNumber(arg, next, numeric);
      if (typeof value === "string") return usage(value);
      set[numeric.key] = value;
      i++;
    } else if (opt === "-d") isDaemon = true;
    else if (opt === "-v") return { kind: "version" };
    else if (opt === "--help") return { kind: "help" };
    else if (opt === "--no-restore") restoresConnections = false;
    else if (opt === "-log" || opt === "--interface") {
      if (next === undefined || next.startsWith("-")) {
        return usage(`Option ${arg} needs a value`);
      }
      if (opt === "-log") logFile = next;
      else interfaceName = next;
      i++;
    } else if (opt === "-s") {
      isWan = true;
      while (i + 1 < list.length && !(list[i + 1] ?? "-").startsWith("-")) {
        hosts.push(list[++i] ?? "");
      }
    } else if (arg.startsWith("-")) return usage(`Unknown option "${arg}"`);
    else return usage(`Unexpected argument "${arg}"`);
  }
  const mode: InetMode = isWan ? "wan" : "lan";
  const port = set.port ?? MODE_DEFAULTS[mode].port;
  return {
    kind: "run",
    config: {
      mode,
      port,
      maxLatencyMs: set.maxLatencyMs ?? MODE_DEFAULTS[mode].maxLatencyMs,
      groupingMs: set.groupingMs ?? MODE_DEFAULTS[mode].groupingMs,
      isDaemon,
      logFile,
      hosts,
      maxClients: set.maxClients ?? DEFAULT_MAX_CLIENTS,
      driverName: driverName(mode, port),
      interfaceName,
      restoresConnections,
    },
  };
}

function usage(message: string): OptionsResult {
  return { kind: "usage", message };
}

/** Splits `--long=value` into two arguments; short options are left alone. */
function splitLongValues(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const arg of args) {
    const eq = arg.indexOf("=");
    if (arg.startsWith("--") && eq > 2) {
      out.push(arg.slice(0, eq), arg.slice(eq + 1));
    } else out.push(arg);
  }
  return out;
}

/** The value of a numeric option, or the usage message. */
function readNumber(
  option: string,
  text: string | undefined,
  range: { min: number; max: number },
): number | string {
  if (text === undefined) return `Option ${option} needs a number`;
  const prefix = /^\s*[+-]?\d+/.exec(text);
  if (prefix === null) {
    return `Invalid value "${text}" for option ${option}: not a number`;
  }
  const value = Number(prefix[0]);
  if (value < range.min || value > range.max) {
    return `Invalid value "${text}" for option ${option}: ` +
      `expected ${range.min} to ${range.max}`;
  }
  return value;
}
