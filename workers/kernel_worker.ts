/**
 * Entry point of the kernel (time) worker: raises its thread priority, then runs the
 * kernel loop over the shared memory until the main thread sets the stop flag.
 *
 * @module
 */

import { configureLog, logInfo } from "@midishare/transport/logger";
import { KernelLoop } from "./kernel_loop.ts";
import { openLogFile } from "./log_file.ts";
import { raiseThreadPriority } from "./realtime_thread.ts";
import { startHardwarePorts } from "./hardware_ports.ts";
import type { KernelWorkerMessage, MainMessage } from "./messages.ts";

declare const self: {
  onmessage: ((e: MessageEvent<KernelWorkerMessage>) => void) | null;
  postMessage(message: MainMessage): void;
  close(): void;
};

self.onmessage = (e) => {
  const message = e.data;
  if (message.kind !== "start") return;
  configureLog({
    level: message.logLevel,
    ...(message.logFile === undefined ? {} : {
      sink: openLogFile(message.logFile, {
        ...(message.logMaxBytes === undefined
          ? {}
          : { maxBytes: message.logMaxBytes }),
      }),
    }),
  });
  const report = raiseThreadPriority();
  logInfo(`kernel worker: ${report.timerSlack}, ${report.priority}`);
  const startedAt = Date.now();
  const loop: KernelLoop = new KernelLoop(message.memory, {
    ...message.overload,
    ringSocketPath: `${message.socketPath}.kernel`,
    connectionMemoryBytes: message.connectionMemoryBytes,
    onInUse: (isInUse) => self.postMessage({ kind: "in-use", isInUse }),
    describeServer: (): Record<string, unknown> => ({
      pid: Deno.pid,
      socket: message.socketPath,
      uptimeMs: Date.now() - startedAt,
      droppedFrames: loop.droppedFrames,
      maxLatenessMs: loop.maxLatenessMs,
      worstDispatchLatenessMs: Math.round(loop.worstDispatchLatenessMs),
      tickLateness: loop.tickStats.summary(),
      lateTicks: loop.lateTicks,
      rtmidi: rtmidiStats(),
      kernelWakeups: loop.counters.wakeups,
      kernelHeapMiB: Math.round(Deno.memoryUsage().heapUsed / 10_485.76) / 100,
      requestsHandled: loop.counters.requests,
    }),
  });
  const rtmidiStats = startHardwarePorts(loop, message.midi);
  self.postMessage({ kind: "kernel-ready" });
  loop.run();
  self.postMessage({ kind: "kernel-stopped" });
  self.close();
};
