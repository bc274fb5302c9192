/**
 * A received event as the monitor shows it: the columns `midishare display` prints
 * (date, source, port, channel, type, fields).
 *
 * @module
 */

import * as K from "@midishare/client";
import type { EventRecord } from "./protocol.ts";

/** Fields shown at most; the rest is counted, as `display` does. */
const SHOWN_FIELDS = 16;

const TYPE_NAMES: Record<number, string> = {};
for (const [name, value] of Object.entries(K)) {
  if (!/^type[A-Z]/.test(name) || typeof value !== "number") continue;
  // Keep the first name of a value (aliases like typeQFrame come later).
  TYPE_NAMES[value] ??= name.slice(4);
}

/** A readable name for an event type, as `display` prints it. */
export function typeName(type: number): string {
  if (type > K.typePrivate && type < K.typeProcess) return `Private${type}`;
  if (type >= K.typeReserved && type <= K.typeLastReserved) {
    return `Reserved${type}`;
  }
  return TYPE_NAMES[type] ?? `Type${type}`;
}

/** Whether events of `type` have a channel (the channel messages). */
function hasChannel(type: number): boolean {
  return type <= K.typePitchWheel ||
    (type >= K.typeCtrl14b && type <= K.typeRegParam);
}

/**
 * The record of a received event.
 *
 * @param ms the client that received it
 * @param e the event (still the caller's)
 * @param sourceName the name of its sender
 */
export function eventRecord(
  ms: K.MidiShareClient,
  e: K.MidiEv,
  sourceName: string,
): EventRecord {
  const count = ms.MidiCountFields(e);
  const shown = Math.min(count, SHOWN_FIELDS);
  return {
    date: e.date,
    source: e.refNum & 0x7f,
    sourceName,
    type: e.evType,
    typeName: typeName(e.evType),
    port: e.port,
    chan: hasChannel(e.evType) ? e.chan : -1,
    fields: Array.from({ length: shown }, (_, i) => ms.MidiGetField(e, i)),
    fieldCount: count,
  };
}
