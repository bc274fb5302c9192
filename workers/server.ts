/**
 * The server's main thread: takes the server lock beside the socket, allocates the
 * shared memory, starts the kernel and listening workers, and stops them cleanly on
 * SIGTERM or SIGINT, or (unless persistent) a few seconds after the last application
 * and client driver are gone. It does no per-event work.
 *
 * @module
 */

import { openLogFile } from "./log_file.ts";
import {
  configureLog,
  logDebug,
  logInfo,
  type LogLevel,
  logWarn,
} from "@midishare/transport/logger";
import {
  checkSocketFile,
  defaultSocketPath,
  ensurePrivateDir,
  socketDir,
} from "@midishare/transport/socket_path";
import type { MainMessage } from "./messages.ts";
import { DEFAULT_LISTENER_LIMITS } from "./connection_budget.ts";
import type { MidiApiChoice } from "../drivers/rtmidi/mod.ts";
import {
  createSharedMemory,
  CTL_STOP,
  DEFAULT_CLIENT_QUOTA,
  DEFAULT_SIZES,
  type SharedSizes,
} from "./shared_layout.ts";
import { DEFAULT_MAX_LATENESS_MS } from "./overload_policy.ts";
import { wakeKernel } from "./kernel_wait.ts";

/** Options of {@link runServer}. */
export interface ServerOptions {
  /** Socket path; default `$XDG_RUNTIME_DIR/midishare/midishare.sock`. */
  socketPath?: string;
  /** Keep running when no application is open. */
  isPersistent?: boolean;
  /** How long to wait, idle, before quitting (ms); default 3000. */
  lingerMs?: number;
  /** Log verbosity. */
  logLevel?: LogLevel;
  /** Append the log to this file instead of standard error. */
  logFile?: string;
  /** Size at which the log file is renamed `<logFile>.1`; default 1 MiB. */
  logMaxBytes?: number;
  /** Sizes of the shared memory. */
  sizes?: SharedSizes;
  /** Hardware ports: RtMidi back end ("auto" by default, "off" for none). */
  midiApi?: MidiApiChoice | "off";
  /** Virtual input and output ports to create. */
  virtualPorts?: number;
  /** How long a new connection has to send its HELLO, in ms; default 5000. */
  handshakeTimeoutMs?: number;
  /** Bytes all connection buffers may hold together; default 256 MiB. */
  connectionMemoryBytes?: number;
  /** Server cells one client may hold (0: no quota); default `DEFAULT_CLIENT_QUOTA`. */
  clientQuota?: number;
  /** Bound of the overload policy in ms (0: no drops); default 1000. */
  maxLatenessMs?: number;
  /** For tests only: extra ms spent in each tick that dispatches something. */
  testTickCostMs?: number;
}

/** Runs the server until it is stopped; resolves with the exit code. */
export async function runServer(options: ServerOptions = {}): Promise<number> {
  const logFile = options.logFile;
  configureLog({
    level: options.logLevel ?? "normal",
    ...(logFile === undefined ? {} : {
      sink: openLogFile(logFile, {
        ...(options.logMaxBytes === undefined
          ? {}
          : { maxBytes: options.logMaxBytes }),
      }),
    }),
  });
  const socketPath = options.socketPath ?? defaultSocketPath();
  try {
    // The same checks as a client's before it connects (socket_path.ts); nothing
    // that is not a socket is ever removed.
    await ensurePrivateDir(socketDir(socketPath));
    await checkSocketFile(socketPath);
  } catch (error) {
    logWarn((error as Error).message);
    return 1;
  }

  const lock = await Deno.open(`${socketPath}.lock`, {
    create: true,
    write: true,
    mode: 0o600,
  });
  if (!lock.tryLockSync(true)) {
    logInfo(`a MidiShare server already runs on ${socketPath}`);
    lock.close();
    return 0;
  }
  const stale = await removeStaleSocket(socketPath);
  if (stale !== null) {
    logWarn(stale);
    lock.close();
    return 1;
  }

  const memory = createSharedMemory(
    options.sizes ?? DEFAULT_SIZES,
    options.clientQuota ?? DEFAULT_CLIENT_QUOTA,
  );
  const control = new Int32Array(memory.control);
  const logLevel = options.logLevel ?? "normal";
  const kernel = new Worker(new URL("./kernel_worker.ts", import.meta.url), {
    type: "module",
  });
  const listener = new Worker(
    new URL("./listener_worker.ts", import.meta.url),
    {
      type: "module",
    },
  );
  const events = new EventTarget();
  const onMessage = (e: MessageEvent<MainMessage>) => {
    events.dispatchEvent(new CustomEvent(e.data.kind, { detail: e.data }));
  };
  kernel.onmessage = onMessage;
  listener.onmessage = onMessage;
  const next = (kind: MainMessage["kind"], timeoutMs = 10_000) =>
    new Promise<MainMessage | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), timeoutMs);
      events.addEventListener(kind, (e) => {
        clearTimeout(timer);
        resolve((e as CustomEvent<MainMessage>).detail);
      }, { once: true });
    });

  const kernelReady = next("kernel-ready");
  const start = {
    memory,
    socketPath,
    logLevel,
    ...(logFile ? { logFile } : {}),
    ...(options.logMaxBytes === undefined
      ? {}
      : { logMaxBytes: options.logMaxBytes }),
  };
  kernel.postMessage({
    kind: "start",
    ...start,
    midi: {
      api: options.midiApi ?? "auto",
      virtualPorts: options.virtualPorts ?? 0,
    },
    overload: {
      maxLatenessMs: options.maxLatenessMs ?? DEFAULT_MAX_LATENESS_MS,
      testTickCostMs: options.testTickCostMs ?? 0,
    },
    connectionMemoryBytes: options.connectionMemoryBytes ??
      DEFAULT_LISTENER_LIMITS.connectionMemoryBytes,
  });
  await kernelReady;
  const listening = Promise.race([next("listening"), next("listen-failed")]);
  listener.postMessage({
    kind: "start",
    ...start,
    limits: {
      handshakeTimeoutMs: options.handshakeTimeoutMs ??
        DEFAULT_LISTENER_LIMITS.handshakeTimeoutMs,
      connectionMemoryBytes: options.connectionMemoryBytes ??
        DEFAULT_LISTENER_LIMITS.connectionMemoryBytes,
    },
  });
  const started = await listening;
  if (started?.kind !== "listening") {
    logWarn(
      `cannot listen on ${socketPath}: ${
        started?.kind === "listen-failed" ? started.message : "no answer"
      }`,
    );
    Atomics.store(control, CTL_STOP, 1);
    wakeKernel(control);
    kernel.terminate();
    listener.terminate();
    lock.close();
    return 1;
  }
  logInfo(`MidiShare server listening on ${socketPath} (pid ${Deno.pid})`);

  const done = Promise.withResolvers<number>();
  let isStopping = false;
  const stop = async (reason: string) => {
    if (isStopping) return;
    isStopping = true;
    logInfo(`stopping: ${reason}`);
    const listenerStopped = next("listener-stopped", 2000);
    listener.postMessage({ kind: "stop", reason });
    await listenerStopped;
    const kernelStopped = next("kernel-stopped", 2000);
    Atomics.store(control, CTL_STOP, 1);
    wakeKernel(control);
    await kernelStopped;
    kernel.terminate();
    listener.terminate();
    if (await checkSocketFile(socketPath).catch(() => false)) {
      await Deno.remove(socketPath).catch(() => {});
    }
    lock.close();
    for (const signal of SIGNALS) Deno.removeSignalListener(signal, onSignal);
    done.resolve(0);
  };

  const SIGNALS = ["SIGTERM", "SIGINT"] as const;
  const onSignal = () => stop("signal received");
  for (const signal of SIGNALS) Deno.addSignalListener(signal, onSignal);

  // Quit a while after the server stops being used, unless persistent.
  const lingerMs = options.lingerMs ?? 3000;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  const armIdle = () => {
    if (options.isPersistent || idleTimer !== undefined) return;
    idleTimer = setTimeout(() => stop("no application left"), lingerMs);
  };
  events.addEventListener("in-use", (e) => {
    const { isInUse } = (e as CustomEvent<{ isInUse: boolean }>).detail;
    logDebug(isInUse ? "in use" : "idle");
    if (isInUse) {
      clearTimeout(idleTimer);
      idleTimer = undefined;
    } else {
      armIdle();
    }
  });
  armIdle();
  return await done.promise;
}

/**
 * Removes the socket file a server that died left at `path`, once sure it is one:
 * a socket of this user (checked with `lstat`) that nobody answers on. Returns null
 * when the path is free, else why it cannot be used.
 */
async function removeStaleSocket(path: string): Promise<string | null> {
  try {
    if (!await checkSocketFile(path)) return null;
  } catch (error) {
    return (error as Error).message;
  }
  try {
    const conn = await Deno.connect({ transport: "unix", path });
    conn.close();
    return `Cannot listen on "${path}": another server answers on it`;
  } catch {
    // Nobody answers: the socket of a server that died, which held this lock.
  }
  await Deno.remove(path);
  return null;
}
