/**
 * RtMidi's input and output devices: listing the ports of a back end, opening one
 * or a virtual port, polling an input and sending to an output.
 *
 * Runs in the kernel worker. `RtMidiInput.poll` and `RtMidiOutput.send` are real-time
 * safe (no allocation, no await); opening, listing and closing are not.
 *
 * @module
 */

import { RtMidiError, type RtMidiLibrary } from "./rtmidi_ffi.ts";
import { RtMidiWrapper } from "./rtmidi_wrapper.ts";

const encoder = new TextEncoder();

/** A NUL-terminated C string. */
function cString(s: string): Uint8Array<ArrayBuffer> {
  const bytes = encoder.encode(s);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
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
