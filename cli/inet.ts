// Command-line code prints to the terminal by design (STYLE.md §8).
// deno-lint-ignore-file no-console
/**
 * `midishare inet`: the MidiShare Internet (LAN and WAN) network driver, with the
 * options of the original msInetDriver (spec inet.md §2): banner and log lines,
 * `q` on standard input, SIGINT and SIGTERM as an orderly quit, `-d` as a daemon
 * that logs to its log file. It keeps the original's parser and exit statuses
 * (single-dash long options such as `-lat`; usage errors and `-h` give the usage
 * text and status 1); only the first line of a usage error is the shared form of
 * `_args.ts`.
 *
 * @module
 */

import {
  bannerLines,
  type InetConfig,
  parseOptions,
  QUIT_HINT,
  startInetDriver,
  usageText,
  VERSION_LINE,
} from "../drivers/inet/mod.ts";
import { usageFailure } from "./_args.ts";

/** Set in the daemon's environment: the log file it writes to (absolute). */
const DAEMON_LOG_ENV = "MIDISHARE_INET_DAEMON_LOG";
const PROGRAM = "midishare inet";

/** Runs the command; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const parsed = parseOptions(args);
  if (parsed.kind === "version") {
    console.log(VERSION_LINE);
    return 0;
  }
  if (parsed.kind === "help") {
    console.log(usageText(PROGRAM).trimEnd());
    return 0;
  }
  if (parsed.kind === "usage") {
    // The shared one-line form, then the usage text and status 1 of the original
    // msInetDriver, whose parsing rules this command keeps (spec inet.md §2.2).
    const status = usageFailure("inet", parsed.message, 1);
    console.error(usageText(PROGRAM).trimEnd());
    return status;
  }
  const config = parsed.config;
  const daemonLog = Deno.env.get(DAEMON_LOG_ENV);
  if (config.isDaemon && daemonLog === undefined) {
    return daemonize(config, args);
  }
  const writeLog = daemonLog === undefined
    ? (line: string) => console.log(line)
    : (line: string) => appendLine(daemonLog, line);
  for (const line of bannerLines(config, new Date())) writeLog(line);
  if (daemonLog === undefined) console.log(QUIT_HINT);
  const driver = startInetDriver({ config, writeLog });
  const quit = () => driver.quit();
  const signals = ["SIGINT", "SIGTERM"] as const;
  for (const signal of signals) Deno.addSignalListener(signal, quit);
  if (daemonLog === undefined) readQuitKey(quit);
  try {
    return await driver.done;
  } finally {
    for (const signal of signals) Deno.removeSignalListener(signal, quit);
  }
}

/**
 * `-d`: starts this program again in the background, detached, with standard input,
 * output and error on /dev/null and the log file named in its environment, and
 * returns 0 at once (spec §2.3 step 3).
 */
function daemonize(config: InetConfig, args: string[]): number {
  const logFile = absolute(config.logFile);
  const rest = args.filter((a) => a !== "-d" && a !== "--daemon");
  const exe = Deno.execPath();
  const isDeno = exe.slice(exe.lastIndexOf("/") + 1) === "deno";
  const main = new URL("../main.ts", import.meta.url).pathname;
  const argv = isDeno
    ? ["run", "-A", "--unstable-net", main, "inet", ...rest]
    : ["inet", ...rest];
  try {
    new Deno.Command(exe, {
      args: argv,
      env: { [DAEMON_LOG_ENV]: logFile },
      stdin: "null",
      stdout: "null",
      stderr: "null",
      detached: true,
    }).spawn().unref();
  } catch (error) {
    console.error(`Cannot start the daemon: ${(error as Error).message}`);
    return 1;
  }
  return 0;
}

/** Appends one line to the log file, opened and closed each time (spec §2.4). */
function appendLine(path: string, line: string): void {
  try {
    Deno.writeTextFileSync(path, `${line}\n`, { append: true, create: true });
  } catch {
    // The original loses a message it cannot write; a daemon has nowhere else to say it.
  }
}

function absolute(path: string): string {
  return path.startsWith("/") ? path : `${Deno.cwd()}/${path}`;
}

/** Calls `quit` when `q` or `Q` is typed; standard input ending changes nothing. */
async function readQuitKey(quit: () => void): Promise<void> {
  try {
    for await (const chunk of Deno.stdin.readable) {
      if (chunk.includes(0x71) || chunk.includes(0x51)) return quit();
    }
  } catch {
    // Standard input is closed or unreadable: only signals quit.
  }
}
