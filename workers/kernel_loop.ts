/**
 * The loop of the kernel (time) worker: drain the request ring in arrival order, run
 * every due tick, wake the listening worker when output was written, then sleep until
 * the next tick or the next request.
 *
 * Runs in the kernel worker and never returns until the stop flag is set. The per-tick
 * and per-event work allocates nothing; requests that create applications, names or
 * results do.
 *
 * The overload policy lives here: ticks never wait behind a flood of requests (the
 * loop drains requests while no tick is more than a millisecond overdue, the rest
 * waits in the request ring, and a full ring stops the listener from reading the
 * senders' sockets); a tick that runs more than {@link KernelLoopOptions.maxLatenessMs}
 * after its due time routes none of its events (they are counted as late drops of
 * their senders); and events for a client whose socket has had output waiting longer
 * than that are dropped (counted for the receiver). Losses are logged at most once a
 * second per client.
 *
 * @module
 */

import { attachCellPool } from "@midishare/kernel";
import {
  C_HELD,
  C_LATE_DROPS,
  C_OUTPUT_SINCE,
  C_QUOTA_LOSSES,
  C_SLOW_DROPS,
  ServerAccounts,
  ServerKernel,
  wallStamp,
} from "@midishare/kernel/server";
import { epochNow } from "@midishare/transport/clock";
import { dispatchCall } from "./gen/kernel_dispatch_gen.ts";
import { logInfo, logWarn, quoteName } from "@midishare/transport/logger";
import { Ring } from "./output_ring.ts";
import {
  PROTOCOL_MAGIC,
  PROTOCOL_VERSION,
  WireReader,
  WireWriter,
} from "@midishare/transport/wire";
import {
  beginReply,
  NotificationWriter,
  writeWelcome,
} from "@midishare/transport/gen/frames_gen";
import { ServerClock } from "./server_clock.ts";
import { TickStats } from "./tick_stats.ts";
import {
  CTL_AWAKE,
  CTL_DEEP_SLEEP,
  CTL_IN_USE,
  CTL_KERNEL_WAKE,
  CTL_LATE_TICKS,
  CTL_LISTENER_WAKE,
  CTL_STOP,
  MAX_CONNECTIONS,
  REQ_CALL,
  REQ_CONNECT,
  REQ_DISCONNECT,
  type SharedMemory,
} from "./shared_layout.ts";
import { OutputBacklog } from "./output_backlog.ts";
import { RefnumLog } from "./refnum_log.ts";
import { ClientOutput, type OutputState } from "./client_output.ts";

/** How long the kernel polls for a next request after answering one, in ms. */
export const SPIN_AFTER_REPLY_MS = 0.2;

/** Most the kernel wakes ahead of a tick to absorb wake-up delays, in ms. */
const MAX_WAKE_MARGIN_MS = 0.25;

/**
 * Default bound of the overload policy, in ms: a tick later than this routes none of
 * its events, and a client whose socket has had output waiting longer gets none.
 */
export const DEFAULT_MAX_LATENESS_MS = 1000;

/** How often at most the losses of one client are logged, in ms. */
const LOSS_REPORT_MS = 1000;

/** Requests handled between two looks at the clock while draining the ring. */
const REQUESTS_PER_CLOCK_CHECK = 64;

/** Ticks with nothing scheduled before the kernel sleeps until a request. */
export const IDLE_TICKS_BEFORE_SLEEP = 100;

/**
 * Longest idle sleep while MidiShare is awake and hooks exist: their periodic work
 * (the port rescans) runs in the ticks caught up on waking.
 */
export const HOOK_IDLE_WAKE_MS = 1000;

/** Work of the kernel worker's own clients (hardware drivers) inside the loop. */
export interface LoopHook {
  /** Runs after the requests of a pass were handled. */
  afterRequests(): void;
  /** Runs after each tick of the kernel. Must be real-time safe. */
  afterTick(now: number): void;
  /** Whether the hook needs every tick now (inputs to poll, output to finish). */
  needsTicks(): boolean;
}

/** Options of {@link KernelLoop}. */
export interface KernelLoopOptions {
  /** Called when the server becomes in use or idle (applications or client drivers). */
  onInUse?: (isInUse: boolean) => void;
  /** Extra facts for `ServerStatus`. */
  describeServer?: () => Record<string, unknown>;
  /**
   * The overload policy's bound in ms (default {@link DEFAULT_MAX_LATENESS_MS}; 0 turns
   * the drops off): see the module documentation.
   */
  maxLatenessMs?: number;
  /**
   * For tests only: every tick that dispatches something also spins this many ms, so
   * that the kernel falls behind its clock deterministically.
   */
  testTickCostMs?: number;
}

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
  readonly #outputs = new Map<number, ClientOutput>();
  readonly #clientNames = new Map<number, string>();
  readonly #refnumLog = new RefnumLog(this.#clientNames);
  readonly #reader = new WireReader(
    new Uint8Array(0),
    new DataView(new ArrayBuffer(0)),
    0,
    0,
  );
  readonly #reply = new WireWriter(1024);
  readonly #hooks: LoopHook[] = [];
  readonly #onInUse: (isInUse: boolean) => void;
  readonly #accounts: ServerAccounts;
  /** The overload policy's bound in ms; 0 when off. */
  readonly maxLatenessMs: number;
  readonly #testTickCostMs: number;
  // Connected socket clients, in no order, for the per-pass look at their sockets.
  readonly #connected = new Int32Array(MAX_CONNECTIONS);
  #connectedCount = 0;
  // Per client: quota losses, late drops and slow drops at the last log line.
  readonly #reported = new Float64Array((MAX_CONNECTIONS + 1) * 3);
  #reportedLost = 0;
  #nextReportAt = 0;
  #isInUse = false;
  #isCatchingUp = false;
  // How much earlier than a tick the loop asks to be woken, learnt from wake delays.
  #wakeMarginMs = 0;
  // The last tick that had something scheduled or a request.
  #busyAt = 0;
  // When the last reply was written (performance.now()), 0 once spun for.
  #answeredAt = 0;
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
    this.kernel = new ServerKernel({
      pool: attachCellPool(memory.pool),
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
      if (this.#answeredAt > 0 && this.#spinForRequest()) continue;
      // With nothing scheduled and nothing to poll, ticks would do nothing: sleep until
      // a request, then catch them up in order. The listener wakes a deep sleeper for
      // every request, one-way ones included.
      if (
        this.kernel.pendingCount > 0 || this.#hooksNeedTicks() ||
        !this.#outputState.backlog.isEmpty
      ) {
        this.#busyAt = this.clock.ticksDone;
      }
      // Only after a while: between the events of a live stream, a timer wake-up is
      // cheaper than being woken by each request.
      const isIdle =
        this.clock.ticksDone - this.#busyAt >= IDLE_TICKS_BEFORE_SLEEP ||
        !this.kernel.isAwake;
      if (isIdle) Atomics.store(ctl, CTL_DEEP_SLEEP, 1);
      const seen = Atomics.load(ctl, CTL_KERNEL_WAKE);
      if (this.#requests.peek() < 0 && Atomics.load(ctl, CTL_STOP) === 0) {
        if (isIdle) {
          const limit = this.kernel.isAwake && this.#hooks.length > 0
            ? HOOK_IDLE_WAKE_MS
            : undefined;
          Atomics.wait(ctl, CTL_KERNEL_WAKE, seen, limit);
          this.counters.wakeups++;
        } else {
          this.#waitForTick(seen);
        }
      }
      if (isIdle) {
        Atomics.store(ctl, CTL_DEEP_SLEEP, 0);
        this.#isCatchingUp = true;
      }
    }
  }

  #hooksNeedTicks(): boolean {
    for (const hook of this.#hooks) if (hook.needsTicks()) return true;
    return false;
  }

  /**
   * Sleeps until the next tick or a request. The system wakes a sleeping thread some
   * tens of microseconds late; the loop learns that delay (a moving average), asks to
   * be woken that much earlier, and polls the last microseconds to the boundary.
   */
  #waitForTick(seen: number): void {
    const ctl = this.#control;
    const toTick = this.clock.msToNextTick();
    if (toTick <= 0) return;
    const sleepMs = toTick - this.#wakeMarginMs;
    if (sleepMs > 0) {
      const target = performance.now() + sleepMs;
      if (Atomics.wait(ctl, CTL_KERNEL_WAKE, seen, sleepMs) === "timed-out") {
        const late = Math.min(MAX_WAKE_MARGIN_MS, performance.now() - target);
        this.#wakeMarginMs = Math.max(0, this.#wakeMarginMs * 0.9 + late * 0.1);
      }
      this.counters.wakeups++;
    }
    const due = performance.now() + this.clock.msToNextTick();
    while (performance.now() < due && this.#requests.peek() < 0) {
      // the last microseconds before the tick
    }
  }

  /**
   * After answering a request, polls the request ring for up to
   * {@link SPIN_AFTER_REPLY_MS}: a client waiting for answers usually asks again at
   * once, and a thread woken from sleep costs tens of microseconds. Never spins past
   * the next tick's due time. Returns whether a request came.
   */
  #spinForRequest(): boolean {
    const until = Math.min(
      this.#answeredAt + SPIN_AFTER_REPLY_MS,
      performance.now() + this.clock.msToNextTick(),
    );
    this.#answeredAt = 0;
    while (performance.now() < until) {
      if (this.#requests.peek() >= 0) return true;
    }
    return false;
  }

  /** One pass: requests, due ticks, then wakes the listener if needed. */
  step(): void {
    // After an idle sleep, the empty ticks of the sleep come first: the requests that
    // woke the loop are dated now, not when it fell asleep.
    if (this.#isCatchingUp) this.#runDueTicks();
    // Requests first: what was sent before a tick's due time belongs to that tick.
    this.#drainRequests();
    if (this.maxLatenessMs > 0) this.#markLaggingClients();
    for (const hook of this.#hooks) hook.afterRequests();
    this.#runDueTicks();
    const backlog = this.#outputState.backlog;
    if (!backlog.isEmpty && backlog.flushInto(this.#output)) {
      this.#outputState.hasOutput = true;
    }
    if (this.#outputState.hasOutput) {
      this.#outputState.hasOutput = false;
      Atomics.add(this.#control, CTL_LISTENER_WAKE, 1);
      Atomics.notify(this.#control, CTL_LISTENER_WAKE);
    }
    if (performance.now() >= this.#nextReportAt) this.#reportLosses();
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

  /**
   * Marks the clients whose socket has had output waiting longer than the bound: the
   * kernel routes no event to them until the listener catches up.
   */
  #markLaggingClients(): void {
    const lagging = this.kernel.lagging, accounts = this.#accounts;
    const now = wallStamp(epochNow());
    for (let i = 0; i < this.#connectedCount; i++) {
      const client = this.#connected[i]!;
      const since = accounts.client(client, C_OUTPUT_SINCE);
      const waited = (now - since + 0x7fffffff) % 0x7fffffff;
      lagging[client] = since !== 0 && waited > this.maxLatenessMs ? 1 : 0;
    }
  }

  /** At most once a second, one log line per client that lost events since. */
  #reportLosses(): void {
    this.#nextReportAt = performance.now() + LOSS_REPORT_MS;
    const accounts = this.#accounts, reported = this.#reported;
    const kinds = [C_QUOTA_LOSSES, C_LATE_DROPS, C_SLOW_DROPS];
    let quotaLosses = 0;
    for (let i = 0; i < this.#connectedCount; i++) {
      const client = this.#connected[i]!;
      const counts = kinds.map((k, j) =>
        accounts.client(client, k) - reported[client * 3 + j]!
      );
      if (counts.every((n) => n <= 0)) continue;
      counts.forEach((n, j) => reported[client * 3 + j]! += n);
      quotaLosses += counts[0]!;
      const parts = [];
      if (counts[0]! > 0) {
        parts.push(
          `${
            counts[0]
          } events lost to its quota of ${accounts.quota} server cells (${
            accounts.client(client, C_HELD)
          } held)`,
        );
      }
      if (counts[1]! > 0) {
        parts.push(
          `${
            counts[1]
          } events dropped, due in ticks more than ${this.maxLatenessMs} ms late (the server is overloaded)`,
        );
      }
      if (counts[2]! > 0) {
        parts.push(
          `${
            counts[2]
          } deliveries dropped, its socket having had output waiting for more than ${this.maxLatenessMs} ms`,
        );
      }
      logWarn(
        `${
          this.#clientNames.get(client) ?? `client ${client}`
        }: since the last report, ${parts.join("; ")}`,
      );
    }
    const lost = this.kernel.lostCount - this.#reportedLost - quotaLosses;
    this.#reportedLost = this.kernel.lostCount;
    if (lost > 0) {
      const pool = this.kernel.pool;
      logWarn(
        `since the last report, ${lost} events or tasks lost: the server pool is full (${pool.used} of ${pool.capacity} cells used)`,
      );
    }
  }

  #drainRequests(): void {
    const ring = this.#requests, r = this.#reader;
    let untilCheck = REQUESTS_PER_CLOCK_CHECK;
    for (let at = ring.peek(); at >= 0; at = ring.peek()) {
      // Ticks do not wait behind a flood: the rest of the ring waits for the next pass.
      if (--untilCheck === 0) {
        untilCheck = REQUESTS_PER_CLOCK_CHECK;
        if (this.kernel.isAwake && this.clock.dueTicks() > 1) break;
      }
      r.reset(ring.bytes, ring.view, at, at + ring.peekLength(at));
      const client = r.u16(), kind = r.u16();
      this.counters.requests++;
      this.#busyAt = this.clock.ticksDone;
      if (kind === REQ_CALL) this.#call(client, r);
      else if (kind === REQ_CONNECT) this.#connect(client, r);
      else if (kind === REQ_DISCONNECT) this.#disconnect(client);
      ring.release();
    }
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

  #call(client: number, r: WireReader): void {
    const output = this.#outputs.get(client);
    if (output === undefined) return;
    const seq = r.u32(), callId = r.u16();
    const reply = this.#reply;
    reply.reset();
    const start = beginReply(reply, seq);
    dispatchCall(this.kernel, client, callId, r, reply);
    if (seq === 0) return;
    reply.endFrame(start);
    output.writeFrames(reply.bytes, reply.length);
    this.#answeredAt = performance.now();
  }

  #connect(client: number, r: WireReader): void {
    const pid = r.u32(), name = r.str();
    const label = `client ${client} (pid ${pid}${
      name === "" ? "" : `, ${quoteName(name)}`
    })`;
    this.#clientNames.set(client, label);
    const output = new ClientOutput(client, this.#output, this.#outputState);
    if (!this.kernel.attachClient(client, new NotificationWriter(output))) {
      logWarn(`${label}: client id already in use`);
      return;
    }
    this.#outputs.set(client, output);
    if (client <= MAX_CONNECTIONS) {
      this.#connected[this.#connectedCount++] = client;
      this.#reported.fill(0, client * 3, client * 3 + 3);
    }
    logInfo(`${label} connected`);
    writeWelcome(
      output,
      PROTOCOL_MAGIC,
      PROTOCOL_VERSION,
      client,
      Deno.pid,
      epochNow(),
      this.kernel.MidiCountAppls(),
      this.kernel.MidiCountDrivers(),
      this.kernel.isAwake,
      this.clock.origin,
    );
  }

  #disconnect(client: number): void {
    if (!this.#outputs.has(client)) return;
    this.kernel.removeClient(client);
    this.#outputs.delete(client);
    const at = this.#connected.indexOf(client);
    if (at >= 0 && at < this.#connectedCount) {
      this.#connected[at] = this.#connected[--this.#connectedCount]!;
    }
    this.kernel.lagging[client] = 0;
    logInfo(
      `${this.#clientNames.get(client) ?? `client ${client}`} disconnected`,
    );
    this.#clientNames.delete(client);
  }
}
