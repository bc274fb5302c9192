/**
 * Sequences (spec §7.10): singly linked lists of owned events through `link`, kept in
 * non-decreasing date order, with a header that costs one cell.
 *
 * Runs on the client's thread. Not real-time safe: sequences are application-level
 * structures of handles.
 *
 * @module
 */

import { NIL } from "../memory/cell_pool.ts";
import type { ClientMemory, Killable } from "./client_memory.ts";
import { EvHandle, type MidiEv, ST_OWNED } from "./ev_handle.ts";
import { MidiShareError } from "../api/errors.ts";
import { describe } from "../api/validators.ts";

/** A sequence. */
export interface MidiSeq {
  /** First event, or null when empty. */
  first: MidiEv | null;
  /** Last event, or null when empty. */
  last: MidiEv | null;
}

/** The implementation of {@link MidiSeq}. */
export class SeqHandle implements MidiSeq, Killable {
  readonly #cell: number;
  #first: MidiEv | null = null;
  #last: MidiEv | null = null;
  #isDead = false;

  constructor(cell: number) {
    this.#cell = cell;
  }

  /** The header cell of a live sequence (internal), or a `DEAD` error. */
  static cellOf(s: SeqHandle): number {
    s.#alive();
    return s.#cell;
  }

  kill(): void {
    this.#isDead = true;
    this.#first = this.#last = null;
  }

  #alive(): void {
    if (this.#isDead) {
      throw new MidiShareError("DEAD", "Cannot use the sequence: it was freed");
    }
  }

  get first(): MidiEv | null {
    this.#alive();
    return this.#first;
  }

  set first(value: MidiEv | null) {
    this.#alive();
    this.#first = checkEvOrNull(value, "first");
  }

  get last(): MidiEv | null {
    this.#alive();
    return this.#last;
  }

  set last(value: MidiEv | null) {
    this.#alive();
    this.#last = checkEvOrNull(value, "last");
  }
}

function checkEvOrNull(value: unknown, what: string): MidiEv | null {
  if (value === null || value === undefined) return null;
  if (value instanceof EvHandle) return value;
  throw new TypeError(
    `Cannot set ${what}: expected a MidiEv or null, got ${describe(value)}`,
  );
}

/** A `MidiSeq` argument: a live sequence or null, else an error. */
export function checkSeq(s: unknown, what: string): SeqHandle | null {
  if (s === null || s === undefined) return null;
  if (!(s instanceof SeqHandle)) {
    throw new TypeError(
      `Cannot ${what}: expected a MidiSeq or null, got ${describe(s)}`,
    );
  }
  SeqHandle.cellOf(s);
  return s;
}

/** `MidiNewSeq`: an empty sequence, or null when no cell is left. */
export function newSeq(memory: ClientMemory): MidiSeq | null {
  if (!memory.isActive) return null;
  const cell = memory.pool.alloc();
  if (cell === NIL) return null;
  const seq = new SeqHandle(cell);
  memory.track(cell, seq);
  return seq;
}

/**
 * `MidiAddSeq`: inserts `e` keeping dates non-decreasing (unsigned), after the events
 * of the same date.
 */
export function addSeq(seq: SeqHandle, e: EvHandle): void {
  EvHandle.check(e, 1 << ST_OWNED, "add an event to a sequence");
  const date = e.date;
  const first = seq.first, last = seq.last;
  if (first === null || last === null) {
    e.link = null;
    seq.first = seq.last = e;
  } else if (date < first.date) {
    e.link = first;
    seq.first = e;
  } else if (date >= last.date) {
    e.link = null;
    last.link = e;
    seq.last = e;
  } else {
    let prev = first;
    let next = prev.link;
    while (next !== null && next.date <= date) {
      prev = next;
      next = next.link;
    }
    e.link = next;
    prev.link = e;
  }
}

/** `MidiClearSeq`: frees every event from `first` along the links. */
export function clearSeq(memory: ClientMemory, seq: SeqHandle): void {
  let e = seq.first;
  seq.first = seq.last = null;
  while (e !== null) {
    const cell = EvHandle.check(e, 1 << ST_OWNED, "free a sequence event");
    const next = e.link;
    memory.release(cell);
    e = next;
  }
}

/** `MidiFreeSeq`: clears, then frees the header; the sequence becomes dead. */
export function freeSeq(memory: ClientMemory, seq: SeqHandle): void {
  clearSeq(memory, seq);
  memory.releaseCell(SeqHandle.cellOf(seq));
}

/** The function `MidiApplySeq` calls on each event. */
export type ApplyProc = (e: MidiEv) => void;

/** `MidiApplySeq`: calls `proc` on each event, reading the successor first. */
export function applySeq(seq: SeqHandle, proc: ApplyProc): void {
  let e = seq.first;
  while (e !== null) {
    const next = e.link;
    proc(e);
    e = next;
  }
}
