/**
 * Wrap-safe comparison of 32-bit millisecond dates (spec §5.3).
 *
 * Pure functions, real-time safe. Dates are unsigned 32-bit counts that wrap after
 * 2^32 ms; never compare them with `<`.
 *
 * @module
 */

/**
 * Whether date `d` is due at time `now`: `(d − now) mod 2^32` is 0 or at least 2^31,
 * i.e. `d` is now or in the past half of the circle.
 */
export function isDue(d: number, now: number): boolean {
  return ((d - now) | 0) <= 0;
}

/** Whether date `a` comes strictly before date `b` on the circle. */
export function isBefore(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

/** `(a − b)` as a signed 32-bit difference. */
export function dateDiff(a: number, b: number): number {
  return (a - b) | 0;
}

/** `(d + ms) mod 2^32`. */
export function addMs(d: number, ms: number): number {
  return (d + ms) >>> 0;
}
