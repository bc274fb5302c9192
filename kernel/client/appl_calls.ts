/**
 * The client-side calls about applications and drivers the client opened: info,
 * filters, alarms, receiving, tasks, sending and closing (spec §7.2, §7.3, §7.12,
 * §7.13, §7.15, §7.16), and the inbox where the kernel's notifications arrive.
 *
 * Runs on the client's thread. The inbox's `deliver`, `runTask` and `readyDTask` are
 * real-time safe apart from the callbacks they run.
 *
 * @module
 */

import type { ApplAlarm, RcvAlarm, TDriverOperation } from "../api/types.ts";
import { ApplRecord, type CellList } from "./appl_record.ts";
import { type CellPool, NIL } from "../memory/cell_pool.ts";
import type { ClientMemory } from "./client_memory.ts";
import {
  ScheduledTasks,
  TASK_NOWHERE,
  TASK_READY,
  TASK_SCHEDULED,
} from "./client_tasks.ts";
import { REFNUM_COUNT, typeDProcess, typeProcess } from "../api/constants.ts";
import {
  EvHandle,
  type MidiEv,
  ST_DEAD,
  ST_OWNED,
  ST_QUEUED,
  ST_TASK,
} from "./ev_handle.ts";
import { eventRefNum } from "../memory/event_store.ts";
import { B_PORT, B_REFNUM, W_DATE } from "../memory/event_layout.ts";
import { CELL_WORDS } from "../memory/cell_pool.ts";
import { EventCalls, WRITABLE } from "./event_calls.ts";
import { FilterHandle, type MidiFilter } from "./filter_handle.ts";
import type {
  NotificationQueueHooks,
  NotificationReceiver,
} from "../contract/mod.ts";
import type { FilterPart } from "../memory/filter_bits.ts";
import { MidiShareError } from "../api/errors.ts";
import {
  checkCallback,
  describe,
  toBool,
  toDate,
  toShort,
} from "../api/validators.ts";

/** A box standing for `MidiEvPtr*` (spec §1.4). */
export interface MidiEvRef {
  /** A task handle, or null. */
  value: MidiEv | null;
}

/** A task callback (spec §1.5). */
export type Task = (
  date: number,
  refNum: number,
  a1: unknown,
  a2: unknown,
  a3: unknown,
) => void;

/** What the client-side calls need from the server side, in call order. */
export interface ServerLink {
  /** Sends an event of `pool` (refnum stamped; due date in the event unless `isImmediate`). */
  sendEvent(pool: CellPool, cell: number, isImmediate: boolean): void;
  /** Schedules a task of type 128 or 129 known by `taskId` and `serial`. */
  scheduleTask(
    type: number,
    refNum: number,
    date: number,
    taskId: number,
    serial: number,
  ): void;
  /** `MidiClose` on the server. */
  close(refNum: number): void;
  /** `MidiUnregisterDriver` on the server. */
  unregisterDriver(refNum: number): void;
  /**
   * Tells the server this client's losses, as totals: copies for `refNum` (−1: none)
   * and for all its refnums that did not fit its pool, and truncated `MidiAddField`s.
   */
  reportLosses(
    refNum: number,
    refLostCopies: number,
    lostCopies: number,
    truncatedFields: number,
  ): void;
  /** Installs filter bits on the server, or removes the filter. */
  setFilter(refNum: number, bits: Uint8Array | null): void;
  /** Tells the server whether `refNum` has an application alarm. */
  setApplAlarm(refNum: number, hasAlarm: boolean): void;
  /** `MidiGetTime`. */
  time(): number;
  /** `MidiCountAppls`. */
  applCount(): number;
  /** `MidiCountDrivers`. */
  driverCount(): number;
  /** Whether MidiShare is awake. */
  isAwake(): boolean;
}

/**
 * Where the kernel's notifications for this client arrive, in server order, with what
 * an in-process queue needs to know of the client.
 */
export type ClientInbox = NotificationReceiver & NotificationQueueHooks;

/** The per-application client-side calls; see the module documentation. */
export class ApplCalls extends EventCalls {
  /** The server side. */
  protected readonly link: ServerLink;
  /** Entry points for the kernel's notifications (transport use, not MidiShare API). */
  readonly inbox: ClientInbox;
  readonly #records: (ApplRecord | undefined)[] = new Array(REFNUM_COUNT);
  readonly #tasks: ScheduledTasks;
  readonly #reportError: (error: unknown) => void;
  // Refnums that received events this tick, in order of first delivery.
  readonly #rcvOrder = new Int32Array(REFNUM_COUNT);
  #rcvCount = 0;
  /** Cell of the task whose function runs now (NIL outside tasks). */
  #runningCell = NIL;
  readonly #rcvMarked = new Uint8Array(REFNUM_COUNT);
  // Copies that did not fit the pool: by refnum (since it was opened), and in all.
  readonly #lostCopiesOf = new Int32Array(REFNUM_COUNT);
  #lostCopies = 0;
  // Refnums whose losses the server has not been told yet (1 each; 0 for −1 only).
  readonly #lossesToReport = new Uint8Array(REFNUM_COUNT);
  #isReportQueued = false;

  /**
   * Creates the calls over a client's memory and its server link.
   * @param memory the client's pool and handles
   * @param link the server side
   * @param reportError receives exceptions thrown by callbacks
   */
  constructor(
    memory: ClientMemory,
    link: ServerLink,
    reportError: (error: unknown) => void,
  ) {
    super(memory);
    this.link = link;
    this.#reportError = reportError;
    this.#tasks = new ScheduledTasks(() => this.memory.pool);
    this.inbox = this.#createInbox();
  }

  // ---- Hooks for the server calls of subclasses

  /** Records an application or driver the server opened for this client. */
  protected opened(refNum: number, ops?: TDriverOperation): void {
    this.memory.activate();
    this.#lostCopiesOf[refNum] = 0;
    this.#records[refNum] = new ApplRecord(
      refNum,
      ops !== undefined,
      ops ?? {},
    );
  }

  /** The record of a refnum this client opened, or undefined. */
  protected record(refNum: number): ApplRecord | undefined {
    return refNum >= 0 && refNum < REFNUM_COUNT
      ? this.#records[refNum]
      : undefined;
  }

  /**
   * Closes every application and driver of this client on this side only (the server
   * is gone); returns their records, alarms included, in refnum order.
   */
  protected closeAllLocally(): ApplRecord[] {
    const closed = this.#records.filter((r): r is ApplRecord =>
      r !== undefined
    );
    for (const rec of closed) this.#closeLocal(rec);
    return closed;
  }

  /**
   * Takes every waiting event of `refNum` as a pool cell, oldest first, then frees
   * it; no handle is created (drivers inside the server).
   */
  protected drainFifo(
    refNum: number,
    visit: (pool: CellPool, cell: number) => void,
  ): void {
    const rec = this.record(refNum);
    if (rec === undefined) return;
    for (
      let cell = this.#shift(rec.fifo);
      cell !== NIL;
      cell = this.#shift(rec.fifo)
    ) {
      visit(this.memory.pool, cell);
      this.memory.release(cell);
    }
  }

  /** Whether this client has an application or driver open. */
  protected hasRecords(): boolean {
    return this.#records.some((r) => r !== undefined);
  }

  /** Runs a callback; an exception is reported and swallowed (spec §1.5). */
  protected safely(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.#reportError(error);
    }
  }

  // ---- Environment and time

  /** Open applications including refnum 0 (mirrored server state). */
  MidiCountAppls(): number {
    return this.link.applCount();
  }

  /** Registered drivers including refnum 127 (mirrored server state). */
  MidiCountDrivers(): number {
    return this.link.driverCount();
  }

  /** Milliseconds since MidiShare woke up. */
  MidiGetTime(): number {
    return this.link.time();
  }

  // ---- Diagnostics (not MidiShare calls)

  /**
   * What this client lost to its own pool since it started, as the spec lets it
   * (§3.4, §6.2): copies delivered to it that did not fit (by refnum since the refnum
   * was opened, and in all), and `MidiAddField` calls whose byte was not added. The
   * server is told too (`midishare status`).
   */
  lossCounts(): {
    lostCopies: number;
    lostCopiesByRefNum: Record<number, number>;
    truncatedFields: number;
  } {
    const byRef: Record<number, number> = {};
    this.#lostCopiesOf.forEach((n, ref) => {
      if (n > 0 && this.record(ref) !== undefined) byRef[ref] = n;
    });
    return {
      lostCopies: this.#lostCopies,
      lostCopiesByRefNum: byRef,
      truncatedFields: this.truncatedFields,
    };
  }

  /** Queues one report of the losses to the server after the current task. */
  protected override lossesChanged(refNum: number): void {
    if (refNum >= 0 && refNum < REFNUM_COUNT) this.#lossesToReport[refNum] = 1;
    if (this.#isReportQueued) return;
    this.#isReportQueued = true;
    queueMicrotask(() => this.#reportLosses());
  }

  #reportLosses(): void {
    this.#isReportQueued = false;
    let sent = false;
    for (let ref = 0; ref < REFNUM_COUNT; ref++) {
      if (this.#lossesToReport[ref] === 0) continue;
      this.#lossesToReport[ref] = 0;
      if (this.record(ref) === undefined) continue;
      this.link.reportLosses(
        ref,
        this.#lostCopiesOf[ref]!,
        this.#lostCopies,
        this.truncatedFields,
      );
      sent = true;
    }
    if (!sent && this.hasRecords()) {
      this.link.reportLosses(-1, 0, this.#lostCopies, this.truncatedFields);
    }
  }

  // ---- Close (spec §7.2, §7.4)

  /** Closes an application of this client; bad refnums, 0 and drivers do nothing. */
  MidiClose(refNum: number): void {
    const ref = toShort(refNum, "refNum");
    const rec = this.record(ref);
    if (rec === undefined || rec.isDriver) return;
    this.#closeLocal(rec);
    this.link.close(ref);
  }

  /** Unregisters a driver of this client; its sleep callback runs while awake. */
  MidiUnregisterDriver(refNum: number): void {
    const ref = toShort(refNum, "refNum");
    const rec = this.record(ref);
    if (rec === undefined || !rec.isDriver) return;
    const isAwake = this.link.isAwake();
    this.#closeLocal(rec);
    this.link.unregisterDriver(ref);
    const sleep = rec.ops.sleep;
    if (isAwake && sleep !== undefined) this.safely(() => sleep(ref));
  }

  // ---- Configuration (spec §7.3)

  /** The info value of a refnum of this client, or null. */
  MidiGetInfo(refNum: number): unknown {
    return this.record(toShort(refNum, "refNum"))?.info ?? null;
  }

  /** Sets the info value of a refnum of this client. */
  MidiSetInfo(refNum: number, info: unknown): void {
    const rec = this.record(toShort(refNum, "refNum"));
    if (rec !== undefined) rec.info = info;
  }

  /** The installed filter, or null. */
  MidiGetFilter(refNum: number): MidiFilter | null {
    return this.record(toShort(refNum, "refNum"))?.filter ?? null;
  }

  /** Installs a filter (shared, not copied), or removes it with null. */
  MidiSetFilter(refNum: number, f: MidiFilter | null): void {
    const ref = toShort(refNum, "refNum");
    const filter = f === null || f === undefined
      ? null
      : FilterHandle.check(f, "install the filter");
    const rec = this.record(ref);
    if (rec === undefined) return;
    if (rec.filter !== null) FilterHandle.setInstalled(rec.filter, ref, false);
    rec.filter = filter;
    if (filter !== null) FilterHandle.setInstalled(filter, ref, true);
    this.link.setFilter(ref, filter && FilterHandle.bitsOf(filter));
  }

  /** The receive alarm, or null. */
  MidiGetRcvAlarm(refNum: number): RcvAlarm | null {
    return this.record(toShort(refNum, "refNum"))?.rcvAlarm ?? null;
  }

  /** Installs, replaces or (null) removes the receive alarm. */
  MidiSetRcvAlarm(refNum: number, alarm: RcvAlarm | null): void {
    const ref = toShort(refNum, "refNum");
    const fn = checkCallback<RcvAlarm>(alarm, "alarm");
    const rec = this.record(ref);
    if (rec !== undefined) rec.rcvAlarm = fn;
  }

  /** The application alarm, or null. */
  MidiGetApplAlarm(refNum: number): ApplAlarm | null {
    return this.record(toShort(refNum, "refNum"))?.applAlarm ?? null;
  }

  /** Installs, replaces or (null) removes the application alarm. */
  MidiSetApplAlarm(refNum: number, alarm: ApplAlarm | null): void {
    const ref = toShort(refNum, "refNum");
    const fn = checkCallback<ApplAlarm>(alarm, "alarm");
    const rec = this.record(ref);
    if (rec === undefined) return;
    const had = rec.applAlarm !== null;
    rec.applAlarm = fn;
    if (had !== (fn !== null)) this.link.setApplAlarm(ref, fn !== null);
  }

  // ---- Filters (spec §7.16)

  /** A new filter that rejects everything until bits are set. */
  MidiNewFilter(): MidiFilter {
    return new FilterHandle((ref, bits) => this.link.setFilter(ref, bits));
  }

  /** Frees a filter; one still installed throws `READONLY`. */
  MidiFreeFilter(f: MidiFilter): void {
    FilterHandle.free(FilterHandle.check(f, "free the filter"));
  }

  /** Accepts or rejects port `port` (0..255). */
  MidiAcceptPort(f: MidiFilter, port: number, state: boolean): void {
    this.#accept(f, "port", port, state);
  }

  /** Accepts or rejects channel `chan` (0..15). */
  MidiAcceptChan(f: MidiFilter, chan: number, state: boolean): void {
    this.#accept(f, "chan", chan, state);
  }

  /** Accepts or rejects type `type` (0..255). */
  MidiAcceptType(f: MidiFilter, type: number, state: boolean): void {
    this.#accept(f, "type", type, state);
  }

  /** Whether port `port` is accepted. */
  MidiIsAcceptedPort(f: MidiFilter, port: number): boolean {
    return this.#isAccepted(f, "port", port);
  }

  /** Whether channel `chan` is accepted. */
  MidiIsAcceptedChan(f: MidiFilter, chan: number): boolean {
    return this.#isAccepted(f, "chan", chan);
  }

  /** Whether type `type` is accepted. */
  MidiIsAcceptedType(f: MidiFilter, type: number): boolean {
    return this.#isAccepted(f, "type", type);
  }

  #accept(f: MidiFilter, part: FilterPart, n: number, state: boolean): void {
    const filter = FilterHandle.check(f, `accept a ${part}`);
    FilterHandle.accept(filter, part, toShort(n, part), toBool(state, "state"));
  }

  #isAccepted(f: MidiFilter, part: FilterPart, n: number): boolean {
    const filter = FilterHandle.check(f, `read a ${part}`);
    return FilterHandle.isAccepted(filter, part, toShort(n, part));
  }

  // ---- Receiving (spec §7.13)

  /** Events waiting in the FIFO of a refnum of this client. */
  MidiCountEvs(refNum: number): number {
    return this.record(toShort(refNum, "refNum"))?.fifo.count ?? 0;
  }

  /** Removes and returns the oldest waiting event, now owned; null when empty. */
  MidiGetEv(refNum: number): MidiEv | null {
    const rec = this.record(toShort(refNum, "refNum"));
    if (rec === undefined) return null;
    const cell = this.#shift(rec.fifo);
    return cell === NIL ? null : this.memory.handle(cell, ST_OWNED);
  }

  /** The oldest waiting event as a queued handle, without removing it. */
  MidiAvailEv(refNum: number): MidiEv | null {
    const rec = this.record(toShort(refNum, "refNum"));
    if (rec === undefined || rec.fifo.head === NIL) return null;
    return this.memory.handle(rec.fifo.head, ST_QUEUED);
  }

  /** Frees every waiting event. */
  MidiFlushEvs(refNum: number): void {
    const rec = this.record(toShort(refNum, "refNum"));
    if (rec !== undefined) this.#releaseAll(rec.fifo);
  }

  // ---- Sending (spec §7.12)

  /** Sends an event for delivery at the next tick. */
  MidiSendIm(refNum: number, e: MidiEv | null): void {
    this.#send(toShort(refNum, "refNum"), e, 1, 0);
  }

  /** Sends an event at its own date. */
  MidiSend(refNum: number, e: MidiEv | null): void {
    this.#send(toShort(refNum, "refNum"), e, 0, 0);
  }

  /** Sends an event at date `d`. */
  MidiSendAt(refNum: number, e: MidiEv | null, d: number): void {
    this.#send(toShort(refNum, "refNum"), e, 2, toDate(d, "d"));
  }

  /** `mode`: 0 at the event's date, 1 immediately, 2 at `date`. */
  #send(ref: number, e: MidiEv | null, mode: number, date: number): void {
    if (e === null || e === undefined) return;
    const cell = this.cellOf(e, WRITABLE, "send the event");
    const pool = this.memory.pool;
    const base = cell * CELL_WORDS;
    pool.bytes[base * 4 + B_REFNUM] = ref;
    if (mode === 2) pool.words[base + W_DATE] = date;
    else if (mode === 1) pool.words[base + W_DATE] = this.link.time();
    const type = this.memory.typeOf(cell);
    if (type === typeProcess || type === typeDProcess) {
      // A task event built by hand: sending it schedules it (spec §3.7). With a
      // refnum of another client nothing is scheduled, as `MidiTask` returns null:
      // the handle ends as a finished task.
      // Tasks belong to `refNum & 0x7F` whatever the flag bit (spec §6.1).
      if (this.record(ref & 0x7f) === undefined) {
        this.memory.handle(cell, ST_TASK);
        this.memory.release(cell);
      } else this.#schedule(cell, type, ref & 0x7f);
      return;
    }
    this.link.sendEvent(pool, cell, mode === 1);
    this.memory.release(cell);
  }

  // ---- Tasks (spec §7.15)

  /** Schedules `fn(date, refNum, a1, a2, a3)` at `date`; null when it cannot. */
  MidiTask(
    fn: Task,
    date: number,
    refNum: number,
    a1?: unknown,
    a2?: unknown,
    a3?: unknown,
  ): MidiEv | null {
    return this.#newTask(typeProcess, fn, date, refNum, a1, a2, a3);
  }

  /** Schedules a deferred task, which joins the DTask list at its date. */
  MidiDTask(
    fn: Task,
    date: number,
    refNum: number,
    a1?: unknown,
    a2?: unknown,
    a3?: unknown,
  ): MidiEv | null {
    return this.#newTask(typeDProcess, fn, date, refNum, a1, a2, a3);
  }

  /** Obsolete form of `MidiTask` that returns nothing. */
  MidiCall(
    fn: Task,
    date: number,
    refNum: number,
    a1?: unknown,
    a2?: unknown,
    a3?: unknown,
  ): void {
    this.#newTask(typeProcess, fn, date, refNum, a1, a2, a3);
  }

  #newTask(
    type: number,
    fn: Task,
    date: number,
    refNum: number,
    ...args: unknown[]
  ): MidiEv | null {
    if (typeof fn !== "function") {
      throw new TypeError(
        `Cannot schedule the task: expected a function, got ${describe(fn)}`,
      );
    }
    const d = toDate(date, "date"), ref = toShort(refNum, "refNum");
    // Nothing can be scheduled while MidiShare sleeps (a driver's refnum).
    if (this.record(ref) === undefined || !this.link.isAwake()) return null;
    const e = this.memory.newEvent(type);
    if (e === null) return null;
    const cell = EvHandle.cellOf(e);
    this.memory.setField(cell, 0, fn);
    for (let i = 0; i < 3; i++) this.memory.setField(cell, i + 1, args[i]);
    const pool = this.memory.pool;
    pool.words[cell * CELL_WORDS + W_DATE] = d;
    pool.bytes[cell * CELL_WORDS * 4 + B_REFNUM] = ref;
    this.#schedule(cell, type, ref);
    return e;
  }

  /** Turns an owned task event into a scheduled task handle. */
  #schedule(cell: number, type: number, ref: number): void {
    const serial = this.#tasks.add(cell);
    this.memory.handle(cell, ST_TASK);
    const date = this.memory.pool.words[cell * CELL_WORDS + W_DATE]!;
    this.link.scheduleTask(type, ref, date >>> 0, cell, serial);
  }

  /** Cancels a task that has not started; always empties the box. */
  MidiForgetTask(v: MidiEvRef): void {
    if (typeof v !== "object" || v === null) {
      throw new TypeError(
        `Cannot forget the task: expected a box object, got ${describe(v)}`,
      );
    }
    const e = v.value;
    if (e === null || e === undefined) return;
    if (!(e instanceof EvHandle) || EvHandle.hostOf(e) !== this.memory) {
      throw new TypeError(
        `Cannot forget the task: expected a MidiEv of this client, got ${
          describe(e)
        }`,
      );
    }
    const state = EvHandle.stateOf(e);
    if (state === ST_TASK && EvHandle.cellOf(e) === this.#runningCell) {
      // A task forgetting itself: its cells go back when it returns.
    } else if (state === ST_TASK) {
      const cell = EvHandle.cellOf(e);
      const where = this.#tasks.whereIs(cell);
      if (where === TASK_SCHEDULED) this.#tasks.remove(cell);
      else if (where === TASK_READY) this.#unlinkDTask(cell);
      this.memory.release(cell);
    } else if (state === ST_DEAD && !EvHandle.wasTask(e)) {
      throw new MidiShareError(
        "DEAD",
        "Cannot forget the task: the handle is dead",
      );
    } else if (state !== ST_DEAD) {
      throw new TypeError("Cannot forget the task: the handle is not a task");
    }
    v.value = null;
  }

  /** DTasks of a refnum of this client that reached their date. */
  MidiCountDTasks(refNum: number): number {
    return this.record(toShort(refNum, "refNum"))?.dtasks.count ?? 0;
  }

  /** Runs the oldest ready DTask, if any. */
  MidiExec1DTask(refNum: number): void {
    const ref = toShort(refNum, "refNum");
    const rec = this.record(ref);
    if (rec === undefined) return;
    const cell = this.#shift(rec.dtasks);
    if (cell === NIL) return;
    this.#tasks.setWhere(cell, TASK_NOWHERE);
    const date = this.memory.pool.words[cell * CELL_WORDS + W_DATE]! >>> 0;
    this.#run(cell, date);
  }

  /** Discards the ready DTasks; DTasks not yet due stay scheduled. */
  MidiFlushDTasks(refNum: number): void {
    const rec = this.record(toShort(refNum, "refNum"));
    if (rec !== undefined) this.#releaseAll(rec.dtasks);
  }

  // ---- Internals

  /** Calls a task's function if it has one, then frees the task event (spec §7.15). */
  #run(cell: number, date: number): void {
    const [fn, a1, a2, a3] = this.memory.taskSlots(cell);
    const ref = eventRefNum(this.memory.pool, cell) & 0x7f;
    const outer = this.#runningCell;
    this.#runningCell = cell;
    try {
      if (typeof fn === "function") {
        this.safely(() => (fn as Task)(date, ref, a1, a2, a3));
      }
    } finally {
      this.#runningCell = outer;
      this.memory.release(cell);
    }
  }

  #shift(list: CellList): number {
    const cell = list.head;
    if (cell === NIL) return NIL;
    list.head = this.memory.nextOf(cell);
    if (list.head === NIL) list.tail = NIL;
    list.count--;
    return cell;
  }

  #push(list: CellList, cell: number): void {
    this.memory.setNext(cell, NIL);
    if (list.tail === NIL) list.head = cell;
    else this.memory.setNext(list.tail, cell);
    list.tail = cell;
    list.count++;
  }

  /**
   * Inserts a DTask after every DTask due at or before `date` (wrap-safe), so that
   * `MidiExec1DTask` takes them by due date, then send order (spec §7.15).
   */
  #insertByDate(list: CellList, cell: number, date: number): void {
    const w = this.memory.pool.words;
    const dateOf = (c: number) => w[c * CELL_WORDS + W_DATE]!;
    if (list.tail === NIL || ((dateOf(list.tail) - date) | 0) <= 0) {
      this.#push(list, cell);
      return;
    }
    let prev = NIL;
    let c = list.head;
    while (c !== NIL && ((dateOf(c) - date) | 0) <= 0) {
      prev = c;
      c = this.memory.nextOf(c);
    }
    this.memory.setNext(cell, c);
    if (prev === NIL) list.head = cell;
    else this.memory.setNext(prev, cell);
    list.count++;
  }

  #releaseAll(list: CellList): void {
    for (let cell = this.#shift(list); cell !== NIL; cell = this.#shift(list)) {
      this.memory.release(cell);
    }
  }

  #unlinkDTask(cell: number): void {
    const rec = this.record(eventRefNum(this.memory.pool, cell) & 0x7f);
    if (rec === undefined) return;
    const list = rec.dtasks;
    let prev = NIL;
    for (let c = list.head; c !== NIL; prev = c, c = this.memory.nextOf(c)) {
      if (c !== cell) continue;
      const next = this.memory.nextOf(c);
      if (prev === NIL) list.head = next;
      else this.memory.setNext(prev, next);
      if (list.tail === cell) list.tail = prev;
      list.count--;
      break;
    }
  }

  #closeLocal(rec: ApplRecord): void {
    const ref = rec.refNum;
    this.#releaseAll(rec.fifo);
    this.#releaseAll(rec.dtasks);
    const pool = this.memory.pool;
    for (
      const cell of this.#tasks.takeAll((c) =>
        (pool.bytes[c * CELL_WORDS * 4 + B_REFNUM]! & 0x7f) === ref
      )
    ) this.memory.release(cell);
    if (rec.filter !== null) FilterHandle.setInstalled(rec.filter, ref, false);
    this.#records[ref] = undefined;
    if (this.#records.every((r) => r === undefined)) {
      this.#tasks.reset();
      this.memory.deactivate();
    }
  }

  #createInbox(): ClientInbox {
    return {
      eventPool: () => this.memory.isActive ? this.memory.pool : null,
      poolEpoch: () => this.memory.epoch,
      recordSerial: (ref) => this.record(ref)?.serial ?? 0,
      discard: (cell) => this.memory.release(cell),
      eventLost: (ref) => {
        this.#lostCopies++;
        if (ref >= 0 && ref < REFNUM_COUNT) this.#lostCopiesOf[ref]!++;
        this.lossesChanged(ref);
      },
      deliver: (ref, port, _pool, cell) => {
        const rec = this.record(ref);
        if (rec === undefined) {
          this.memory.release(cell);
          return;
        }
        this.memory.pool.bytes[cell * CELL_WORDS * 4 + B_PORT] = port;
        this.#push(rec.fifo, cell);
        if (this.#rcvMarked[ref] === 0) {
          this.#rcvMarked[ref] = 1;
          this.#rcvOrder[this.#rcvCount++] = ref;
        }
      },
      runTask: (ref, cell, serial, date) => {
        if (!this.#isTask(ref, cell, serial)) return;
        this.#tasks.remove(cell);
        this.#run(cell, date);
      },
      readyDTask: (ref, cell, serial, date) => {
        if (!this.#isTask(ref, cell, serial)) return;
        this.#tasks.remove(cell);
        this.#tasks.setWhere(cell, TASK_READY);
        this.#insertByDate(this.record(ref)!.dtasks, cell, date);
      },
      endTick: () => {
        const count = this.#rcvCount;
        this.#rcvCount = 0;
        for (let i = 0; i < count; i++) {
          const ref = this.#rcvOrder[i]!;
          this.#rcvMarked[ref] = 0;
          const alarm = this.record(ref)?.rcvAlarm;
          if (alarm) this.safely(() => alarm(ref));
        }
      },
      applAlarm: (ref, code) => {
        const alarm = this.record(ref)?.applAlarm;
        if (alarm) this.safely(() => alarm(ref, code));
      },
      driverWakeup: (ref) => {
        const wakeup = this.record(ref)?.ops.wakeup;
        if (wakeup) this.safely(() => wakeup(ref));
      },
      driverSleep: (ref) => {
        const rec = this.record(ref);
        if (rec === undefined) return;
        const sleep = rec.ops.sleep;
        if (sleep) this.safely(() => sleep(ref));
        this.#releaseAll(rec.fifo);
        this.#releaseAll(rec.dtasks);
      },
      dormant: () => {
        for (const cell of this.#tasks.takeAll(() => true)) {
          this.memory.release(cell);
        }
      },
      // The client reads the counts and the wake state through its server link.
      stateChanged: () => {},
    };
  }

  /** Whether `cell` is still the scheduled task of `ref` with `serial`. */
  #isTask(ref: number, cell: number, serial: number): boolean {
    if (this.record(ref) === undefined || !this.memory.isActive) return false;
    if (cell <= 0 || cell > this.memory.pool.capacity) return false;
    const type = this.memory.typeOf(cell);
    if (type !== typeProcess && type !== typeDProcess) return false;
    return this.#tasks.isScheduled(cell, serial) &&
      (eventRefNum(this.memory.pool, cell) & 0x7f) === ref;
  }
}
