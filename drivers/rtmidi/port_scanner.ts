/**
 * Port listing in a thread of its own. Asking RtMidi for its port lists is a round
 * trip to the JACK server or the ALSA sequencer for every port: measured here at
 * about 10 ms of CPU with a few JACK clients, and up to 60 ms when the JACK server
 * is slow to answer. Done every second in the kernel worker, that made every
 * thousandth tick late. The scanner worker lists the ports when asked and hands the
 * names back through shared memory; the kernel worker asks and picks the answer up
 * a few ticks later without ever waiting, except for a rescan a client asked for.
 *
 * The kernel worker is the only one to ask, and it reads an answer before it asks
 * again, so the worker never writes the names while they are read.
 *
 * Runs in the kernel worker (the worker itself is `port_scanner_worker.ts`).
 *
 * @module
 */

import { RtMidiError } from "./rtmidi_ffi.ts";

/** The port names RtMidi lists, inputs and outputs. */
export interface PortLists {
  /** Ports MidiShare can read from. */
  sources: string[];
  /** Ports MidiShare can write to. */
  destinations: string[];
}

/** What the scanner worker gets at start. */
export interface ScannerStart {
  control: SharedArrayBuffer;
  names: SharedArrayBuffer;
  libraryPath: string;
  clientName: string;
}

// Words of the control array.
/** Number of the latest request (the kernel worker increments it). */
export const C_REQUEST = 0;
/** Number of the request the latest answer is for (the scanner sets it). */
export const C_ANSWERED = 1;
/** RtMidi API to list ports of; −1 frees the scanner's devices. */
export const C_API = 2;
/** Bytes of the answer in the names buffer. */
export const C_LENGTH = 3;
/** 1 when the answer is an error message rather than JSON port lists. */
export const C_FAILED = 4;
const CONTROL_WORDS = 5;

/** Room for the names: about 4 000 ports of 250 bytes. */
const NAMES_BYTES = 1 << 20;

/** The kernel worker's side of the scanner; see the module documentation. */
export class PortScanner {
  readonly #control: Int32Array;
  readonly #names: Uint8Array;
  readonly #worker: Worker;
  #taken = 0;

  /** Starts the scanner worker over the RtMidi library at `libraryPath`. */
  constructor(libraryPath: string, clientName: string) {
    const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
    const names = new SharedArrayBuffer(NAMES_BYTES);
    this.#control = new Int32Array(control);
    this.#names = new Uint8Array(names);
    this.#worker = new Worker(
      new URL("./port_scanner_worker.ts", import.meta.url),
      { type: "module" },
    );
    const start: ScannerStart = { control, names, libraryPath, clientName };
    this.#worker.postMessage(start);
  }

  /** Asks for the ports of `api` (−1: none, the devices are freed). Never waits. */
  request(api: number): number {
    Atomics.store(this.#control, C_API, api);
    const request = Atomics.add(this.#control, C_REQUEST, 1) + 1;
    Atomics.notify(this.#control, C_REQUEST);
    return request;
  }

  /**
   * The answer to the latest request once it is there, else null; each answer is
   * given once. Throws an {@link RtMidiError} when the listing failed.
   */
  take(): PortLists | null {
    const answered = Atomics.load(this.#control, C_ANSWERED);
    if (
      answered === this.#taken ||
      answered !== Atomics.load(this.#control, C_REQUEST)
    ) return null;
    this.#taken = answered;
    const text = new TextDecoder().decode(
      this.#names.slice(0, Atomics.load(this.#control, C_LENGTH)),
    );
    if (Atomics.load(this.#control, C_FAILED) === 1) {
      throw new RtMidiError(text);
    }
    return JSON.parse(text) as PortLists;
  }

  /**
   * Asks for the ports of `api` and waits for them, up to `timeoutMs`: for a rescan
   * a client asked for, which answers with the slots found.
   */
  scanNow(api: number, timeoutMs = 5000): PortLists {
    const request = this.request(api);
    const deadline = performance.now() + timeoutMs;
    while (true) {
      const answered = Atomics.load(this.#control, C_ANSWERED);
      if (answered === request) return this.take()!;
      const left = deadline - performance.now();
      if (left <= 0) {
        throw new RtMidiError(
          `the port lists did not come within ${timeoutMs} ms`,
        );
      }
      Atomics.wait(this.#control, C_ANSWERED, answered, left);
    }
  }

  /** Frees the worker's RtMidi devices (their JACK or ALSA clients), then stops it. */
  stop(): void {
    try {
      this.scanNow(-1, 1000);
    } catch {
      // A scanner that does not answer is stopped all the same.
    }
    this.#worker.terminate();
  }
}
