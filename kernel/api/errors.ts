/**
 * The error MidiShare calls throw on misuse of a handle or an unreachable server
 * (spec §1.4, §9), and the closed table of its codes.
 *
 * Pure, usable from any thread. Errors lose their class across `postMessage` and the
 * socket: test with {@link isMidiShareError}, never `instanceof`.
 *
 * @module
 */

/**
 * The codes of {@link MidiShareError}, with the stable number each one has on the
 * wire. Never renumber or reuse a number.
 *
 * | code | number | meaning |
 * | --- | --- | --- |
 * | `DEAD` | 1 | the handle was freed, sent, flushed or its pool deactivated |
 * | `READONLY` | 2 | write, free or send on a queued or task handle, or a filter in use |
 * | `KIND` | 3 | a raw cell used as an event or the reverse, or an illegal `evType` change |
 * | `UNREACHABLE` | 4 | the server is gone or the channel broke |
 */
export const MIDISHARE_ERROR_CODES = {
  DEAD: 1,
  READONLY: 2,
  KIND: 3,
  UNREACHABLE: 4,
} as const;

/** One of the codes of {@link MIDISHARE_ERROR_CODES}. */
export type MidiShareErrorCode = keyof typeof MIDISHARE_ERROR_CODES;

/** Thrown by MidiShare calls; `code` says why. */
export class MidiShareError extends Error {
  /** Why the call failed. */
  readonly code: MidiShareErrorCode;

  /**
   * Creates the error.
   * @param code why the call failed
   * @param message what failed, with the values concerned
   */
  constructor(
    code: MidiShareErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "MidiShareError";
    this.code = code;
  }
}

/** Whether `x` is a {@link MidiShareError}, also one rebuilt from the wire. */
export function isMidiShareError(x: unknown): x is MidiShareError {
  if (!(x instanceof Error) || x.name !== "MidiShareError") return false;
  const code: unknown = (x as { code?: unknown }).code;
  return typeof code === "string" && code in MIDISHARE_ERROR_CODES;
}
