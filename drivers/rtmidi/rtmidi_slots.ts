/**
 * The slots of the RtMidi driver: one per RtMidi input port and output port, opened
 * when the port appears, removed when it vanishes, each connected to a MidiShare
 * port. Each slot goes to the lowest MidiShare port that no other slot of the same
 * direction uses, and a port that comes back after vanishing gets the MidiShare port
 * it had.
 *
 * Runs in the kernel worker. Not real-time safe: opening and closing allocate; the
 * list of slots is read on the per-tick path without allocation.
 *
 * @module
 */

import {
  type LocalMidiShare,
  MidiInputSlot,
  MidiOutputSlot,
  PORT_COUNT,
} from "@midishare/kernel";
import { MidiDecoder, type MidiEncoder } from "@midishare/kernel/midi";
import { logInfo, logWarn } from "@midishare/transport/logger";
import { OutputPacer } from "./output_pacer.ts";
import type { PortLists } from "./port_scanner.ts";
import { RtMidiInput, RtMidiOutput } from "./rtmidi_device.ts";
import {
  RTMIDI_API_LINUX_ALSA,
  RtMidiError,
  type RtMidiLibrary,
} from "./rtmidi_ffi.ts";

/** One RtMidi port as a slot of the driver. */
export interface RtmidiPort {
  /** The slot's reference, −1 before it has one. */
  slotRef: number;
  /** The port's name, as RtMidi gives it (ours for a virtual port). */
  name: string;
  /** Whether it is an input. */
  isInput: boolean;
  /** Whether it is one of our virtual ports. */
  isVirtual: boolean;
  /** The input device, while open. */
  input: RtMidiInput | null;
  /** The output device, while open. */
  output: RtMidiOutput | null;
  /** The decoder of an input. */
  decoder: MidiDecoder | null;
  /** The pacer of an output. */
  pacer: OutputPacer | null;
}

/** What the slots need of the driver. */
export interface RtmidiSlotsHost {
  /** The driver's in-process client of the kernel. */
  readonly ms: LocalMidiShare;
  /** The RtMidi library. */
  readonly lib: RtMidiLibrary;
  /** The driver's options. */
  readonly options: {
    clientName: string;
    virtualPorts: number;
    alsaSysexRate: number;
  };
  /** The encoder of the driver's output. */
  readonly encoder: MidiEncoder;
  /** The driver's refnum. */
  refNum(): number;
  /** The back end in use (`RTMIDI_API_*`). */
  api(): number;
  /** Sends a decoded input event of the slot being polled. */
  input(cell: number): void;
  /** Counts a message RtMidi refused. */
  outputFailed(): void;
}

/** The slots of the driver; see the module documentation. */
export class RtmidiSlots {
  readonly #host: RtmidiSlotsHost;
  readonly #ports: (RtmidiPort | undefined)[] = [];
  // MidiShare port given to each port name, kept while the server runs.
  readonly #portOf = new Map<string, number>();

  /** No slots yet. */
  constructor(host: RtmidiSlotsHost) {
    this.#host = host;
  }

  /** The ports by slot reference (holes for free slots). Real-time safe. */
  get list(): readonly (RtmidiPort | undefined)[] {
    return this.#ports;
  }

  /** How many slots there are. */
  count(): number {
    return this.#ports.filter((p) => p !== undefined).length;
  }

  /**
   * Compares the port lists with the slots: a new port becomes a slot connected to
   * its MidiShare port, a vanished one loses its slot.
   */
  apply(lists: PortLists): void {
    const sources = this.#ownPortsOut(lists.sources);
    const destinations = this.#ownPortsOut(lists.destinations);
    for (const port of this.#ports) {
      if (port === undefined || port.isVirtual) continue;
      const present = port.isInput ? sources : destinations;
      if (!present.includes(port.name)) this.#remove(port);
    }
    for (const name of sources) {
      if (!this.#has(name, true)) this.#add(name, true);
    }
    for (const name of destinations) {
      if (!this.#has(name, false)) this.#add(name, false);
    }
  }

  /** Creates the virtual ports the options ask for. */
  createVirtualPorts(): void {
    const { clientName, virtualPorts } = this.#host.options;
    for (let i = 1; i <= virtualPorts; i++) {
      this.#add(`${clientName} in ${i}`, true, true);
      this.#add(`${clientName} out ${i}`, false, true);
    }
  }

  /** Removes every slot (the back end went away). */
  removeAll(): void {
    for (const port of this.#ports) if (port !== undefined) this.#remove(port);
  }

  /** Closes every port, keeping the slots (the driver stops). */
  closeAll(): void {
    for (const port of this.#ports) if (port !== undefined) this.#close(port);
  }

  /** Leaves out the ports of our own devices (our JACK or ALSA clients). */
  #ownPortsOut(names: string[]): string[] {
    const client = this.#host.options.clientName;
    return names.filter((name) =>
      !name.startsWith(`${client}:`) && !name.startsWith(`${client}-`) &&
      !name.startsWith(`${client} `)
    );
  }

  #has(name: string, isInput: boolean): boolean {
    return this.#ports.some((p) =>
      p !== undefined && p.name === name && p.isInput === isInput
    );
  }

  #add(name: string, isInput: boolean, isVirtual = false): void {
    const port: RtmidiPort = {
      slotRef: -1,
      name,
      isInput,
      isVirtual,
      input: null,
      output: null,
      decoder: null,
      pacer: null,
    };
    try {
      this.#open(port);
    } catch (error) {
      logWarn(
        `RtMidi driver: cannot open "${name}": ${(error as Error).message}`,
      );
      this.#close(port);
      return;
    }
    const ms = this.#host.ms;
    const slot = ms.MidiAddSlot(
      this.#host.refNum(),
      name,
      isInput ? MidiInputSlot : MidiOutputSlot,
    );
    if (slot.slotRef < 0) {
      logWarn(`RtMidi driver: no slot left for "${name}"`);
      this.#close(port);
      return;
    }
    port.slotRef = slot.slotRef;
    this.#ports[slot.slotRef] = port;
    const midiPort = this.#midiSharePort(name, isInput);
    ms.MidiConnectSlot(midiPort, slot, true);
    logInfo(
      `RtMidi driver: ${
        isInput ? "input" : "output"
      } "${name}" is slot ${slot.slotRef}, port ${midiPort}`,
    );
  }

  #open(port: RtmidiPort): void {
    const host = this.#host;
    const lib = host.lib, api = host.api(), client = host.options.clientName;
    const ourName = port.isVirtual
      ? port.name.slice(client.length + 1)
      : `${port.isInput ? "from" : "to"} ${port.name}`;
    if (port.isInput) {
      const input = port.input = new RtMidiInput(lib, api, client);
      if (port.isVirtual) input.openVirtual(ourName);
      else input.open(indexOf(input.portNames(), port.name), ourName);
      port.decoder = new MidiDecoder(
        () => host.ms.eventPool,
        (cell) => host.input(cell),
      );
    } else {
      const output = port.output = new RtMidiOutput(lib, api, client);
      if (port.isVirtual) output.openVirtual(ourName);
      else output.open(indexOf(output.portNames(), port.name), ourName);
      const rate = api === RTMIDI_API_LINUX_ALSA
        ? host.options.alsaSysexRate
        : 0;
      port.pacer = new OutputPacer((bytes, length) => {
        if (!output.send(bytes, length)) host.outputFailed();
      }, rate);
    }
  }

  #remove(port: RtmidiPort): void {
    logInfo(
      `RtMidi driver: ${
        port.isInput ? "input" : "output"
      } "${port.name}" vanished (slot ${port.slotRef})`,
    );
    this.#host.encoder.dropSlot(port.slotRef);
    this.#ports[port.slotRef] = undefined;
    this.#host.ms.MidiRemoveSlot({
      drvRef: this.#host.refNum(),
      slotRef: port.slotRef,
    });
    this.#close(port);
  }

  #close(port: RtmidiPort): void {
    port.pacer?.clear();
    port.decoder?.reset();
    try {
      port.input?.free();
      port.output?.free();
    } catch (error) {
      // A port whose peer vanished may fail to close; it is gone either way.
      logWarn(
        `RtMidi driver: closing "${port.name}": ${(error as Error).message}`,
      );
    }
    port.input = port.output = null;
  }

  /** The remembered MidiShare port of a name, or the lowest free one for its direction. */
  #midiSharePort(name: string, isInput: boolean): number {
    const key = `${isInput ? "in" : "out"}\u0000${name}`;
    const known = this.#portOf.get(key);
    if (known !== undefined) return known;
    const used = new Set<number>();
    for (const [k, p] of this.#portOf) {
      if (k.startsWith(isInput ? "in\u0000" : "out\u0000")) used.add(p);
    }
    let port = 0;
    while (used.has(port) && port < PORT_COUNT - 1) port++;
    this.#portOf.set(key, port);
    return port;
  }
}

function indexOf(names: string[], name: string): number {
  const index = names.indexOf(name);
  if (index < 0) throw new RtMidiError(`port "${name}" is no longer there`);
  return index;
}
