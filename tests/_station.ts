/**
 * A host of a test network (`_netns.ts`, `_wan_router.ts`): commands run in its
 * network namespace and in a fresh UTS namespace that carries its host name, with
 * its own `MIDISHARE_SOCKET`; it starts real servers. Private to `tests/`.
 *
 * @module
 */

import {
  isListening,
  type ServerProcess,
  terminate,
  waitFor,
} from "./_harness.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const MAIN = `${ROOT}main.ts`;
/** Longest life of a process started in a namespace unless the caller says. */
export const DEFAULT_PROCESS_MS = 120_000;

/** How a process in a namespace is started. */
export interface NetnsProcessOptions {
  /** Killed (SIGKILL) after this long; default 120 s. */
  timeoutMs?: number;
  stdin?: "piped" | "null";
  stdout?: "piped" | "null" | "inherit";
  stderr?: "piped" | "null" | "inherit";
  env?: Record<string, string>;
  cwd?: string;
}

/** One host of a test network. */
export interface Station {
  /** Its host name, as `hostname` prints it in every command run there. */
  readonly name: string;
  /** Its network namespace. */
  readonly netns: string;
  /** Its IPv4 address on the test network. */
  readonly address: string;
  readonly prefixLength: number;
  /** The broadcast address of its subnet. */
  readonly broadcast: string;
  /** The `MIDISHARE_SOCKET` path of its server. */
  readonly socketPath: string;
  /** The argument list that runs `command` there (`ip netns exec ... unshare --uts`). */
  argv(command: string, args?: string[]): string[];
  /** Starts `command` there; killed at the timeout and when the network goes. */
  spawn(
    command: string,
    args?: string[],
    options?: NetnsProcessOptions,
  ): Deno.ChildProcess;
  /** Runs `command` there to its end (within the timeout) and returns what it printed. */
  output(
    command: string,
    args?: string[],
    options?: NetnsProcessOptions,
  ): Promise<{ code: number; stdout: string; stderr: string }>;
  /** Starts `main.ts serve --persist --socket <socketPath>` there and waits for it. */
  startServer(
    options?: { args?: string[]; env?: Record<string, string> },
  ): Promise<ServerProcess>;
}

/** Starts a process that its network kills at its timeout and when it goes. */
export type Spawner = (
  argv: string[],
  options?: NetnsProcessOptions,
) => Deno.ChildProcess;

/** What a station is, before it runs anything. */
export interface StationSpec {
  name: string;
  netns: string;
  address: string;
  prefixLength: number;
  broadcast: string;
}

/** A station of `spec`, whose processes `spawn` starts; its socket is `socketPath`. */
export function createStation(
  spec: StationSpec,
  socketPath: string,
  spawn: Spawner,
): Station {
  const argv = (command: string, args: string[] = []) => [
    "ip",
    "netns",
    "exec",
    spec.netns,
    "unshare",
    "--uts",
    "sh",
    "-c",
    'hostname "$0" && exec "$@"',
    spec.name,
    command,
    ...args,
  ];
  const withSocket = (options: NetnsProcessOptions) => ({
    ...options,
    env: { MIDISHARE_SOCKET: socketPath, ...(options.env ?? {}) },
  });
  const station: Station = {
    ...spec,
    socketPath,
    argv,
    spawn: (command, args = [], options = {}) =>
      spawn(argv(command, args), withSocket(options)),
    async output(command, args = [], options = {}) {
      const child = spawn(argv(command, args), {
        ...withSocket(options),
        stdout: "piped",
        stderr: "piped",
      });
      const out = await child.output();
      const text = new TextDecoder();
      return {
        code: out.code,
        stdout: text.decode(out.stdout),
        stderr: text.decode(out.stderr),
      };
    },
    startServer: (options = {}) =>
      startStationServer(station, options.args ?? [], options.env ?? {}),
  };
  return station;
}

async function startStationServer(
  station: Station,
  args: string[],
  env: Record<string, string>,
): Promise<ServerProcess> {
  const { socketPath } = station;
  const child = station.spawn(Deno.execPath(), [
    "run",
    "-A",
    MAIN,
    "serve",
    "--persist",
    "--socket",
    socketPath,
    ...(args.includes("--midi-api") ? [] : ["--midi-api", "off"]),
    ...args,
  ], { env, cwd: ROOT, timeoutMs: DEFAULT_PROCESS_MS });
  let text = "";
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      text += chunk;
    }
  };
  const reading = Promise.all([collect(child.stdout), collect(child.stderr)]);
  let status: Promise<Deno.CommandStatus> | null = null;
  const stop = () => {
    status ??= (async () => {
      const s = await terminate(child);
      await reading;
      return s;
    })();
    return status;
  };
  await waitFor(
    () => isListening(socketPath),
    `the server of ${station.name} on ${socketPath}`,
    20_000,
  ).catch(async (error) => {
    await stop();
    throw new Error(`${error.message}; server said:\n${text}`);
  });
  return {
    socketPath,
    dir: socketPath.slice(0, socketPath.lastIndexOf("/")),
    child,
    log: () => text,
    stop,
    async [Symbol.asyncDispose]() {
      await stop();
    },
  };
}
