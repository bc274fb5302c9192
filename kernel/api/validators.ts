/**
 * The argument validators of the API, shared by every front-end. Integer arguments
 * (spec §1.3) are numbers, truncated toward zero and wrapped to the C width of the
 * parameter; strings, callbacks, driver descriptions and slot references are checked
 * for their shape. A wrong type is a `TypeError`, a value out of range a `RangeError`.
 *
 * Pure, real-time safe for valid input (an invalid one throws, on the API path only).
 *
 * @module
 */

import type { SlotRefNum, TDriverOperation } from "./types.ts";

/** A finite number, or a `TypeError` naming the parameter. */
export function checkNumber(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new TypeError(
      `Invalid argument "${name}": expected a finite number, got ${
        describe(value)
      }`,
    );
  }
  return value;
}

/** A C `short`: signed 16 bits. */
export function toShort(value: unknown, name: string): number {
  return (Math.trunc(checkNumber(value, name)) << 16) >> 16;
}

/** A C `long`: signed 32 bits. */
export function toLong(value: unknown, name: string): number {
  return Math.trunc(checkNumber(value, name)) | 0;
}

/** A date: unsigned 32 bits. */
export function toDate(value: unknown, name: string): number {
  return Math.trunc(checkNumber(value, name)) >>> 0;
}

/** A `Boolean` state: a boolean, or a number that is true when non-zero. */
export function toBool(value: unknown, name: string): boolean {
  if (typeof value === "boolean") return value;
  return checkNumber(value, name) !== 0;
}

/** A string, or a `TypeError` naming the parameter. */
export function checkString(value: unknown, name: string): string {
  if (typeof value !== "string") {
    throw new TypeError(
      `Invalid argument "${name}": expected a string, got ${describe(value)}`,
    );
  }
  return value;
}

/** A function or null, or a `TypeError` naming the parameter. */
export function checkCallback<T>(value: unknown, name: string): T | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== "function") {
    throw new TypeError(
      `Invalid argument "${name}": expected a function or null, got ${
        describe(value)
      }`,
    );
  }
  return value as T;
}

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return `"${value.slice(0, 40)}"`;
  return typeof value;
}

/** Validates `TDriverInfos` (spec §8.2). */
export function checkDriverInfos(
  infos: unknown,
): { name: string; version: number } {
  if (typeof infos !== "object" || infos === null) {
    throw new TypeError(
      `Invalid argument "infos": expected a TDriverInfos, got ${
        describe(infos)
      }`,
    );
  }
  const { name, version } = infos as Record<string, unknown>;
  return {
    name: checkString(name, "infos.name"),
    version: toShort(version, "infos.version") & 0xffff,
  };
}

/** Validates `TDriverOperation`: optional `wakeup` and `sleep` functions. */
export function checkDriverOps(op: unknown): TDriverOperation {
  if (typeof op !== "object" || op === null) {
    throw new TypeError(
      `Invalid argument "op": expected a TDriverOperation, got ${describe(op)}`,
    );
  }
  const ops = op as Record<string, unknown>;
  const result: TDriverOperation = {};
  for (const key of ["wakeup", "sleep"] as const) {
    const fn = ops[key];
    if (fn === undefined || fn === null) continue;
    if (typeof fn !== "function") {
      throw new TypeError(
        `Invalid argument "op.${key}": expected a function, got ${
          describe(fn)
        }`,
      );
    }
    result[key] = fn as (refNum: number) => void;
  }
  return result;
}

/** Validates a `SlotRefNum` and normalizes its numbers. */
export function checkSlot(slot: unknown): SlotRefNum {
  if (typeof slot !== "object" || slot === null) {
    throw new TypeError(
      `Invalid argument "slot": expected a SlotRefNum, got ${describe(slot)}`,
    );
  }
  const { drvRef, slotRef } = slot as Record<string, unknown>;
  return {
    drvRef: toShort(drvRef, "slot.drvRef"),
    slotRef: toShort(slotRef, "slot.slotRef"),
  };
}

/** Validates a slot direction. */
export function checkDirection(direction: unknown): number {
  const d = toShort(direction, "direction");
  if (d < 1 || d > 3) {
    throw new RangeError(
      `Invalid slot direction ${d}: expected 1 (input), 2 (output) or 3 (both)`,
    );
  }
  return d;
}
