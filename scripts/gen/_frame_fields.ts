/**
 * What the generators of the frame codecs and of the notification interface share:
 * the TypeScript type of each field type, and the parameter lists and doc comments
 * built from a frame's fields.
 *
 * Usage: imported by `notifications.ts` and `frames.ts`.
 *
 * @module
 */

import type {
  FieldSpec,
  FieldType,
  FrameSpec,
} from "@midishare/transport/interface";

/** The TypeScript type of each field type. */
export const TS: Record<FieldType, string> = {
  u8: "number",
  u16: "number",
  short: "number",
  long: "number",
  u32: "number",
  date: "number",
  bool: "boolean",
  f64: "number",
  string: "string",
  event: "number",
};

/** The frames still in use. */
export function live(frames: readonly FrameSpec[]): FrameSpec[] {
  return frames.filter((f) => !f.retired);
}

/** A kind byte as a hexadecimal literal. */
export function hex(kind: number): string {
  return `0x${kind.toString(16)}`;
}

/** `deliver` → `Deliver`. */
export function pascal(name: string): string {
  return name[0]!.toUpperCase() + name.slice(1);
}

/** Parameter list of a frame's fields (an event is a pool and a cell). */
export function params(fields: readonly FieldSpec[]): string[] {
  return fields.flatMap(([name, type]) =>
    type === "event"
      ? [`${name}Pool: CellPool`, `${name}Cell: number`]
      : [`${name}: ${TS[type]}`]
  );
}

/** Argument names matching {@link params}. */
export function args(fields: readonly FieldSpec[]): string[] {
  return fields.flatMap(([name, type]) =>
    type === "event" ? [`${name}Pool`, `${name}Cell`] : [name]
  );
}

/** JSDoc of a receiving method: its summary and one line per field. */
export function methodDoc(frame: FrameSpec, indent: string): string {
  const lines = [`${frame.doc}.`];
  for (const [name, type, doc] of frame.fields) {
    if (type === "event") {
      lines.push(`@param ${name}Pool the pool holding ${doc}`);
      lines.push(`@param ${name}Cell the cell of the event`);
    } else lines.push(`@param ${name} ${doc}`);
  }
  return `${indent}/**\n${
    lines.map((l) => `${indent} * ${l}`).join("\n")
  }\n${indent} */`;
}
