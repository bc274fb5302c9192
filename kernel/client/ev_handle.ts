/**
 * `MidiEv` handles (spec §1.4): a handle on the cells of one event or raw cell of a
 * client pool, in exactly one state, whose misuse throws a {@link MidiShareError}.
 *
 * Runs on the client's thread. Not real-time safe: handles are objects; the kernel's
 * per-event path never creates one.
 *
 * @module
 */

import { CELL_WORDS, type CellPool } from "../memory/cell_pool.ts";
import {
  B_CHAN,
  B_PORT,
  B_REFNUM,
  B_TYPE,
  CLASS_U,
  EVENT_CLASS,
  W_DATE,
} from "../memory/event_layout.ts";
import { MidiShareError } from "../api/errors.ts";
import { checkNumber, describe, toLong } from "../api/validators.ts";

/** An event or raw cell of a client pool. */
export interface MidiEv {
  /** Date, unsigned 32 bits; assignment stores `value >>> 0`. */
  date: number;
  /** Type 0..255; may change only within its storage class. */
  evType: number;
  /** Sender refnum 0..255; assignment stores `value & 0xFF`. */
  refNum: number;
  /** Port 0..255. */
  port: number;
  /** Channel 0..255 (0..15 meaningful). */
  chan: number;
  /** Free for the application; used by sequences. */
  link: MidiEv | null;
}

/** Handle state: owned by the application. */
export const ST_OWNED = 0;
/** Handle state: still in a receive FIFO (`MidiAvailEv`). */
export const ST_QUEUED = 1;
/** Handle state: a scheduled task or a ready DTask. */
export const ST_TASK = 2;
/** Handle state: a raw cell from `MidiNewCell`. */
export const ST_CELL = 3;
/** Handle state: dead. */
export const ST_DEAD = 4;

/** What a handle needs from the memory it lives in. */
export interface HandleHost {
  /** The client pool (read afresh: it is replaced when it grows). */
  readonly pool: CellPool;
  /** Application-level links, by cell. */
  readonly links: (MidiEv | null | undefined)[];
  /** Called after `evType` changed within a class, to move P slot values. */
  retyped(cell: number, from: number, to: number): void;
}

const STATE_NAMES = ["owned", "queued", "task", "raw cell", "dead"];

/** The implementation of {@link MidiEv}. */
export class EvHandle implements MidiEv {
  readonly #host: HandleHost;
  readonly #cell: number;
  #state: number;
  #wasTask = false;

  /** A handle on `cell` of `host` in `state` (one of `ST_*`). */
  constructor(host: HandleHost, cell: number, state: number) {
    this.#host = host;
    this.#cell = cell;
    this.#state = state;
  }

  /** The memory a handle belongs to (internal). */
  static hostOf(h: EvHandle): HandleHost {
    return h.#host;
  }

  /** The cell of a live handle (internal). */
  static cellOf(h: EvHandle): number {
    return h.#cell;
  }

  /** The state of a handle (internal). */
  static stateOf(h: EvHandle): number {
    return h.#state;
  }

  /** Whether a dead handle was a task that finished (internal). */
  static wasTask(h: EvHandle): boolean {
    return h.#wasTask;
  }

  /** Changes the state of a handle (internal). */
  static setState(h: EvHandle, state: number): void {
    if (h.#state === ST_TASK && state === ST_DEAD) h.#wasTask = true;
    h.#state = state;
  }

  /**
   * The cell of `e` if its state is in `allowed` (a bit mask of `1 << ST_*`), else the
   * error the spec gives for that misuse; `what` names the call.
   */
  static check(e: unknown, allowed: number, what: string): number {
    if (!(e instanceof EvHandle)) {
      throw new TypeError(
        `Cannot ${what}: expected a MidiEv or null, got ${describe(e)}`,
      );
    }
    const state = e.#state;
    if ((allowed & (1 << state)) !== 0) return e.#cell;
    if (state === ST_DEAD) {
      throw new MidiShareError(
        "DEAD",
        `Cannot ${what}: the event handle is dead`,
      );
    }
    const wantsCell = allowed === 1 << ST_CELL;
    if (wantsCell || state === ST_CELL) {
      throw new MidiShareError(
        "KIND",
        `Cannot ${what}: expected ${wantsCell ? "a raw cell" : "an event"}, ` +
          `got a ${STATE_NAMES[state]} handle`,
      );
    }
    throw new MidiShareError(
      "READONLY",
      `Cannot ${what}: the handle is ${STATE_NAMES[state]}`,
    );
  }

  #readCell(): number {
    if (this.#state === ST_DEAD) {
      throw new MidiShareError("DEAD", "Cannot read the event: handle is dead");
    }
    return this.#cell;
  }

  #writeCell(prop: string): number {
    if (this.#state === ST_OWNED || this.#state === ST_CELL) return this.#cell;
    if (this.#state === ST_DEAD) {
      throw new MidiShareError("DEAD", `Cannot set ${prop}: handle is dead`);
    }
    throw new MidiShareError(
      "READONLY",
      `Cannot set ${prop}: the handle is ${STATE_NAMES[this.#state]}`,
    );
  }

  #byte(offset: number): number {
    return this.#host.pool.bytes[this.#readCell() * CELL_WORDS * 4 + offset]!;
  }

  #setByte(offset: number, prop: string, value: unknown): void {
    const v = toLong(value, prop) & 0xff;
    this.#host.pool.bytes[this.#writeCell(prop) * CELL_WORDS * 4 + offset] = v;
  }

  get date(): number {
    return this.#host.pool.words[this.#readCell() * CELL_WORDS + W_DATE]! >>> 0;
  }

  set date(value: number) {
    const v = Math.trunc(checkNumber(value, "date")) | 0;
    this.#host.pool.words[this.#writeCell("date") * CELL_WORDS + W_DATE] = v;
  }

  get evType(): number {
    return this.#byte(B_TYPE);
  }

  set evType(value: number) {
    const cell = this.#writeCell("evType");
    const v = toLong(value, "evType");
    if (this.#state !== ST_CELL) {
      const from = this.#byte(B_TYPE);
      if (
        v < 0 || v > 255 || EVENT_CLASS[v] === CLASS_U ||
        EVENT_CLASS[v] !== EVENT_CLASS[from]
      ) {
        throw new MidiShareError(
          "KIND",
          `Cannot set evType to ${v}: type ${from} has another storage class`,
        );
      }
    }
    const from = this.#byte(B_TYPE);
    this.#host.pool.bytes[cell * CELL_WORDS * 4 + B_TYPE] = v & 0xff;
    if (this.#state !== ST_CELL) this.#host.retyped(cell, from, v);
  }

  get refNum(): number {
    return this.#byte(B_REFNUM);
  }

  set refNum(value: number) {
    this.#setByte(B_REFNUM, "refNum", value);
  }

  get port(): number {
    return this.#byte(B_PORT);
  }

  set port(value: number) {
    this.#setByte(B_PORT, "port", value);
  }

  get chan(): number {
    return this.#byte(B_CHAN);
  }

  set chan(value: number) {
    this.#setByte(B_CHAN, "chan", value);
  }

  get link(): MidiEv | null {
    return this.#host.links[this.#readCell()] ?? null;
  }

  set link(value: MidiEv | null) {
    const cell = this.#writeCell("link");
    if (value !== null && value !== undefined && !(value instanceof EvHandle)) {
      throw new TypeError(
        `Cannot set link: expected a MidiEv or null, got ${describe(value)}`,
      );
    }
    this.#host.links[cell] = value ?? null;
  }
}
