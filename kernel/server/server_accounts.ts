/**
 * What each client holds in the server pool, its quota, and the losses the server
 * counts for each client and each application: one `Int32Array` that the listening
 * worker and the kernel worker share (or a private one in process).
 *
 * The quota: every cell a client's calls take in the server pool (an event decoded
 * from its socket, a task it schedules) is charged to the client when it is
 * allocated, and given back when the kernel frees it. An allocation that would take a
 * client above its quota fails as an exhausted pool does (spec §6.2): the copy is lost
 * for that client, the call does not fail, and the loss is counted. The header cell of
 * a charged event carries the charged client in word {@link W_AUX2}, so that whoever
 * frees it gives the cells back to the right account.
 *
 * Layout, in 32-bit words:
 *
 * | words | meaning |
 * | --- | --- |
 * | 0 | the quota: cells one client may hold, 0 for none |
 * | 1..3 | totals since start of `C_QUOTA_LOSSES`, `C_LATE_DROPS`, `C_SLOW_DROPS` |
 * | 4..15 | reserved |
 * | 16 + 8·c + k | word k of client c (`C_*`), c in 0..MAX_CLIENTS − 1 |
 * | 16 + 8·1024 + 4·r + k | word k of refnum r (`R_*`), r in 0..127 |
 *
 * Runs in both server workers and in process. Real-time safe: `charge`, `release`
 * and the counters allocate nothing and never throw.
 *
 * @module
 */

import { CELL_WORDS, type CellPool, NIL } from "../memory/cell_pool.ts";
import { W_AUX2 } from "../memory/event_layout.ts";
import { eventCellCount, freeEvent } from "../memory/event_store.ts";
import { REFNUM_COUNT } from "../api/constants.ts";

/** Clients with an account: ids 0..MAX_ACCOUNTS − 1 (the router's `MAX_CLIENTS`). */
export const MAX_ACCOUNTS = 1024;

/** Client word: server cells the client holds. */
export const C_HELD = 0;
/** Client word: events and tasks lost because the client's quota was used up. */
export const C_QUOTA_LOSSES = 1;
/** Client word: events of the client not dispatched because their tick ran too late. */
export const C_LATE_DROPS = 2;
/** Client word: deliveries to the client dropped because its socket lagged. */
export const C_SLOW_DROPS = 3;
/** Client word: deliveries that did not fit the client's pool (it reports them). */
export const C_LOST_COPIES = 4;
/** Client word: `MidiAddField` calls that did not fit the client's pool (reported). */
export const C_TRUNCATED_FIELDS = 5;
/**
 * Client word: when the oldest byte still waiting for the client's socket was queued,
 * in ms of the wall clock modulo 2^31 ({@link wallStamp}); 0 when nothing waits.
 */
export const C_OUTPUT_SINCE = 6;
const CLIENT_WORDS = 8;

/** Refnum word: events of the refnum lost because its client's quota was used up. */
export const R_QUOTA_LOSSES = 0;
/** Refnum word: events sent by the refnum not dispatched because they were too late. */
export const R_LATE_DROPS = 1;
/** Refnum word: deliveries to the refnum dropped because its client's socket lagged. */
export const R_SLOW_DROPS = 2;
/** Refnum word: deliveries to the refnum that did not fit its client's pool. */
export const R_LOST_COPIES = 3;
const REF_WORDS = 4;

const QUOTA = 0;
const CLIENTS_AT = 16;
const REFS_AT = CLIENTS_AT + CLIENT_WORDS * MAX_ACCOUNTS;

/** Bytes of the accounts. */
export const ACCOUNTS_BYTES = 4 * (REFS_AT + REF_WORDS * REFNUM_COUNT);

/** The accounts over an `Int32Array`; see the module documentation. */
export class ServerAccounts {
  /** The words (shared between the server workers). */
  readonly words: Int32Array;

  /** Accounts over `buffer`, or over new private memory. */
  constructor(buffer?: SharedArrayBuffer | ArrayBuffer) {
    this.words = new Int32Array(buffer ?? new ArrayBuffer(ACCOUNTS_BYTES));
  }

  /** Cells one client may hold in the server pool; 0 when there is no quota. */
  get quota(): number {
    return Atomics.load(this.words, QUOTA);
  }

  /** Sets the quota (0 for none). */
  set quota(cells: number) {
    Atomics.store(this.words, QUOTA, Math.max(0, Math.trunc(cells)));
  }

  /** Word `k` (`C_*`) of client `client`. */
  client(client: number, k: number): number {
    return Atomics.load(this.words, CLIENTS_AT + CLIENT_WORDS * client + k);
  }

  /**
   * Adds `n` to word `k` (`C_*`) of client `client`, and to its total since start for
   * the three losses the server counts.
   */
  addClient(client: number, k: number, n: number): void {
    Atomics.add(this.words, CLIENTS_AT + CLIENT_WORDS * client + k, n);
    if (k >= C_QUOTA_LOSSES && k <= C_SLOW_DROPS) {
      Atomics.add(this.words, k, n);
    }
  }

  /** The total since start of `C_QUOTA_LOSSES`, `C_LATE_DROPS` or `C_SLOW_DROPS`. */
  total(k: number): number {
    return Atomics.load(this.words, k);
  }

  /** Sets word `k` (`C_*`) of client `client`. */
  setClient(client: number, k: number, value: number): void {
    Atomics.store(this.words, CLIENTS_AT + CLIENT_WORDS * client + k, value);
  }

  /** Word `k` (`R_*`) of refnum `ref`. */
  ref(ref: number, k: number): number {
    return Atomics.load(this.words, REFS_AT + REF_WORDS * ref + k);
  }

  /** Adds `n` to word `k` (`R_*`) of refnum `ref`. */
  addRef(ref: number, k: number, n: number): void {
    Atomics.add(this.words, REFS_AT + REF_WORDS * ref + k, n);
  }

  /** Sets word `k` (`R_*`) of refnum `ref`. */
  setRef(ref: number, k: number, value: number): void {
    Atomics.store(this.words, REFS_AT + REF_WORDS * ref + k, value);
  }

  /** Zeroes the counters of a refnum that is taken again. */
  clearRef(ref: number): void {
    for (let k = 0; k < REF_WORDS; k++) this.setRef(ref, k, 0);
  }

  /** Zeroes the counters of a client id that is given to a new client (not C_HELD). */
  clearClientCounters(client: number): void {
    for (let k = C_QUOTA_LOSSES; k <= C_TRUNCATED_FIELDS; k++) {
      this.setClient(client, k, 0);
    }
  }

  /**
   * Charges `cells` to `client` if that keeps it within the quota; false (nothing
   * charged) otherwise. Client 0 (the server's own work, in process) is never charged.
   */
  charge(client: number, cells: number): boolean {
    if (client <= 0) return true;
    const quota = this.quota;
    const at = CLIENTS_AT + CLIENT_WORDS * client + C_HELD;
    const w = this.words;
    if (quota === 0) {
      Atomics.add(w, at, cells);
      return true;
    }
    // Charged by the listening worker and, for tasks, the kernel worker.
    for (;;) {
      const held = Atomics.load(w, at);
      if (held + cells > quota) return false;
      if (Atomics.compareExchange(w, at, held, held + cells) === held) {
        return true;
      }
    }
  }

  /** Marks the event in `cell` of `pool` as charged to `client`. */
  tag(pool: CellPool, cell: number, client: number): void {
    pool.words[cell * CELL_WORDS + W_AUX2] = client;
  }

  /** The client an event of `pool` is charged to, 0 for none. */
  ownerOf(pool: CellPool, cell: number): number {
    return pool.words[cell * CELL_WORDS + W_AUX2]!;
  }

  /** Frees an event of `pool`, giving its cells back to the client it is charged to. */
  release(pool: CellPool, cell: number): void {
    const owner = pool.words[cell * CELL_WORDS + W_AUX2]!;
    if (owner > 0 && owner < MAX_ACCOUNTS) {
      pool.words[cell * CELL_WORDS + W_AUX2] = 0;
      this.addClient(owner, C_HELD, -eventCellCount(pool, cell));
    }
    freeEvent(pool, cell);
  }
}

/** The wall clock in ms modulo 2^31, never 0 (for {@link C_OUTPUT_SINCE}). */
export function wallStamp(epochMs: number): number {
  return (Math.floor(epochMs) % 0x7fffffff) + 1;
}

/**
 * A view of a pool that charges what it allocates to one client (set
 * {@link ChargedPool.client} before each use): the listening worker decodes a
 * client's events through it. An allocation beyond the client's quota gives nil and
 * sets {@link ChargedPool.isRefused}.
 */
export class ChargedPool implements CellPool {
  readonly #pool: CellPool;
  readonly #accounts: ServerAccounts;
  /** The client charged for the next allocations. */
  client = 0;
  /** Whether an allocation was refused for the quota since this was last cleared. */
  isRefused = false;

  /** A view of `pool` charging into `accounts`. */
  constructor(pool: CellPool, accounts: ServerAccounts) {
    this.#pool = pool;
    this.#accounts = accounts;
  }

  get words(): Int32Array {
    return this.#pool.words;
  }

  get bytes(): Uint8Array {
    return this.#pool.bytes;
  }

  get buffer(): ArrayBufferLike {
    return this.#pool.buffer;
  }

  get capacity(): number {
    return this.#pool.capacity;
  }

  get used(): number {
    return this.#pool.used;
  }

  get freeCount(): number {
    return this.#pool.freeCount;
  }

  alloc(): number {
    return this.allocChain(1);
  }

  allocChain(count: number): number {
    if (!this.#accounts.charge(this.client, count)) {
      this.isRefused = true;
      return NIL;
    }
    const cell = count === 1
      ? this.#pool.alloc()
      : this.#pool.allocChain(count);
    if (cell === NIL && this.client > 0) {
      this.#accounts.addClient(this.client, C_HELD, -count);
    }
    return cell;
  }

  free(cell: number): void {
    this.#pool.free(cell);
  }

  freeChain(head: number): void {
    this.#pool.freeChain(head);
  }

  grow(): number {
    return 0;
  }

  reset(): void {
    this.#pool.reset();
  }
}
