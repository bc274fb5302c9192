/**
 * Filter objects of a client (spec §7.16): bits kept in the client, shared by every
 * application that installs them; a change to an installed filter is forwarded to the
 * server for each of those applications.
 *
 * Runs on the client's thread.
 *
 * @module
 */

import { MidiShareError } from "../api/errors.ts";
import {
  FILTER_BYTES,
  type FilterPart,
  filterPart,
  getBit,
  setBit,
} from "../memory/filter_bits.ts";
import { describe } from "../api/validators.ts";

/** An opaque filter. */
export interface MidiFilter {
  /** Always `"MidiFilter"`. */
  readonly kind: "MidiFilter";
}

/** Receives the new bits of an installed filter, once per application using it. */
export type FilterChanged = (refNum: number, bits: Uint8Array) => void;

/** The implementation of {@link MidiFilter}. */
export class FilterHandle implements MidiFilter {
  /** Always `"MidiFilter"`. */
  readonly kind = "MidiFilter" as const;
  readonly #bits = new Uint8Array(FILTER_BYTES);
  readonly #installedOn = new Set<number>();
  readonly #onChange: FilterChanged;
  #isDead = false;

  /** A filter rejecting everything; `onChange` hears changes while installed. */
  constructor(onChange: FilterChanged) {
    this.#onChange = onChange;
  }

  /** A live filter, or the error of spec §7.16 for `f`. */
  static check(f: unknown, what: string): FilterHandle {
    if (!(f instanceof FilterHandle)) {
      throw new TypeError(
        `Cannot ${what}: expected a MidiFilter, got ${describe(f)}`,
      );
    }
    if (f.#isDead) {
      throw new MidiShareError("DEAD", `Cannot ${what}: the filter was freed`);
    }
    return f;
  }

  /** The bits, to send to the server. */
  static bitsOf(f: FilterHandle): Uint8Array {
    return f.#bits;
  }

  /** Records that `refNum` uses (or no longer uses) the filter. */
  static setInstalled(f: FilterHandle, refNum: number, state: boolean): void {
    if (state) f.#installedOn.add(refNum);
    else f.#installedOn.delete(refNum);
  }

  /** `MidiFreeFilter`: refuses a filter still installed. */
  static free(f: FilterHandle): void {
    if (f.#installedOn.size > 0) {
      throw new MidiShareError(
        "READONLY",
        `Cannot free the filter: it is installed on refnum ${
          [...f.#installedOn][0]
        }`,
      );
    }
    f.#isDead = true;
  }

  /** `MidiAccept*`: sets or clears bit `n`; out of range has no effect. */
  static accept(
    f: FilterHandle,
    part: FilterPart,
    n: number,
    state: boolean,
  ): void {
    const [offset, size] = filterPart(part);
    if (n < 0 || n >= size) return;
    if (getBit(f.#bits, offset, n) === state) return;
    setBit(f.#bits, offset, n, state);
    for (const ref of f.#installedOn) f.#onChange(ref, f.#bits);
  }

  /** `MidiIsAccepted*`: bit `n`, false out of range. */
  static isAccepted(f: FilterHandle, part: FilterPart, n: number): boolean {
    const [offset, size] = filterPart(part);
    return n >= 0 && n < size && getBit(f.#bits, offset, n);
  }
}
