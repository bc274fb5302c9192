/**
 * The choice of the RtMidi back end: ALSA where its sequencer exists, JACK where its
 * server runs, or the one asked for; and, while there is none, how often to look
 * again.
 *
 * Runs in the kernel worker. Not real-time safe: choosing creates an RtMidi device.
 *
 * @module
 */

import { logInfo, logWarn } from "@midishare/transport/logger";
import { alsaSequencerExists, jackServerMayRun } from "./midi_systems.ts";
import { RtMidiOutput } from "./rtmidi_device.ts";
import {
  RTMIDI_API_LINUX_ALSA,
  RTMIDI_API_UNIX_JACK,
  RtMidiError,
  type RtMidiLibrary,
} from "./rtmidi_ffi.ts";

/** Which MIDI system RtMidi uses. */
export type MidiApiChoice = "auto" | "alsa" | "jack";

/** Options of {@link BackEndChooser}. */
export interface BackEndOptions {
  /** Back end: ALSA where the sequencer exists, else JACK (`auto`); or forced. */
  api: MidiApiChoice;
  /** Client name of the RtMidi devices (their JACK or ALSA client). */
  clientName: string;
}

// After a back end that seemed there failed to open, the periodic tries space out
// up to this many rescans (about a minute).
const MAX_RETRY_RESCANS = 64;

/** The back end in use, and the search for one; see the module documentation. */
export class BackEndChooser {
  readonly #lib: RtMidiLibrary;
  readonly #options: BackEndOptions;
  #api = -1;
  #name = "none";
  #hasWarned = false;
  #rescans = 0;
  #nextTry = 0; // rescan count before which the periodic rescan does not try a back end
  #retryRescans = 1;

  /** No back end yet; call {@link choose}. */
  constructor(lib: RtMidiLibrary, options: BackEndOptions) {
    this.#lib = lib;
    this.#options = options;
  }

  /** The back end in use (an `RTMIDI_API_*` value), −1 for none. */
  get api(): number {
    return this.#api;
  }

  /** "ALSA", "JACK" or "none". */
  get name(): string {
    return this.#name;
  }

  /**
   * Picks the first back end that is there and opens: ALSA where its sequencer
   * exists, JACK where its server runs (auto), or the one asked for. JACK is only
   * tried when its server shows: an RtMidi JACK device without a server is created
   * all the same (RtMidi only prints a warning), so it proves nothing.
   */
  choose(): void {
    const compiled = this.#lib.compiledApis();
    const choice = this.#options.api;
    const candidates: number[] = [];
    if (
      choice === "alsa" ||
      choice === "auto" && compiled.includes(RTMIDI_API_LINUX_ALSA) &&
        alsaSequencerExists()
    ) candidates.push(RTMIDI_API_LINUX_ALSA);
    if (
      choice === "jack" && jackServerMayRun() ||
      choice === "auto" && compiled.includes(RTMIDI_API_UNIX_JACK) &&
        jackServerMayRun()
    ) candidates.push(RTMIDI_API_UNIX_JACK);
    let failure = "";
    for (const api of candidates) {
      try {
        // A device that can be created means the system (JACK server, ALSA) is there.
        new RtMidiOutput(this.#lib, api, this.#options.clientName).free();
        this.#api = api;
        this.#name = api === RTMIDI_API_UNIX_JACK ? "JACK" : "ALSA";
        this.#hasWarned = false;
        this.#retryRescans = 1;
        logInfo(`RtMidi driver: using ${this.#name} (${this.#lib.path})`);
        return;
      } catch (error) {
        if (!(error instanceof RtMidiError)) throw error;
        failure = `: ${error.message}`;
      }
    }
    // Something seemed there and did not open: try less and less often.
    if (candidates.length > 0) {
      this.#nextTry = this.#rescans + this.#retryRescans;
      this.#retryRescans = Math.min(MAX_RETRY_RESCANS, this.#retryRescans * 2);
    }
    if (!this.#hasWarned) {
      this.#hasWarned = true;
      const what = choice === "auto"
        ? "neither the ALSA sequencer nor a JACK server is there"
        : `${choice === "jack" ? "JACK" : "ALSA"} is not available`;
      logWarn(
        `RtMidi driver: no MIDI ports yet: ${what}${failure} (looking again every second)`,
      );
    }
  }

  /** The back end went away: there is none until {@link choose} finds one. */
  lose(): void {
    this.#api = -1;
    this.#name = "none";
    this.#hasWarned = true;
  }

  /** Counts a periodic rescan without a back end; whether it should try one now. */
  isRetryDue(): boolean {
    return ++this.#rescans >= this.#nextTry;
  }
}
