/**
 * Conversion between the client's events (`MidiEv` handles) and the wire core's
 * reusable record {@link InetEvent}, for every type that travels (spec inet.md §3.6):
 * fixed-size types field by field in MidiShare order, variable-length types (SysEx,
 * Stream, the texts, Specific) byte by byte.
 *
 * Runs in the Inet driver process, on the forwarding path. Allocation-light: one
 * record and one growing scratch buffer are reused; each event read costs only the
 * client's handle for it.
 *
 * @module
 */

import type { MidiEv, MidiShareClient } from "@midishare/client";
import {
  fieldCount,
  type InetEvent,
  PAYLOAD_NOT_TRANSMISSIBLE,
  PAYLOAD_VARIABLE,
  payloadSize,
} from "./core/mod.ts";

/** Bytes of a variable-length event per cell of the client pool (`MidiAddField`). */
const BYTES_PER_CELL = 12;
/** Cells a pool grows by at least when an incoming event does not fit. */
const GROWTH_CELLS = 16_384;

const EMPTY = new Uint8Array(0);

/** Reads and makes client events; see the module documentation. */
export interface EventConverter {
  /**
   * Fills `out` from `e` (type, port, channel, fields or bytes; the relative date is
   * the caller's). `out.data` views a scratch buffer, valid until the next call.
   *
   * @returns false, leaving `out` as it was, when the type never travels
   */
  read(e: MidiEv, out: InetEvent): boolean;
  /**
   * A new client event with the contents of `ev` (its date is the caller's), or null
   * when the client's pool cannot hold it even after growing.
   */
  create(ev: InetEvent): MidiEv | null;
}

/**
 * Creates a converter working with the events of client `ms`.
 *
 * @param ms The client whose pool the events live in.
 * @returns The converter.
 * @example A KeyOn both ways
 * ```ts ignore
 * import { createClient, typeKeyOn } from "@midishare/client";
 * import { createInetEvent } from "./core/mod.ts";
 * import { createEventConverter } from "./event_conversion.ts";
 *
 * const ms = createClient();
 * await ms.MidiOpen("test");
 * const convert = createEventConverter(ms);
 * const ev = createInetEvent();
 * ev.type = typeKeyOn;
 * ev.fields.set([60, 100]);
 * const e = convert.create(ev)!;
 * convert.read(e, ev); // ev.fields[0] === 60
 * ```
 * @see spec inet.md §3.6
 */
export function createEventConverter(ms: MidiShareClient): EventConverter {
  return new ClientEventConverter(ms);
}

class ClientEventConverter implements EventConverter {
  readonly #ms: MidiShareClient;
  #scratch = new Uint8Array(1024);

  constructor(ms: MidiShareClient) {
    this.#ms = ms;
  }

  read(e: MidiEv, out: InetEvent): boolean {
    const ms = this.#ms;
    const type = e.evType;
    const size = payloadSize(type);
    if (size === PAYLOAD_NOT_TRANSMISSIBLE) return false;
    out.type = type;
    out.port = e.port;
    out.chan = e.chan;
    if (size === PAYLOAD_VARIABLE) {
      const n = ms.MidiCountFields(e);
      if (n > this.#scratch.length) {
        this.#scratch = new Uint8Array(Math.max(n, 2 * this.#scratch.length));
      }
      const bytes = this.#scratch;
      for (let i = 0; i < n; i++) bytes[i] = ms.MidiGetField(e, i);
      out.data = bytes.subarray(0, n);
      return true;
    }
    out.data = EMPTY;
    const fields = out.fields;
    const count = fieldCount(type);
    for (let i = 0; i < count; i++) fields[i] = ms.MidiGetField(e, i);
    return true;
  }

  create(ev: InetEvent): MidiEv | null {
    const isVariable = payloadSize(ev.type) === PAYLOAD_VARIABLE;
    const cells = 2 + Math.floor(ev.data.length / BYTES_PER_CELL);
    const ms = this.#ms;
    if (ms.MidiFreeSpace() < cells) ms.MidiGrowSpace(cells + GROWTH_CELLS);
    let e = ms.MidiNewEv(ev.type);
    if (e === null) {
      // Events received but not yet sent on can fill the pool: grow it and retry.
      ms.MidiGrowSpace(GROWTH_CELLS);
      e = ms.MidiNewEv(ev.type);
      if (e === null) return null;
    }
    e.port = ev.port;
    e.chan = ev.chan;
    if (isVariable) {
      const data = ev.data;
      for (let i = 0; i < data.length; i++) ms.MidiAddField(e, data[i]!);
      if (ms.MidiCountFields(e) !== data.length) {
        ms.MidiFreeEv(e);
        return null;
      }
      return e;
    }
    const fields = ev.fields;
    const count = fieldCount(ev.type);
    for (let i = 0; i < count; i++) ms.MidiSetField(e, i, fields[i]!);
    return e;
  }
}
