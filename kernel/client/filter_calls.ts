/**
 * The client-side filter calls: creating and freeing filters, setting and reading
 * their bits, and installing one on an application (spec §7.3, §7.16).
 *
 * Runs on the client's thread. Not real-time safe: filters are objects.
 *
 * @module
 */

import type { FilterPart } from "../memory/filter_bits.ts";
import { toBool, toShort } from "../api/validators.ts";
import { ApplRegistry } from "./appl_registry.ts";
import { FilterHandle, type MidiFilter } from "./filter_handle.ts";

/** The filter calls of a client; see the module documentation. */
export class FilterCalls<IsAsync extends boolean = boolean>
  extends ApplRegistry<IsAsync> {
  /** The installed filter, or null. */
  MidiGetFilter(refNum: number): MidiFilter | null {
    return this.record(toShort(refNum, "refNum"))?.filter ?? null;
  }

  /** Installs a filter (shared, not copied), or removes it with null. */
  MidiSetFilter(refNum: number, f: MidiFilter | null): void {
    const ref = toShort(refNum, "refNum");
    const filter = f === null || f === undefined
      ? null
      : FilterHandle.check(f, "install the filter");
    const rec = this.record(ref);
    if (rec === undefined) return;
    if (rec.filter !== null) FilterHandle.setInstalled(rec.filter, ref, false);
    rec.filter = filter;
    if (filter !== null) FilterHandle.setInstalled(filter, ref, true);
    this.link.MidiSetFilter(ref, filter && FilterHandle.bitsOf(filter));
  }

  /** A new filter that rejects everything until bits are set. */
  MidiNewFilter(): MidiFilter {
    return new FilterHandle((ref, bits) => this.link.MidiSetFilter(ref, bits));
  }

  /** Frees a filter; one still installed throws `READONLY`. */
  MidiFreeFilter(f: MidiFilter): void {
    FilterHandle.free(FilterHandle.check(f, "free the filter"));
  }

  /** Accepts or rejects port `port` (0..255). */
  MidiAcceptPort(f: MidiFilter, port: number, state: boolean): void {
    this.#accept(f, "port", port, state);
  }

  /** Accepts or rejects channel `chan` (0..15). */
  MidiAcceptChan(f: MidiFilter, chan: number, state: boolean): void {
    this.#accept(f, "chan", chan, state);
  }

  /** Accepts or rejects type `type` (0..255). */
  MidiAcceptType(f: MidiFilter, type: number, state: boolean): void {
    this.#accept(f, "type", type, state);
  }

  /** Whether port `port` is accepted. */
  MidiIsAcceptedPort(f: MidiFilter, port: number): boolean {
    return this.#isAccepted(f, "port", port);
  }

  /** Whether channel `chan` is accepted. */
  MidiIsAcceptedChan(f: MidiFilter, chan: number): boolean {
    return this.#isAccepted(f, "chan", chan);
  }

  /** Whether type `type` is accepted. */
  MidiIsAcceptedType(f: MidiFilter, type: number): boolean {
    return this.#isAccepted(f, "type", type);
  }

  #accept(f: MidiFilter, part: FilterPart, n: number, state: boolean): void {
    const filter = FilterHandle.check(f, `accept a ${part}`);
    FilterHandle.accept(filter, part, toShort(n, part), toBool(state, "state"));
  }

  #isAccepted(f: MidiFilter, part: FilterPart, n: number): boolean {
    const filter = FilterHandle.check(f, `read a ${part}`);
    return FilterHandle.isAccepted(filter, part, toShort(n, part));
  }
}
