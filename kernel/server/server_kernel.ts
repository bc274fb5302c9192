/**
 * The server side of MidiShare: refnums, connections, drivers and slots, the sorter
 * and the tick (spec §4 to §8). Every request method carries the name of the MidiShare
 * call it serves and takes the calling client first where ownership matters; its
 * arguments are already normalized to their C widths by the caller.
 *
 * Runs in the kernel worker, or in-process under a manual clock. `tick` and the send
 * methods are real-time safe; the other requests allocate (names, results).
 *
 * @module
 */

import {
  CELL_WORDS,
  type CellPool,
  createCellPool,
  NIL,
} from "../memory/cell_pool.ts";
import type { ClientNotifications } from "../contract/mod.ts";
import { Connections } from "./connections.ts";
import {
  MIDIAddSlot,
  MIDIChangeSync,
  MIDIChgConnect,
  MIDIChgName,
  MIDIChgSlotConnect,
  MIDIChgSlotName,
  MIDICloseAppl,
  MIDICloseDriver,
  MIDIerrIndex,
  MIDIerrRefNum,
  MIDIerrSpace,
  MIDIOpenAppl,
  MIDIOpenDriver,
  MIDIRemoveSlot,
  MIDISHARE_VERSION,
  MidiShareDriverRef,
  NAME_MAX_LENGTH,
  PORT_COUNT,
  REFNUM_COUNT,
  typeDProcess,
  typeProcess,
} from "../api/constants.ts";
import { NETWORK_ROLES } from "../api/network_role.ts";
import { createSorter, type Sorter } from "./sorter.ts";
import { B_REFNUM, W_DATE } from "../memory/event_layout.ts";
import { newEvent, setField } from "../memory/event_store.ts";
import {
  C_HELD,
  C_LATE_DROPS,
  C_LOST_COPIES,
  C_QUOTA_LOSSES,
  C_SLOW_DROPS,
  C_TRUNCATED_FIELDS,
  R_LATE_DROPS,
  R_LOST_COPIES,
  R_QUOTA_LOSSES,
  R_SLOW_DROPS,
  ServerAccounts,
} from "./server_accounts.ts";
import { FILTER_BYTES } from "../memory/filter_bits.ts";
import {
  cutName,
  KIND_APPL,
  KIND_DRIVER,
  KIND_IMAGE,
  MIDISHARE_NAME,
  RefnumTable,
} from "./refnum_table.ts";
import {
  MAX_CLIENTS,
  Router,
  TASK_ID_SLOT,
  TASK_SERIAL_SLOT,
} from "./router.ts";
import { SlotTable } from "./slot_table.ts";
import { createSyncState, type SyncState } from "./sync.ts";
import type {
  DriverInfos,
  SlotInfos,
  SlotRefNum,
  SyncInfo,
} from "../api/types.ts";

/** Options of {@link createServerKernel}. */
export interface ServerKernelOptions {
  /** Cells of the server pool where pending events wait; default 262 144. */
  poolCellCount?: number;
  /** An existing pool (the shared pool of the server workers). */
  pool?: CellPool;
  /**
   * The accounts of the server pool, with the per-client quota (shared with the
   * listening worker in the server); by default private ones without a quota.
   */
  accounts?: ServerAccounts;
  /**
   * The time the clock restarts at on wake-up; 0 as the spec says. Tests set it near
   * 2^31 or 2^32 to cross the wrap-around.
   */
  wakeTime?: number;
  /** Extra facts for `ServerStatus` (the server process adds its pid, uptime, ...). */
  describeServer?: () => Record<string, unknown>;
  /**
   * The wall-clock epoch ms of tick 0 of the current wake-up, told to clients with
   * every state change so that they compute `MidiGetTime` themselves. The kernel has
   * no wall clock: the server's clock supplies it; NaN (the default) in process.
   */
  originMs?: (isAwake: boolean) => number;
  /**
   * What `RescanPorts` runs: the hardware driver's rescan, answering the number of
   * hardware slots; −1 (the default) without one.
   */
  rescanPorts?: () => number;
  /**
   * Told of each application opened or closed and each driver registered or
   * unregistered (by a call or by a client leaving), once the change took effect and
   * its notifications went out, and of each open or registration that failed. The
   * server's loop logs them; by default nothing is told.
   */
  onRefnumChange?: (change: RefnumChange) => void;
}

/** A change of an application or driver refnum; see {@link ServerKernelOptions}. */
export interface RefnumChange {
  /**
   * `"open"` and `"close"`: an application; `"register"` and `"unregister"`: a
   * driver.
   */
  readonly kind: "open" | "close" | "register" | "unregister";
  /** The client that made the call, or that left. */
  readonly client: number;
  /** The refnum; after an open or a registration that failed, the error code. */
  readonly ref: number;
  /**
   * For an open or a registration, the name asked for; otherwise the name the
   * refnum had.
   */
  readonly name: string;
}

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
  readonly #refs = new RefnumTable();
  readonly #cnx = new Connections();
  // Monitor taps, `target → watcher`: a copy of what `target` receives goes to watcher.
  readonly #taps = new Connections();
  readonly #slots = new SlotTable();
  readonly #sinks: (ClientNotifications | undefined)[] = [];
  readonly #sorter: Sorter;
  readonly #router: Router;
  readonly #sync: SyncState = createSyncState();
  #now = 0;
  readonly #wakeTime: number;
  readonly #describeServer: () => Record<string, unknown>;
  readonly #originMs: (isAwake: boolean) => number;
  readonly #rescanPorts: () => number;
  readonly #onRefnumChange: ((change: RefnumChange) => void) | undefined;
  #isAwake = false;
  #errorBits = 0;
  #lostCount = 0;
  readonly #freeCell = (cell: number) => this.accounts.release(this.pool, cell);
  // The client whose pending items `#isOwnedByLeaving` matches.
  #leaving = 0;
  readonly #isOwnedByLeaving = (cell: number) =>
    this.accounts.ownerOf(this.pool, cell) === this.#leaving;

  /** Creates a dormant kernel; prefer {@link createServerKernel}. */
  constructor(options: ServerKernelOptions) {
    this.#wakeTime = (options.wakeTime ?? 0) >>> 0;
    this.#describeServer = options.describeServer ?? (() => ({}));
    this.#originMs = options.originMs ?? (() => NaN);
    this.#rescanPorts = options.rescanPorts ?? (() => -1);
    this.#onRefnumChange = options.onRefnumChange;
    this.pool = options.pool ??
      createCellPool({ cellCount: options.poolCellCount ?? 262_144 });
    this.accounts = options.accounts ?? new ServerAccounts();
    this.#sorter = createSorter(this.pool);
    this.#router = new Router(
      this.pool,
      this.#refs,
      this.#cnx,
      this.#slots,
      this.#sinks,
      this.accounts,
      this.#taps,
    );
  }

  /** Current time in ms since the last wake-up (`MidiGetTime`). */
  get now(): number {
    return this.#now;
  }

  /** Whether at least one application is open. */
  get isAwake(): boolean {
    return this.#isAwake;
  }

  /** Items sent or tasks scheduled that were lost because the server pool was full. */
  get lostCount(): number {
    return this.#lostCount;
  }

  /**
   * Events dispatched since start (sent events that reached their date; tasks are not
   * counted): the health figure of the web page, a rate once sampled twice.
   */
  get eventCount(): number {
    return this.#router.eventCount;
  }

  /** Items waiting in the sorter. */
  get pendingCount(): number {
    return this.#sorter.pendingCount;
  }

  // ---- Overload policy (set by the server's loop before each tick)

  /**
   * Whether the next ticks drop the events they would route through connections
   * (counted as late drops of their senders): the server's loop sets it while ticks
   * run later than its lateness bound. Private events, tasks and alarms still go.
   */
  set dropsLateEvents(drops: boolean) {
    this.#router.dropsRouted = drops;
  }

  /**
   * 1 for each client whose socket lags: events routed to it are dropped (counted as
   * slow drops of the receiver). Set by the server's loop.
   */
  get lagging(): Uint8Array {
    return this.#router.isBehind;
  }

  // ---- Clients

  /** Attaches a client's callback channel; returns its client id (1..1023), or −1. */
  addClient(sink: ClientNotifications): number {
    for (let id = 1; id < MAX_CLIENTS; id++) {
      if (this.#sinks[id] === undefined) {
        this.#sinks[id] = sink;
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
    if (id < 1 || id >= MAX_CLIENTS || this.#sinks[id] !== undefined) {
      return false;
    }
    this.#sinks[id] = sink;
    return true;
  }

  /**
   * Detaches a client, unregistering its drivers and closing its applications exactly
   * as the calls would (spec §9), then frees what it still holds in the server pool
   * (events it sent under the refnum of another client's application), so that a
   * client cannot keep cells out of every quota by leaving.
   */
  removeClient(client: number): void {
    const refs = this.#refs;
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
    if (this.accounts.client(client, C_HELD) > 0) {
      this.#leaving = client;
      this.#sorter.removeMatching(this.#isOwnedByLeaving, this.#freeCell);
      this.#leaving = 0;
    }
    this.#sinks[client] = undefined;
  }

  /** Sets bits of `MidiGetError` (`MIDIerrDriverLoad`, `MIDIerrTime`). */
  setErrorBits(bits: number): void {
    this.#errorBits |= bits;
  }

  // ---- The tick (spec §5.2)

  /** Advances the clock by one tick and dispatches what is ready. Real-time safe. */
  tick(): void {
    if (!this.#isAwake) return;
    const now = (this.#now + 1) >>> 0;
    this.#now = now;
    const sorter = this.#sorter;
    sorter.collectReady(now);
    for (let cell = sorter.popReady(); cell !== NIL; cell = sorter.popReady()) {
      this.#router.dispatch(cell);
      this.accounts.release(this.pool, cell);
    }
    this.#router.endTick();
  }

  // ---- Environment (spec §7.1)

  /** Open applications including refnum 0. */
  MidiCountAppls(): number {
    return this.#refs.applCount;
  }

  /**
   * Open applications other than refnum 0 and the network drivers' applications:
   * those that keep an on-demand server in use (spec inet.md §9, open point).
   */
  get userApplCount(): number {
    const refs = this.#refs;
    const images = this.#isAwake ? 1 : 0;
    return Math.max(0, refs.applCount - images - refs.networkApplCount);
  }

  /** Registered drivers including refnum 127. */
  MidiCountDrivers(): number {
    return this.#refs.driverCount;
  }

  /** The refnum of the `index`-th application (ascending), or `MIDIerrIndex`. */
  MidiGetIndAppl(index: number): number {
    let n = 0;
    for (let r = 0; r < REFNUM_COUNT; r++) {
      if (this.#refs.isApplSide(r) && ++n === index) return r;
    }
    return MIDIerrIndex;
  }

  /** The first refnum named `name`, applications and drivers, or `MIDIerrIndex`. */
  MidiGetNamedAppl(name: string): number {
    if (name.length > NAME_MAX_LENGTH) return MIDIerrIndex;
    for (let r = 0; r < REFNUM_COUNT; r++) {
      if (this.#refs.isOpen(r) && this.#refs.names[r] === name) return r;
    }
    return MIDIerrIndex;
  }

  /** The OR of the global error bits. */
  MidiGetError(): number {
    return this.#errorBits;
  }

  // ---- Open and close (spec §4, §7.2)

  /** Opens an application for `client`; returns its refnum or `MIDIerrSpace`. */
  MidiOpen(client: number, name: string): number {
    const ref = this.#open(client, name);
    this.#onRefnumChange?.({ kind: "open", client, ref, name });
    return ref;
  }

  #open(client: number, name: string): number {
    const refs = this.#refs;
    if (!this.#isAwake) {
      // Waking adds both images; refuse before waking when even that leaves no room.
      if (refs.applCount + refs.driverCount + 2 >= 126) return MIDIerrSpace;
      this.#wakeUp();
    }
    if (!refs.hasRoom) return MIDIerrSpace;
    const ref = refs.freeApplRef();
    if (ref < 0) return MIDIerrSpace;
    refs.take(ref, KIND_APPL, client, name);
    this.accounts.clearRef(ref);
    this.#alarm(ref, MIDIOpenAppl);
    this.#stateChanged();
    return ref;
  }

  /** Closes an application of `client`; the last one puts MidiShare to sleep. */
  MidiClose(client: number, ref: number): void {
    const refs = this.#refs;
    if (refs.kind[ref] !== KIND_APPL || refs.owner[ref] !== client) return;
    const name = refs.names[ref]!;
    this.#forget(ref);
    if (refs.applCount === 1) {
      this.#sleep();
    } else {
      this.#alarm(ref, MIDICloseAppl);
    }
    this.#stateChanged();
    this.#onRefnumChange?.({ kind: "close", client, ref, name });
  }

  // ---- Configuration (spec §7.3)

  /** The name of an open refnum, `"MidiShare"` for 0 and 127, else null. */
  MidiGetName(ref: number): string | null {
    return this.#refs.isOpen(ref) ? this.#refs.names[ref]! : null;
  }

  /** Renames an open application or driver (not the images). */
  MidiSetName(ref: number, name: string): void {
    const kind = this.#refs.kind[ref];
    if (kind !== KIND_APPL && kind !== KIND_DRIVER) return;
    this.#refs.names[ref] = cutName(name);
    this.#alarm(ref, MIDIChgName);
  }

  /** Installs a copy of filter bits on a refnum of `client`, or removes it (null). */
  MidiSetFilter(client: number, ref: number, bits: Uint8Array | null): void {
    const refs = this.#refs;
    if (!refs.isOwnedBy(ref, client)) return;
    if (bits === null) {
      refs.hasFilter[ref] = 0;
    } else {
      refs.filters.set(bits.subarray(0, FILTER_BYTES), ref * FILTER_BYTES);
      refs.hasFilter[ref] = 1;
    }
  }

  /** Records whether a refnum of `client` has an application alarm. */
  MidiSetApplAlarm(client: number, ref: number, hasAlarm: boolean): void {
    if (this.#refs.isOwnedBy(ref, client)) {
      this.#refs.hasApplAlarm[ref] = hasAlarm ? 1 : 0;
    }
  }

  // ---- Drivers (spec §7.4, §8.4)

  /** Registers a driver for `client`; returns its refnum or `MIDIerrSpace`. */
  MidiRegisterDriver(client: number, name: string, version: number): number {
    const ref = this.#register(client, name, version);
    this.#onRefnumChange?.({ kind: "register", client, ref, name });
    return ref;
  }

  #register(client: number, name: string, version: number): number {
    const refs = this.#refs;
    if (!refs.hasRoom) return MIDIerrSpace;
    const ref = refs.freeDriverRef();
    if (ref < 0) return MIDIerrSpace;
    refs.take(ref, KIND_DRIVER, client, name);
    this.accounts.clearRef(ref);
    refs.version[ref] = version & 0xffff;
    if (this.#isAwake) {
      this.#sinks[client]?.driverWakeup(ref);
      this.#alarm(ref, MIDIOpenDriver);
    }
    this.#stateChanged();
    return ref;
  }

  /**
   * Unregisters a driver of `client`: slots, connections, pending items, refnum;
   * `MIDICloseDriver` while awake. The client runs the driver's sleep callback itself.
   */
  MidiUnregisterDriver(client: number, ref: number): void {
    const refs = this.#refs;
    if (refs.kind[ref] !== KIND_DRIVER || refs.owner[ref] !== client) return;
    const name = refs.names[ref]!;
    this.#slots.removeAll(ref);
    this.#forget(ref);
    if (this.#isAwake) this.#alarm(ref, MIDICloseDriver);
    this.#stateChanged();
    this.#onRefnumChange?.({ kind: "unregister", client, ref, name });
  }

  /** The `index`-th driver, 127 first, descending, or `MIDIerrIndex`. */
  MidiGetIndDriver(index: number): number {
    let n = 0;
    for (let r = MidiShareDriverRef; r >= 0; r--) {
      if (this.#refs.isDriverSide(r) && ++n === index) return r;
    }
    return MIDIerrIndex;
  }

  /** Name, version and slot count of a driver; null for anything else. */
  MidiGetDriverInfos(ref: number): DriverInfos | null {
    const refs = this.#refs;
    if (!refs.isDriverSide(ref)) return null;
    if (ref === MidiShareDriverRef) {
      return { name: MIDISHARE_NAME, version: MIDISHARE_VERSION, slots: 0 };
    }
    return {
      name: refs.names[ref]!,
      version: refs.version[ref]!,
      slots: this.#slots.count(ref),
    };
  }

  // ---- Slots (spec §7.5)

  /** Adds a slot to a driver (direction 1..3). */
  MidiAddSlot(ref: number, name: string, direction: number): SlotRefNum {
    if (
      this.#refs.kind[ref] !== KIND_DRIVER || direction < 1 || direction > 3
    ) return { drvRef: ref, slotRef: MIDIerrRefNum };
    const slot = this.#slots.add(ref, name, direction);
    if (slot < 0) return { drvRef: -1, slotRef: MIDIerrSpace };
    if (this.#isAwake) this.#alarm(ref, MIDIAddSlot);
    return { drvRef: ref, slotRef: slot };
  }

  /** The `index`-th slot of a driver, ascending. */
  MidiGetIndSlot(ref: number, index: number): SlotRefNum {
    if (this.#refs.kind[ref] !== KIND_DRIVER) {
      return { drvRef: ref, slotRef: MIDIerrRefNum };
    }
    const slot = index >= 1 ? this.#slots.indexed(ref, index) : -1;
    if (slot < 0) return { drvRef: -1, slotRef: MIDIerrIndex };
    return { drvRef: ref, slotRef: slot };
  }

  /** Removes a slot and its port connections silently; `MIDIRemoveSlot` while awake. */
  MidiRemoveSlot(drv: number, slot: number): void {
    if (!this.#isSlot(drv, slot)) return;
    this.#slots.remove(drv, slot);
    if (this.#isAwake) this.#alarm(drv, MIDIRemoveSlot);
  }

  /** Renames a slot; `MIDIChgSlotName` while awake. */
  MidiSetSlotName(drv: number, slot: number, name: string): void {
    if (!this.#isSlot(drv, slot)) return;
    this.#slots.setName(drv, slot, name);
    if (this.#isAwake) this.#alarm(drv, MIDIChgSlotName);
  }

  /** Name, direction and port set of a slot, or null. */
  MidiGetSlotInfos(drv: number, slot: number): SlotInfos | null {
    return this.#isSlot(drv, slot) ? this.#slots.infos(drv, slot) : null;
  }

  /** Connects or disconnects a port and a slot; `MIDIChgSlotConnect` on change while awake. */
  MidiConnectSlot(
    port: number,
    drv: number,
    slot: number,
    state: boolean,
  ): void {
    if (port < 0 || port >= PORT_COUNT || !this.#isSlot(drv, slot)) return;
    if (this.#slots.connect(port, drv, slot, state) && this.#isAwake) {
      this.#alarm(drv, MIDIChgSlotConnect);
    }
  }

  /** Whether a port and a slot are connected. */
  MidiIsSlotConnected(port: number, drv: number, slot: number): boolean {
    if (port < 0 || port >= PORT_COUNT || !this.#isSlot(drv, slot)) {
      return false;
    }
    return this.#slots.isConnected(port, drv, slot);
  }

  // ---- Connections (spec §7.6)

  /** Makes or breaks `src → dst` within one side; `MIDIChgConnect` on change. */
  MidiConnect(src: number, dst: number, state: boolean): void {
    const refs = this.#refs;
    const sameSide = (refs.isApplSide(src) && refs.isApplSide(dst)) ||
      (refs.isDriverSide(src) && refs.isDriverSide(dst));
    if (!this.#isAwake || !sameSide) return;
    const changed = state
      ? this.#cnx.connect(src, dst)
      : this.#cnx.disconnect(src, dst);
    if (changed) this.#alarm(src, MIDIChgConnect);
  }

  /** Whether `src → dst` exists. */
  MidiIsConnected(src: number, dst: number): boolean {
    if (!this.#refs.isOpen(src) || !this.#refs.isOpen(dst)) return false;
    return this.#cnx.isConnected(src, dst);
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
    const refs = this.#refs;
    if (refs.kind[ref] !== KIND_APPL || refs.owner[ref] !== client) return;
    if (ref === target || target < 0 || target >= REFNUM_COUNT) return;
    if (state && refs.isOpen(target)) this.#taps.connect(target, ref);
    else if (!state) this.#taps.disconnect(target, ref);
  }

  // ---- Sending and tasks (spec §7.12, §7.15). Real-time safe.

  /**
   * Schedules an event cell of {@link pool} whose refnum and due date are stamped;
   * nil (the event did not fit in the server pool) counts as a loss.
   */
  MidiSend(cell: number): void {
    if (cell === NIL) this.#lostCount++;
    else if (this.#isAwake) this.#sorter.push(cell);
    else this.accounts.release(this.pool, cell);
  }

  /** Schedules an event cell for the next tick, its date set to now. */
  MidiSendIm(cell: number): void {
    if (cell !== NIL) this.pool.words[cell * CELL_WORDS + W_DATE] = this.#now;
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
    if (!this.#isAwake || !this.#refs.isOwnedBy(ref, client)) return false;
    if (type !== typeProcess && type !== typeDProcess) return false;
    const accounts = this.accounts;
    if (!accounts.charge(client, 2)) {
      this.#lostCount++;
      accounts.addClient(client, C_QUOTA_LOSSES, 1);
      accounts.addRef(ref, R_QUOTA_LOSSES, 1);
      return false;
    }
    const cell = newEvent(this.pool, type);
    if (cell === NIL) {
      accounts.addClient(client, C_HELD, -2);
      this.#lostCount++;
      return false;
    }
    accounts.tag(this.pool, cell, client);
    const base = cell * CELL_WORDS;
    const w = this.pool.words;
    w[base + W_DATE] = date;
    setField(this.pool, cell, TASK_ID_SLOT, taskId);
    setField(this.pool, cell, TASK_SERIAL_SLOT, taskSerial);
    this.pool.bytes[base * 4 + B_REFNUM] = ref;
    this.#sorter.push(cell);
    return true;
  }

  /** Counts an event that could not be stored in the server pool. */
  countLoss(): void {
    this.#lostCount++;
  }

  /**
   * What a client tells of its own losses, as totals since it connected: copies
   * delivered to `refNum` (one of its applications or drivers; −1 for none) that did
   * not fit its pool, such copies for all its refnums, and `MidiAddField` calls that
   * did not fit (spec §3.4, §6.2). Shown by `ServerStatus`.
   */
  ReportLosses(
    client: number,
    refNum: number,
    refLostCopies: number,
    lostCopies: number,
    truncatedFields: number,
  ): void {
    const accounts = this.accounts;
    if (this.#refs.isOwnedBy(refNum, client)) {
      accounts.setRef(refNum, R_LOST_COPIES, refLostCopies);
    }
    accounts.setClient(client, C_LOST_COPIES, lostCopies);
    accounts.setClient(client, C_TRUNCATED_FIELDS, truncatedFields);
  }

  // ---- Synchronisation (spec §7.17)

  /** Sets the sync mode; `MIDIChangeSync` when it changes. */
  MidiSetSyncMode(mode: number): void {
    if (this.#sync.setMode(mode)) this.#alarm(0, MIDIChangeSync);
  }

  /** The synchronisation state. */
  MidiGetSyncInfo(): SyncInfo {
    return this.#sync.info(this.#now);
  }

  /** The external time (the internal time while never locked). */
  MidiGetExtTime(): number {
    return this.#sync.extTime(this.#now);
  }

  /** Internal to external time. */
  MidiInt2ExtTime(time: number): number {
    return this.#sync.int2Ext(time);
  }

  /** External to internal time. */
  MidiExt2IntTime(time: number): number {
    return this.#sync.ext2Int(time);
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
    if (role < 0 || role >= NETWORK_ROLES.length) return;
    if (this.#refs.kind[ref] !== KIND_APPL) return;
    if (this.#refs.owner[ref] !== client) return;
    this.#refs.setNetworkRole(ref, role);
  }

  /** The server's clock (tools and tests compare it with the client's). */
  ServerTime(): number {
    return this.#now;
  }

  /**
   * A JSON snapshot for `midishare status`: time, applications, drivers with their
   * slots, connections, and the server pool.
   */
  ServerStatus(): string {
    const refs = this.#refs;
    const entries = [];
    for (let r = 0; r < REFNUM_COUNT; r++) {
      if (!refs.isOpen(r)) continue;
      const isDriver = refs.isDriverSide(r);
      const dests = [];
      for (let i = 0; i < this.#cnx.destCount(r); i++) {
        dests.push(this.#cnx.dest(r, i));
      }
      const slots = [];
      if (refs.kind[r] === KIND_DRIVER) {
        for (let i = 1; i <= this.#slots.count(r); i++) {
          const s = this.#slots.indexed(r, i);
          const infos = this.#slots.infos(r, s);
          const ports = [];
          for (let p = 0; p < PORT_COUNT; p++) {
            if (this.#slots.isConnected(p, r, s)) ports.push(p);
          }
          slots.push({
            slotRef: s,
            name: infos.name,
            direction: infos.direction,
            ports,
          });
        }
      }
      const accounts = this.accounts;
      entries.push({
        refNum: r,
        name: refs.names[r],
        kind: isDriver ? "driver" : "application",
        client: refs.owner[r],
        ...(refs.networkRole[r] !== 0
          ? { networkRole: NETWORK_ROLES[refs.networkRole[r]!] }
          : {}),
        ...(refs.kind[r] === KIND_DRIVER ? { version: refs.version[r] } : {}),
        connectedTo: dests.sort((a, b) => a - b),
        ...(slots.length > 0 ? { slots } : {}),
        ...this.#tapsOf(r),
        counters: {
          quotaLosses: accounts.ref(r, R_QUOTA_LOSSES),
          lateDrops: accounts.ref(r, R_LATE_DROPS),
          slowDrops: accounts.ref(r, R_SLOW_DROPS),
          lostCopies: accounts.ref(r, R_LOST_COPIES),
        },
      });
    }
    const clients = [];
    for (let c = 1; c < MAX_CLIENTS; c++) {
      const a = this.accounts;
      if (this.#sinks[c] === undefined && a.client(c, C_HELD) === 0) continue;
      clients.push({
        client: c,
        heldCells: a.client(c, C_HELD),
        quotaLosses: a.client(c, C_QUOTA_LOSSES),
        lateDrops: a.client(c, C_LATE_DROPS),
        slowDrops: a.client(c, C_SLOW_DROPS),
        lostCopies: a.client(c, C_LOST_COPIES),
        truncatedFields: a.client(c, C_TRUNCATED_FIELDS),
      });
    }
    return JSON.stringify({
      ...this.#describeServer(),
      version: MIDISHARE_VERSION,
      isAwake: this.#isAwake,
      time: this.#now,
      errorBits: this.#errorBits,
      pendingItems: this.#sorter.pendingCount,
      pool: { cells: this.pool.capacity, used: this.pool.used },
      clientQuota: this.accounts.quota,
      lostCount: this.#lostCount,
      losses: {
        quotaLosses: this.accounts.total(C_QUOTA_LOSSES),
        lateDrops: this.accounts.total(C_LATE_DROPS),
        slowDrops: this.accounts.total(C_SLOW_DROPS),
      },
      eventCount: this.#router.eventCount,
      refnums: entries,
      clients,
    });
  }

  // ---- Internals

  /** `{ taps: [targets] }` when `watcher` taps something, else nothing. */
  #tapsOf(watcher: number): { taps?: number[] } {
    const targets = [];
    for (let t = 0; t < REFNUM_COUNT; t++) {
      if (this.#taps.isConnected(t, watcher)) targets.push(t);
    }
    return targets.length > 0 ? { taps: targets } : {};
  }

  #isSlot(drv: number, slot: number): boolean {
    return this.#refs.kind[drv] === KIND_DRIVER &&
      this.#slots.exists(drv, slot);
  }

  /** Removes a refnum's connections and pending items, then frees it. */
  #forget(ref: number): void {
    this.#cnx.removeAll(ref);
    this.#taps.removeAll(ref);
    this.#sorter.removeSender(ref, this.#freeCell);
    this.#refs.release(ref);
  }

  /** Application alarms of every refnum that has one, ascending (spec §6.4). */
  #alarm(subject: number, change: number): void {
    const refs = this.#refs;
    const code = (subject << 16) | change;
    for (let r = 0; r < REFNUM_COUNT; r++) {
      if (refs.hasApplAlarm[r] === 1 && refs.isOpen(r)) {
        this.#sinks[refs.owner[r]!]?.applAlarm(r, code);
      }
    }
  }

  #stateChanged(): void {
    const appls = this.#refs.applCount, drivers = this.#refs.driverCount;
    const origin = this.#originMs(this.#isAwake);
    for (const sink of this.#sinks) {
      sink?.stateChanged(appls, drivers, this.#isAwake, origin);
    }
  }

  /** Wake-up order of spec §4.1. */
  #wakeUp(): void {
    const refs = this.#refs;
    refs.take(MidiShareDriverRef, KIND_IMAGE, 0, MIDISHARE_NAME);
    this.#now = this.#wakeTime;
    this.#isAwake = true;
    this.#sync.reset();
    for (let r = MidiShareDriverRef - 1; r >= 1; r--) {
      if (refs.kind[r] === KIND_DRIVER) {
        this.#sinks[refs.owner[r]!]?.driverWakeup(r);
      }
    }
    refs.take(0, KIND_IMAGE, 0, MIDISHARE_NAME);
  }

  /** Sleep order of spec §4.1, after the last application was forgotten. */
  #sleep(): void {
    const refs = this.#refs;
    this.#cnx.removeAll(0);
    this.#taps.removeAll(0);
    refs.release(0);
    this.#isAwake = false;
    for (let r = MidiShareDriverRef - 1; r >= 1; r--) {
      if (refs.kind[r] === KIND_DRIVER) {
        this.#sinks[refs.owner[r]!]?.driverSleep(r);
        this.#cnx.removeAll(r);
      }
    }
    this.#cnx.removeAll(MidiShareDriverRef);
    this.#sorter.clear(this.#freeCell);
    for (const sink of this.#sinks) sink?.dormant();
    refs.release(MidiShareDriverRef);
  }
}
