/**
 * The one logger of the project: short readable lines on standard error, with a
 * level set once per process (`--quiet`, `--verbose`).
 *
 * Not real-time safe: formats strings. The kernel never logs; workers and the client
 * library log through this module.
 *
 * @module
 */

/** How much to print. */
export type LogLevel = "quiet" | "normal" | "verbose";

const RANK: Record<LogLevel, number> = { quiet: 0, normal: 1, verbose: 2 };
let level: LogLevel = "normal";
let prefix = "";
let sink: ((line: string) => void) | null = null;

/** Options of {@link configureLog}. */
export interface LogOptions {
  /** How much to print. */
  level?: LogLevel;
  /** Put before every line (the thread's name). */
  prefix?: string;
  /**
   * Receives each line instead of standard error (the server's log file, when it
   * runs in the background with no terminal).
   */
  sink?: (line: string) => void;
}

/** Sets the level, a prefix, and where the lines go; for one process or worker. */
export function configureLog(options: LogOptions): void {
  if (options.level !== undefined) level = options.level;
  if (options.prefix !== undefined) prefix = options.prefix;
  if (options.sink !== undefined) sink = options.sink;
}

/** The current level. */
export function logLevel(): LogLevel {
  return level;
}

function write(text: string): void {
  const line = prefix === "" ? text : `${prefix} ${text}`;
  if (sink !== null) {
    sink(line);
    return;
  }
  // This module is the single place allowed to print for library code.
  // deno-lint-ignore no-console
  console.error(line);
}

/** Characters that would end a line or rewrite a terminal when printed raw. */
// deno-lint-ignore no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED_ESCAPES: Record<string, string> = {
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/**
 * `text` with every control character escaped (`\n`, `\r`, `\t`, `\xHH`,
 * `\uHHHH`), so that it prints as part of one line.
 * @param text any text
 * @returns the text, escaped
 */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => {
    const named = NAMED_ESCAPES[c];
    if (named !== undefined) return named;
    const code = c.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, "0")}`
      : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}

/**
 * A name someone else chose (an application's, a client's), quoted for a log line:
 * cut to `maxLength` characters (the 31 MidiShare keeps of a name, by default, and
 * "…" when cut), control characters, quotes and backslashes escaped.
 * @param name the name, as received
 * @param maxLength characters kept
 * @returns the name quoted, for a log line
 * @example Quote a name that tries to forge a line
 * ```ts
 * import assert from "node:assert/strict";
 * import { quoteName } from "./logger.ts";
 *
 * assert.equal(quoteName("synth\nforged"), '"synth\\nforged"');
 * assert.equal(quoteName("x".repeat(40)), `"${"x".repeat(31)}…"`);
 * ```
 */
export function quoteName(name: string, maxLength = 31): string {
  const cut = name.length > maxLength ? `${name.slice(0, maxLength)}…` : name;
  return `"${escapeControls(cut.replace(/["\\]/g, "\\$&"))}"`;
}

/** A line printed unless quiet (clients opening and closing, drivers). */
export function logInfo(text: string): void {
  if (RANK[level] >= 1) write(text);
}

/** A line printed only when verbose. */
export function logDebug(text: string): void {
  if (RANK[level] >= 2) write(text);
}

/** A warning, printed even when quiet. */
export function logWarn(text: string): void {
  write(`warning: ${text}`);
}

/** Reports an error thrown by a user callback, then goes on (spec §1.5). */
export function reportCallbackError(error: unknown): void {
  const text = error instanceof Error
    ? (error.stack ?? error.message)
    : String(error);
  write(`error in a MidiShare callback: ${text}`);
}
