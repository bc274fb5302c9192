/**
 * The client-side task calls: scheduling tasks and deferred tasks, forgetting them,
 * and running the ready DTasks (spec §7.15); tasks run in the client that scheduled
 * them, when the kernel's notification that their date came arrives.
 *
 * Runs on the client's thread. Running a task is real-time safe apart from its
 * function; scheduling allocates a handle.
 *
 * @module
 */

import { typeDProcess, typeProcess } from "../api/constants.ts";
import { MidiShareError } from "../api/errors.ts";
import { describe, toDate, toShort } from "../api/validators.ts";
import { CELL_WORDS, NIL } from "../memory/cell_pool.ts";
import { B_REFNUM, W_DATE } from "../memory/event_layout.ts";
import { eventRefNum } from "../memory/event_header.ts";
import { releaseCells, shiftCell, unlinkCell } from "./cell_list.ts";
import { TASK_NOWHERE, TASK_READY, TASK_SCHEDULED } from "./client_tasks.ts";
import { EvHandle, type MidiEv, ST_DEAD, ST_TASK } from "./ev_handle.ts";
import { FilterCalls } from "./filter_calls.ts";

/** A box standing for `MidiEvPtr*`. */
export interface MidiEvRef {
  /** A task handle, or null. */
  value: MidiEv | null;
}

/** A task callback. */
export type Task = (
  date: number,
  refNum: number,
  a1: unknown,
  a2: unknown,
  a3: unknown,
) => void;

/** The task calls of a client; see the module documentation. */
export class TaskCalls<IsAsync extends boolean = boolean>
  extends FilterCalls<IsAsync> {
  /** Cell of the task whose function runs now (NIL outside tasks). */
  #runningCell = NIL;

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
    a1: unknown,
    a2: unknown,
    a3: unknown,
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
    // Three parameters, not a rest array: no allocation per task.
    this.memory.setField(cell, 1, a1);
    this.memory.setField(cell, 2, a2);
    this.memory.setField(cell, 3, a3);
    const pool = this.memory.pool;
    pool.words[cell * CELL_WORDS + W_DATE] = d;
    pool.bytes[cell * CELL_WORDS * 4 + B_REFNUM] = ref;
    this.scheduleTask(cell, type, ref);
    return e;
  }

  /** Turns an owned task event into a scheduled task handle. */
  protected scheduleTask(cell: number, type: number, ref: number): void {
    const serial = this.tasks.add(cell);
    this.memory.handle(cell, ST_TASK);
    const date = this.memory.pool.words[cell * CELL_WORDS + W_DATE]!;
    this.link.MidiTask(type, ref, date >>> 0, cell, serial);
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
      const where = this.tasks.whereIs(cell);
      if (where === TASK_SCHEDULED) this.tasks.remove(cell);
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
    const cell = shiftCell(this.memory, rec.dtasks);
    if (cell === NIL) return;
    this.tasks.setWhere(cell, TASK_NOWHERE);
    const date = this.memory.pool.words[cell * CELL_WORDS + W_DATE]! >>> 0;
    this.runTask(cell, date);
  }

  /** Discards the ready DTasks; DTasks not yet due stay scheduled. */
  MidiFlushDTasks(refNum: number): void {
    const rec = this.record(toShort(refNum, "refNum"));
    if (rec !== undefined) releaseCells(this.memory, rec.dtasks);
  }

  /** Calls a task's function if it has one, then frees the task event (spec §7.15). */
  protected runTask(cell: number, date: number): void {
    // Slot by slot, and no closure: a task runs every millisecond in some clients.
    const m = this.memory, fn = m.taskSlot(cell, 0);
    const ref = eventRefNum(m.pool, cell) & 0x7f;
    const outer = this.#runningCell;
    this.#runningCell = cell;
    try {
      if (typeof fn === "function") {
        (fn as Task)(
          date,
          ref,
          m.taskSlot(cell, 1),
          m.taskSlot(cell, 2),
          m.taskSlot(cell, 3),
        );
      }
    } catch (error) {
      this.reportError(error);
    } finally {
      this.#runningCell = outer;
      this.memory.release(cell);
    }
  }

  /** Whether `cell` is still the scheduled task of `ref` with `serial`. */
  protected isTask(ref: number, cell: number, serial: number): boolean {
    if (this.record(ref) === undefined || !this.memory.isActive) return false;
    if (cell <= 0 || cell > this.memory.pool.capacity) return false;
    const type = this.memory.typeOf(cell);
    if (type !== typeProcess && type !== typeDProcess) return false;
    return this.tasks.isScheduled(cell, serial) &&
      (eventRefNum(this.memory.pool, cell) & 0x7f) === ref;
  }

  #unlinkDTask(cell: number): void {
    const rec = this.record(eventRefNum(this.memory.pool, cell) & 0x7f);
    if (rec === undefined) return;
    unlinkCell(this.memory, rec.dtasks, cell);
  }
}
