/**
 * The loop of the kernel (time) worker: drain the request ring in arrival order, run
 * every due tick, wake the listening worker when output was written, then sleep until
 * the next tick or the next request.
 *
 * Runs in the kernel worker and never returns until the stop flag is set. The per-tick
 * and per-event work allocates nothing; requests that create applications, names or
 * results do.
 *
 * Two parts of the overload policy live here: ticks never wait behind a flood of
 * requests (the loop drains requests while no tick is more than a millisecond
 * overdue, the rest waits in the request ring, and a full ring stops the listener
 * from reading the senders' sockets); and a tick that runs more than
 * {@link KernelLoopOptions.maxLatenessMs} after its due time routes none of its
 * events (they are counted as late drops of their senders). Lagging clients and loss
 * reports are in `overload_policy.ts`, draining the requests and the clients' calls
 * in `client_sessions.ts`, the ways to wait in `loop_sleep.ts`.
 *
 * @module
 */

import { attachCellPool } from "@midishare/kernel";
import { ServerAccounts, ServerKernel } from "@midishare/kernel/server";
import { epochNow } from "@midishare/transport/clock";
import { logWarn } from "@midishare/transport/logger";
import { Ring } from "./output_ring.ts";
import { ServerClock } from "./server_clock.ts";
import { TickStats } from "./tick_stats.ts";
import {
  CTL_AWAKE,
  CTL_DEEP_SLEEP,
  CTL_IN_USE,
  CTL_LATE_TICKS,
  CTL_LISTENER_WAKE,
  CTL_STOP,
  type SharedMemory,
} from "./shared_layout.ts";
import { OutputBacklog } from "./output_backlog.ts";
import { RefnumLog } from "./refnum_log.ts";
import type { OutputState } from "./client_output.ts";
import { DEFAULT_MAX_LATENESS_MS, OverloadPolicy } from "./overload_policy.ts";
import type { KernelLoopOptions, LoopHook } from "./kernel_loop_options.ts";
import { ClientSessions } from "./client_sessions.ts";
import {
  HOOK_IDLE_WAKE_MS,
  IDLE_TICKS_BEFORE_SLEEP,
  LoopSleep,
  RING_IDLE_WAKE_MS,
} from "./loop_sleep.ts";
import { openSharedRings } from "./open_shared_rings.ts";
import { KernelWait } from "./kernel_wait.ts";
import { openLibc } from "./libc.ts";
import type { SharedRings } from "./shared_rings.ts";
import { DEFAULT_LISTENER_LIMITS } from "./connection_budget.ts";

/** The kernel worker's loop; see the module documentation. */
export class KernelLoop {
  /** The kernel. */
  readonly kernel: ServerKernel;
  /** The clock. */
  readonly clock: ServerClock = new ServerClock();
  /** Times the loop slept and woke up, and request records handled, since start. */
  readonly counters: { wakeups: number; requests: number } = {
    wakeups: 0,
    requests: 0,
  };
  /** How late ticks start. */
  readonly tickStats: TickStats = new TickStats();
  /**
   * The latest a tick that dispatched something ran, in ms after its due time, since
   * start (fractional): with the overload policy on, routed events of later ticks are
   * dropped, so no event left the kernel later than the bound.
   */
  worstDispatchLatenessMs = 0;
  readonly #control: Int32Array;
  readonly #requests: Ring;
  readonly #output: Ring;
  readonly #outputState: OutputState = {
    hasOutput: false,
    backlog: new OutputBacklog(),
  };
  readonly #clientNames = new Map<number, string>();
  readonly #refnumLog = new RefnumLog(this.#clientNames);
  readonly #hooks: LoopHook[] = [];
  readonly #onInUse: (isInUse: boolean) => void;
  readonly #accounts: ServerAccounts;
  /** The overload policy's bound in ms; 0 when off. */
  readonly maxLatenessMs: number;
  readonly #testTickCostMs: number;
  readonly #overload: OverloadPolicy;
  readonly #sessions: ClientSessions;
  readonly #sleep: LoopSleep;
  readonly #rings: SharedRings | null;
  readonly #wait: KernelWait;
  #isInUse = false;
  #isCatchingUp = false;
  // The last tick that had something scheduled or a request.
  #busyAt = 0;
  #reportedDrops = 0;
  #rescan: () => number = () => -1;

  /** A loop over the shared memory of the server. */
  constructor(memory: SharedMemory, options: KernelLoopOptions = {}) {
    this.#control = new Int32Array(memory.control);
    this.#requests = new Ring(memory.requests);
    this.#output = new Ring(memory.output);
    this.#onInUse = options.onInUse ?? (() => {});
    this.#accounts = new ServerAccounts(memory.accounts);
    this.maxLatenessMs = Math.max(
      0,
      options.maxLatenessMs ?? DEFAULT_MAX_LATENESS_MS,
    );
    this.#testTickCostMs = options.testTickCostMs ?? 0;
    const pool = attachCellPool(memory.pool);
    // Set below, once the sessions exist; the kernel only calls it for requests.
    let rings: SharedRings | null = null;
    this.kernel = new ServerKernel({
      pool,
      sharedRings: {
        open: (client) => rings?.open(client) ?? "null",
        attach: (client) => rings?.attach(client) ?? false,
      },
      rescanPorts: () => this.#rescan(),
      onRefnumChange: this.#refnumLog.onRefnumChange,
      accounts: this.#accounts,
      originMs: (isAwake) => {
        this.clock.sync(isAwake);
        return this.clock.origin;
      },
      ...(options.describeServer
        ? { describeServer: options.describeServer }
        : {}),
    });
    this.#overload = new OverloadPolicy(this.kernel, {
      accounts: this.#accounts,
      clientNames: this.#clientNames,
      maxLatenessMs: this.maxLatenessMs,
    });
    this.#sessions = new ClientSessions(this.kernel, {
      clock: this.clock,
      output: this.#output,
      outputState: this.#outputState,
      clientNames: this.#clientNames,
      overload: this.#overload,
      onRequest: () => {
        this.counters.requests++;
        this.#busyAt = this.clock.ticksDone;
      },
    });
    // Without a place for the kernel's socket (tests of the loop alone), no FFI.
    const libc = options.ringSocketPath === undefined ? null : openLibc();
    this.#wait = new KernelWait(this.#control, libc);
    this.#rings = rings = libc === null ? null : openSharedRings(libc, {
      socketPath: options.ringSocketPath!,
      wakePath: this.#wait.pagePath,
      memory,
      pool,
      accounts: this.#accounts,
      sessions: this.#sessions,
      memoryBytes: options.connectionMemoryBytes ??
        DEFAULT_LISTENER_LIMITS.connectionMemoryBytes,
    });
    this.#sleep = new LoopSleep(this.#wait, {
      clock: this.clock,
      hasRequest: () => this.#hasRequest(),
      counters: this.counters,
    });
  }

  /** Adds work to run after requests and after every tick (drivers). */
  addHook(hook: LoopHook): void {
    this.#hooks.push(hook);
  }

  /** Sets what `RescanPorts` does (the hardware driver's rescan). */
  setRescan(rescan: () => number): void {
    this.#rescan = rescan;
  }

  /** Ticks run late since start (more than one tick due at once). */
  get lateTicks(): number {
    return Atomics.load(this.#control, CTL_LATE_TICKS);
  }

  /** Frames dropped because the output ring was full. */
  get droppedFrames(): number {
    return this.#outputState.backlog.droppedRecords;
  }

  /** Runs until the stop flag is set. */
  run(): void {
    const ctl = this.#control;
    while (Atomics.load(ctl, CTL_STOP) === 0) {
      this.step();
      if (this.#requests.peek() >= 0) continue;
      // With nothing scheduled and nothing to poll, ticks would do nothing: sleep until
      // a request, then catch them up in order. The listener wakes a deep sleeper for
      // every request, one-way ones included.
      if (
        this.kernel.pendingCount > 0 || this.#hooksNeedTicks() ||
        !this.#outputState.backlog.isEmpty || this.#rings?.hasWaitingOutput
      ) {
        this.#busyAt = this.clock.ticksDone;
      }
      // Only after a while: between the events of a live stream, a timer wake-up is
      // cheaper than being woken by each request.
      const isIdle =
        this.clock.ticksDone - this.#busyAt >= IDLE_TICKS_BEFORE_SLEEP ||
        !this.kernel.isAwake;
      if (isIdle) Atomics.store(ctl, CTL_DEEP_SLEEP, 1);
      // The counter first, then the flags, then the last look at the rings: a client
      // that published before the flags is seen, one after them wakes the loop.
      const seen = this.#wait.seen();
      this.#wait.setSleeping(true, isIdle);
      if (!this.#hasRequest() && Atomics.load(ctl, CTL_STOP) === 0) {
        if (isIdle) {
          let limit = this.kernel.isAwake && this.#hooks.length > 0
            ? HOOK_IDLE_WAKE_MS
            : undefined;
          // The wake page is shared by the clients: one that scribbles over its
          // flags delays the others' requests by this much at most.
          if (this.#rings?.hasClients) {
            limit = Math.min(limit ?? RING_IDLE_WAKE_MS, RING_IDLE_WAKE_MS);
          }
          this.#sleep.untilRequest(seen, limit);
        } else {
          this.#sleep.untilTick(seen);
        }
      }
      this.#wait.setSleeping(false, false);
      if (isIdle) {
        Atomics.store(ctl, CTL_DEEP_SLEEP, 0);
        this.#isCatchingUp = true;
      }
    }
    this.#rings?.stop();
  }

  /** Whether a request waits: in the request ring, or readable in a client's ring. */
  #hasRequest(): boolean {
    return this.#requests.peek() >= 0 ||
      (this.#rings?.canRead(this.#sessions.socketCalls) ?? false);
  }

  #hooksNeedTicks(): boolean {
    for (const hook of this.#hooks) if (hook.needsTicks()) return true;
    return false;
  }

  /** One pass: requests, due ticks, then wakes the listener if needed. */
  step(): void {
    // After an idle sleep, the empty ticks of the sleep come first: the requests that
    // woke the loop are dated now, not when it fell asleep.
    if (this.#isCatchingUp) this.#runDueTicks();
    // Requests first: what was sent before a tick's due time belongs to that tick.
    this.#drainRequests();
    if (this.maxLatenessMs > 0) this.#overload.markLaggingClients();
    for (const hook of this.#hooks) hook.afterRequests();
    this.#runDueTicks();
    const backlog = this.#outputState.backlog;
    // The clients' sockets the kernel writes itself: one send each per pass.
    this.#rings?.flushAll();
    if (!backlog.isEmpty && backlog.flushInto(this.#output)) {
      this.#outputState.hasOutput = true;
    }
    if (this.#outputState.hasOutput) {
      this.#outputState.hasOutput = false;
      Atomics.add(this.#control, CTL_LISTENER_WAKE, 1);
      Atomics.notify(this.#control, CTL_LISTENER_WAKE);
    }
    this.#overload.reportLossesIfDue();
    if (backlog.droppedRecords !== this.#reportedDrops) {
      logWarn(
        `output backlog full (${backlog.bytes} bytes wait for the listener): ${
          backlog.droppedRecords - this.#reportedDrops
        } frames dropped`,
      );
      this.#reportedDrops = backlog.droppedRecords;
    }
  }

  #runDueTicks(): void {
    const kernel = this.kernel;
    this.clock.sync(kernel.isAwake);
    let due = this.clock.dueTicks();
    if (due > 1 && !this.#isCatchingUp) {
      Atomics.add(this.#control, CTL_LATE_TICKS, due - 1);
    }
    const isCatchingUp = this.#isCatchingUp;
    this.#isCatchingUp = false;
    const maxLateness = this.maxLatenessMs;
    while (due-- > 0 && kernel.isAwake) {
      // Empty ticks caught up after an idle sleep are late by design: not measured.
      let lateMs = 0;
      if (!isCatchingUp) {
        lateMs = epochNow() - this.clock.origin - this.clock.ticksDone - 1;
        this.tickStats.record(lateMs);
      }
      const drops = maxLateness > 0 && lateMs > maxLateness;
      kernel.dropsLateEvents = drops;
      const pending = kernel.pendingCount;
      kernel.tick();
      // A tick that dispatched its events: how late they left the kernel.
      if (
        !drops && kernel.pendingCount !== pending &&
        lateMs > this.worstDispatchLatenessMs
      ) this.worstDispatchLatenessMs = lateMs;
      if (this.#testTickCostMs > 0 && kernel.pendingCount !== pending) {
        const until = performance.now() + this.#testTickCostMs;
        while (performance.now() < until) {
          // a tick made slow on purpose (tests of the overload policy)
        }
      }
      this.clock.ticksDone++;
      for (const hook of this.#hooks) hook.afterTick(kernel.now);
    }
  }

  #drainRequests(): void {
    this.#sessions.drain(this.#requests);
    this.#rings?.drainAll(this.#sessions.socketCalls);
    this.clock.sync(this.kernel.isAwake);
    const ctl = this.#control;
    Atomics.store(ctl, CTL_AWAKE, this.kernel.isAwake ? 1 : 0);
    // The network drivers' applications do not keep the server in use.
    const isInUse = this.kernel.userApplCount > 0 ||
      this.#refnumLog.clientDrivers.size > 0;
    if (isInUse !== this.#isInUse) {
      this.#isInUse = isInUse;
      Atomics.store(ctl, CTL_IN_USE, isInUse ? 1 : 0);
      this.#onInUse(isInUse);
    }
  }
}
