/**
 * The RtMidi C library (RtMidi 5 and 6 C API, Debian's `librtmidi6`) through
 * `Deno.dlopen`: typed symbols, one checked-call helper that resets and reads the
 * wrapper's `ok` flag, and input and output devices. No JavaScript callback is ever
 * given to RtMidi: inputs are polled.
 *
 * Runs in the kernel worker. `RtMidiInput.poll` and `RtMidiOutput.send` are real-time
 * safe (no allocation, no await); opening, listing and closing are not.
 *
 * The wrapper struct RtMidi returns for every device, on 64-bit systems:
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

/** Library names tried in order. RtMidi 4 and older have another C API. */
export const LIBRARY_NAMES: readonly string[] = [
  "librtmidi.so.6",
  "librtmidi.so.7",
  "librtmidi.so",
];

/** RtMidi's `enum RtMidiApi` values used here. */
export const RTMIDI_API_UNSPECIFIED = 0;
/** The ALSA sequencer back end. */
export const RTMIDI_API_LINUX_ALSA = 2;
/** The JACK back end. */
export const RTMIDI_API_UNIX_JACK = 3;

const OK_OFFSET = 16;
const MSG_OFFSET = 24;

/** The C functions used, with their FFI signatures (RtMidi 5 `rtmidi_c.h`). */
export const RTMIDI_SYMBOLS = {
  rtmidi_get_compiled_api: { parameters: ["buffer", "u32"], result: "i32" },
  rtmidi_open_port: {
    parameters: ["pointer", "u32", "buffer"],
    result: "void",
  },
  rtmidi_open_virtual_port: {
    parameters: ["pointer", "buffer"],
    result: "void",
  },
  rtmidi_close_port: { parameters: ["pointer"], result: "void" },
  rtmidi_get_port_count: { parameters: ["pointer"], result: "u32" },
  rtmidi_get_port_name: {
    parameters: ["pointer", "u32", "buffer", "buffer"],
    result: "i32",
  },
  rtmidi_in_create: { parameters: ["i32", "buffer", "u32"], result: "pointer" },
  rtmidi_in_free: { parameters: ["pointer"], result: "void" },
  rtmidi_in_ignore_types: {
    parameters: ["pointer", "bool", "bool", "bool"],
    result: "void",
  },
  rtmidi_in_get_message: {
    parameters: ["pointer", "buffer", "buffer"],
    result: "f64",
  },
  rtmidi_out_create: { parameters: ["i32", "buffer"], result: "pointer" },
  rtmidi_out_free: { parameters: ["pointer"], result: "void" },
  rtmidi_out_send_message: {
    parameters: ["pointer", "buffer", "i32"],
    result: "i32",
  },
} as const;

/** The typed symbols of the library. */
export type RtMidiSymbols = Deno.DynamicLibrary<
  typeof RTMIDI_SYMBOLS
>["symbols"];

/** A failed RtMidi call, with RtMidi's own message. */
export class RtMidiError extends Error {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RtMidiError";
  }
}

/** The loaded library. */
export interface RtMidiLibrary {
  /** The file that was loaded. */
  readonly path: string;
  /** The raw symbols. */
  readonly symbols: RtMidiSymbols;
  /** The back ends this build of RtMidi has (`RTMIDI_API_*` values). */
  compiledApis(): number[];
  /** Unloads the library. */
  close(): void;
}

/**
 * Loads RtMidi. Returns null, with the reason, when no library could be loaded (not
 * installed, or FFI not permitted): the caller reports it once.
 */
export function loadRtMidi(
  names: readonly string[] = LIBRARY_NAMES,
): { library: RtMidiLibrary } | { library: null; reason: string } {
  const failures: string[] = [];
  for (const name of names) {
    try {
      const lib = Deno.dlopen(name, RTMIDI_SYMBOLS);
      return {
        library: {
          path: name,
          symbols: lib.symbols,
          compiledApis() {
            const apis = new Int32Array(8);
            const n = lib.symbols.rtmidi_get_compiled_api(
              new Uint8Array(apis.buffer),
              apis.length,
            );
            return [...apis.subarray(0, Math.max(0, n))];
          },
          close: () => lib.close(),
        },
      };
    } catch (error) {
      failures.push(
        `${name}: ${error instanceof Error ? error.message : error}`,
      );
    }
  }
  return { library: null, reason: failures.join("; ") };
}

const encoder = new TextEncoder();

/** A NUL-terminated C string. */
function cString(s: string): Uint8Array<ArrayBuffer> {
  const bytes = encoder.encode(s);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}

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

/** Names of a device's ports, as RtMidi gives them. */
function portNames(lib: RtMidiLibrary, wrapper: RtMidiWrapper): string[] {
  const s = lib.symbols;
  const count = wrapper.checked(
    "Cannot count ports",
    () => s.rtmidi_get_port_count(wrapper.pointer),
  );
  const names: string[] = [];
  const length = new Int32Array(1);
  for (let i = 0; i < count; i++) {
    length[0] = 0;
    s.rtmidi_get_port_name(
      wrapper.pointer,
      i,
      null,
      new Uint8Array(length.buffer),
    );
    const buf = new Uint8Array(Math.max(1, length[0]!));
    wrapper.checked(
      `Cannot read the name of port ${i}`,
      () =>
        s.rtmidi_get_port_name(
          wrapper.pointer,
          i,
          buf,
          new Uint8Array(length.buffer),
        ),
    );
    const end = buf.indexOf(0);
    names.push(
      new TextDecoder().decode(buf.subarray(0, end < 0 ? buf.length : end)),
    );
  }
  return names;
}

/** What input and output devices share: listing, opening, closing. */
export abstract class RtMidiDevice {
  /** The library. */
  protected readonly lib: RtMidiLibrary;
  /** The device's wrapper. */
  protected readonly wrapper: RtMidiWrapper;
  readonly #what: string;
  #isFreed = false;

  /**
   * Wraps a device RtMidi created; a device RtMidi reports as failed is freed and
   * thrown.
   */
  constructor(lib: RtMidiLibrary, pointer: Deno.PointerValue, what: string) {
    this.lib = lib;
    this.#what = what;
    this.wrapper = new RtMidiWrapper(pointer, `an RtMidi ${what}`);
    if (!this.wrapper.isOk) {
      const message = this.wrapper.message();
      this.free();
      throw new RtMidiError(`Cannot create an RtMidi ${what}: ${message}`);
    }
  }

  /** The names of the ports this device can connect to. */
  portNames(): string[] {
    return portNames(this.lib, this.wrapper);
  }

  /** Connects to port `index`, with our end named `ourName`. */
  open(index: number, ourName: string): void {
    this.wrapper.checked(
      `Cannot open ${this.#what} port ${index}`,
      () =>
        this.lib.symbols.rtmidi_open_port(
          this.wrapper.pointer,
          index,
          cString(ourName),
        ),
    );
  }

  /** Creates a virtual port other programs connect to. */
  openVirtual(name: string): void {
    this.wrapper.checked(
      `Cannot create the virtual ${this.#what} "${name}"`,
      () =>
        this.lib.symbols.rtmidi_open_virtual_port(
          this.wrapper.pointer,
          cString(name),
        ),
    );
  }

  /** RtMidi's message for the last failure. */
  lastError(): string {
    return this.wrapper.message();
  }

  /** Closes the port and frees the device. */
  free(): void {
    if (this.#isFreed) return;
    this.#isFreed = true;
    this.lib.symbols.rtmidi_close_port(this.wrapper.pointer);
    this.release();
  }

  /** Frees the C++ object (`rtmidi_in_free` or `rtmidi_out_free`). */
  protected abstract release(): void;
}

/** An RtMidi input device: lists the sources, opens one, and is polled. */
export class RtMidiInput extends RtMidiDevice {
  // size_t in/out parameter of rtmidi_in_get_message, read as its low 32 bits.
  readonly #size = new Uint32Array(2);
  readonly #sizeBytes = new Uint8Array(this.#size.buffer);

  /**
   * Creates an input device of back end `api` (a JACK or ALSA client named
   * `clientName`) that keeps SysEx, clock and active sensing (RtMidi ignores them by
   * default).
   * @throws {RtMidiError} when the back end is not available
   */
  constructor(
    lib: RtMidiLibrary,
    api: number,
    clientName: string,
    queueSize = 4096,
  ) {
    super(
      lib,
      lib.symbols.rtmidi_in_create(api, cString(clientName), queueSize),
      "input",
    );
    this.wrapper.checked(
      "Cannot keep SysEx, clock and sensing",
      () =>
        lib.symbols.rtmidi_in_ignore_types(
          this.wrapper.pointer,
          false,
          false,
          false,
        ),
    );
  }

  /**
   * Takes the next waiting message into `buffer`. Real-time safe.
   * @returns its length; 0 when none waits; −1 when it did not fit in `buffer` (it is
   *   lost: RtMidi has already dequeued it); −2 when RtMidi reported an error
   */
  poll(buffer: Uint8Array): number {
    const w = this.wrapper;
    this.#size[0] = buffer.length;
    this.#size[1] = 0;
    w.reset();
    this.lib.symbols.rtmidi_in_get_message(w.pointer, buffer, this.#sizeBytes);
    if (!w.isOk) return -2;
    const size = this.#size[0]!;
    return size > buffer.length ? -1 : size;
  }

  /** Frees the RtMidiIn object. */
  protected override release(): void {
    this.lib.symbols.rtmidi_in_free(this.wrapper.pointer);
  }
}

/** An RtMidi output device: lists the destinations, opens one, and sends to it. */
export class RtMidiOutput extends RtMidiDevice {
  /**
   * Creates an output device of back end `api`.
   * @throws {RtMidiError} when the back end is not available
   */
  constructor(lib: RtMidiLibrary, api: number, clientName: string) {
    super(
      lib,
      lib.symbols.rtmidi_out_create(api, cString(clientName)),
      "output",
    );
  }

  /**
   * Sends one complete message `bytes[0..length)`. Real-time safe.
   * @returns false when RtMidi reported an error (see {@link lastError})
   */
  send(bytes: Uint8Array, length: number): boolean {
    const w = this.wrapper;
    w.reset();
    const status = this.lib.symbols.rtmidi_out_send_message(
      w.pointer,
      bytes,
      length,
    );
    return w.isOk && status === 0;
  }

  /** Frees the RtMidiOut object. */
  protected override release(): void {
    this.lib.symbols.rtmidi_out_free(this.wrapper.pointer);
  }
}
