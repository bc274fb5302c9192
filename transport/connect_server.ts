/**
 * Finding the MidiShare server a client talks to: connecting to its socket, and
 * starting one in the background when none answers, with a lock file so that only
 * the first of several clients starting at once starts it.
 *
 * Runs on the client's main thread. Not real-time safe: spawns and polls.
 *
 * @module
 */

import { MidiShareError } from "@midishare/kernel/api";
import { logDebug } from "./logger.ts";
import { defaultServerCommand } from "./server_command.ts";
import { checkSocketPath, ensurePrivateDir, socketDir } from "./socket_path.ts";

/** Options of {@link connectServer}. */
export interface ConnectServerOptions {
  /** Start a server when none answers; default true. */
  autoStart?: boolean;
  /** Command that starts a server (the socket path is appended as `--socket P`). */
  serverCommand?: string[];
  /**
   * How long to wait for a server to come up, in ms; default 30 000 (a server
   * started from JSR for the first time is downloaded first). A server that exits
   * with an error fails the start at once.
   */
  startTimeoutMs?: number;
}

/**
 * Connects to the server listening on `socketPath`, starting one unless `autoStart`
 * is false.
 * @param socketPath the server's socket
 * @param options whether and how to start a server
 * @returns the connection
 * @throws {MidiShareError} `UNREACHABLE` when no server answers and none could be
 * started
 */
export async function connectServer(
  socketPath: string,
  options: ConnectServerOptions = {},
): Promise<Deno.UnixConn> {
  const conn = await tryConnect(socketPath);
  if (conn !== null) return conn;
  if (options.autoStart === false) {
    throw new MidiShareError(
      "UNREACHABLE",
      `No MidiShare server answers on ${socketPath}`,
    );
  }
  return await startServer(socketPath, options);
}

/**
 * Connects when a server listens; null when none does. The socket's directory and
 * file are checked first (socket_path.ts): a socket another user could have put
 * there is refused before a byte is sent to it.
 */
async function tryConnect(socketPath: string): Promise<Deno.UnixConn | null> {
  let isThere: boolean;
  try {
    isThere = await checkSocketPath(socketPath);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw new MidiShareError("UNREACHABLE", (error as Error).message, {
      cause: error,
    });
  }
  if (!isThere) return null;
  try {
    return await Deno.connect({ transport: "unix", path: socketPath });
  } catch (error) {
    if (
      error instanceof Deno.errors.NotFound ||
      error instanceof Deno.errors.ConnectionRefused
    ) return null;
    throw new MidiShareError(
      "UNREACHABLE",
      `Cannot connect to ${socketPath}: ${String(error)}`,
      { cause: error },
    );
  }
}

/**
 * Starts a server in the background and connects to it. Clients starting at once
 * queue on a lock file, so only the first one starts a server.
 */
async function startServer(
  path: string,
  options: ConnectServerOptions,
): Promise<Deno.UnixConn> {
  try {
    await ensurePrivateDir(socketDir(path));
  } catch (error) {
    throw new MidiShareError(
      "UNREACHABLE",
      (error as Error).message,
      { cause: error },
    );
  }
  using lock = await Deno.open(`${path}.start`, {
    create: true,
    write: true,
    mode: 0o600,
  });
  await lock.lock(true);
  const already = await tryConnect(path);
  if (already !== null) return already;
  const [cmd, ...args] = options.serverCommand ?? defaultServerCommand();
  const log = `${path}.log`;
  const argv = [cmd!, ...args, "--socket", path, "--log-file", log];
  logDebug(`starting a MidiShare server: ${argv.join(" ")}`);
  await Deno.writeTextFile(
    log,
    `${new Date().toISOString()} starting a MidiShare server: ${
      argv.join(" ")
    }\n`,
    { append: true, mode: 0o600 },
  );
  // What the server prints before it opens its log (a module it cannot load, a
  // bad option) goes to the log too: Deno.Command cannot redirect to a file.
  const child = new Deno.Command("/bin/sh", {
    args: [
      "-c",
      'umask 077; log=$1; shift; exec "$@" 2>>"$log"',
      "midishare",
      log,
      ...argv,
    ],
    // A log file is no terminal: no colour codes in it.
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "null",
    stderr: "null",
    detached: true,
  }).spawn();
  child.unref();
  const exit = { code: null as number | null };
  child.status.then((status) => exit.code = status.code);
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const conn = await tryConnect(path);
    if (conn !== null) return conn;
    // Status 0: another server holds the lock and is about to listen.
    if (exit.code !== null && exit.code !== 0) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const what = exit.code !== null && exit.code !== 0
    ? `exited with status ${exit.code} before it listened`
    : `did not start within ${timeoutMs} ms`;
  throw new MidiShareError(
    "UNREACHABLE",
    `The MidiShare server ${what}; the end of its log ${log}:\n${await logTail(
      log,
    )}`,
  );
}

/** The last lines of a log, indented, for an error message. */
async function logTail(path: string, lineCount = 10): Promise<string> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    return `  (cannot read it: ${(error as Error).message})`;
  }
  return text.trimEnd().split("\n").slice(-lineCount).map((line) => `  ${line}`)
    .join("\n");
}
