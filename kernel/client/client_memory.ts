/**
 * The memory of one client (spec §4.2, §7.8, §7.9): its cell pool, its activation,
 * the handles on its cells, and the JavaScript values that task events hold.
 *
 * Runs on the client's thread. Allocation of cells is real-time safe; creating a
 * handle allocates one object.
 *
 * @module
 */

import {
  CELL_WORDS,
  type CellPool,
  createCellPool,
  NIL,
} from "../memory/cell_pool.ts";
import {
  DEFAULT_POOL_CELLS,
  typeDead,
  typeDProcess,
  typeProcess,
} from "../api/constants.ts";
import {
  B_TYPE,
  CLASS_P,
  EVENT_CLASS,
  W_INFO,
  W_LINK,
} from "../memory/event_layout.ts";
import { eventType } from "../memory/event_header.ts";
import {
  copyEvent,
  countFields,
  freeEvent,
  getField,
  newEvent,
  setField,
} from "../memory/event_store.ts";
import {
  EvHandle,
  type HandleHost,
  type MidiEv,
  ST_CELL,
  ST_DEAD,
  ST_OWNED,
} from "./ev_handle.ts";

/** Something a pool deactivation must kill (sequence headers). */
export interface Killable {
  /** Makes the object dead. */
  kill(): void;
}

/** Options of a client's memory. */
export interface ClientMemoryOptions {
  /** Cells of the pool at activation; default 15 000. */
  poolCellCount?: number;
  /** Upper bound of `MidiGrowSpace`; default 4 194 304 cells. */
  maxCellCount?: number;
}

/** Whether `type` is a task type whose slots hold JavaScript values. */
export function isTaskType(type: number): boolean {
  return type === typeProcess || type === typeDProcess || type === typeDead;
}

/** A client's pool and handles. */
export class ClientMemory implements HandleHost {
  #pool: CellPool;
  #isActive = false;
  #epoch = 0;
  #futureSize: number;
  readonly #maxCellCount: number;
  readonly links: (MidiEv | null | undefined)[] = [];
  readonly #handles: (EvHandle | Killable | undefined)[] = [];
  readonly #values: unknown[] = [];

  /** Creates an inactive memory of the promised size. */
  constructor(options: ClientMemoryOptions = {}) {
    this.#futureSize = options.poolCellCount ?? DEFAULT_POOL_CELLS;
    this.#maxCellCount = options.maxCellCount ?? 4_194_304;
    this.#pool = createCellPool({
      cellCount: this.#futureSize,
      maxCellCount: this.#maxCellCount,
    });
  }

  /** The pool; replaced when it grows, so read it afresh. */
  get pool(): CellPool {
    return this.#pool;
  }

  /** Whether the pool is active (the client has an application or driver open). */
  get isActive(): boolean {
    return this.#isActive;
  }

  /** Changes at every deactivation: cells numbered before belong to the past. */
  get epoch(): number {
    return this.#epoch;
  }

  /** Activates the pool at the size it was promised. */
  activate(): void {
    if (this.#isActive) return;
    const missing = this.#futureSize - this.#pool.capacity;
    if (missing > 0) this.#pool.grow(missing);
    this.#futureSize = this.#pool.capacity;
    this.#isActive = true;
  }

  /** Deactivates the pool: every cell is freed and every handle dies. */
  deactivate(): void {
    if (!this.#isActive) return;
    for (let cell = 0; cell < this.#handles.length; cell++) this.#kill(cell);
    this.links.length = 0;
    this.#values.length = 0;
    this.#pool.reset();
    this.#isActive = false;
    this.#epoch++;
  }

  /** `MidiTotalSpace`. */
  totalSpace(): number {
    return this.#isActive ? this.#pool.capacity : this.#futureSize;
  }

  /** `MidiFreeSpace`. */
  freeSpace(): number {
    return this.#isActive ? this.#pool.freeCount : this.#futureSize;
  }

  /** `MidiGrowSpace` on a normalized count. */
  grow(count: number): number {
    if (count <= 0) return 0;
    if (!this.#isActive) {
      // Promise no more than the pool will be able to take at activation.
      const added = Math.min(count, this.#maxCellCount - this.#futureSize);
      if (added <= 0) return 0;
      this.#futureSize += added;
      return added;
    }
    const added = this.#pool.grow(count);
    this.#futureSize = this.#pool.capacity;
    return added;
  }

  // ---- Events and cells

  /** A new owned event of `type`, or null (reserved type, no cells, inactive). */
  newEvent(type: number): EvHandle | null {
    if (!this.#isActive) return null;
    const cell = newEvent(this.#pool, type);
    if (cell === NIL) return null;
    if (isTaskType(type)) this.#clearValues(cell, 0);
    return this.handle(cell, ST_OWNED);
  }

  /** A new raw cell, or null. */
  newCell(): EvHandle | null {
    if (!this.#isActive) return null;
    const cell = this.#pool.alloc();
    if (cell === NIL) return null;
    this.#pool.words.fill(0, cell * CELL_WORDS, (cell + 1) * CELL_WORDS);
    return this.handle(cell, ST_CELL);
  }

  /** An owned deep copy of the event in `cell`, link null, or null. */
  copy(cell: number): EvHandle | null {
    if (!this.#isActive) return null;
    const copy = copyEvent(this.#pool, cell, this.#pool);
    if (copy === NIL) return null;
    if (isTaskType(eventType(this.#pool, cell))) {
      for (let i = 0; i < 4; i++) {
        this.#values[copy * 4 + i] = this.#values[cell * 4 + i];
      }
    }
    return this.handle(copy, ST_OWNED);
  }

  /** The handle of `cell` (created if needed), put in `state`. */
  handle(cell: number, state: number): EvHandle {
    const known = this.#handles[cell];
    if (known instanceof EvHandle) {
      EvHandle.setState(known, state);
      return known;
    }
    const h = new EvHandle(this, cell, state);
    this.#handles[cell] = h;
    this.links[cell] = null;
    return h;
  }

  /** Remembers a sequence header so that deactivation kills it. */
  track(cell: number, owner: Killable): void {
    this.#handles[cell] = owner;
  }

  /** Frees an event and kills its handle. */
  release(cell: number): void {
    this.#kill(cell);
    if (isTaskType(eventType(this.#pool, cell))) this.#clearValues(cell);
    freeEvent(this.#pool, cell);
  }

  /** Frees a raw cell or sequence header and kills its handle. */
  releaseCell(cell: number): void {
    this.#kill(cell);
    this.#pool.free(cell);
  }

  // ---- Fields (spec §3.3, §3.4) on a checked cell and normalized index

  /** `MidiGetField`. */
  getField(cell: number, index: number): unknown {
    if (isTaskType(eventType(this.#pool, cell))) {
      return index >= 0 && index < 4 ? this.#values[cell * 4 + index] : 0;
    }
    return getField(this.#pool, cell, index);
  }

  /** `MidiSetField`; task slots take any value, other fields a number. */
  setField(cell: number, index: number, value: unknown): void {
    if (isTaskType(eventType(this.#pool, cell))) {
      if (index >= 0 && index < 4) this.#values[cell * 4 + index] = value;
      return;
    }
    setField(this.#pool, cell, index, value as number);
  }

  /** `MidiCountFields`. */
  countFields(cell: number): number {
    return countFields(this.#pool, cell);
  }

  /** Moves P slot contents when `evType` changes between private and task types. */
  retyped(cell: number, from: number, to: number): void {
    if (EVENT_CLASS[to] !== CLASS_P || isTaskType(from) === isTaskType(to)) {
      return;
    }
    const w = this.#pool.words;
    const slots = w[cell * CELL_WORDS + W_INFO]! * CELL_WORDS + 1;
    for (let i = 0; i < 4; i++) {
      if (isTaskType(to)) {
        this.#values[cell * 4 + i] = w[slots + i];
      } else {
        const v = this.#values[cell * 4 + i];
        w[slots + i] = typeof v === "number" ? v | 0 : 0;
      }
    }
    if (!isTaskType(to)) this.#clearValues(cell);
  }

  /** The type of the event in `cell`. */
  typeOf(cell: number): number {
    return this.#pool.bytes[cell * CELL_WORDS * 4 + B_TYPE]!;
  }

  /** The internal link of `cell` (FIFO and lists). */
  nextOf(cell: number): number {
    return this.#pool.words[cell * CELL_WORDS + W_LINK]!;
  }

  /** Sets the internal link of `cell`. */
  setNext(cell: number, next: number): void {
    this.#pool.words[cell * CELL_WORDS + W_LINK] = next;
  }

  /** A task slot value of `cell`: 0 its function, 1 to 3 its arguments. */
  taskSlot(cell: number, slot: number): unknown {
    return this.#values[cell * 4 + slot];
  }

  #clearValues(cell: number, value?: number): void {
    for (let i = 0; i < 4; i++) this.#values[cell * 4 + i] = value;
  }

  #kill(cell: number): void {
    const h = this.#handles[cell];
    if (h === undefined) return;
    this.#handles[cell] = undefined;
    this.links[cell] = undefined;
    if (h instanceof EvHandle) EvHandle.setState(h, ST_DEAD);
    else h.kill();
  }
}
