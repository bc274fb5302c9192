/**
 * Hardware and virtual MIDI ports through the RtMidi C library: the FFI binding and
 * the MidiShare driver that shows RtMidi's ports as slots. Runs inside the server's
 * kernel worker.
 *
 * May import `@midishare/kernel` and `@midishare/transport` (logger).
 *
 * @example Load RtMidi and list the back ends it was built with
 * ```ts ignore
 * import { loadRtMidi } from "./mod.ts";
 *
 * const loaded = loadRtMidi();
 * if (loaded.library) console.log(loaded.library.compiledApis());
 * else console.log(`no RtMidi: ${loaded.reason}`);
 * ```
 *
 * @module
 */

export {
  LIBRARY_NAMES,
  loadRtMidi,
  RTMIDI_API_LINUX_ALSA,
  RTMIDI_API_UNIX_JACK,
  RTMIDI_API_UNSPECIFIED,
  RTMIDI_SYMBOLS,
  RtMidiDevice,
  RtMidiError,
  RtMidiInput,
  type RtMidiLibrary,
  RtMidiOutput,
  type RtMidiSymbols,
  RtMidiWrapper,
} from "./rtmidi_ffi.ts";
export {
  type MidiApiChoice,
  RtmidiDriver,
  type RtmidiDriverOptions,
  type RtmidiStats,
} from "./rtmidi_driver.ts";
export { OutputPacer, type PortWriter } from "./output_pacer.ts";
