/**
 * Slots of drivers and their port connections (spec §7.5, §8): 64 slots per driver,
 * each with a name, a direction and a 256-bit port set.
 *
 * Runs in the kernel worker. Routing reads are real-time safe; adding slots and naming
 * allocate strings.
 *
 * @module
 */

import { PORT_COUNT, REFNUM_COUNT, SLOT_COUNT } from "../api/constants.ts";
import { cutName } from "./refnum_table.ts";
import type { SlotInfos } from "../api/types.ts";

const CNX_BYTES = PORT_COUNT / 8;

/** The slot table of every driver refnum. */
export class SlotTable {
  readonly #used = new Uint8Array(REFNUM_COUNT * SLOT_COUNT);
  readonly #direction = new Uint8Array(REFNUM_COUNT * SLOT_COUNT);
  readonly #names: string[] = new Array<string>(REFNUM_COUNT * SLOT_COUNT)
    .fill("");
  readonly #cnx = new Uint8Array(REFNUM_COUNT * SLOT_COUNT * CNX_BYTES);
  // Per driver and port, the slots connected to it as a 64-bit mask (two words).
  readonly #portSlots = new Int32Array(REFNUM_COUNT * PORT_COUNT * 2);
  readonly #counts = new Uint8Array(REFNUM_COUNT);

  /** Number of slots of driver `drv`. */
  count(drv: number): number {
    return this.#counts[drv]!;
  }

  /** Whether slot `slot` of `drv` exists. */
  exists(drv: number, slot: number): boolean {
    return slot >= 0 && slot < SLOT_COUNT && drv >= 0 &&
      drv < REFNUM_COUNT && this.#used[drv * SLOT_COUNT + slot] === 1;
  }

  /** Adds a slot with the lowest free number; returns it, or −1 when 64 are used. */
  add(drv: number, name: string, direction: number): number {
    for (let s = 0; s < SLOT_COUNT; s++) {
      const i = drv * SLOT_COUNT + s;
      if (this.#used[i] === 1) continue;
      this.#used[i] = 1;
      this.#direction[i] = direction;
      this.#names[i] = cutName(name);
      this.#counts[drv]!++;
      return s;
    }
    return -1;
  }

  /** Removes a slot and its port connections. */
  remove(drv: number, slot: number): void {
    if (!this.exists(drv, slot)) return;
    for (let p = 0; p < PORT_COUNT; p++) this.connect(p, drv, slot, false);
    const i = drv * SLOT_COUNT + slot;
    this.#used[i] = 0;
    this.#names[i] = "";
    this.#counts[drv]!--;
  }

  /** Removes every slot of a driver. */
  removeAll(drv: number): void {
    for (let s = 0; s < SLOT_COUNT; s++) this.remove(drv, s);
  }

  /** Renames an existing slot. */
  setName(drv: number, slot: number, name: string): void {
    this.#names[drv * SLOT_COUNT + slot] = cutName(name);
  }

  /** The `index`-th existing slot (1-based, ascending), or −1. */
  indexed(drv: number, index: number): number {
    let n = 0;
    for (let s = 0; s < SLOT_COUNT; s++) {
      if (this.#used[drv * SLOT_COUNT + s] === 1 && ++n === index) return s;
    }
    return -1;
  }

  /** Name, direction and a copy of the port set of a slot. */
  infos(drv: number, slot: number): SlotInfos {
    const i = drv * SLOT_COUNT + slot;
    return {
      name: this.#names[i]!,
      direction: this.#direction[i]!,
      cnx: this.#cnx.slice(i * CNX_BYTES, (i + 1) * CNX_BYTES),
    };
  }

  /** Whether port `port` is connected to the slot. */
  isConnected(port: number, drv: number, slot: number): boolean {
    const at = (drv * SLOT_COUNT + slot) * CNX_BYTES + (port >> 3);
    return (this.#cnx[at]! & (1 << (port & 7))) !== 0;
  }

  /** Connects or disconnects a port and a slot; returns whether it changed. */
  connect(port: number, drv: number, slot: number, state: boolean): boolean {
    if (this.isConnected(port, drv, slot) === state) return false;
    const at = (drv * SLOT_COUNT + slot) * CNX_BYTES + (port >> 3);
    const mask = (drv * PORT_COUNT + port) * 2 + (slot >> 5);
    if (state) {
      this.#cnx[at] = this.#cnx[at]! | (1 << (port & 7));
      this.#portSlots[mask] = this.#portSlots[mask]! | (1 << (slot & 31));
    } else {
      this.#cnx[at] = this.#cnx[at]! & ~(1 << (port & 7));
      this.#portSlots[mask] = this.#portSlots[mask]! & ~(1 << (slot & 31));
    }
    return true;
  }

  /** Slots 0..31 of `drv` connected to `port`, as a bit mask. */
  slotsLow(drv: number, port: number): number {
    return this.#portSlots[(drv * PORT_COUNT + port) * 2]!;
  }

  /** Slots 32..63 of `drv` connected to `port`, as a bit mask. */
  slotsHigh(drv: number, port: number): number {
    return this.#portSlots[(drv * PORT_COUNT + port) * 2 + 1]!;
  }

  /** Byte `k` (0..31) of the port set of a slot, to walk its ports. */
  cnxByte(drv: number, slot: number, k: number): number {
    return this.#cnx[(drv * SLOT_COUNT + slot) * CNX_BYTES + k]!;
  }
}
