/**
 * The RtMidi C library (RtMidi 5 and 6 C API, Debian's `librtmidi6`) through
 * `Deno.dlopen`: the library names tried, the back ends, the typed symbols, and the
 * error every failed RtMidi call becomes. The devices are in `rtmidi_device.ts`, the
 * checked-call helper in `rtmidi_wrapper.ts`. No JavaScript callback is ever given to
 * RtMidi: inputs are polled.
 *
 * Runs in the kernel worker. Not real-time safe: loads a library.
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
