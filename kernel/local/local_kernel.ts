/**
 * MidiShare in one process: the server kernel and any number of clients, each with
 * its own pool, every call synchronous, the clock advanced by the caller.
 *
 * Runs on the caller's thread. Callbacks (tasks, alarms, driver callbacks) never run
 * inside a kernel step: they run after it, in server order, one at a time. A call made
 * from inside a callback takes effect at once, but the notifications it causes (its
 * alarms, a driver's wakeup) are handled after that callback returns.
 *
 * @example Two applications exchange a note
 * ```ts
 * import assert from "node:assert/strict";
 * import { typeKeyOn } from "../api/mod.ts";
 * import { createLocalKernel } from "./mod.ts";
 *
 * const ms = createLocalKernel();
 * const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
 * ms.MidiConnect(a, b, true);
 * const e = ms.MidiNewEv(typeKeyOn)!;
 * ms.MidiSetField(e, 0, 60);
 * ms.MidiSendAt(a, e, 10);
 * ms.advance(10);
 * assert.equal(ms.MidiGetEv(b)?.date, 10);
 * ```
 *
 * @module
 */

import {
  type ClientInbox,
  ClientMemory,
  type ClientMemoryOptions,
  type MirroredState,
  ServerCalls,
} from "../client/mod.ts";
import { NotificationQueue } from "../contract/mod.ts";
import { CELL_WORDS, type CellPool } from "../memory/cell_pool.ts";
import { copyEvent, freeEvent } from "../memory/event_store.ts";
import { B_REFNUM } from "../memory/event_layout.ts";
import {
  createServerKernel,
  type ServerKernel,
} from "../server/server_kernel.ts";
import { LocalPort, type LocalPortHost } from "./gen/local_port_gen.ts";

/** Options of {@link createLocalKernel}. */
export interface LocalKernelOptions extends ClientMemoryOptions {
  /** Cells of the server pool where pending events wait; default 262 144. */
  serverPoolCellCount?: number;
  /** Time the clock restarts at on wake-up (tests of the wrap-around); default 0. */
  wakeTime?: number;
  /**
   * Receives exceptions thrown by callbacks; by default they are dropped (the kernel does
   * no I/O). `createKernel` of `@midishare/client` reports them on the console.
   */
  reportError?: (error: unknown) => void;
}

/** Options of {@link LocalMidiShare.connectClient}. */
export interface LocalClientOptions extends ClientMemoryOptions {
  /** Receives exceptions thrown by this client's callbacks. */
  reportError?: (error: unknown) => void;
}

/**
 * Creates an in-process MidiShare with a manual clock and returns its first client.
 * Not real-time safe: allocates the server and client memory.
 */
export function createLocalKernel(
  options: LocalKernelOptions = {},
): LocalMidiShare {
  const server = createServerKernel({
    ...(options.serverPoolCellCount === undefined
      ? {}
      : { poolCellCount: options.serverPoolCellCount }),
    ...(options.wakeTime === undefined ? {} : { wakeTime: options.wakeTime }),
  });
  return new LocalMidiShare(new LocalHub(server), options);
}

/** How the kernel's notifications reach one in-process client. */
export interface LocalChannel {
  /** Where the kernel's notifications for the client wait. */
  queue: NotificationQueue;
  /** Where they are replayed. */
  inbox: ClientInbox;
}

/** Options of {@link LocalHub}. */
export interface LocalHubOptions {
  /**
   * Client ids start here instead of at the lowest free one (the server's kernel
   * worker keeps ids below for its socket clients).
   */
  firstClientId?: number;
}

/**
 * The in-process clients of one kernel and the replay of their notifications: their
 * callbacks run in {@link drain}, after the kernel step that caused them.
 */
export class LocalHub {
  /** The kernel. */
  readonly server: ServerKernel;
  readonly #channels: LocalChannel[] = [];
  readonly #firstClientId: number | undefined;
  #isDraining = false;

  /** A hub over `server`. */
  constructor(server: ServerKernel, options: LocalHubOptions = {}) {
    this.server = server;
    this.#firstClientId = options.firstClientId;
  }

  /** A new client of this kernel. */
  connectClient(options: LocalClientOptions = {}): LocalMidiShare {
    return new LocalMidiShare(this, options);
  }

  /** Attaches a client's channel; returns its client id, or −1 when none is free. */
  attach(channel: LocalChannel): number {
    this.#channels.push(channel);
    const queue = channel.queue;
    if (this.#firstClientId === undefined) return this.server.addClient(queue);
    for (let id = this.#firstClientId; id < 1024; id++) {
      if (this.server.attachClient(id, queue)) return id;
    }
    return -1;
  }

  /** Stops replaying a client's notifications (it died). */
  detach(channel: LocalChannel): void {
    const i = this.#channels.indexOf(channel);
    if (i >= 0) this.#channels.splice(i, 1);
  }

  /** Replays every queued notification, unless already inside a replay. */
  drain(): void {
    if (this.#isDraining) return;
    this.#isDraining = true;
    try {
      let isBusy = true;
      while (isBusy) {
        isBusy = false;
        for (const { queue, inbox } of this.#channels) {
          if (queue.replayInto(inbox)) isBusy = true;
        }
      }
    } finally {
      this.#isDraining = false;
    }
  }

  /** Runs `ms` ticks, each followed by its callbacks. */
  advance(ms: number): void {
    for (let i = 0; i < ms; i++) {
      this.server.tick();
      this.drain();
    }
  }
}

/** The server side of an in-process client: its port into the kernel, and its state. */
class LocalLink extends LocalPort implements MirroredState {
  readonly #server: ServerKernel;

  constructor(server: ServerKernel, host: LocalPortHost) {
    super(server, host);
    this.#server = server;
  }

  time(): number {
    return this.#server.now;
  }

  applCount(): number {
    return this.#server.MidiCountAppls();
  }

  driverCount(): number {
    return this.#server.MidiCountDrivers();
  }

  isAwake(): boolean {
    return this.#server.isAwake;
  }
}

/** One client of an in-process MidiShare: every call of the spec, synchronous. */
export class LocalMidiShare extends ServerCalls<false> {
  readonly #hub: LocalHub;
  readonly #host: { clientId: number };
  readonly #channel: LocalChannel;
  #isConnected = true;

  /** Creates a client of `hub`; use {@link createLocalKernel} instead. */
  constructor(hub: LocalHub, options: LocalClientOptions) {
    const memory = new ClientMemory(options);
    const server = hub.server;
    const host = {
      clientId: 0,
      importEvent: (pool: CellPool, cell: number) =>
        copyEvent(pool, cell, server.pool),
      afterCall: () => hub.drain(),
    };
    super(
      memory,
      new LocalLink(server, host),
      options.reportError ?? (() => {}),
    );
    this.#hub = hub;
    this.#host = host;
    this.#channel = {
      queue: new NotificationQueue(this.inbox),
      inbox: this.inbox,
    };
    host.clientId = hub.attach(this.#channel);
  }

  /** The server kernel shared by the clients (diagnostics and tests). */
  get server(): ServerKernel {
    return this.#hub.server;
  }

  /** Runs `ms` ticks, each followed by its callbacks. */
  advance(ms: number): void {
    this.#hub.advance(Math.max(0, Math.trunc(ms)));
  }

  /**
   * Starts or stops a monitor tap (not a MidiShare call): application `refNum` of this
   * client receives a copy of every event `target` receives; see
   * `ServerKernel.MonitorTap`.
   */
  monitorTap(refNum: number, target: number, state: boolean): void {
    this.link.MonitorTap(refNum, target, state);
  }

  /** Another client of the same kernel, with its own pool. */
  connectClient(options: LocalClientOptions = {}): LocalMidiShare {
    return this.#hub.connectClient(options);
  }

  // ---- Fast paths for drivers inside the server (not MidiShare calls)

  /** The client's pool, where a driver's decoder builds events. */
  get eventPool(): CellPool {
    return this.memory.pool;
  }

  /**
   * Sends an event built in {@link eventPool} (no handle), stamped with `refNum`, at
   * its own date, then frees its cells. Real-time safe.
   */
  sendCell(refNum: number, cell: number): void {
    const pool = this.memory.pool;
    pool.bytes[cell * CELL_WORDS * 4 + B_REFNUM] = refNum;
    this.link.MidiSend(pool, cell);
    freeEvent(pool, cell);
  }

  /**
   * Takes every event waiting for `refNum`, oldest first, calling `visit` with its
   * cell, then frees it; no handle is created. Real-time safe when `visit` is.
   */
  takeEvents(
    refNum: number,
    visit: (pool: CellPool, cell: number) => void,
  ): void {
    this.drainFifo(refNum, visit);
  }

  /**
   * Detaches this client as if its process died: the server closes its applications
   * and unregisters its drivers, telling the others (spec §9).
   */
  disconnect(): void {
    if (!this.#isConnected) return;
    this.#isConnected = false;
    const hub = this.#hub;
    hub.detach(this.#channel);
    hub.server.removeClient(this.#host.clientId);
    // A dead process runs nothing more: its notifications are never replayed.
    this.closeAllLocally();
    hub.drain();
  }

  /** Always true: the kernel is in this process. */
  MidiShare(): boolean {
    return true;
  }
}
