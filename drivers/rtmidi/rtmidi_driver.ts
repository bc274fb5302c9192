/**
 * The RtMidi driver: a MidiShare driver (spec §8) whose slots are the MIDI ports
 * RtMidi sees, one slot per input port and per output port, named as RtMidi names
 * them. Inputs are polled every tick and stamped with the current date; outputs are
 * written when their events are delivered, at their date, `typeNote` split into
 * Note On and Note On velocity 0; long SysEx are paced on ALSA ports. The port lists
 * are rescanned every second and on request: slots appear and disappear with their
 * ports.
 *
 * Default connections: each slot is connected to the lowest MidiShare port that no
 * other slot of the same direction uses, so the first input and the first output
 * share port 0, the second ones port 1, and so on. A port that comes back after
 * vanishing gets the MidiShare port it had.
 *
 * Runs in the kernel worker, as an in-process client of the kernel. The per-tick
 * work (`afterTick`) and the output path are real-time safe. The port lists come
 * from a scanner thread (`port_scanner.ts`); opening a port that appeared, and
 * looking for a back end while there is none, still happen in the kernel worker.
 *
 * @module
 */

import {
  CELL_WORDS,
  type CellPool,
  type LocalMidiShare,
  MidiInputSlot,
  MidiOutputSlot,
  MidiShareDriverRef,
  PORT_COUNT,
} from "@midishare/kernel";
import { MidiDecoder } from "@midishare/kernel/midi";
import { MidiEncoder } from "@midishare/kernel/midi";
import { B_PORT, W_DATE } from "@midishare/kernel/memory";
import { logInfo, logWarn } from "@midishare/transport/logger";
import { alsaSequencerExists, jackServerMayRun } from "./midi_systems.ts";
import { OutputPacer } from "./output_pacer.ts";
import { type PortLists, PortScanner } from "./port_scanner.ts";
import {
  RTMIDI_API_LINUX_ALSA,
  RTMIDI_API_UNIX_JACK,
  RtMidiError,
  RtMidiInput,
  type RtMidiLibrary,
  RtMidiOutput,
} from "./rtmidi_ffi.ts";

/** Which MIDI system RtMidi uses. */
export type MidiApiChoice = "auto" | "alsa" | "jack";

/** Options of {@link RtmidiDriver}. */
export interface RtmidiDriverOptions {
  /** Back end: ALSA where the sequencer exists, else JACK (`auto`); or forced. */
  api: MidiApiChoice;
  /** Virtual input and output ports to create, named "MidiShare in N" / "out N". */
  virtualPorts: number;
  /** Client name of the RtMidi devices (their JACK or ALSA client). */
  clientName: string;
  /** Pacing rate of long SysEx on ALSA ports, bytes per second (3125 = MIDI cable). */
  alsaSysexRate: number;
  /** Time of a date with its fraction, in ms (to measure output lateness). */
  preciseTime: () => number;
}

/** Output lateness figures and losses, for `midishare status`. */
export interface RtmidiStats {
  /** The back end in use, or why there is none. */
  api: string;
  /** Input messages lost (too long for the buffer, or RtMidi errors). */
  inputLost: number;
  /** Output messages RtMidi refused. */
  outputFailed: number;
  /** Output lateness: date to the moment the message reached RtMidi, µs. */
  outputLateness: {
    count: number;
    p50Us: number;
    p99Us: number;
    maxUs: number;
  };
}

interface Port {
  slotRef: number;
  name: string;
  isInput: boolean;
  isVirtual: boolean;
  input: RtMidiInput | null;
  output: RtMidiOutput | null;
  decoder: MidiDecoder | null;
  pacer: OutputPacer | null;
}

const INPUT_BUFFER_BYTES = 1 << 20;
const RESCAN_TICKS = 1000;
// After a back end that seemed there failed to open, the periodic tries space out
// up to this many rescans (about a minute).
const MAX_RETRY_RESCANS = 64;
const LATENESS_BUCKET_US = 10;
const LATENESS_BUCKETS = 1000;

/** The driver; see the module documentation. */
export class RtmidiDriver {
  readonly #ms: LocalMidiShare;
  readonly #lib: RtMidiLibrary;
  readonly #options: RtmidiDriverOptions;
  readonly #ports: (Port | undefined)[] = [];
  // MidiShare port given to each port name, kept while the server runs.
  readonly #portOf = new Map<string, number>();
  readonly #buffer = new Uint8Array(INPUT_BUFFER_BYTES);
  readonly #encoder: MidiEncoder;
  readonly #lateness = new Float64Array(LATENESS_BUCKETS + 1);
  #api = -1;
  #apiName = "none";
  #ref = -1;
  #now = 0;
  #ticks = 0;
  #inputSlot = 0; // slot of the input being decoded
  #inputLost = 0;
  #outputFailed = 0;
  #latenessCount = 0;
  #latenessMax = 0;
  #hasWarned = false;
  #rescans = 0;
  #nextTry = 0; // rescan count before which the periodic rescan does not try a back end
  #retryRescans = 1;
  readonly #scanner: PortScanner;

  /** A driver over an in-process client of the kernel; call {@link start}. */
  constructor(
    ms: LocalMidiShare,
    lib: RtMidiLibrary,
    options: RtmidiDriverOptions,
  ) {
    this.#ms = ms;
    this.#lib = lib;
    this.#options = options;
    this.#scanner = new PortScanner(lib.path, options.clientName);
    this.#encoder = new MidiEncoder((slot, bytes, length) =>
      this.#write(slot, bytes, length)
    );
  }

  /** The driver's refnum, −1 before it registered. */
  get refNum(): number {
    return this.#ref;
  }

  /** Chooses the back end, registers the driver, creates virtual ports, scans. */
  start(): void {
    this.#chooseApi();
    const ms = this.#ms;
    this.#ref = ms.MidiRegisterDriver(
      { name: "RtMidi", version: 100 },
      {
        wakeup: (ref) => {
          ms.MidiConnect(ref, MidiShareDriverRef, true);
          ms.MidiConnect(MidiShareDriverRef, ref, true);
          this.rescan();
        },
        // Going dormant: the notes still sounding are ended now.
        sleep: () => this.#encoder.flushAll(),
      },
    );
    if (this.#ref < 0) {
      logWarn("RtMidi driver: no refnum left to register");
      return;
    }
    ms.MidiSetRcvAlarm(this.#ref, () => this.#output());
    if (this.#api >= 0) this.#createVirtualPorts();
    this.rescan();
  }

  /** Closes every port. */
  stop(): void {
    this.#encoder.flushAll();
    for (const port of this.#ports) if (port !== undefined) this.#close(port);
    this.#scanner.stop();
  }

  /** Polls inputs, sends due note-offs and paced output, rescans every second. Real-time safe. */
  afterTick(now: number): void {
    this.#now = now;
    if (this.#ref < 0) return;
    this.#encoder.flushDue(now);
    for (const port of this.#ports) {
      if (port === undefined) continue;
      if (port.input !== null) this.#poll(port);
      else if (port.pacer !== null && port.pacer.waiting > 0) {
        port.pacer.flush(now);
      }
    }
    this.#takeScan();
    if (++this.#ticks % RESCAN_TICKS !== 0) return;
    if (this.#api >= 0) this.#requestScan();
    else if (++this.#rescans >= this.#nextTry) this.rescan();
  }

  /** Asks the scanner for the port lists; the answer comes a few ticks later. */
  #requestScan(): void {
    this.#noticeStoppedJack();
    if (this.#api >= 0) this.#scanner.request(this.#api);
  }

  /** A JACK server that stopped takes the back end and its slots with it. */
  #noticeStoppedJack(): void {
    if (this.#api === RTMIDI_API_UNIX_JACK && !jackServerMayRun()) {
      this.#loseBackEnd("the JACK server stopped");
    }
  }

  /** Applies the scanner's answer, when one came. */
  #takeScan(): void {
    let lists: PortLists | null;
    try {
      lists = this.#scanner.take();
    } catch (error) {
      logWarn(`RtMidi driver: cannot list ports: ${(error as Error).message}`);
      return;
    }
    // An answer for a back end that went away in the meantime means nothing.
    if (lists !== null && this.#api >= 0) this.#apply(lists);
  }

  /**
   * Whether the driver needs every tick: an input to poll, a note-off or paced
   * output waiting. Otherwise the server may sleep until a request.
   */
  needsTicks(): boolean {
    if (this.#encoder.pendingNoteOffs > 0) return true;
    for (const port of this.#ports) {
      if (port === undefined) continue;
      if (port.input !== null || (port.pacer?.waiting ?? 0) > 0) return true;
    }
    return false;
  }

  /** Figures for the status. */
  stats(): RtmidiStats {
    const at = (q: number) => {
      let seen = 0;
      for (let b = 0; b <= LATENESS_BUCKETS; b++) {
        seen += this.#lateness[b]!;
        if (seen >= q * this.#latenessCount) {
          return (b + 1) * LATENESS_BUCKET_US;
        }
      }
      return LATENESS_BUCKETS * LATENESS_BUCKET_US;
    };
    return {
      api: this.#apiName,
      inputLost: this.#inputLost,
      outputFailed: this.#outputFailed,
      outputLateness: {
        count: this.#latenessCount,
        p50Us: at(0.5),
        p99Us: at(0.99),
        maxUs: Math.round(this.#latenessMax),
      },
    };
  }

  /**
   * Rescans now, waiting for the port lists (at start, at wake-up, and when a client
   * asks); returns the slot count.
   */
  rescan(): number {
    if (this.#ref < 0) return 0;
    this.#noticeStoppedJack();
    if (this.#api < 0) {
      this.#chooseApi();
      if (this.#api < 0) return 0;
      this.#createVirtualPorts();
    }
    let lists: PortLists;
    try {
      lists = this.#scanner.scanNow(this.#api);
    } catch (error) {
      logWarn(`RtMidi driver: cannot list ports: ${(error as Error).message}`);
      return this.#count();
    }
    this.#apply(lists);
    return this.#count();
  }

  /**
   * Compares the port lists with the slots: a new port becomes a slot connected to
   * its MidiShare port, a vanished one loses its slot.
   */
  #apply(lists: PortLists): void {
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

  // ---- Back end and scanning

  /**
   * Picks the first back end that is there and opens: ALSA where its sequencer
   * exists, JACK where its server runs (auto), or the one asked for. JACK is only
   * tried when its server shows: an RtMidi JACK device without a server is created
   * all the same (RtMidi only prints a warning), so it proves nothing.
   */
  #chooseApi(): void {
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
        this.#apiName = api === RTMIDI_API_UNIX_JACK ? "JACK" : "ALSA";
        this.#hasWarned = false;
        this.#retryRescans = 1;
        logInfo(`RtMidi driver: using ${this.#apiName} (${this.#lib.path})`);
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

  /** The back end went away: its slots go, the driver looks for one again. */
  #loseBackEnd(why: string): void {
    logWarn(`RtMidi driver: ${why}; its ports are gone`);
    for (const port of this.#ports) if (port !== undefined) this.#remove(port);
    this.#scanner.request(-1); // the scanner frees its devices of that back end
    this.#api = -1;
    this.#apiName = "none";
    this.#hasWarned = true;
  }

  /** Leaves out the ports of our own devices (our JACK or ALSA clients). */
  #ownPortsOut(names: string[]): string[] {
    const client = this.#options.clientName;
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

  #count(): number {
    return this.#ports.filter((p) => p !== undefined).length;
  }

  // ---- Slots

  #createVirtualPorts(): void {
    for (let i = 1; i <= this.#options.virtualPorts; i++) {
      this.#add(`${this.#options.clientName} in ${i}`, true, true);
      this.#add(`${this.#options.clientName} out ${i}`, false, true);
    }
  }

  #add(name: string, isInput: boolean, isVirtual = false): void {
    const port: Port = {
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
    const slot = this.#ms.MidiAddSlot(
      this.#ref,
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
    this.#ms.MidiConnectSlot(midiPort, slot, true);
    logInfo(
      `RtMidi driver: ${
        isInput ? "input" : "output"
      } "${name}" is slot ${slot.slotRef}, port ${midiPort}`,
    );
  }

  #open(port: Port): void {
    const lib = this.#lib, api = this.#api, client = this.#options.clientName;
    const ourName = port.isVirtual
      ? port.name.slice(client.length + 1)
      : `${port.isInput ? "from" : "to"} ${port.name}`;
    if (port.isInput) {
      const input = port.input = new RtMidiInput(lib, api, client);
      if (port.isVirtual) input.openVirtual(ourName);
      else input.open(indexOf(input.portNames(), port.name), ourName);
      const slotOf = () => this.#inputSlot;
      port.decoder = new MidiDecoder(
        () => this.#ms.eventPool,
        (cell) => this.#input(cell, slotOf()),
      );
    } else {
      const output = port.output = new RtMidiOutput(lib, api, client);
      if (port.isVirtual) output.openVirtual(ourName);
      else output.open(indexOf(output.portNames(), port.name), ourName);
      const rate = api === RTMIDI_API_LINUX_ALSA
        ? this.#options.alsaSysexRate
        : 0;
      port.pacer = new OutputPacer((bytes, length) => {
        if (!output.send(bytes, length)) this.#outputFailed++;
      }, rate);
    }
  }

  #remove(port: Port): void {
    logInfo(
      `RtMidi driver: ${
        port.isInput ? "input" : "output"
      } "${port.name}" vanished (slot ${port.slotRef})`,
    );
    this.#encoder.dropSlot(port.slotRef);
    this.#ports[port.slotRef] = undefined;
    this.#ms.MidiRemoveSlot({ drvRef: this.#ref, slotRef: port.slotRef });
    this.#close(port);
  }

  #close(port: Port): void {
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

  // ---- Per tick

  #poll(port: Port): void {
    const input = port.input!, decoder = port.decoder!, buffer = this.#buffer;
    this.#inputSlot = port.slotRef;
    for (let n = input.poll(buffer); n !== 0; n = input.poll(buffer)) {
      if (n < 0) {
        this.#inputLost++;
        if (n === -2) return; // an RtMidi error: try again next tick
        logWarn(
          `RtMidi driver: a message of more than ${INPUT_BUFFER_BYTES} bytes from "${port.name}" was lost`,
        );
        continue;
      }
      decoder.decode(buffer, n, this.#now, port.slotRef);
    }
  }

  /** A decoded input event of the polled slot: sent at its date (spec §3.9). */
  #input(cell: number, slot: number): void {
    this.#ms.eventPool.bytes[cell * CELL_WORDS * 4 + B_PORT] = slot;
    this.#ms.sendCell(this.#ref, cell);
  }

  /** The events delivered to the driver this tick, encoded for their slots. */
  #output(): void {
    this.#ms.takeEvents(this.#ref, this.#encodeOne);
  }

  readonly #encodeOne = (pool: CellPool, cell: number): void => {
    const slot = pool.bytes[cell * CELL_WORDS * 4 + B_PORT]!;
    const port = this.#ports[slot];
    if (port === undefined || port.pacer === null) return; // an input slot, or gone
    this.#date = pool.words[cell * CELL_WORDS + W_DATE]! >>> 0;
    this.#isMeasuring = true;
    this.#encoder.encode(pool, cell, slot);
    this.#isMeasuring = false;
  };

  // Date of the event being encoded; only its messages measure lateness (a note-off
  // sent later has a date of its own).
  #date = 0;
  #isMeasuring = false;

  #write(slot: number, bytes: Uint8Array, length: number): void {
    const port = this.#ports[slot];
    if (port === undefined || port.pacer === null) return;
    port.pacer.send(bytes, length, this.#now);
    if (!this.#isMeasuring) return;
    const lateUs = (this.#options.preciseTime() - this.#date) * 1000;
    if (lateUs >= 0 && lateUs < 1e7) {
      this
        .#lateness[
          Math.min(LATENESS_BUCKETS, Math.floor(lateUs / LATENESS_BUCKET_US))
        ]!++;
      this.#latenessCount++;
      if (lateUs > this.#latenessMax) this.#latenessMax = lateUs;
    }
  }
}

function indexOf(names: string[], name: string): number {
  const index = names.indexOf(name);
  if (index < 0) throw new RtMidiError(`port "${name}" is no longer there`);
  return index;
}
