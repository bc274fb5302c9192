/**
 * The applications and drivers a client opened, by refnum, with its link to the
 * server: the base layer of the per-application calls, and the hooks the layers
 * above and the server calls of subclasses use.
 *
 * Runs on the client's thread. Not real-time safe: opening and closing allocate.
 *
 * @module
 */

import type { TDriverOperation } from "../api/types.ts";
import { REFNUM_COUNT } from "../api/constants.ts";
import { CELL_WORDS, type CellPool, NIL } from "../memory/cell_pool.ts";
import { B_REFNUM } from "../memory/event_layout.ts";
import { ApplRecord } from "./appl_record.ts";
import { releaseCells, shiftCell } from "./cell_list.ts";
import type { ClientMemory } from "./client_memory.ts";
import { ScheduledTasks } from "./client_tasks.ts";
import { EventCalls } from "./event_calls.ts";
import { FilterHandle } from "./filter_handle.ts";
import type { ServerPort } from "./gen/server_port_gen.ts";

/** The server's state a client mirrors and reads without asking (spec §7.1). */
export interface MirroredState {
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
 * What the client-side calls need from the server side: its calls, in call order
 * (answered with a Promise when `IsAsync`), and its mirrored state.
 */
export type ServerLink<IsAsync extends boolean> =
  & ServerPort<IsAsync>
  & MirroredState;

/** The records of what a client opened; see the module documentation. */
export class ApplRegistry<IsAsync extends boolean = boolean>
  extends EventCalls {
  /** The server side. */
  protected readonly link: ServerLink<IsAsync>;
  /** The client's scheduled tasks, of every application it opened. */
  protected readonly tasks: ScheduledTasks;
  readonly #records: (ApplRecord | undefined)[] = new Array(REFNUM_COUNT);
  readonly #reportError: (error: unknown) => void;

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
    super(memory);
    this.link = link;
    this.#reportError = reportError;
    this.tasks = new ScheduledTasks(() => this.memory.pool);
  }

  /** Records an application or driver the server opened for this client. */
  protected opened(refNum: number, ops?: TDriverOperation): void {
    this.memory.activate();
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
    for (const rec of closed) this.closeLocal(rec);
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
      let cell = shiftCell(this.memory, rec.fifo);
      cell !== NIL;
      cell = shiftCell(this.memory, rec.fifo)
    ) {
      visit(this.memory.pool, cell);
      this.memory.release(cell);
    }
  }

  /** Whether this client has an application or driver open. */
  protected hasRecords(): boolean {
    return this.#records.some((r) => r !== undefined);
  }

  /** Reports an error a callback threw, as {@link safely} does. */
  protected reportError(error: unknown): void {
    this.#reportError(error);
  }

  /** Runs a callback; an exception is reported and swallowed (spec §1.5). */
  protected safely(call: () => void): void {
    try {
      call();
    } catch (error) {
      this.#reportError(error);
    }
  }

  /**
   * Forgets an application or driver on this side: frees its waiting events, DTasks
   * and scheduled tasks, uninstalls its filter; the last one deactivates the pool.
   */
  protected closeLocal(rec: ApplRecord): void {
    const ref = rec.refNum;
    releaseCells(this.memory, rec.fifo);
    releaseCells(this.memory, rec.dtasks);
    const pool = this.memory.pool;
    for (
      const cell of this.tasks.takeAll((c) =>
        (pool.bytes[c * CELL_WORDS * 4 + B_REFNUM]! & 0x7f) === ref
      )
    ) this.memory.release(cell);
    if (rec.filter !== null) FilterHandle.setInstalled(rec.filter, ref, false);
    this.#records[ref] = undefined;
    if (this.#records.every((r) => r === undefined)) {
      this.tasks.reset();
      this.memory.deactivate();
    }
  }
}
