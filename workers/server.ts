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
  defaultSocketPath,
  ensurePrivateDir,
  socketDir,
} from "@midishare/transport/socket_path";
import type { MainMessage } from "./messages.ts";
import type { MidiApiChoice } from "../drivers/rtmidi/mod.ts";
import {
  createSharedMemory,
  CTL_KERNEL_WAKE,
  CTL_STOP,
  DEFAULT_CLIENT_QUOTA,
  DEFAULT_SIZES,
  type SharedSizes,
} from "./shared_layout.ts";
import { DEFAULT_MAX_LATENESS_MS } from "./kernel_loop.ts";

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
  /** Sizes of the shared memory. */
  sizes?: SharedSizes;
  /** Hardware ports: RtMidi back end ("auto" by default, "off" for none). */
  midiApi?: MidiApiChoice | "off";
  /** Virtual input and output ports to create. */
  virtualPorts?: number;
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
    ...(logFile === undefined ? {} : { sink: openLogFile(logFile) }),
  });
  const socketPath = options.socketPath ?? defaultSocketPath();
  const dir = socketDir(socketPath);
  if (options.socketPath === undefined) await ensurePrivateDir(dir);
  else await Deno.mkdir(dir, { recursive: true, mode: 0o700 });

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
  // We hold the lock: a socket file left here belongs to a server that died.
  await Deno.remove(socketPath).catch(() => {});

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
  });
  await kernelReady;
  const listening = Promise.race([next("listening"), next("listen-failed")]);
  listener.postMessage({ kind: "start", ...start });
  const started = await listening;
  if (started?.kind !== "listening") {
    logWarn(
      `cannot listen on ${socketPath}: ${
        started?.kind === "listen-failed" ? started.message : "no answer"
      }`,
    );
    Atomics.store(control, CTL_STOP, 1);
    Atomics.notify(control, CTL_KERNEL_WAKE);
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
    Atomics.add(control, CTL_KERNEL_WAKE, 1);
    Atomics.notify(control, CTL_KERNEL_WAKE);
    await kernelStopped;
    kernel.terminate();
    listener.terminate();
    await Deno.remove(socketPath).catch(() => {});
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
