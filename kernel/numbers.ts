/**
 * Integer arguments of the API (spec §1.3): a number, truncated toward zero, wrapped
 * to the C width of the parameter. Anything else is a `TypeError`.
 *
 * Pure, real-time safe for valid input (an invalid one throws, on the API path only).
 *
 * @module
 */

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
