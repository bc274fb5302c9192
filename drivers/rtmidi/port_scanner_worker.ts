/**
 * The scanner worker: lists RtMidi's input and output ports each time the kernel
 * worker asks (see `port_scanner.ts`), with two devices kept for the purpose, and
 * writes the names back as JSON into shared memory. Sleeps in `Atomics.wait` between
 * requests.
 *
 * @module
 */

import {
  C_ANSWERED,
  C_API,
  C_FAILED,
  C_LENGTH,
  C_REQUEST,
  type PortLists,
  type ScannerStart,
} from "./port_scanner.ts";
import { RtMidiInput, RtMidiOutput } from "./rtmidi_device.ts";
import { loadRtMidi, type RtMidiLibrary } from "./rtmidi_ffi.ts";

declare const self: {
  onmessage: ((e: MessageEvent<ScannerStart>) => void) | null;
};

/** The two listing devices of one API. */
class Lister {
  readonly api: number;
  readonly #input: RtMidiInput;
  readonly #output: RtMidiOutput;

  constructor(lib: RtMidiLibrary, api: number, clientName: string) {
    this.api = api;
    // Creating a device makes a JACK or ALSA client: done once per API, not per scan.
    const name = `${clientName} scan`;
    this.#input = new RtMidiInput(lib, api, name);
    try {
      this.#output = new RtMidiOutput(lib, api, name);
    } catch (error) {
      this.#input.free();
      throw error;
    }
  }

  list(): PortLists {
    return {
      sources: this.#input.portNames(),
      destinations: this.#output.portNames(),
    };
  }

  free(): void {
    this.#input.free();
    this.#output.free();
  }
}

self.onmessage = (e) => {
  const { control: buffer, names: namesBuffer, libraryPath, clientName } =
    e.data;
  const control = new Int32Array(buffer), names = new Uint8Array(namesBuffer);
  const loaded = loadRtMidi([libraryPath]);
  let lister: Lister | null = null;
  let served = 0;
  const answer = (text: string, isFailure: boolean) => {
    const bytes = new TextEncoder().encode(text);
    const fits = bytes.length <= names.length;
    const out = fits ? bytes : new TextEncoder().encode(
      `the port names take ${bytes.length} bytes, more than ${names.length}`,
    );
    names.set(out);
    Atomics.store(control, C_LENGTH, out.length);
    Atomics.store(control, C_FAILED, isFailure || !fits ? 1 : 0);
  };
  while (true) {
    const request = Atomics.load(control, C_REQUEST);
    if (request === served) {
      Atomics.wait(control, C_REQUEST, request);
      continue;
    }
    const api = Atomics.load(control, C_API);
    try {
      if (loaded.library === null) {
        throw new Error(`cannot load ${libraryPath}: ${loaded.reason}`);
      }
      if (lister !== null && lister.api !== api) {
        lister.free();
        lister = null;
      }
      if (api >= 0) lister ??= new Lister(loaded.library, api, clientName);
      const lists = lister === null
        ? { sources: [], destinations: [] }
        : lister.list();
      answer(JSON.stringify(lists), false);
    } catch (error) {
      answer((error as Error).message, true);
    }
    served = request;
    Atomics.store(control, C_ANSWERED, request);
    Atomics.notify(control, C_ANSWERED);
  }
};
