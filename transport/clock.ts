/**
 * Wall-clock time shared by the server and its clients: milliseconds since the Unix
 * epoch with sub-millisecond precision. MidiShare time is derived from it: the server
 * hands its clients the epoch time of tick 0, and each side computes the current tick.
 *
 * @module
 */

/** Milliseconds since the Unix epoch, fractional. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
