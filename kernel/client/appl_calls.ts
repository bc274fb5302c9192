/**
 * The client-side calls about applications and drivers the client opened: info,
 * alarms, opening and closing, receiving and sending (spec §7.2, §7.3, §7.4, §7.12,
 * §7.13), over the filter and task calls of the layers below, and the inbox where
 * the kernel's notifications arrive.
 *
 * Runs on the client's thread. The inbox's `deliver`, `runTask` and `readyDTask` are
 * real-time safe apart from the callbacks they run.
 *
 * @module
 */

import type {
  ApplAlarm,
  RcvAlarm,
  TDriverInfos,
  TDriverOperation,
} from "../api/types.ts";
import { typeDProcess, typeProcess } from "../api/constants.ts";
import {
  checkCallback,
  checkDriverInfos,
  checkDriverOps,
  checkString,
  toDate,
  toShort,
} from "../api/validators.ts";
import { CELL_WORDS, NIL } from "../memory/cell_pool.ts";
import { B_REFNUM, W_DATE } from "../memory/event_layout.ts";
import type { ServerLink } from "./appl_registry.ts";
import { releaseCells, shiftCell } from "./cell_list.ts";
import { type ClientInbox, createClientInbox } from "./client_inbox.ts";
import type { ClientMemory } from "./client_memory.ts";
import { type MidiEv, ST_OWNED, ST_QUEUED, ST_TASK } from "./ev_handle.ts";
import { WRITABLE } from "./event_calls.ts";
import type { Answer } from "./gen/server_port_gen.ts";
import { type ClientLosses, LossCounts } from "./loss_counts.ts";
import { TaskCalls } from "./task_calls.ts";

/** The per-application client-side calls; see the module documentation. */
export class ApplCalls<IsAsync extends boolean = boolean>
  extends TaskCalls<IsAsync> {
  /** Entry points for the kernel's notifications (transport use, not MidiShare API). */
  readonly inbox: ClientInbox;
  // Driver registrations waiting for their reply, oldest first.
  readonly #registrations: { ops: TDriverOperation; ref: number }[] = [];
  readonly #losses: LossCounts = new LossCounts({
    isOpen: (ref) => this.record(ref) !== undefined,
    hasRecords: () => this.hasRecords(),
    truncatedFields: () => this.truncatedFields,
    report: (ref, refLost, lost, truncated) =>
      this.link.ReportLosses(ref, refLost, lost, truncated),
  });

  /**
   * Creates the calls over a client's memory and its server link.
   * @param memory the client's pool and handles
   * @param link the server side
   * @param reportError receives exceptions thrown by callbacks
   */
  constructor(
    memory: ClientMemory,
    link: ServerLink<IsAsync>,
    reportError: (error: unknown) => void,
  ) {
    super(memory, link, reportError);
    this.inbox = createClientInbox({
      memory: this.memory,
      tasks: this.tasks,
      record: (ref) => this.record(ref),
      safely: (call) => this.safely(call),
      isTask: (ref, cell, serial) => this.isTask(ref, cell, serial),
      runTask: (cell, date) => this.runTask(cell, date),
      copyLost: (ref) => this.#losses.copyLost(ref),
      adoptRegistration: (ref) => {
        const pending = this.#registrations.find((r) => r.ref < 0);
        if (pending === undefined) return false;
        pending.ref = ref;
        this.opened(ref, pending.ops);
        return true;
      },
    });
  }

  /** Records an application or driver the server opened; its losses start at 0. */
  protected override opened(refNum: number, ops?: TDriverOperation): void {
    super.opened(refNum, ops);
    this.#losses.opened(refNum);
  }

  /** A loss was counted (−1: a truncated `MidiAddField`): the server is told. */
  protected override lossesChanged(refNum: number): void {
    this.#losses.changed(refNum);
  }

  // ---- Diagnostics (not MidiShare calls)

  /**
   * What this client lost to its own pool since it started: copies delivered to it
   * that did not fit (by refnum since the refnum was opened, and in all), and
   * `MidiAddField` calls whose byte was not added. The server is told too
   * (`midishare status`).
   */
  lossCounts(): ClientLosses {
    return this.#losses.snapshot();
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

  // ---- Open and register (spec §7.2, §7.4)

  /** Opens an application; its refnum, or `MIDIerrSpace` when none is free. */
  MidiOpen(name: string): Answer<number, IsAsync> {
    return this.link.MidiOpen(checkString(name, "name"), (ref) => {
      if (ref >= 0) this.opened(ref);
    });
  }

  /**
   * Registers a driver; while MidiShare is awake its `wakeup` runs before the call
   * returns (or resolves).
   */
  MidiRegisterDriver(
    infos: TDriverInfos,
    op: TDriverOperation,
  ): Answer<number, IsAsync> {
    const { name, version } = checkDriverInfos(infos);
    const registration = { ops: checkDriverOps(op), ref: -1 };
    this.#registrations.push(registration);
    return this.link.MidiRegisterDriver(name, version, (ref) => {
      this.#registrations.splice(this.#registrations.indexOf(registration), 1);
      if (ref >= 0 && registration.ref < 0) this.opened(ref, registration.ops);
    });
  }

  // ---- Close (spec §7.2, §7.4)

  /** Closes an application of this client; bad refnums, 0 and drivers do nothing. */
  MidiClose(refNum: number): void {
    const ref = toShort(refNum, "refNum");
    const rec = this.record(ref);
    if (rec === undefined || rec.isDriver) return;
    this.closeLocal(rec);
    this.link.MidiClose(ref);
  }

  /** Unregisters a driver of this client; its sleep callback runs while awake. */
  MidiUnregisterDriver(refNum: number): void {
    const ref = toShort(refNum, "refNum");
    const rec = this.record(ref);
    if (rec === undefined || !rec.isDriver) return;
    const isAwake = this.link.isAwake();
    this.closeLocal(rec);
    // Its sleep comes before what the others are told (spec §7.4).
    const sleep = rec.ops.sleep;
    if (isAwake && sleep !== undefined) this.safely(() => sleep(ref));
    this.link.MidiUnregisterDriver(ref);
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
    if (had !== (fn !== null)) this.link.MidiSetApplAlarm(ref, fn !== null);
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
    const cell = shiftCell(this.memory, rec.fifo);
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
    if (rec !== undefined) releaseCells(this.memory, rec.fifo);
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
      } else this.scheduleTask(cell, type, ref & 0x7f);
      return;
    }
    if (mode === 1) this.link.MidiSendIm(pool, cell);
    else this.link.MidiSend(pool, cell);
    this.memory.release(cell);
  }
}
