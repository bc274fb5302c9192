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
import { checkSocketPath, ensurePrivateDir, socketDir } from "./socket_path.ts";

/** Options of {@link connectServer}. */
export interface ConnectServerOptions {
  /** Start a server when none answers; default true. */
  autoStart?: boolean;
  /** Command that starts a server (the socket path is appended as `--socket P`). */
  serverCommand?: string[];
  /** How long to wait for a server to come up, in ms; default 10 000. */
  startTimeoutMs?: number;
}

/**
 * The command that starts a server: `MIDISHARE_SERVER_COMMAND` (a JSON array) if set;
 * this binary's `serve` when it is the compiled MidiShare; `main.ts serve` beside this
 * checkout; otherwise the `midishare` binary on the PATH (a client loaded from JSR).
 */
export function defaultServerCommand(): string[] {
  const env = Deno.env.get("MIDISHARE_SERVER_COMMAND");
  if (env !== undefined && env !== "") return JSON.parse(env) as string[];
  const exe = Deno.execPath();
  const base = exe.slice(exe.lastIndexOf("/") + 1);
  if (base !== "deno") return [exe, "serve"];
  const main = new URL("../main.ts", import.meta.url);
  if (main.protocol === "file:") {
    return [exe, "run", "-A", main.pathname, "serve"];
  }
  return ["midishare", "serve"];
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
  logDebug(`starting a MidiShare server: ${cmd} ${args.join(" ")}`);
  const child = new Deno.Command(cmd!, {
    args: [...args, "--socket", path, "--log-file", `${path}.log`],
    stdin: "null",
    stdout: "null",
    stderr: "null",
    detached: true,
  }).spawn();
  child.unref();
  const deadline = Date.now() + (options.startTimeoutMs ?? 10_000);
  while (Date.now() < deadline) {
    const conn = await tryConnect(path);
    if (conn !== null) return conn;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new MidiShareError(
    "UNREACHABLE",
    `The MidiShare server did not start within ${
      options.startTimeoutMs ?? 10_000
    } ms: see ${path}.log`,
  );
}
