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

import { ApplCalls, type ServerLink } from "../client/appl_calls.ts";
import { CELL_WORDS, type CellPool, NIL } from "../memory/cell_pool.ts";
import {
  ClientMemory,
  type ClientMemoryOptions,
} from "../client/client_memory.ts";
import { copyEvent, freeEvent } from "../memory/event_store.ts";
import { B_REFNUM } from "../memory/event_layout.ts";
import { NotificationQueue } from "../contract/mod.ts";
import type { ClientInbox } from "../client/appl_calls.ts";
import {
  checkDirection,
  checkDriverInfos,
  checkDriverOps,
  checkSlot,
  checkString,
  toBool,
  toLong,
  toShort,
} from "../api/validators.ts";
import {
  createServerKernel,
  type ServerKernel,
} from "../server/server_kernel.ts";
import type {
  DriverInfos,
  SlotInfos,
  SlotRefNum,
  SyncInfo,
  TDriverInfos,
  TDriverOperation,
} from "../api/types.ts";

/** Options of {@link createLocalKernel}. */
export interface LocalKernelOptions extends ClientMemoryOptions {
  /** Cells of the server pool where pending events wait; default 262 144. */
  serverPoolCellCount?: number;
  /** Time the clock restarts at on wake-up (tests of the wrap-around); default 0. */
  wakeTime?: number;
  /**
   * Receives exceptions thrown by callbacks; by default they are dropped (the kernel does
   * no I/O). `createKernel` of `@midishare/client` reports them on the console (§1.5).
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

/** The server side of an in-process client: direct calls into the kernel. */
class LocalLink implements ServerLink {
  readonly #server: ServerKernel;
  clientId = 0;

  constructor(server: ServerKernel) {
    this.#server = server;
  }

  sendEvent(pool: CellPool, cell: number, isImmediate: boolean): void {
    const server = this.#server;
    const copy = copyEvent(pool, cell, server.pool);
    if (copy === NIL) server.countLoss();
    else if (isImmediate) server.MidiSendIm(copy);
    else server.MidiSend(copy);
  }

  scheduleTask(
    type: number,
    refNum: number,
    date: number,
    taskId: number,
    serial: number,
  ): void {
    this.#server.MidiTask(this.clientId, type, refNum, date, taskId, serial);
  }

  close(refNum: number): void {
    this.#server.MidiClose(this.clientId, refNum);
  }

  unregisterDriver(refNum: number): void {
    this.#server.MidiUnregisterDriver(this.clientId, refNum);
  }

  reportLosses(
    refNum: number,
    refLostCopies: number,
    lostCopies: number,
    truncatedFields: number,
  ): void {
    this.#server.ReportLosses(
      this.clientId,
      refNum,
      refLostCopies,
      lostCopies,
      truncatedFields,
    );
  }

  setFilter(refNum: number, bits: Uint8Array | null): void {
    this.#server.MidiSetFilter(this.clientId, refNum, bits);
  }

  setApplAlarm(refNum: number, hasAlarm: boolean): void {
    this.#server.MidiSetApplAlarm(this.clientId, refNum, hasAlarm);
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
export class LocalMidiShare extends ApplCalls {
  readonly #hub: LocalHub;
  readonly #link: LocalLink;
  readonly #channel: LocalChannel;
  #isConnected = true;

  /** Creates a client of `hub`; use {@link createLocalKernel} instead. */
  constructor(hub: LocalHub, options: LocalClientOptions) {
    const memory = new ClientMemory(options);
    const link = new LocalLink(hub.server);
    super(memory, link, options.reportError ?? (() => {}));
    this.#hub = hub;
    this.#link = link;
    this.#channel = {
      queue: new NotificationQueue(this.inbox),
      inbox: this.inbox,
    };
    link.clientId = hub.attach(this.#channel);
  }

  /** The server kernel shared by the clients (diagnostics and tests). */
  get server(): ServerKernel {
    return this.#hub.server;
  }

  /** Runs `ms` ticks, each followed by its callbacks. */
  advance(ms: number): void {
    this.#hub.advance(Math.max(0, Math.trunc(ms)));
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
    this.#link.sendEvent(pool, cell, false);
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
    hub.server.removeClient(this.#link.clientId);
    // A dead process runs nothing more: its notifications are never replayed.
    this.closeAllLocally();
    hub.drain();
  }

  // ---- Environment (spec §7.1)

  /** Always true: the kernel is in this process. */
  MidiShare(): boolean {
    return true;
  }

  /** The refnum of the `index`-th application, or `MIDIerrIndex`. */
  MidiGetIndAppl(index: number): number {
    return this.server.MidiGetIndAppl(toShort(index, "index"));
  }

  /** The first refnum named `name`, or `MIDIerrIndex`. */
  MidiGetNamedAppl(name: string): number {
    return this.server.MidiGetNamedAppl(checkString(name, "name"));
  }

  /** The global error bits. */
  MidiGetError(): number {
    return this.server.MidiGetError();
  }

  // ---- Open (spec §7.2)

  /** Opens an application; returns its refnum or `MIDIerrSpace`. */
  MidiOpen(name: string): number {
    const ref = this.server.MidiOpen(
      this.#link.clientId,
      checkString(name, "name"),
    );
    if (ref >= 0) this.opened(ref);
    this.#hub.drain();
    return ref;
  }

  /** Closes an application of this client (see {@link ApplCalls.MidiClose}). */
  override MidiClose(refNum: number): void {
    super.MidiClose(refNum);
    this.#hub.drain();
  }

  // ---- Configuration (spec §7.3)

  /** The name of a refnum, or null. */
  MidiGetName(refNum: number): string | null {
    return this.server.MidiGetName(toShort(refNum, "refNum"));
  }

  /** Renames an application or driver. */
  MidiSetName(refNum: number, name: string): void {
    this.server.MidiSetName(
      toShort(refNum, "refNum"),
      checkString(name, "name"),
    );
    this.#hub.drain();
  }

  // ---- Drivers (spec §7.4)

  /** Registers a driver; its `wakeup` runs before this returns when awake. */
  MidiRegisterDriver(infos: TDriverInfos, op: TDriverOperation): number {
    const { name, version } = checkDriverInfos(infos);
    const ops = checkDriverOps(op);
    const ref = this.server.MidiRegisterDriver(
      this.#link.clientId,
      name,
      version,
    );
    if (ref >= 0) this.opened(ref, ops);
    this.#hub.drain();
    return ref;
  }

  /** Unregisters a driver of this client; its sleep callback runs while awake. */
  override MidiUnregisterDriver(refNum: number): void {
    super.MidiUnregisterDriver(refNum);
    this.#hub.drain();
  }

  /** The `index`-th driver, 127 first, or `MIDIerrIndex`. */
  MidiGetIndDriver(index: number): number {
    return this.server.MidiGetIndDriver(toShort(index, "index"));
  }

  /** Name, version and slot count of a driver, or null. */
  MidiGetDriverInfos(refNum: number): DriverInfos | null {
    return this.server.MidiGetDriverInfos(toShort(refNum, "refNum"));
  }

  // ---- Slots (spec §7.5)

  /**
   * Adds a slot to a driver.
   * @throws {RangeError} for a direction other than 1, 2, 3
   */
  MidiAddSlot(refNum: number, name: string, direction: number): SlotRefNum {
    const ref = toShort(refNum, "refNum");
    const label = checkString(name, "name");
    const dir = checkDirection(direction);
    const slot = this.server.MidiAddSlot(ref, label, dir);
    this.#hub.drain();
    return slot;
  }

  /** The `index`-th slot of a driver. */
  MidiGetIndSlot(refNum: number, index: number): SlotRefNum {
    return this.server.MidiGetIndSlot(
      toShort(refNum, "refNum"),
      toShort(index, "index"),
    );
  }

  /** Removes a slot. */
  MidiRemoveSlot(slot: SlotRefNum): void {
    const s = checkSlot(slot);
    this.server.MidiRemoveSlot(s.drvRef, s.slotRef);
    this.#hub.drain();
  }

  /** Renames a slot. */
  MidiSetSlotName(slot: SlotRefNum, name: string): void {
    const s = checkSlot(slot);
    this.server.MidiSetSlotName(s.drvRef, s.slotRef, checkString(name, "name"));
    this.#hub.drain();
  }

  /** Name, direction and port set of a slot, or null. */
  MidiGetSlotInfos(slot: SlotRefNum): SlotInfos | null {
    const s = checkSlot(slot);
    return this.server.MidiGetSlotInfos(s.drvRef, s.slotRef);
  }

  /** Connects or disconnects a port and a slot. */
  MidiConnectSlot(port: number, slot: SlotRefNum, state: boolean): void {
    const p = toShort(port, "port");
    const s = checkSlot(slot);
    this.server.MidiConnectSlot(p, s.drvRef, s.slotRef, toBool(state, "state"));
    this.#hub.drain();
  }

  /** Whether a port and a slot are connected. */
  MidiIsSlotConnected(port: number, slot: SlotRefNum): boolean {
    const p = toShort(port, "port");
    const s = checkSlot(slot);
    return this.server.MidiIsSlotConnected(p, s.drvRef, s.slotRef);
  }

  // ---- Connections (spec §7.6)

  /** Makes or breaks the connection `src → dest`. */
  MidiConnect(src: number, dest: number, state: boolean): void {
    this.server.MidiConnect(
      toShort(src, "src"),
      toShort(dest, "dest"),
      toBool(state, "state"),
    );
    this.#hub.drain();
  }

  /** Whether `src → dest` exists. */
  MidiIsConnected(src: number, dest: number): boolean {
    return this.server.MidiIsConnected(
      toShort(src, "src"),
      toShort(dest, "dest"),
    );
  }

  // ---- Synchronisation (spec §7.17)

  /** Sets the global sync mode. */
  MidiSetSyncMode(mode: number): void {
    this.server.MidiSetSyncMode(toShort(mode, "mode") & 0xffff);
    this.#hub.drain();
  }

  /** The synchronisation state. */
  MidiGetSyncInfo(): SyncInfo {
    return this.server.MidiGetSyncInfo();
  }

  /** The external time. */
  MidiGetExtTime(): number {
    return this.server.MidiGetExtTime();
  }

  /** Internal to external time. */
  MidiInt2ExtTime(time: number): number {
    return this.server.MidiInt2ExtTime(toLong(time, "time"));
  }

  /** External to internal time. */
  MidiExt2IntTime(time: number): number {
    return this.server.MidiExt2IntTime(toLong(time, "time"));
  }
}
