// Over 300 lines: the facade of about 55 documented kernel calls, each a delegation.
/**
 * The server side of MidiShare: refnums, connections, drivers and slots, the sorter
 * and the tick (spec §4 to §8). Every request method carries the name of the MidiShare
 * call it serves and takes the calling client first where ownership matters; its
 * arguments are already normalized to their C widths by the caller.
 *
 * Runs in the kernel worker, or in-process under a manual clock. `tick` and the send
 * methods are real-time safe; the other requests allocate (names, results).
 *
 * The class is the facade of the calls: their state is in `kernel_state.ts` and their
 * work in the `*_calls.ts` files, `schedule_task.ts` and `server_status.ts`.
 *
 * @module
 */

import { CELL_WORDS, type CellPool, NIL } from "../memory/cell_pool.ts";
import type { ClientNotifications } from "../contract/mod.ts";
import { MIDIChangeSync, MidiShareDriverRef } from "../api/constants.ts";
import { W_DATE } from "../memory/event_layout.ts";
import type { ServerAccounts } from "./server_accounts.ts";
import { KIND_APPL, KIND_DRIVER } from "./refnum_table.ts";
import { MAX_CLIENTS } from "./router.ts";
import { KernelState } from "./kernel_state.ts";
import { closeApplication, openApplication } from "./application_calls.ts";
import {
  addSlot,
  connectSlot,
  getDriverInfos,
  getIndDriver,
  getIndSlot,
  getSlotInfos,
  isSlotConnected,
  registerDriver,
  removeSlot,
  setSlotName,
  unregisterDriver,
} from "./driver_calls.ts";
import { scheduleTask } from "./schedule_task.ts";
import { connect, isConnected, monitorTap } from "./connection_calls.ts";
import {
  getIndAppl,
  getNamedAppl,
  reportLosses,
  setApplAlarm,
  setFilter,
  setName,
  setNetworkRole,
} from "./refnum_calls.ts";
import { serverStatus } from "./server_status.ts";
import type {
  RefnumChange,
  ServerKernelOptions,
  SharedRingHooks,
} from "./server_kernel_options.ts";
import type {
  DriverInfos,
  SlotInfos,
  SlotRefNum,
  SyncInfo,
} from "../api/types.ts";

/** Creates a dormant server kernel. Not real-time safe: allocates its tables. */
export function createServerKernel(
  options: ServerKernelOptions = {},
): ServerKernel {
  return new ServerKernel(options);
}

/** The server kernel; create it with {@link createServerKernel}. */
export class ServerKernel {
  /** The server pool: cells of events sent and not yet dispatched. */
  readonly pool: CellPool;
  /** What each client holds and has lost, and the quota. */
  readonly accounts: ServerAccounts;
  readonly #s: KernelState;
  readonly #describeServer: () => Record<string, unknown>;
  readonly #rescanPorts: () => number;
  readonly #onRefnumChange: ((change: RefnumChange) => void) | undefined;
  readonly #sharedRings: SharedRingHooks | undefined;

  /** Creates a dormant kernel; prefer {@link createServerKernel}. */
  constructor(options: ServerKernelOptions) {
    this.#describeServer = options.describeServer ?? (() => ({}));
    this.#rescanPorts = options.rescanPorts ?? (() => -1);
    this.#onRefnumChange = options.onRefnumChange;
    this.#sharedRings = options.sharedRings;
    this.#s = new KernelState(options);
    this.pool = this.#s.pool;
    this.accounts = this.#s.accounts;
  }

  /** Current time in ms since the last wake-up (`MidiGetTime`). */
  get now(): number {
    return this.#s.now;
  }

  /** Whether at least one application is open. */
  get isAwake(): boolean {
    return this.#s.isAwake;
  }

  /** Items sent or tasks scheduled that were lost because the server pool was full. */
  get lostCount(): number {
    return this.#s.lostCount;
  }

  /**
   * Events dispatched since start (sent events that reached their date; tasks are not
   * counted): the health figure of the web page, a rate once sampled twice.
   */
  get eventCount(): number {
    return this.#s.router.eventCount;
  }

  /** Items waiting in the sorter. */
  get pendingCount(): number {
    return this.#s.sorter.pendingCount;
  }

  // ---- Overload policy (set by the server's loop before each tick)

  /**
   * Whether the next ticks drop the events they would route through connections
   * (counted as late drops of their senders): the server's loop sets it while ticks
   * run later than its lateness bound. Private events, tasks and alarms still go.
   */
  set dropsLateEvents(drops: boolean) {
    this.#s.router.dropsRouted = drops;
  }

  /**
   * 1 for each client whose socket lags: events routed to it are dropped (counted as
   * slow drops of the receiver). Set by the server's loop.
   */
  get lagging(): Uint8Array {
    return this.#s.router.isBehind;
  }

  // ---- Clients

  /** Attaches a client's callback channel; returns its client id (1..1023), or −1. */
  addClient(sink: ClientNotifications): number {
    for (let id = 1; id < MAX_CLIENTS; id++) {
      if (this.#s.sinks[id] === undefined) {
        this.#s.sinks[id] = sink;
        return id;
      }
    }
    return -1;
  }

  /**
   * Attaches a client's callback channel under a chosen id (1..1023), as the server's
   * listening worker numbers its connections; false when the id is taken or invalid.
   */
  attachClient(id: number, sink: ClientNotifications): boolean {
    if (id < 1 || id >= MAX_CLIENTS || this.#s.sinks[id] !== undefined) {
      return false;
    }
    this.#s.sinks[id] = sink;
    return true;
  }

  /**
   * Detaches a client, unregistering its drivers and closing its applications exactly
   * as the calls would (spec §9), then frees what it still holds in the server pool
   * (events it sent under the refnum of another client's application), so that a
   * client cannot keep cells out of every quota by leaving.
   */
  removeClient(client: number): void {
    const refs = this.#s.refs;
    for (let r = MidiShareDriverRef - 1; r >= 1; r--) {
      if (refs.kind[r] === KIND_DRIVER && refs.owner[r] === client) {
        this.MidiUnregisterDriver(client, r);
      }
    }
    for (let r = 1; r < MidiShareDriverRef; r++) {
      if (refs.kind[r] === KIND_APPL && refs.owner[r] === client) {
        this.MidiClose(client, r);
      }
    }
    this.#s.freeHeldBy(client);
    this.#s.sinks[client] = undefined;
  }

  /** Sets bits of `MidiGetError` (`MIDIerrDriverLoad`, `MIDIerrTime`). */
  setErrorBits(bits: number): void {
    this.#s.errorBits |= bits;
  }

  // ---- The tick (spec §5.2)

  /** Advances the clock by one tick and dispatches what is ready. Real-time safe. */
  tick(): void {
    this.#s.tick();
  }

  // ---- Environment (spec §7.1)

  /** Open applications including refnum 0. */
  MidiCountAppls(): number {
    return this.#s.refs.applCount;
  }

  /**
   * Open applications other than refnum 0 and the network drivers' applications:
   * those that keep an on-demand server in use (spec inet.md §9, open point).
   */
  get userApplCount(): number {
    const refs = this.#s.refs;
    const images = this.#s.isAwake ? 1 : 0;
    return Math.max(0, refs.applCount - images - refs.networkApplCount);
  }

  /** Registered drivers including refnum 127. */
  MidiCountDrivers(): number {
    return this.#s.refs.driverCount;
  }

  /** The refnum of the `index`-th application (ascending), or `MIDIerrIndex`. */
  MidiGetIndAppl(index: number): number {
    return getIndAppl(this.#s, index);
  }

  /** The first refnum named `name`, applications and drivers, or `MIDIerrIndex`. */
  MidiGetNamedAppl(name: string): number {
    return getNamedAppl(this.#s, name);
  }

  /** The OR of the global error bits. */
  MidiGetError(): number {
    return this.#s.errorBits;
  }

  // ---- Open and close (spec §4, §7.2)

  /** Opens an application for `client`; returns its refnum or `MIDIerrSpace`. */
  MidiOpen(client: number, name: string): number {
    const ref = openApplication(this.#s, client, name);
    this.#onRefnumChange?.({ kind: "open", client, ref, name });
    return ref;
  }

  /** Closes an application of `client`; the last one puts MidiShare to sleep. */
  MidiClose(client: number, ref: number): void {
    const name = closeApplication(this.#s, client, ref);
    if (name === null) return;
    this.#onRefnumChange?.({ kind: "close", client, ref, name });
  }

  // ---- Configuration (spec §7.3)

  /** The name of an open refnum, `"MidiShare"` for 0 and 127, else null. */
  MidiGetName(ref: number): string | null {
    return this.#s.refs.isOpen(ref) ? this.#s.refs.names[ref]! : null;
  }

  /** Renames an open application or driver (not the images). */
  MidiSetName(ref: number, name: string): void {
    setName(this.#s, ref, name);
  }

  /** Installs a copy of filter bits on a refnum of `client`, or removes it (null). */
  MidiSetFilter(client: number, ref: number, bits: Uint8Array | null): void {
    setFilter(this.#s, client, ref, bits);
  }

  /** Records whether a refnum of `client` has an application alarm. */
  MidiSetApplAlarm(client: number, ref: number, hasAlarm: boolean): void {
    setApplAlarm(this.#s, client, ref, hasAlarm);
  }

  // ---- Drivers (spec §7.4, §8.4)

  /** Registers a driver for `client`; returns its refnum or `MIDIerrSpace`. */
  MidiRegisterDriver(client: number, name: string, version: number): number {
    const ref = registerDriver(this.#s, client, name, version);
    this.#onRefnumChange?.({ kind: "register", client, ref, name });
    return ref;
  }

  /**
   * Unregisters a driver of `client`: slots, connections, pending items, refnum;
   * `MIDICloseDriver` while awake. The client runs the driver's sleep callback itself.
   */
  MidiUnregisterDriver(client: number, ref: number): void {
    const name = unregisterDriver(this.#s, client, ref);
    if (name === null) return;
    this.#onRefnumChange?.({ kind: "unregister", client, ref, name });
  }

  /** The `index`-th driver, 127 first, descending, or `MIDIerrIndex`. */
  MidiGetIndDriver(index: number): number {
    return getIndDriver(this.#s, index);
  }

  /** Name, version and slot count of a driver; null for anything else. */
  MidiGetDriverInfos(ref: number): DriverInfos | null {
    return getDriverInfos(this.#s, ref);
  }

  // ---- Slots (spec §7.5)

  /** Adds a slot to a driver (direction 1..3). */
  MidiAddSlot(ref: number, name: string, direction: number): SlotRefNum {
    return addSlot(this.#s, ref, name, direction);
  }

  /** The `index`-th slot of a driver, ascending. */
  MidiGetIndSlot(ref: number, index: number): SlotRefNum {
    return getIndSlot(this.#s, ref, index);
  }

  /** Removes a slot and its port connections silently; `MIDIRemoveSlot` while awake. */
  MidiRemoveSlot(drv: number, slot: number): void {
    removeSlot(this.#s, drv, slot);
  }

  /** Renames a slot; `MIDIChgSlotName` while awake. */
  MidiSetSlotName(drv: number, slot: number, name: string): void {
    setSlotName(this.#s, drv, slot, name);
  }

  /** Name, direction and port set of a slot, or null. */
  MidiGetSlotInfos(drv: number, slot: number): SlotInfos | null {
    return getSlotInfos(this.#s, drv, slot);
  }

  /** Connects or disconnects a port and a slot; `MIDIChgSlotConnect` on change while awake. */
  MidiConnectSlot(
    port: number,
    drv: number,
    slot: number,
    state: boolean,
  ): void {
    connectSlot(this.#s, port, drv, slot, state);
  }

  /** Whether a port and a slot are connected. */
  MidiIsSlotConnected(port: number, drv: number, slot: number): boolean {
    return isSlotConnected(this.#s, port, drv, slot);
  }

  // ---- Connections (spec §7.6)

  /** Makes or breaks `src → dst` within one side; `MIDIChgConnect` on change. */
  MidiConnect(src: number, dst: number, state: boolean): void {
    connect(this.#s, src, dst, state);
  }

  /** Whether `src → dst` exists. */
  MidiIsConnected(src: number, dst: number): boolean {
    return isConnected(this.#s, src, dst);
  }

  // ---- Monitoring (not a MidiShare call)

  /**
   * Starts (`state` true) or stops a monitor tap: application `ref` of `client` then
   * receives a copy of every event that `target` receives (an application, a driver,
   * or 0 for what goes to the hardware ports), with the port it arrives with there,
   * after `target`'s filter and through `ref`'s own. No connection changes, so
   * `MidiIsConnected` and `ServerStatus` stay true; a copy is never tapped again. The
   * tap goes when either side closes.
   */
  MonitorTap(
    client: number,
    ref: number,
    target: number,
    state: boolean,
  ): void {
    monitorTap(this.#s, client, ref, target, state);
  }

  // ---- Sending and tasks (spec §7.12, §7.15). Real-time safe.

  /**
   * Schedules an event cell of {@link pool} whose refnum and due date are stamped;
   * nil (the event did not fit in the server pool) counts as a loss.
   */
  MidiSend(cell: number): void {
    if (cell === NIL) this.#s.lostCount++;
    else if (this.#s.isAwake) this.#s.sorter.push(cell);
    else this.accounts.release(this.pool, cell);
  }

  /** Schedules an event cell for the next tick, its date set to now. */
  MidiSendIm(cell: number): void {
    if (cell !== NIL) this.pool.words[cell * CELL_WORDS + W_DATE] = this.#s.now;
    this.MidiSend(cell);
  }

  /**
   * Schedules a task (type 128 or 129) of `ref` at `date`; the client will know it by
   * `taskId` and `taskSerial`. Returns false when the server pool is full or the
   * client's quota used up (counted as a loss).
   */
  MidiTask(
    client: number,
    type: number,
    ref: number,
    date: number,
    taskId: number,
    taskSerial: number,
  ): boolean {
    return scheduleTask(this.#s, client, type, ref, date, taskId, taskSerial);
  }

  /** Counts an event that could not be stored in the server pool. */
  countLoss(): void {
    this.#s.lostCount++;
  }

  /**
   * A client's own losses since it connected (spec §3.4, §6.2), shown by
   * `ServerStatus`; see `reportLosses` in `refnum_calls.ts`.
   */
  ReportLosses(
    client: number,
    refNum: number,
    refLostCopies: number,
    lostCopies: number,
    truncatedFields: number,
  ): void {
    reportLosses(
      this.#s,
      client,
      refNum,
      refLostCopies,
      lostCopies,
      truncatedFields,
    );
  }

  // ---- Synchronisation (spec §7.17)

  /** Sets the sync mode; `MIDIChangeSync` when it changes. */
  MidiSetSyncMode(mode: number): void {
    if (this.#s.sync.setMode(mode)) this.#s.alarm(0, MIDIChangeSync);
  }

  /** The synchronisation state. */
  MidiGetSyncInfo(): SyncInfo {
    return this.#s.sync.info(this.#s.now);
  }

  /** The external time (the internal time while never locked). */
  MidiGetExtTime(): number {
    return this.#s.sync.extTime(this.#s.now);
  }

  /** Internal to external time. */
  MidiInt2ExtTime(time: number): number {
    return this.#s.sync.int2Ext(time);
  }

  /** External to internal time. */
  MidiExt2IntTime(time: number): number {
    return this.#s.sync.ext2Int(time);
  }

  // ---- Diagnostics

  /** Rescans the hardware ports now; the number of hardware slots, −1 without a driver. */
  RescanPorts(): number {
    return this.#rescanPorts();
  }

  /**
   * Gives an application of `client` a network role (0 none, 1 a network driver's
   * own application, 2 a remote application standing for a peer): such applications
   * do not keep an on-demand server in use, and `ServerStatus` reports them. Other
   * values and refnums that are not applications of `client` do nothing.
   */
  SetNetworkRole(client: number, ref: number, role: number): void {
    setNetworkRole(this.#s, client, ref, role);
  }

  /** Opens a request ring for `client` (its offer as JSON, or `"null"`). */
  OpenSharedRing = (client: number): string =>
    this.#sharedRings?.open(client) ?? "null";
  /** Puts the ring opened for `client` in use; whether it is. */
  AttachSharedRing = (client: number): boolean =>
    this.#sharedRings?.attach(client) ?? false;

  /** The server's clock (tools and tests compare it with the client's). */
  ServerTime(): number {
    return this.#s.now;
  }

  /**
   * A JSON snapshot for `midishare status`: time, applications, drivers with their
   * slots, connections, and the server pool.
   */
  ServerStatus(): string {
    return serverStatus(this.#s, this.#describeServer);
  }
}
