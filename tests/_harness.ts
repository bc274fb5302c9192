/**
 * Helpers of the integration tests: a real server process on a private socket, real
 * client processes (`_agent.ts`) driven by commands, and waiting with a deadline.
 * Private to `tests/`.
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url).pathname;
const MAIN = `${ROOT}main.ts`;
const AGENT = `${ROOT}tests/_agent.ts`;
/** How long a test waits for one agent answer before failing (calls answer in ms). */
const AGENT_ANSWER_MS = 120_000;

/**
 * Sends SIGTERM, then SIGKILL when `child` has not exited within `graceMs` (a hung
 * process fails its test rather than hanging the suite); resolves with its status.
 */
export async function terminate(
  child: Deno.ChildProcess,
  graceMs = 10_000,
): Promise<Deno.CommandStatus> {
  const kill = (signal: Deno.Signal) => {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  };
  kill("SIGTERM");
  const timer = setTimeout(() => kill("SIGKILL"), graceMs);
  try {
    return await child.status;
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until `check` returns a value other than undefined/false, or fails. */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A fresh private directory for a test's socket. */
export async function tempSocketDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "midishare-test-" });
}

/** Whether something accepts connections on `path`. */
export async function isListening(path: string): Promise<boolean> {
  try {
    const conn = await Deno.connect({ transport: "unix", path });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

/** A server process. */
export interface ServerProcess extends AsyncDisposable {
  socketPath: string;
  dir: string;
  child: Deno.ChildProcess;
  /** Everything the server printed so far. */
  log(): string;
  /** SIGTERM, then the exit status. */
  stop(): Promise<Deno.CommandStatus>;
}

/**
 * Starts `main.ts serve --persist` on a new socket and waits until it listens; with
 * `viaStartTask`, `deno task start -- [options]` instead, as a user runs it. With
 * `socketPath`, on that socket (its directory is then left in place at the end).
 */
export async function startServer(
  options: {
    args?: string[];
    env?: Record<string, string>;
    viaStartTask?: boolean;
    socketPath?: string;
  } = {},
): Promise<ServerProcess> {
  const isOwnDir = options.socketPath === undefined;
  const socketPath = options.socketPath ?? `${await tempSocketDir()}/ms.sock`;
  const dir = socketPath.slice(0, socketPath.lastIndexOf("/"));
  const command = options.viaStartTask
    ? ["task", "--quiet", "start", "--"]
    : ["run", "-A", MAIN, "serve", "--persist"];
  const child = new Deno.Command(Deno.execPath(), {
    cwd: new URL("..", import.meta.url).pathname,
    args: [
      ...command,
      "--socket",
      socketPath,
      // Tests that are not about hardware ports do not depend on the machine's MIDI.
      ...(options.args?.includes("--midi-api") ? [] : ["--midi-api", "off"]),
      ...(options.args ?? []),
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...(options.env ?? {}) },
  }).spawn();
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
      if (isOwnDir) await Deno.remove(dir, { recursive: true }).catch(() => {});
      return s;
    })();
    return status;
  };
  await waitFor(
    () => isListening(socketPath),
    `the server on ${socketPath}`,
    20_000,
  )
    .catch(async (error) => {
      await stop();
      throw new Error(`${error.message}; server said:\n${text}`);
    });
  return {
    socketPath,
    dir,
    child,
    log: () => text,
    stop,
    async [Symbol.asyncDispose]() {
      await stop();
    },
  };
}

/**
 * Freezes a process with SIGSTOP and waits until every one of its threads has
 * stopped (the signal is delivered asynchronously).
 */
export async function freeze(child: Deno.ChildProcess): Promise<void> {
  child.kill("SIGSTOP");
  await waitFor(async () => {
    const tasks = `/proc/${child.pid}/task`;
    for await (const task of Deno.readDir(tasks)) {
      const stat = await Deno.readTextFile(`${tasks}/${task.name}/stat`);
      if (!/^\d+ \(.*\) [tT] /s.test(stat)) return false;
    }
    return true;
  }, `process ${child.pid} to stop`);
}

/**
 * How many sockets carry `path` as their address (`/proc/net/unix`): the listening
 * socket, the connections it accepted, and those still waiting to be accepted.
 */
export async function socketsOn(path: string): Promise<number> {
  const table = await Deno.readTextFile("/proc/net/unix");
  // The server binds in a private directory beside the path, then renames the
  // socket into place: the kernel keeps the name it was bound with.
  const dir = path.slice(0, path.lastIndexOf("/"));
  const isOurs = (name: string) =>
    name === path ||
    (name.startsWith(`${dir}/.bind-`) && name.endsWith("/s") &&
      name.slice(dir.length + 1).split("/").length === 2);
  return table.split("\n").filter((line) =>
    isOurs(line.slice(line.lastIndexOf(" ") + 1))
  ).length;
}

/** An agent client process. */
export interface Agent extends AsyncDisposable {
  child: Deno.ChildProcess;
  /** Runs a command and returns its value, or throws its error (with `code`). */
  run(op: string, fields?: Record<string, unknown>): Promise<unknown>;
  /** `run("call", { name, args })`. */
  call(name: string, ...args: unknown[]): Promise<unknown>;
  /** Sends a signal to the process. */
  kill(signal?: Deno.Signal): void;
  /** Waits for the process to end. */
  done(): Promise<Deno.CommandStatus>;
  /** What the process wrote on standard error. */
  stderr(): string;
}

/** Starts an agent client process connected to `socketPath`. */
export function startAgent(
  socketPath: string,
  name: string,
  env: Record<string, string> = {},
): Agent {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", AGENT, socketPath, name],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1", ...env },
  }).spawn();
  const writer = child.stdin.getWriter();
  const waiting = new Map<number, PromiseWithResolvers<unknown>>();
  let errText = "";
  let nextId = 1;
  const reading = (async () => {
    let buf = "";
    for await (
      const chunk of child.stdout.pipeThrough(new TextDecoderStream())
    ) {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const answer = JSON.parse(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        const w = waiting.get(answer.id);
        waiting.delete(answer.id);
        if (answer.ok) w?.resolve(answer.value);
        else {
          w?.reject(
            Object.assign(new Error(answer.error), { code: answer.code }),
          );
        }
      }
    }
    for (const w of waiting.values()) {
      w.reject(new Error(`agent ${name} exited; stderr:\n${errText}`));
    }
  })();
  const errors = (async () => {
    for await (
      const chunk of child.stderr.pipeThrough(new TextDecoderStream())
    ) {
      errText += chunk;
    }
  })();
  let ended: Promise<Deno.CommandStatus> | null = null;
  const done = () => {
    ended ??= (async () => {
      const s = await child.status;
      await writer.close().catch(() => {});
      await reading;
      await errors;
      return s;
    })();
    return ended;
  };
  const run = async (op: string, fields: Record<string, unknown> = {}) => {
    const id = nextId++;
    const w = Promise.withResolvers<unknown>();
    waiting.set(id, w);
    await writer.write(
      new TextEncoder().encode(JSON.stringify({ id, op, ...fields }) + "\n"),
    );
    // A hung server or agent fails the test instead of hanging the whole suite.
    const watchdog = setTimeout(() => {
      waiting.delete(id);
      w.reject(
        new Error(`agent ${name}: no answer to ${op} in ${AGENT_ANSWER_MS} ms`),
      );
    }, AGENT_ANSWER_MS);
    try {
      return await w.promise;
    } finally {
      clearTimeout(watchdog);
    }
  };
  return {
    child,
    run,
    call: (callName, ...args) => run("call", { name: callName, args }),
    kill(signal: Deno.Signal = "SIGKILL") {
      try {
        child.kill(signal);
      } catch {
        // Already gone.
      }
    },
    done,
    stderr: () => errText,
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
      await done();
    },
  };
}

/** Runs `op` on `agent` repeatedly until `count` items came back in all; returns them. */
export async function gather<T>(
  agent: Agent,
  op: string,
  count: number,
  timeoutMs = 10_000,
): Promise<T[]> {
  const items: T[] = [];
  await waitFor(
    async () => {
      items.push(...await agent.run(op) as T[]);
      return items.length >= count;
    },
    `${count} results of "${op}" (got ${items.length})`,
    timeoutMs,
  );
  return items;
}

/**
 * The checksum an agent reports for a SysEx of `size` data bytes `i & 0x7F` (the ones
 * its "send" op and the RtMidi helper make).
 */
export function sysexChecksum(size: number): number {
  let sum = 0;
  for (let i = 0; i < size; i++) sum = (sum * 31 + (i & 0x7f)) >>> 0;
  return sum;
}
