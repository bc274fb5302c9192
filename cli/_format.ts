/**
 * Text forms shared by the tools: event type names and one line per event.
 * Private to `cli/`.
 *
 * @module
 */

import * as K from "@midishare/client";

const TYPE_NAMES: Record<number, string> = {};
for (const [name, value] of Object.entries(K)) {
  if (!/^type[A-Z]/.test(name) || typeof value !== "number") continue;
  // Keep the first name of a value (aliases like typeQFrame come later).
  TYPE_NAMES[value] ??= name.slice(4);
}

/** A readable name for an event type. */
export function typeName(type: number): string {
  if (type > K.typePrivate && type < K.typeProcess) return `Private${type}`;
  if (type >= K.typeReserved && type <= K.typeLastReserved) {
    return `Reserved${type}`;
  }
  return TYPE_NAMES[type] ?? `Type${type}`;
}

/** One line for a received event: date, source, port, channel, type, fields. */
export function eventLine(
  ms: K.MidiShareClient,
  e: K.MidiEv,
  sourceName: string,
): string {
  const count = ms.MidiCountFields(e);
  const shown = Math.min(count, 16);
  const fields = Array.from({ length: shown }, (_, i) => ms.MidiGetField(e, i));
  const rest = count > shown ? ` … (${count} bytes)` : "";
  const chan = e.evType <= 7 || (e.evType >= 131 && e.evType <= 133)
    ? `ch ${String(e.chan).padStart(2)}`
    : "     ";
  return `${String(e.date).padStart(10)}  ${
    sourceName.padEnd(20).slice(0, 20)
  }` +
    ` port ${String(e.port).padStart(3)}  ${chan}  ${
      typeName(e.evType).padEnd(14)
    }` +
    ` ${fields.join(" ")}${rest}`;
}
