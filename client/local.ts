/**
 * MidiShare inside one process, without a server: {@link createKernel} with a manual
 * clock (the caller advances time) or a real-time clock (a 1 ms timer of this process
 * advances it, catching up missed ticks in order).
 *
 * @module
 */

import {
  createLocalKernel,
  type LocalClientOptions,
  type LocalKernelOptions,
  type MidiShareCalls,
} from "@midishare/kernel";
import { reportCallbackError } from "@midishare/transport/logger";

/** Options of {@link createKernel}. */
export interface KernelOptions extends LocalKernelOptions {
  /** `"manual"`: time moves with `advance(ms)`; `"realtime"`: with the wall clock. */
  clock: "manual" | "realtime";
}

/** One client of an in-process MidiShare: every call of the API, synchronous. */
export interface KernelClient extends MidiShareCalls<false> {
  /** Runs `ms` ticks, each followed by the callbacks it causes (a manual clock). */
  advance(ms: number): void;
  /** Another client of the same kernel, with its own pool. */
  connectClient(options?: LocalClientOptions): KernelClient;
  /**
   * Detaches this client as if its process died: the kernel closes its applications
   * and unregisters its drivers, telling the others.
   */
  disconnect(): void;
}

/** An in-process MidiShare and its first client; `stop()` ends a real-time clock. */
export interface Kernel extends KernelClient {
  /** Stops the real-time clock (nothing for a manual clock). */
  stop(): void;
  /** Same as `stop()`, for `using`. */
  [Symbol.dispose](): void;
}

/** At most this many ticks are caught up per timer call, so a stall cannot freeze the program. */
const MAX_CATCH_UP = 1000;

/**
 * Creates MidiShare in this process; every call of the spec is synchronous.
 *
 * @example A task at a date
 * ```ts
 * import assert from "node:assert/strict";
 * import { createKernel } from "./mod.ts";
 *
 * const ms = createKernel({ clock: "manual" });
 * const ref = ms.MidiOpen("demo");
 * let ranAt = -1;
 * ms.MidiTask((date) => { ranAt = date; }, 20, ref);
 * ms.advance(20);
 * assert.equal(ranAt, 20);
 * ```
 */
export function createKernel(options: KernelOptions): Kernel {
  const ms = createLocalKernel({
    reportError: reportCallbackError,
    ...options,
  });
  let timer: ReturnType<typeof setInterval> | undefined;
  if (options.clock === "realtime") {
    let origin = performance.now();
    timer = setInterval(() => {
      if (!ms.server.isAwake) {
        origin = performance.now();
        return;
      }
      const due = Math.floor(performance.now() - origin) - ms.server.now;
      ms.advance(Math.min(Math.max(0, due), MAX_CATCH_UP));
    }, 1);
  }
  const stop = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
  };
  return Object.assign(ms, { stop, [Symbol.dispose]: stop });
}
