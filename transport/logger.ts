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
let file: Deno.FsFile | null = null;
const encoder = new TextEncoder();

/**
 * Sets the level, a prefix, and optionally a file that receives the lines instead of
 * standard error (a server started in the background has no terminal).
 */
export function configureLog(
  options: { level?: LogLevel; prefix?: string; file?: string },
): void {
  if (options.level !== undefined) level = options.level;
  if (options.prefix !== undefined) prefix = options.prefix;
  if (options.file !== undefined) {
    file = Deno.openSync(options.file, {
      create: true,
      append: true,
      mode: 0o600,
    });
  }
}

/** The current level. */
export function logLevel(): LogLevel {
  return level;
}

function write(text: string): void {
  const line = prefix === "" ? text : `${prefix} ${text}`;
  if (file !== null) {
    file.writeSync(encoder.encode(`${new Date().toISOString()} ${line}\n`));
    return;
  }
  // This module is the single place allowed to print for library code.
  // deno-lint-ignore no-console
  console.error(line);
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
