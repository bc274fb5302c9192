/**
 * The refnum table of the server (spec §2.7, §4): which refnums are applications,
 * drivers or the two images of MidiShare, who owns them, their names, filters and
 * whether they have an application alarm.
 *
 * Runs in the kernel worker. Reads are real-time safe; opening and naming allocate
 * strings.
 *
 * @module
 */

import {
  ADMISSION_LIMIT,
  MidiShareDriverRef,
  NAME_MAX_LENGTH,
  REFNUM_COUNT,
} from "../api/constants.ts";
import { FILTER_BYTES } from "../memory/filter_bits.ts";

/** Kind of a refnum: free. */
export const KIND_FREE = 0;
/** Kind of a refnum: an application opened with `MidiOpen`. */
export const KIND_APPL = 1;
/** Kind of a refnum: a driver registered with `MidiRegisterDriver`. */
export const KIND_DRIVER = 2;
/** Kind of a refnum: one of the images of MidiShare (0 and 127). */
export const KIND_IMAGE = 3;

/** The name of both images. */
export const MIDISHARE_NAME = "MidiShare";

/** Cuts a name to the 31 characters MidiShare keeps. */
export function cutName(name: string): string {
  return name.length > NAME_MAX_LENGTH ? name.slice(0, NAME_MAX_LENGTH) : name;
}

/** The refnum table; its arrays are indexed by refnum. */
export class RefnumTable {
  /** Kind of each refnum (`KIND_*`). */
  readonly kind: Uint8Array = new Uint8Array(REFNUM_COUNT);
  /** Owning client of each application or driver, 0 for the images. */
  readonly owner: Int32Array = new Int32Array(REFNUM_COUNT);
  /** Driver version of each driver. */
  readonly version: Int32Array = new Int32Array(REFNUM_COUNT);
  /** 1 when the refnum has an application alarm. */
  readonly hasApplAlarm: Uint8Array = new Uint8Array(REFNUM_COUNT);
  /** 1 when the refnum has a filter installed. */
  readonly hasFilter: Uint8Array = new Uint8Array(REFNUM_COUNT);
  /** The installed filters, {@link FILTER_BYTES} per refnum. */
  readonly filters: Uint8Array = new Uint8Array(REFNUM_COUNT * FILTER_BYTES);
  /** Network role of each application (0 none, 1 driver, 2 peer; `network_role.ts`). */
  readonly networkRole: Uint8Array = new Uint8Array(REFNUM_COUNT);
  /** Names. */
  readonly names: string[] = new Array<string>(REFNUM_COUNT).fill("");
  #applCount = 0;
  #driverCount = 0;
  #networkCount = 0;

  /** Open applications, refnum 0 counted (`MidiCountAppls`). */
  get applCount(): number {
    return this.#applCount;
  }

  /** Open applications that have a network role (driver or peer). */
  get networkApplCount(): number {
    return this.#networkCount;
  }

  /** Registered drivers, refnum 127 counted (`MidiCountDrivers`). */
  get driverCount(): number {
    return this.#driverCount;
  }

  /** Whether one more application or driver is admitted (spec §2.7). */
  get hasRoom(): boolean {
    return this.#applCount + this.#driverCount < ADMISSION_LIMIT;
  }

  /** Whether `ref` is a valid, used refnum. */
  isOpen(ref: number): boolean {
    return ref >= 0 && ref < REFNUM_COUNT && this.kind[ref] !== KIND_FREE;
  }

  /** Whether `ref` is open and on the application side (applications and 0). */
  isApplSide(ref: number): boolean {
    const k = this.kind[ref];
    return k === KIND_APPL || (ref === 0 && k === KIND_IMAGE);
  }

  /** Whether `ref` is open and on the driver side (drivers and 127). */
  isDriverSide(ref: number): boolean {
    const k = this.kind[ref];
    return k === KIND_DRIVER ||
      (ref === MidiShareDriverRef && k === KIND_IMAGE);
  }

  /** Whether `ref` is an application or driver that `client` opened. */
  isOwnedBy(ref: number, client: number): boolean {
    if (!this.isOpen(ref)) return false;
    const k = this.kind[ref];
    return (k === KIND_APPL || k === KIND_DRIVER) && this.owner[ref] === client;
  }

  /** Lowest free refnum 1..126 for an application, or −1. */
  freeApplRef(): number {
    for (let r = 1; r < MidiShareDriverRef; r++) {
      if (this.kind[r] === KIND_FREE) return r;
    }
    return -1;
  }

  /** Highest free refnum 126..1 for a driver, or −1. */
  freeDriverRef(): number {
    for (let r = MidiShareDriverRef - 1; r >= 1; r--) {
      if (this.kind[r] === KIND_FREE) return r;
    }
    return -1;
  }

  /** Takes refnum `ref` as `kind` for `client`. */
  take(ref: number, kind: number, client: number, name: string): void {
    this.kind[ref] = kind;
    this.owner[ref] = client;
    this.names[ref] = cutName(name);
    this.hasApplAlarm[ref] = 0;
    this.hasFilter[ref] = 0;
    this.version[ref] = 0;
    if (kind === KIND_DRIVER || ref === MidiShareDriverRef) this.#driverCount++;
    else this.#applCount++;
  }

  /** Sets the network role of application `ref` (0 none, 1 driver, 2 peer). */
  setNetworkRole(ref: number, role: number): void {
    if (this.kind[ref] !== KIND_APPL) return;
    const was = this.networkRole[ref]! !== 0, is = role !== 0;
    this.networkRole[ref] = role;
    if (is !== was) this.#networkCount += is ? 1 : -1;
  }

  /** Frees refnum `ref`. */
  release(ref: number): void {
    const kind = this.kind[ref];
    if (kind === KIND_FREE) return;
    this.setNetworkRole(ref, 0);
    if (kind === KIND_DRIVER || ref === MidiShareDriverRef) this.#driverCount--;
    else this.#applCount--;
    this.kind[ref] = KIND_FREE;
    this.owner[ref] = 0;
    this.names[ref] = "";
    this.hasApplAlarm[ref] = 0;
    this.hasFilter[ref] = 0;
  }
}
