/**
 * Control messages between the server's main thread and its two workers. Events never
 * travel this way: they move as cells of the shared pool.
 *
 * @module
 */

import type { LogLevel } from "@midishare/transport/logger";
import type { SharedMemory } from "./shared_layout.ts";
import type { MidiApiChoice } from "../drivers/rtmidi/mod.ts";
import type { ListenerLimits } from "./connection_budget.ts";

/** Hardware ports: the RtMidi back end ("off" for none) and virtual ports. */
export interface MidiPortOptions {
  api: MidiApiChoice | "off";
  virtualPorts: number;
}

/** The overload policy of the kernel loop (see `KernelLoopOptions` in `kernel_loop_options.ts`). */
export interface OverloadOptions {
  maxLatenessMs: number;
  testTickCostMs: number;
}

/** Main thread → kernel worker. */
export type KernelWorkerMessage = {
  kind: "start";
  memory: SharedMemory;
  midi: MidiPortOptions;
  overload: OverloadOptions;
  connectionMemoryBytes: number;
  socketPath: string;
  logLevel: LogLevel;
  logFile?: string;
  logMaxBytes?: number;
};

/** Main thread → listening worker. */
export type ListenerWorkerMessage =
  | {
    kind: "start";
    memory: SharedMemory;
    socketPath: string;
    logLevel: LogLevel;
    logFile?: string;
    logMaxBytes?: number;
    limits: ListenerLimits;
  }
  | { kind: "stop"; reason: string };

/** Either worker → main thread. */
export type MainMessage =
  | { kind: "kernel-ready" }
  | { kind: "kernel-stopped" }
  | { kind: "in-use"; isInUse: boolean }
  | { kind: "listening" }
  | { kind: "listen-failed"; message: string }
  | { kind: "listener-stopped" };
