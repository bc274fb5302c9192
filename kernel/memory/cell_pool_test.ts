// Unit tests of createCellPool: accounting, exhaustion, chains, growth, reset, and a
// shared pool used by two real workers at once.

import assert from "node:assert/strict";
import {
  attachCellPool,
  CELL_WORDS,
  type CellPool,
  createCellPool,
  NIL,
} from "./cell_pool.ts";
import { Random, testSeed } from "../_test_util.ts";
import type {
  PoolWorkerResult,
  PoolWorkerStart,
} from "./_cell_pool_test_worker.ts";

/**
 * `testSeed()` when the environment may be read (`MIDISHARE_SEED` replays a run),
 * else a seed from the clock; either way assertion messages carry it.
 */
function seedForTest(): number {
  const env = Deno.permissions.querySync({
    name: "env",
    variable: "MIDISHARE_SEED",
  });
  return env.state === "granted" ? testSeed() : Date.now() >>> 0;
}

/** The cells of a chain linked through word 0, or a failed assertion on a loop. */
function chainCells(pool: CellPool, head: number): number[] {
  const cells: number[] = [];
  for (let c = head; c !== NIL; c = pool.words[c * CELL_WORDS]!) {
    cells.push(c);
    assert.ok(cells.length <= pool.capacity, "chain loops");
  }
  return cells;
}

/** Every cell the pool still hands out, taken one by one until nil. */
function takeAll(pool: CellPool): number[] {
  const cells: number[] = [];
  for (let c = pool.alloc(); c !== NIL; c = pool.alloc()) {
    cells.push(c);
    assert.ok(cells.length <= pool.capacity, "pool hands out too many cells");
  }
  return cells;
}

function assertDistinctInRange(pool: CellPool, cells: number[]): void {
  assert.equal(new Set(cells).size, cells.length, "a cell was handed twice");
  for (const c of cells) {
    assert.ok(c >= 1 && c <= pool.capacity, `cell ${c} out of range`);
  }
}

Deno.test("createCellPool() accounts for alloc and free", async (t) => {
  await t.step("a new pool has every cell free", () => {
    const pool = createCellPool({ cellCount: 10 });
    assert.equal(pool.capacity, 10);
    assert.equal(pool.used, 0);
    assert.equal(pool.freeCount, 10);
  });

  await t.step("alloc takes one distinct non-nil cell each time", () => {
    const pool = createCellPool({ cellCount: 10 });
    const cells: number[] = [];
    for (let i = 1; i <= 10; i++) {
      cells.push(pool.alloc());
      assert.equal(pool.used, i);
      assert.equal(pool.freeCount, 10 - i);
    }
    assertDistinctInRange(pool, cells);
    assert.ok(!cells.includes(NIL));
  });

  await t.step("free gives the cell back and it can be taken again", () => {
    const pool = createCellPool({ cellCount: 3 });
    const [a, b, c] = [pool.alloc(), pool.alloc(), pool.alloc()];
    pool.free(b);
    assert.equal(pool.used, 2);
    assert.equal(pool.freeCount, 1);
    assert.equal(pool.alloc(), b);
    pool.free(a);
    pool.free(c);
    pool.free(b);
    assert.equal(pool.used, 0);
    assert.equal(pool.freeCount, 3);
  });

  await t.step("alloc clears the link word of a recycled cell", () => {
    const pool = createCellPool({ cellCount: 2 });
    const a = pool.alloc(), b = pool.alloc();
    pool.free(a);
    pool.free(b); // b's link now points to a
    const again = pool.alloc();
    assert.equal(pool.words[again * CELL_WORDS], NIL);
  });

  await t.step("a pool of 0 cells hands out nothing", () => {
    const pool = createCellPool({ cellCount: 0 });
    assert.equal(pool.capacity, 0);
    assert.equal(pool.alloc(), NIL);
    assert.equal(pool.allocChain(1), NIL);
    assert.equal(pool.used, 0);
  });
});

Deno.test("createCellPool() returns nil when exhausted, never throws nor grows", async (t) => {
  await t.step("alloc past the capacity returns NIL repeatedly", () => {
    const pool = createCellPool({ cellCount: 4 });
    assert.equal(takeAll(pool).length, 4);
    for (let i = 0; i < 100; i++) assert.equal(pool.alloc(), NIL);
    assert.equal(pool.capacity, 4);
    assert.equal(pool.used, 4);
    assert.equal(pool.freeCount, 0);
  });

  await t.step("a freed cell is available again after exhaustion", () => {
    const pool = createCellPool({ cellCount: 4 });
    const cells = takeAll(pool);
    pool.free(cells[2]!);
    assert.equal(pool.alloc(), cells[2]);
    assert.equal(pool.alloc(), NIL);
  });

  await t.step("a shared pool behaves the same", () => {
    const pool = createCellPool({ cellCount: 4, shared: true });
    assert.ok(pool.buffer instanceof SharedArrayBuffer);
    assert.equal(takeAll(pool).length, 4);
    assert.equal(pool.alloc(), NIL);
    assert.equal(pool.allocChain(2), NIL);
    assert.equal(pool.capacity, 4);
  });
});

Deno.test("createCellPool() allocChain is all or nothing", async (t) => {
  await t.step("a chain links count distinct cells ending with nil", () => {
    const pool = createCellPool({ cellCount: 10 });
    const head = pool.allocChain(4);
    assert.notEqual(head, NIL);
    const cells = chainCells(pool, head);
    assert.equal(cells.length, 4);
    assertDistinctInRange(pool, cells);
    assert.equal(pool.used, 4);
  });

  await t.step("a chain of exactly the free count succeeds", () => {
    const pool = createCellPool({ cellCount: 5 });
    pool.alloc();
    const head = pool.allocChain(4);
    assert.equal(chainCells(pool, head).length, 4);
    assert.equal(pool.freeCount, 0);
  });

  await t.step("a chain longer than the free count takes nothing", () => {
    const pool = createCellPool({ cellCount: 5 });
    pool.alloc();
    pool.alloc();
    assert.equal(pool.allocChain(4), NIL);
    assert.equal(pool.used, 2);
    assert.equal(pool.freeCount, 3);
    // The three cells are still there, one by one.
    assert.equal(takeAll(pool).length, 3);
  });

  await t.step("a chain of 0 or fewer cells is nil and takes nothing", () => {
    const pool = createCellPool({ cellCount: 5 });
    assert.equal(pool.allocChain(0), NIL);
    assert.equal(pool.allocChain(-3), NIL);
    assert.equal(pool.used, 0);
  });

  await t.step("freeChain returns every cell of the chain", () => {
    const pool = createCellPool({ cellCount: 8 });
    const keep = pool.alloc();
    const head = pool.allocChain(5);
    const cells = chainCells(pool, head);
    pool.freeChain(head);
    assert.equal(pool.used, 1);
    assert.equal(pool.freeCount, 7);
    const again = takeAll(pool);
    assert.equal(again.length, 7);
    for (const c of cells) assert.ok(again.includes(c));
    assert.ok(!again.includes(keep));
  });

  await t.step("freeChain of nil does nothing", () => {
    const pool = createCellPool({ cellCount: 3 });
    pool.alloc();
    pool.freeChain(NIL);
    assert.equal(pool.used, 1);
  });

  await t.step("freeChain of a single alloc frees one cell", () => {
    const pool = createCellPool({ cellCount: 3 });
    const c = pool.alloc();
    pool.freeChain(c);
    assert.equal(pool.used, 0);
  });
});

Deno.test("createCellPool() grow adds cells up to maxCellCount", async (t) => {
  await t.step("grow returns the number added and keeps content", () => {
    const pool = createCellPool({ cellCount: 4 });
    const held = takeAll(pool);
    held.forEach((c, i) => pool.words[c * CELL_WORDS + 1] = 1000 + i);
    assert.equal(pool.grow(6), 6);
    assert.equal(pool.capacity, 10);
    assert.equal(pool.used, 4);
    assert.equal(pool.freeCount, 6);
    held.forEach((c, i) =>
      assert.equal(pool.words[c * CELL_WORDS + 1], 1000 + i)
    );
    const fresh = takeAll(pool);
    assert.equal(fresh.length, 6);
    assertDistinctInRange(pool, [...held, ...fresh]);
  });

  await t.step("grow is bounded by maxCellCount", () => {
    const pool = createCellPool({ cellCount: 10, maxCellCount: 12 });
    assert.equal(pool.grow(5), 2);
    assert.equal(pool.capacity, 12);
    assert.equal(pool.grow(1), 0);
    assert.equal(pool.capacity, 12);
    assert.equal(takeAll(pool).length, 12);
  });

  await t.step("grow of 0 or a negative count adds nothing", () => {
    const pool = createCellPool({ cellCount: 3 });
    assert.equal(pool.grow(0), 0);
    assert.equal(pool.grow(-4), 0);
    assert.equal(pool.capacity, 3);
  });

  await t.step("grow of a shared pool returns 0", () => {
    const pool = createCellPool({ cellCount: 3, shared: true });
    const buffer = pool.buffer;
    assert.equal(pool.grow(10), 0);
    assert.equal(pool.capacity, 3);
    assert.equal(pool.buffer, buffer);
  });

  await t.step("an exhausted pool grows only when asked", () => {
    const pool = createCellPool({ cellCount: 2 });
    takeAll(pool);
    assert.equal(pool.alloc(), NIL);
    assert.equal(pool.capacity, 2);
    assert.equal(pool.grow(1), 1);
    assert.notEqual(pool.alloc(), NIL);
    assert.equal(pool.alloc(), NIL);
  });
});

Deno.test("createCellPool() reset frees every cell at once", async (t) => {
  await t.step("used drops to 0 and every cell is handed out again", () => {
    const pool = createCellPool({ cellCount: 6 });
    pool.allocChain(3);
    const c = pool.alloc();
    pool.free(c);
    pool.alloc();
    pool.reset();
    assert.equal(pool.used, 0);
    assert.equal(pool.freeCount, 6);
    const cells = takeAll(pool);
    assert.equal(cells.length, 6);
    assertDistinctInRange(pool, cells);
  });

  await t.step("reset keeps the grown capacity", () => {
    const pool = createCellPool({ cellCount: 2 });
    pool.grow(3);
    takeAll(pool);
    pool.reset();
    assert.equal(pool.capacity, 5);
    assert.equal(takeAll(pool).length, 5);
  });
});

Deno.test("createCellPool() keeps its accounting through random use", () => {
  const seed = seedForTest();
  const rng = new Random(seed);
  const pool = createCellPool({ cellCount: 40 });
  const held: number[][] = [];
  const owned = new Set<number>();
  const take = (cells: number[]) => {
    for (const c of cells) {
      assert.ok(c >= 1 && c <= pool.capacity, `seed ${seed}: cell ${c}`);
      assert.ok(!owned.has(c), `seed ${seed}: cell ${c} handed twice`);
      owned.add(c);
    }
    held.push(cells);
  };
  for (let i = 0; i < 20_000; i++) {
    const op = rng.int(4);
    if (op === 0) {
      const c = pool.alloc();
      if (c !== NIL) take([c]);
      else assert.equal(owned.size, pool.capacity, `seed ${seed}: early nil`);
    } else if (op === 1) {
      const n = 1 + rng.int(6);
      const head = pool.allocChain(n);
      if (head !== NIL) take(chainCells(pool, head));
      else assert.ok(pool.capacity - owned.size < n, `seed ${seed}: nil`);
    } else if (held.length > 0) {
      const k = rng.int(held.length);
      const group = held[k]!;
      held[k] = held[held.length - 1]!;
      held.pop();
      if (group.length === 1 && rng.next() < 0.5) pool.free(group[0]!);
      else pool.freeChain(group[0]!);
      for (const c of group) owned.delete(c);
    }
    assert.equal(pool.used, owned.size, `seed ${seed}: used`);
    assert.equal(pool.freeCount, pool.capacity - owned.size, `seed ${seed}`);
  }
});

/** Starts a worker and resolves with its result, or rejects on error. */
function startWorker(
  start: PoolWorkerStart,
): { worker: Worker; result: Promise<PoolWorkerResult> } {
  const worker = new Worker(
    WORKER_URL.href,
    { type: "module" },
  );
  const result = new Promise<PoolWorkerResult>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<PoolWorkerResult>) => resolve(e.data);
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      reject(new Error(`worker ${start.id} failed: ${e.message}`));
    };
  });
  worker.postMessage(start);
  return { worker, result };
}

/** `promise`, or a rejection after `ms` milliseconds (a deadline, not a sleep). */
async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no result in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const WORKER_URL = new URL("./_cell_pool_test_worker.ts", import.meta.url);
// Loading a worker module needs read access to it; `deno task test` grants it.
const canStartWorker = Deno.permissions.querySync({
  name: "read",
  path: WORKER_URL,
}).state === "granted";
if (!canStartWorker) {
  // deno-lint-ignore no-console -- a skipped test must say why (STYLE §6)
  console.warn("cell_pool_test: worker test skipped, needs --allow-read");
}

Deno.test({
  name: "createCellPool() shared between two workers never hands a cell twice",
  ignore: !canStartWorker,
}, async () => {
  const seed = seedForTest();
  const capacity = 48;
  const pool = createCellPool({ cellCount: capacity, shared: true });
  const owners = new SharedArrayBuffer((capacity + 1) * 4);
  const gate = new SharedArrayBuffer(4);
  const common = {
    pool: pool.buffer as SharedArrayBuffer,
    owners,
    gate,
    iterations: 200_000,
    maxHeld: 30,
  };
  const workers = [
    startWorker({ ...common, id: 1, seed }),
    startWorker({ ...common, id: 2, seed: (seed ^ 0x9e3779b9) >>> 0 }),
  ];
  try {
    const results = await withDeadline(
      Promise.all(workers.map((w) => w.result)),
      120_000,
    );
    const errors = results.flatMap((r) => r.errors);
    assert.deepEqual(errors, [], `seed ${seed}`);
    for (const r of results) {
      assert.equal(r.errorCount, 0, `seed ${seed}`);
      assert.ok(r.cellCount > 0, `seed ${seed}: worker ${r.id} got no cell`);
    }
    // Both workers hold up to 30 of 48 cells: exhaustion must have happened.
    assert.ok(
      results.some((r) => r.exhaustedCount > 0),
      `seed ${seed}: the pool was never exhausted`,
    );
    assert.equal(pool.used, 0, `seed ${seed}: cells leaked`);
    assert.equal(pool.freeCount, capacity, `seed ${seed}`);
    assert.ok(new Int32Array(owners).every((o) => o === 0), `seed ${seed}`);
    // The free list survived: every cell is handed out once more, then nil.
    const again = attachCellPool(pool.buffer as SharedArrayBuffer);
    const cells = takeAll(again);
    assert.equal(cells.length, capacity, `seed ${seed}: free list damaged`);
    assertDistinctInRange(again, cells);
  } finally {
    for (const w of workers) w.worker.terminate();
  }
});
