/**
 * Cell-pool memory: fixed-size cells in one buffer, with a free list.
 *
 * Runs wherever a pool is used: the client pools live on one thread; the server
 * pool is shared by the listening and kernel workers, so its free list is guarded
 * by a spin lock held for a few instructions. Real-time safe: `alloc`, `free` and
 * `freeChain` allocate no JavaScript objects and never throw; `grow` allocates.
 *
 * Layout of the buffer, in 32-bit words (a cell is {@link CELL_WORDS} words):
 *
 * | cell | word | meaning |
 * | --- | --- | --- |
 * | 0 | 0 | spin lock (shared pools) |
 * | 0 | 1 | head of the free list, 0 when empty |
 * | 0 | 2 | cells in use |
 * | 0 | 3 | next never-used cell (cells above it were never touched) |
 * | 0 | 4 | capacity: usable cells, numbered 1..capacity |
 * | 0 | 5..7 | cursor of indexed access to long events (see `_ext_cursor.ts`) |
 * | 1.. | 0 | link: next cell of the free list or of any chain |
 *
 * Cell 0 is the header, so the index 0 means nil everywhere.
 *
 * @module
 */

/** Words per cell: 8 words, 32 bytes (one accounting unit of spec §3.2). */
export const CELL_WORDS = 8;
/** Bytes per cell. */
export const CELL_BYTES = CELL_WORDS * 4;
/** The nil cell index. */
export const NIL = 0;

const H_LOCK = 0;
const H_FREE_HEAD = 1;
const H_USED = 2;
const H_BUMP = 3;
const H_CAPACITY = 4;
/** Header word: V event whose extension chain the cursor points into, or nil. */
export const H_CURSOR_HEAD = 5;
/** Header word: ordinal of the cursor's extension cell. */
export const H_CURSOR_ORDINAL = 6;
/** Header word: the cursor's extension cell. */
export const H_CURSOR_EXT = 7;

/** Options of {@link createCellPool}. */
export interface CellPoolOptions {
  /** Usable cells at creation. */
  cellCount: number;
  /** Upper bound for {@link CellPool.grow}; defaults to 4 194 304 cells. */
  maxCellCount?: number;
  /** Put the pool in a `SharedArrayBuffer` usable from several workers (fixed size). */
  shared?: boolean;
}

/** A pool of cells; see the module documentation for the layout. */
export interface CellPool {
  /** The words of every cell; replaced when a private pool grows, so read it afresh. */
  readonly words: Int32Array;
  /** The same memory as bytes. */
  readonly bytes: Uint8Array;
  /** The underlying buffer, to hand a shared pool to another worker. */
  readonly buffer: ArrayBufferLike;
  /** Usable cells (the accounting total of `MidiTotalSpace`). */
  readonly capacity: number;
  /** Cells in use. */
  readonly used: number;
  /** Free cells (`MidiFreeSpace`). */
  readonly freeCount: number;
  /** One cell with its link cleared, or {@link NIL} when the pool is exhausted. */
  alloc(): number;
  /**
   * A chain of `count` cells linked through word 0, the last linking to nil;
   * all or nothing: {@link NIL} when fewer are free.
   */
  allocChain(count: number): number;
  /** Returns one cell. */
  free(cell: number): void;
  /** Returns every cell of a chain linked through word 0. */
  freeChain(head: number): void;
  /**
   * Adds up to `cellCount` cells and returns how many were added; 0 for a shared pool
   * or at the upper bound. Not real-time safe: allocates.
   */
  grow(cellCount: number): number;
  /** Frees every cell at once (pool deactivation). */
  reset(): void;
}

/** Creates a cell pool. Not real-time safe: allocates its buffer. */
export function createCellPool(options: CellPoolOptions): CellPool {
  return new CellPoolImpl(options);
}

/** Wraps a shared pool buffer created by another worker. */
export function attachCellPool(buffer: SharedArrayBuffer): CellPool {
  return new CellPoolImpl({ cellCount: 0, shared: true }, buffer);
}

class CellPoolImpl implements CellPool {
  words: Int32Array;
  bytes: Uint8Array;
  buffer: ArrayBufferLike;
  readonly #isShared: boolean;
  readonly #maxCellCount: number;

  constructor(options: CellPoolOptions, attach?: SharedArrayBuffer) {
    const count = Math.max(0, Math.trunc(options.cellCount));
    this.#isShared = options.shared === true;
    this.#maxCellCount = options.maxCellCount ?? 4_194_304;
    const byteLength = (count + 1) * CELL_BYTES;
    this.buffer = attach ??
      (this.#isShared
        ? new SharedArrayBuffer(byteLength)
        : new ArrayBuffer(byteLength));
    this.words = new Int32Array(this.buffer);
    this.bytes = new Uint8Array(this.buffer);
    if (attach === undefined) {
      this.words[H_CAPACITY] = count;
      this.words[H_BUMP] = 1;
    }
  }

  get capacity(): number {
    return this.words[H_CAPACITY]!;
  }

  get used(): number {
    return this.words[H_USED]!;
  }

  get freeCount(): number {
    const w = this.words;
    return w[H_CAPACITY]! - w[H_USED]!;
  }

  alloc(): number {
    this.#lock();
    const cell = this.#take();
    this.#unlock();
    return cell;
  }

  allocChain(count: number): number {
    this.#lock();
    const w = this.words;
    if (count <= 0 || w[H_CAPACITY]! - w[H_USED]! < count) {
      this.#unlock();
      return NIL;
    }
    let head = NIL;
    for (let i = 0; i < count; i++) {
      const cell = this.#take();
      w[cell * CELL_WORDS] = head;
      head = cell;
    }
    this.#unlock();
    return head;
  }

  free(cell: number): void {
    this.#lock();
    this.#give(cell);
    this.#unlock();
  }

  freeChain(head: number): void {
    this.#lock();
    const w = this.words;
    let cell = head;
    while (cell !== NIL) {
      const next = w[cell * CELL_WORDS]!;
      this.#give(cell);
      cell = next;
    }
    this.#unlock();
  }

  grow(cellCount: number): number {
    const want = Math.trunc(cellCount);
    if (this.#isShared || !(want > 0)) return 0;
    const capacity = this.capacity;
    const added = Math.min(want, this.#maxCellCount - capacity);
    if (added <= 0) return 0;
    let buffer: ArrayBuffer;
    try {
      buffer = new ArrayBuffer((capacity + added + 1) * CELL_BYTES);
    } catch {
      // The engine refused the memory: report that nothing was added.
      return 0;
    }
    new Uint8Array(buffer).set(this.bytes);
    this.buffer = buffer;
    this.words = new Int32Array(buffer);
    this.bytes = new Uint8Array(buffer);
    this.words[H_CAPACITY] = capacity + added;
    return added;
  }

  reset(): void {
    this.#lock();
    const w = this.words;
    w[H_FREE_HEAD] = NIL;
    w[H_USED] = 0;
    w[H_BUMP] = 1;
    w[H_CURSOR_HEAD] = NIL;
    this.#unlock();
  }

  /** Pops a free cell; caller holds the lock. */
  #take(): number {
    const w = this.words;
    let cell = w[H_FREE_HEAD]!;
    if (cell !== NIL) {
      w[H_FREE_HEAD] = w[cell * CELL_WORDS]!;
    } else {
      cell = w[H_BUMP]!;
      if (cell > w[H_CAPACITY]!) return NIL;
      w[H_BUMP] = cell + 1;
    }
    w[cell * CELL_WORDS] = NIL;
    w[H_USED]!++;
    return cell;
  }

  /** Pushes a cell on the free list; caller holds the lock. */
  #give(cell: number): void {
    const w = this.words;
    w[cell * CELL_WORDS] = w[H_FREE_HEAD]!;
    w[H_FREE_HEAD] = cell;
    w[H_USED]!--;
  }

  #lock(): void {
    if (!this.#isShared) return;
    // Held for a handful of instructions by at most two workers: spinning is cheaper
    // than parking the thread.
    while (Atomics.compareExchange(this.words, H_LOCK, 0, 1) !== 0) {
      // spin
    }
  }

  #unlock(): void {
    if (this.#isShared) Atomics.store(this.words, H_LOCK, 0);
  }
}
