/**
 * The client-side calls that need no application: version, memory, events and
 * fields, sequences, mail boxes, port state and SMPTE conversions (spec §7.1, §7.7 to
 * §7.10, §7.14, §7.17). Base class of every MidiShare API object.
 *
 * Runs on the client's thread. Not real-time safe: handles are objects.
 *
 * @module
 */

import { type ClientMemory, isTaskType } from "./client_memory.ts";
import { MIDISHARE_VERSION } from "../api/constants.ts";
import { CLASS_P, EVENT_CLASS } from "../memory/event_layout.ts";
import { addField } from "../memory/event_bytes.ts";
import {
  EvHandle,
  type MidiEv,
  ST_CELL,
  ST_OWNED,
  ST_QUEUED,
  ST_TASK,
} from "./ev_handle.ts";
import { checkNumber, describe, toLong, toShort } from "../api/validators.ts";
import {
  addSeq,
  type ApplyProc,
  applySeq,
  checkSeq,
  clearSeq,
  freeSeq,
  type MidiSeq,
  newSeq,
} from "./sequence.ts";
import { smpte2Time, time2Smpte, type TSmpteLocation } from "../api/smpte.ts";

/** A mail box: a box object standing for `void**`. */
export interface MidiMailBox {
  /** The content; null when empty. */
  value: unknown;
}

/** Handle states allowed to read. */
export const READABLE = (1 << ST_OWNED) | (1 << ST_QUEUED) | (1 << ST_TASK);
/** Handle states allowed to write, free or send. */
export const WRITABLE = 1 << ST_OWNED;

/** The calls every MidiShare API object has; see the module documentation. */
export class EventCalls {
  /** The client's pool and handles. */
  protected readonly memory: ClientMemory;
  /** `MidiAddField` calls whose byte did not fit the pool (spec §3.4). */
  protected truncatedFields = 0;

  /** Creates the calls over a client's memory. */
  constructor(memory: ClientMemory) {
    this.memory = memory;
  }

  /**
   * The cell of a handle of this client in one of the `allowed` states, else the
   * error of spec §1.4; a handle of another client is a `TypeError`.
   */
  protected cellOf(e: unknown, allowed: number, what: string): number {
    const cell = EvHandle.check(e, allowed, what);
    if (EvHandle.hostOf(e as EvHandle) !== this.memory) {
      throw new TypeError(
        `Cannot ${what}: the event belongs to another MidiShare client`,
      );
    }
    return cell;
  }

  /**
   * The version of MidiShare: 195.
   * @see spec §7.1
   */
  MidiGetVersion(): number {
    return MIDISHARE_VERSION;
  }

  // ---- Port state (obsolete, spec §7.7)

  /** Always true (obsolete since 1.80). */
  MidiGetPortState(port: number): boolean {
    toShort(port, "port");
    return true;
  }

  /** Does nothing (obsolete since 1.80). */
  MidiSetPortState(port: number, state: boolean): void {
    toShort(port, "port");
    void state;
  }

  // ---- Memory (spec §7.8)

  /**
   * Cells of the pool: allocated while active, promised while inactive.
   * @see spec §7.8
   */
  MidiTotalSpace(): number {
    return this.memory.totalSpace();
  }

  /** Free cells of the pool (the promised size while inactive). */
  MidiFreeSpace(): number {
    return this.memory.freeSpace();
  }

  /**
   * Adds `n` cells to the pool (to the promised size while inactive).
   * @returns how many were added; 0 for n ≤ 0
   */
  MidiGrowSpace(n: number): number {
    return this.memory.grow(toLong(n, "n"));
  }

  /** A raw cell with its six common properties zeroed, or null. */
  MidiNewCell(): MidiEv | null {
    return this.memory.newCell();
  }

  /** Frees a raw cell; null does nothing; an event throws `KIND`. */
  MidiFreeCell(c: MidiEv | null): void {
    if (c === null || c === undefined) return;
    this.memory.releaseCell(this.cellOf(c, 1 << ST_CELL, "free a cell"));
  }

  // ---- Events (spec §7.9)

  /**
   * A new event of type `typeNum` with the defaults of spec §3.1.
   * @returns null for 152..254, numbers outside 0..255, no cells, inactive pool
   */
  MidiNewEv(typeNum: number): MidiEv | null {
    const t = toShort(typeNum, "typeNum");
    if (t < 0 || t > 255) return null;
    return this.memory.newEvent(t);
  }

  /** A deep copy owned by the caller, link null; null for null or missing cells. */
  MidiCopyEv(e: MidiEv | null): MidiEv | null {
    if (e === null || e === undefined) return null;
    return this.memory.copy(this.cellOf(e, READABLE, "copy the event"));
  }

  /** Frees an owned event; the handle becomes dead. */
  MidiFreeEv(e: MidiEv | null): void {
    if (e === null || e === undefined) return;
    this.memory.release(this.cellOf(e, WRITABLE, "free the event"));
  }

  /**
   * Writes field `f`, truncated to its width; a bad index writes nothing. Task types
   * (128, 129, 255) take any value, others a number.
   * @see spec §3.3, §3.4
   */
  MidiSetField(e: MidiEv | null, f: number, v: unknown): void {
    if (e === null || e === undefined) return;
    const cell = this.cellOf(e, WRITABLE, "set a field");
    const index = toLong(f, "f");
    const type = this.memory.typeOf(cell);
    if (isTaskType(type)) this.memory.setField(cell, index, v);
    else this.memory.setField(cell, index, toLong(checkField(v, type), "v"));
  }

  /** Reads field `f`; 0 for a bad index or null. */
  MidiGetField(e: MidiEv | null, f: number): number {
    if (e === null || e === undefined) return 0;
    const cell = this.cellOf(e, READABLE, "get a field");
    return this.memory.getField(cell, toLong(f, "f")) as number;
  }

  /** The number of fields; 0 for null. */
  MidiCountFields(e: MidiEv | null): number {
    if (e === null || e === undefined) return 0;
    return this.memory.countFields(this.cellOf(e, READABLE, "count fields"));
  }

  /** Appends a byte to a variable-length event; silently not added without cells. */
  MidiAddField(e: MidiEv | null, v: number): void {
    if (e === null || e === undefined) return;
    const cell = this.cellOf(e, WRITABLE, "add a field");
    if (!addField(this.memory.pool, cell, toLong(v, "v"))) {
      this.truncatedFields++;
      this.lossesChanged(-1);
    }
  }

  /**
   * A loss was counted: a copy for `refNum` that did not fit the pool, or (−1) a
   * truncated `MidiAddField`. Subclasses report it to the server.
   */
  protected lossesChanged(_refNum: number): void {}

  // ---- Sequences (spec §7.10)

  /** An empty sequence (one cell), or null. */
  MidiNewSeq(): MidiSeq | null {
    return newSeq(this.memory);
  }

  /** Inserts an owned event in date order, after events of the same date. */
  MidiAddSeq(s: MidiSeq | null, e: MidiEv | null): void {
    const seq = checkSeq(s, "add to a sequence");
    if (seq === null || e === null || e === undefined) return;
    this.cellOf(e, WRITABLE, "add an event to a sequence");
    addSeq(seq, e as EvHandle);
  }

  /** Frees the events and the header; the sequence becomes dead. */
  MidiFreeSeq(s: MidiSeq | null): void {
    const seq = checkSeq(s, "free the sequence");
    if (seq !== null) freeSeq(this.memory, seq);
  }

  /** Frees every event of the sequence. */
  MidiClearSeq(s: MidiSeq | null): void {
    const seq = checkSeq(s, "clear the sequence");
    if (seq !== null) clearSeq(this.memory, seq);
  }

  /** Calls `proc` on each event in order; `proc` may free the current event. */
  MidiApplySeq(s: MidiSeq | null, proc: ApplyProc | null): void {
    const seq = checkSeq(s, "apply to the sequence");
    if (seq === null || proc === null || proc === undefined) return;
    if (typeof proc !== "function") {
      throw new TypeError(
        `Cannot apply to the sequence: expected a function, got ${
          describe(proc)
        }`,
      );
    }
    applySeq(seq, proc);
  }

  // ---- Mail boxes (spec §7.14)

  /** Returns the content of the box and empties it. */
  MidiReadSync(box: MidiMailBox): unknown {
    const b = checkBox(box);
    const value = b.value;
    b.value = null;
    return value;
  }

  /** Stores `val` only into an empty box; returns what the box held before. */
  MidiWriteSync(box: MidiMailBox, val: unknown): unknown {
    const b = checkBox(box);
    const previous = b.value;
    if (previous === null || previous === undefined) b.value = val;
    return previous;
  }

  // ---- SMPTE (spec §7.17)

  /**
   * The SMPTE location of a time in ms.
   * @throws {RangeError} for a format outside 0..3
   */
  MidiTime2Smpte(time: number, format: number): TSmpteLocation {
    return time2Smpte(
      toLong(time, "time") >>> 0,
      toShort(format, "format"),
    );
  }

  /**
   * The time in ms of a SMPTE location.
   * @throws {RangeError} for a format outside 0..3
   */
  MidiSmpte2Time(loc: TSmpteLocation): number {
    if (typeof loc !== "object" || loc === null) {
      throw new TypeError(
        `Invalid argument "loc": expected a TSmpteLocation, got ${
          describe(loc)
        }`,
      );
    }
    return smpte2Time({
      format: toShort(loc.format, "loc.format"),
      hours: toLong(loc.hours, "loc.hours"),
      minutes: toLong(loc.minutes, "loc.minutes"),
      seconds: toLong(loc.seconds, "loc.seconds"),
      frames: toLong(loc.frames, "loc.frames"),
      fracs: toLong(loc.fracs, "loc.fracs"),
    });
  }
}

/** Private event fields must be numbers (spec §3.4); other types go through toLong. */
function checkField(v: unknown, type: number): unknown {
  if (EVENT_CLASS[type] === CLASS_P) checkNumber(v, "v");
  return v;
}

function checkBox(box: unknown): MidiMailBox {
  if (typeof box !== "object" || box === null) {
    throw new TypeError(
      `Invalid argument "box": expected an object, got ${describe(box)}`,
    );
  }
  return box as MidiMailBox;
}
