/**
 * The wrapper struct RtMidi returns for every device, with the one checked-call
 * helper every RtMidi call goes through: it resets and reads the wrapper's `ok` flag
 * and turns RtMidi's message into an {@link RtMidiError}.
 *
 * Runs in the kernel worker. `reset` and `isOk` are real-time safe; reading the
 * message allocates.
 *
 * The wrapper struct, on 64-bit systems:
 *
 * | bytes | field |
 * | --- | --- |
 * | 0..7 | `void* ptr`, the C++ object |
 * | 8..15 | `void* data` |
 * | 16 | `bool ok`, false after a failed call |
 * | 24..31 | `const char* msg`, the error message |
 *
 * @module
 */

import { RtMidiError } from "./rtmidi_ffi.ts";

const OK_OFFSET = 16;
const MSG_OFFSET = 24;
/** The wrapper struct of a device, its `ok` flag writable (see the module table). */
export class RtMidiWrapper {
  /** The device pointer (the wrapper struct). */
  readonly pointer: Deno.PointerObject;
  readonly #flags: Uint8Array;

  /**
   * Wraps what an `rtmidi_*_create` returned.
   * @throws {RtMidiError} for a null pointer
   */
  constructor(pointer: Deno.PointerValue, what: string) {
    if (pointer === null) {
      throw new RtMidiError(`Cannot create ${what}: RtMidi returned null`);
    }
    this.pointer = pointer;
    this.#flags = new Uint8Array(
      Deno.UnsafePointerView.getArrayBuffer(pointer, MSG_OFFSET + 8),
    );
  }

  /** Clears the error flag before a call. Real-time safe. */
  reset(): void {
    this.#flags[OK_OFFSET] = 1;
  }

  /** Whether the last call succeeded. Real-time safe. */
  get isOk(): boolean {
    return this.#flags[OK_OFFSET] !== 0;
  }

  /** RtMidi's message for the last failure. */
  message(): string {
    const msg = new Deno.UnsafePointerView(this.pointer).getPointer(MSG_OFFSET);
    return msg === null
      ? "unknown RtMidi error"
      : Deno.UnsafePointerView.getCString(msg);
  }

  /**
   * The checked-call helper: resets the flag, runs `call`, and turns a failure into
   * an {@link RtMidiError} naming `what`.
   */
  checked<T>(what: string, call: () => T): T {
    this.reset();
    const result = call();
    if (!this.isOk) throw new RtMidiError(`${what}: ${this.message()}`);
    return result;
  }
}
