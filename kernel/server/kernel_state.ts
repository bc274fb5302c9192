/**
 * The state the calls of the server kernel share: the refnum, connection, tap and slot
 * tables, the sinks of the clients, the sorter and router, the clock, and the steps
 * several calls take (alarms, state changes, forgetting a refnum, waking up and going
 * to sleep, spec §4.1 and §6.4), and the tick (spec §5.2).
 *
 * Runs in the kernel worker, or in-process under a manual clock. `tick` is real-time
 * safe; the other steps run on the request path and may allocate.
 *
 * @module
 */

import { type CellPool, createCellPool, NIL } from "../memory/cell_pool.ts";
import type { ClientNotifications } from "../contract/mod.ts";
import { Connections } from "./connections.ts";
import { MidiShareDriverRef, REFNUM_COUNT } from "../api/constants.ts";
import { createSorter, type Sorter } from "./sorter.ts";
import { C_HELD, ServerAccounts } from "./server_accounts.ts";
import {
  KIND_DRIVER,
  KIND_IMAGE,
  MIDISHARE_NAME,
  RefnumTable,
} from "./refnum_table.ts";
import { Router } from "./router.ts";
import { SlotTable } from "./slot_table.ts";
import { createSyncState, type SyncState } from "./sync.ts";
import type { ServerKernelOptions } from "./server_kernel_options.ts";

/** The shared state of the server kernel; see the module documentation. */
export class KernelState {
  /** The server pool: cells of events sent and not yet dispatched. */
  readonly pool: CellPool;
  /** What each client holds and has lost, and the quota. */
  readonly accounts: ServerAccounts;
  /** Applications, drivers and the images. */
  readonly refs: RefnumTable = new RefnumTable();
  /** Connections between refnums. */
  readonly cnx: Connections = new Connections();
  /** Monitor taps, `target → watcher`: a copy of what `target` receives goes to watcher. */
  readonly taps: Connections = new Connections();
  /** The drivers' slots and their port connections. */
  readonly slots: SlotTable = new SlotTable();
  /** The callback channel of each client, by client id. */
  readonly sinks: (ClientNotifications | undefined)[] = [];
  /** Events and tasks waiting for their date. */
  readonly sorter: Sorter;
  /** Delivers what is ready. */
  readonly router: Router;
  /** The synchronisation state. */
  readonly sync: SyncState = createSyncState();
  /** Current time in ms since the last wake-up. */
  now = 0;
  /** Whether at least one application is open. */
  isAwake = false;
  /** The OR of the global error bits. */
  errorBits = 0;
  /** Items lost because the server pool was full. */
  lostCount = 0;
  /** Frees a cell and its charge to its owner. */
  readonly freeCell = (cell: number): void =>
    this.accounts.release(this.pool, cell);
  readonly #wakeTime: number;
  readonly #originMs: (isAwake: boolean) => number;
  // The client whose pending items `#isOwnedByLeaving` matches.
  #leaving = 0;
  readonly #isOwnedByLeaving = (cell: number) =>
    this.accounts.ownerOf(this.pool, cell) === this.#leaving;

  /** Creates the tables of a dormant kernel. */
  constructor(options: ServerKernelOptions) {
    this.#wakeTime = (options.wakeTime ?? 0) >>> 0;
    this.#originMs = options.originMs ?? (() => NaN);
    this.pool = options.pool ??
      createCellPool({ cellCount: options.poolCellCount ?? 262_144 });
    this.accounts = options.accounts ?? new ServerAccounts();
    this.sorter = createSorter(this.pool);
    this.router = new Router(
      this.pool,
      this.refs,
      this.cnx,
      this.slots,
      this.sinks,
      this.accounts,
      this.taps,
    );
  }

  /** Advances the clock by one tick and dispatches what is ready. Real-time safe. */
  tick(): void {
    if (!this.isAwake) return;
    const now = (this.now + 1) >>> 0;
    this.now = now;
    const sorter = this.sorter;
    sorter.collectReady(now);
    for (let cell = sorter.popReady(); cell !== NIL; cell = sorter.popReady()) {
      this.router.dispatch(cell);
      this.accounts.release(this.pool, cell);
    }
    this.router.endTick();
  }

  /**
   * Frees what a leaving client still holds in the server pool (events it sent under
   * the refnum of another client's application).
   */
  freeHeldBy(client: number): void {
    if (this.accounts.client(client, C_HELD) > 0) {
      this.#leaving = client;
      this.sorter.removeMatching(this.#isOwnedByLeaving, this.freeCell);
      this.#leaving = 0;
    }
  }

  /** Whether `slot` is a slot of driver `drv`. */
  isSlot(drv: number, slot: number): boolean {
    return this.refs.kind[drv] === KIND_DRIVER && this.slots.exists(drv, slot);
  }

  /** Removes a refnum's connections and pending items, then frees it. */
  forget(ref: number): void {
    this.cnx.removeAll(ref);
    this.taps.removeAll(ref);
    this.sorter.removeSender(ref, this.freeCell);
    this.refs.release(ref);
  }

  /** Application alarms of every refnum that has one, ascending (spec §6.4). */
  alarm(subject: number, change: number): void {
    const refs = this.refs;
    const code = (subject << 16) | change;
    for (let r = 0; r < REFNUM_COUNT; r++) {
      if (refs.hasApplAlarm[r] === 1 && refs.isOpen(r)) {
        this.sinks[refs.owner[r]!]?.applAlarm(r, code);
      }
    }
  }

  /** Tells every client the counts, whether awake, and the clock's origin. */
  stateChanged(): void {
    const appls = this.refs.applCount, drivers = this.refs.driverCount;
    const origin = this.#originMs(this.isAwake);
    for (const sink of this.sinks) {
      sink?.stateChanged(appls, drivers, this.isAwake, origin);
    }
  }

  /** Wake-up order of spec §4.1. */
  wakeUp(): void {
    const refs = this.refs;
    refs.take(MidiShareDriverRef, KIND_IMAGE, 0, MIDISHARE_NAME);
    this.now = this.#wakeTime;
    this.isAwake = true;
    this.sync.reset();
    for (let r = MidiShareDriverRef - 1; r >= 1; r--) {
      if (refs.kind[r] === KIND_DRIVER) {
        this.sinks[refs.owner[r]!]?.driverWakeup(r);
      }
    }
    refs.take(0, KIND_IMAGE, 0, MIDISHARE_NAME);
  }

  /** Sleep order of spec §4.1, after the last application was forgotten. */
  sleep(): void {
    const refs = this.refs;
    this.cnx.removeAll(0);
    this.taps.removeAll(0);
    refs.release(0);
    this.isAwake = false;
    for (let r = MidiShareDriverRef - 1; r >= 1; r--) {
      if (refs.kind[r] === KIND_DRIVER) {
        this.sinks[refs.owner[r]!]?.driverSleep(r);
        this.cnx.removeAll(r);
      }
    }
    this.cnx.removeAll(MidiShareDriverRef);
    this.sorter.clear(this.freeCell);
    for (const sink of this.sinks) sink?.dormant();
    refs.release(MidiShareDriverRef);
  }
}
