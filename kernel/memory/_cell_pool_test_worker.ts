/**
 * Worker side of the shared cell pool test in `cell_pool_test.ts`: allocates and
 * frees cells of a shared pool in a seeded loop, writing a canary (worker id and
 * sequence number) into every cell it holds and checking it before freeing, and
 * claiming each cell in a shared owner table so that a cell handed to both workers
 * at once is caught. Private to `kernel/`.
 *
 * @module
 */

import { attachCellPool, CELL_WORDS, NIL } from "./cell_pool.ts";
import { Random } from "../_test_util.ts";

/** What the test sends to start a worker. */
export interface PoolWorkerStart {
  /** The pool's buffer. */
  pool: SharedArrayBuffer;
  /** Int32 per cell: 0 free, else the id of the worker holding it. */
  owners: SharedArrayBuffer;
  /** Int32[1]: workers that reached the start line. */
  gate: SharedArrayBuffer;
  /** Worker id, 1 or 2. */
  id: number;
  /** Seed of the worker's generator. */
  seed: number;
  /** Loop iterations. */
  iterations: number;
  /** Most cells held at once. */
  maxHeld: number;
}

/** What a worker reports when its loop is over. */
export interface PoolWorkerResult {
  /** Worker id. */
  id: number;
  /** Number of problems found. */
  errorCount: number;
  /** The first problems, described. */
  errors: string[];
  /** Cells obtained. */
  cellCount: number;
  /** Allocations that returned nil. */
  exhaustedCount: number;
}

declare const self: {
  onmessage: ((e: MessageEvent<PoolWorkerStart>) => void) | null;
  postMessage(message: PoolWorkerResult): void;
  close(): void;
};

/** Canary words inside a held cell (word 0 is the pool's link). */
const W_ID = 1;
const W_SEQ = 2;
const W_NOT_SEQ = 3;

self.onmessage = (e) => {
  self.postMessage(run(e.data));
  self.close();
};

function run(start: PoolWorkerStart): PoolWorkerResult {
  const pool = attachCellPool(start.pool);
  const owners = new Int32Array(start.owners);
  const gate = new Int32Array(start.gate);
  const rng = new Random(start.seed);
  const id = start.id;
  const errors: string[] = [];
  let errorCount = 0, cellCount = 0, exhaustedCount = 0, seq = 0;
  // Each held group is a chain (length 1 for a single alloc) with its canaries.
  const held: { head: number; cells: number[]; seqs: number[] }[] = [];
  let heldCells = 0;

  const fail = (message: string) => {
    errorCount++;
    if (errors.length < 10) errors.push(`worker ${id}: ${message}`);
  };

  const claim = (cell: number): number => {
    const capacity = pool.capacity;
    if (cell < 1 || cell > capacity) fail(`cell ${cell} out of 1..${capacity}`);
    const was = Atomics.compareExchange(owners, cell, 0, id);
    if (was !== 0) fail(`got cell ${cell} while worker ${was} holds it`);
    const w = pool.words, base = cell * CELL_WORDS;
    const s = seq++;
    w[base + W_ID] = id;
    w[base + W_SEQ] = s;
    w[base + W_NOT_SEQ] = ~s;
    cellCount++;
    return s;
  };

  const check = (cell: number, s: number, when: string) => {
    const w = pool.words, base = cell * CELL_WORDS;
    if (
      w[base + W_ID] !== id || w[base + W_SEQ] !== s ||
      w[base + W_NOT_SEQ] !== ~s
    ) {
      fail(
        `canary of cell ${cell} ${when}: expected ${id}/${s}, got ` +
          `${w[base + W_ID]}/${w[base + W_SEQ]}`,
      );
    }
  };

  const release = (cell: number) => {
    const was = Atomics.compareExchange(owners, cell, id, 0);
    if (was !== id) fail(`freeing cell ${cell} owned by ${was}`);
  };

  const takeGroup = (length: number) => {
    const head = length === 1 ? pool.alloc() : pool.allocChain(length);
    if (head === NIL) {
      exhaustedCount++;
      return;
    }
    const cells: number[] = [];
    const seqs: number[] = [];
    for (let c = head; c !== NIL && cells.length <= length;) {
      cells.push(c);
      seqs.push(claim(c));
      c = pool.words[c * CELL_WORDS]!;
    }
    if (cells.length !== length) {
      fail(`chain of ${length} has ${cells.length} cells`);
    }
    held.push({ head, cells, seqs });
    heldCells += cells.length;
  };

  const freeGroup = (index: number) => {
    const group = held[index]!;
    held[index] = held[held.length - 1]!;
    held.pop();
    heldCells -= group.cells.length;
    group.cells.forEach((c, i) => check(c, group.seqs[i]!, "before free"));
    // Give up ownership before the pool can hand the cells to the other worker.
    for (const c of group.cells) release(c);
    if (group.cells.length === 1) pool.free(group.head);
    else pool.freeChain(group.head);
  };

  // Start together so that the two loops really overlap.
  Atomics.add(gate, 0, 1);
  Atomics.notify(gate, 0);
  while (Atomics.load(gate, 0) < 2) Atomics.wait(gate, 0, 1, 5);

  for (let i = 0; i < start.iterations; i++) {
    const wantsAlloc = held.length === 0 ||
      (heldCells < start.maxHeld && rng.next() < 0.55);
    if (wantsAlloc) takeGroup(rng.next() < 0.75 ? 1 : 1 + rng.int(4));
    else freeGroup(rng.int(held.length));
    if (held.length > 0) {
      const g = held[rng.int(held.length)]!;
      const k = rng.int(g.cells.length);
      check(g.cells[k]!, g.seqs[k]!, "while held");
    }
  }
  while (held.length > 0) freeGroup(held.length - 1);
  return { id, errorCount, errors, cellCount, exhaustedCount };
}
