/**
 * Dispatch of one ready item (spec §6.1, §6.2): private events to their sender, tasks
 * to their client, everything else to the destinations of its sender with filters,
 * through the 0/127 bridge between applications and drivers. Whatever a tapped
 * refnum receives is also copied to the applications that tap it (the monitor tap).
 *
 * Runs in the kernel worker during a tick. Real-time safe: no allocation, no throw;
 * each destination gets its copy from its client's sink, so the kernel makes none.
 *
 * @module
 */

import { CELL_WORDS, type CellPool } from "../memory/cell_pool.ts";
import type { ClientNotifications } from "../contract/mod.ts";
import type { Connections } from "./connections.ts";
import {
  MidiShareDriverRef,
  PORT_COUNT,
  typeDProcess,
  typePrivate,
  typeProcess,
  typeReserved,
} from "../api/constants.ts";
import {
  B_CHAN,
  B_PORT,
  B_REFNUM,
  B_TYPE,
  W_DATE,
} from "../memory/event_layout.ts";
import { getField } from "../memory/event_store.ts";
import { FILTER_BYTES, passesFilter } from "../memory/filter_bits.ts";
import {
  KIND_APPL,
  KIND_DRIVER,
  KIND_FREE,
  type RefnumTable,
} from "./refnum_table.ts";
import type { SlotTable } from "./slot_table.ts";
import {
  C_LATE_DROPS,
  C_SLOW_DROPS,
  R_LATE_DROPS,
  R_SLOW_DROPS,
  type ServerAccounts,
} from "./server_accounts.ts";

/** Slot of a server task event holding the client's task id. */
export const TASK_ID_SLOT = 0;
/** Slot of a server task event holding the client's task serial. */
export const TASK_SERIAL_SLOT = 1;

/** Client ids are 1..MAX_CLIENTS − 1. */
export const MAX_CLIENTS = 1024;

/** Routes ready items to the sinks of the clients. */
export class Router {
  readonly #pool: CellPool;
  readonly #refs: RefnumTable;
  readonly #cnx: Connections;
  readonly #slots: SlotTable;
  readonly #sinks: (ClientNotifications | undefined)[];
  readonly #taps: Connections;
  // Clients that got something this tick, in order, for their endTick.
  readonly #touched = new Int32Array(MAX_CLIENTS);
  #touchedCount = 0;
  readonly #isTouched = new Uint8Array(MAX_CLIENTS);
  readonly #accounts: ServerAccounts;
  /**
   * Set while the tick runs too late (the overload policy): the events it would route
   * through connections are dropped and counted for their sender; private events,
   * tasks and DTasks still go.
   */
  dropsRouted = false;
  /**
   * 1 for each client whose socket lags (the overload policy): events routed to its
   * applications and drivers are dropped and counted for the receiver.
   */
  readonly isBehind: Uint8Array = new Uint8Array(MAX_CLIENTS);
  /** Events dispatched so far (tasks and reserved types excluded). */
  eventCount = 0;

  constructor(
    pool: CellPool,
    refs: RefnumTable,
    cnx: Connections,
    slots: SlotTable,
    sinks: (ClientNotifications | undefined)[],
    accounts: ServerAccounts,
    taps: Connections,
  ) {
    this.#taps = taps;
    this.#pool = pool;
    this.#refs = refs;
    this.#cnx = cnx;
    this.#slots = slots;
    this.#sinks = sinks;
    this.#accounts = accounts;
  }

  /** Dispatches one ready item; the caller frees its cell afterwards. */
  dispatch(cell: number): void {
    const b = this.#pool.bytes;
    const at = cell * CELL_WORDS * 4;
    const type = b[at + B_TYPE]!;
    const ref = b[at + B_REFNUM]!;
    const r = ref & 0x7f;
    if (type >= typeReserved || this.#refs.kind[r] === KIND_FREE) return;
    if (type < typeProcess) this.eventCount++;
    if (type >= typePrivate && type < typeProcess) {
      this.#deliver(r, cell, b[at + B_PORT]!, false);
    } else if (type === typeProcess || type === typeDProcess) {
      this.#task(r, cell, type);
    } else if (this.dropsRouted) {
      this.#accounts.addRef(r, R_LATE_DROPS, 1);
      this.#accounts.addClient(this.#refs.owner[r]!, C_LATE_DROPS, 1);
    } else if ((ref & 0x80) !== 0) {
      this.#accept(r, cell, b[at + B_PORT]!, r);
    } else {
      const cnx = this.#cnx;
      const n = cnx.destCount(r);
      for (let i = 0; i < n; i++) {
        this.#propose(cnx.dest(r, i), cell, b[at + B_PORT]!, r);
      }
    }
  }

  /** Calls `endTick` of every client that got something since the last call. */
  endTick(): void {
    for (let i = 0; i < this.#touchedCount; i++) {
      const client = this.#touched[i]!;
      this.#isTouched[client] = 0;
      this.#sinks[client]?.endTick();
    }
    this.#touchedCount = 0;
  }

  #propose(dst: number, cell: number, port: number, sender: number): void {
    const refs = this.#refs;
    if (refs.hasFilter[dst] === 1) {
      const at = cell * CELL_WORDS * 4;
      const b = this.#pool.bytes;
      if (
        !passesFilter(
          refs.filters,
          dst * FILTER_BYTES,
          port,
          b[at + B_TYPE]!,
          b[at + B_CHAN]!,
        )
      ) return;
    }
    this.#accept(dst, cell, port, sender);
  }

  #accept(dst: number, cell: number, port: number, sender: number): void {
    const kind = this.#refs.kind[dst];
    if (kind === KIND_APPL) {
      this.#deliver(dst, cell, port, true);
    } else if (kind === KIND_DRIVER) {
      this.#toDriverSlots(dst, cell, port);
    } else if (dst === 0) {
      // Physical output: 0 → 127 → every driver connected from 127.
      this.#tapCopies(0, cell, port, true);
      const cnx = this.#cnx;
      const n = cnx.destCount(MidiShareDriverRef);
      for (let i = 0; i < n; i++) {
        this.#propose(cnx.dest(MidiShareDriverRef, i), cell, port, sender);
      }
    } else if (dst === MidiShareDriverRef) {
      this.#fromDriverSlot(sender, cell, port);
    }
  }

  /** One copy per slot of `drv` connected to `port`, with `port = slotRef`. */
  #toDriverSlots(drv: number, cell: number, port: number): void {
    if (port >= PORT_COUNT) return;
    let low = this.#slots.slotsLow(drv, port);
    let high = this.#slots.slotsHigh(drv, port);
    while (low !== 0) {
      const bit = 31 - Math.clz32(low & -low);
      low &= low - 1;
      this.#deliver(drv, cell, bit, true);
    }
    while (high !== 0) {
      const bit = 31 - Math.clz32(high & -high);
      high &= high - 1;
      this.#deliver(drv, cell, 32 + bit, true);
    }
  }

  /** Input bridge: for each port of slot `slot` of `drv`, to every application of 0. */
  #fromDriverSlot(drv: number, cell: number, slot: number): void {
    const slots = this.#slots;
    if (this.#refs.kind[drv] !== KIND_DRIVER || !slots.exists(drv, slot)) {
      return;
    }
    const cnx = this.#cnx;
    for (let k = 0; k < PORT_COUNT / 8; k++) {
      let byte = slots.cnxByte(drv, slot, k);
      while (byte !== 0) {
        const bit = 31 - Math.clz32(byte & -byte);
        byte &= byte - 1;
        const port = k * 8 + bit;
        const n = cnx.destCount(0);
        for (let i = 0; i < n; i++) {
          this.#propose(cnx.dest(0, i), cell, port, drv);
        }
      }
    }
  }

  #deliver(dst: number, cell: number, port: number, isRouted: boolean): void {
    this.#deliverOnly(dst, cell, port, isRouted);
    this.#tapCopies(dst, cell, port, isRouted);
  }

  /** A copy to every application tapping `dst`, through its filter; never re-tapped. */
  #tapCopies(dst: number, cell: number, port: number, isRouted: boolean): void {
    const taps = this.#taps, refs = this.#refs;
    const n = taps.destCount(dst);
    for (let i = 0; i < n; i++) {
      const watcher = taps.dest(dst, i);
      if (refs.hasFilter[watcher] === 1) {
        const at = cell * CELL_WORDS * 4;
        const b = this.#pool.bytes;
        const type = b[at + B_TYPE]!, chan = b[at + B_CHAN]!;
        const filters = refs.filters, base = watcher * FILTER_BYTES;
        if (!passesFilter(filters, base, port, type, chan)) continue;
      }
      this.#deliverOnly(watcher, cell, port, isRouted);
    }
  }

  /** A copy for `dst`; a routed one (`isRouted`) is dropped when its client lags. */
  #deliverOnly(
    dst: number,
    cell: number,
    port: number,
    isRouted: boolean,
  ): void {
    const client = this.#refs.owner[dst]!;
    const sink = this.#sinks[client];
    if (sink === undefined) return;
    if (isRouted && this.isBehind[client] === 1) {
      this.#accounts.addRef(dst, R_SLOW_DROPS, 1);
      this.#accounts.addClient(client, C_SLOW_DROPS, 1);
      return;
    }
    this.#touch(client);
    sink.deliver(dst, port, this.#pool, cell);
  }

  #task(r: number, cell: number, type: number): void {
    const client = this.#refs.owner[r]!;
    const sink = this.#sinks[client];
    if (sink === undefined) return;
    const pool = this.#pool;
    const date = pool.words[cell * CELL_WORDS + W_DATE]! >>> 0;
    const id = getField(pool, cell, TASK_ID_SLOT);
    const serial = getField(pool, cell, TASK_SERIAL_SLOT);
    if (type === typeProcess) sink.runTask(r, id, serial, date);
    else sink.readyDTask(r, id, serial, date);
    this.#touch(client);
  }

  #touch(client: number): void {
    if (this.#isTouched[client] === 1) return;
    this.#isTouched[client] = 1;
    this.#touched[this.#touchedCount++] = client;
  }
}
