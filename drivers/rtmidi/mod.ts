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
  RtMidiError,
  type RtMidiLibrary,
  type RtMidiSymbols,
} from "./rtmidi_ffi.ts";
export { RtMidiDevice, RtMidiInput, RtMidiOutput } from "./rtmidi_device.ts";
export { RtMidiWrapper } from "./rtmidi_wrapper.ts";
export type { MidiApiChoice } from "./back_end_chooser.ts";
export type { LatenessFigures } from "./lateness_histogram.ts";
export {
  RtmidiDriver,
  type RtmidiDriverOptions,
  type RtmidiStats,
} from "./rtmidi_driver.ts";
export { OutputPacer, type PortWriter } from "./output_pacer.ts";
