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
 * vanishing gets the MidiShare port it had (`rtmidi_slots.ts`). The back end is
 * chosen in `back_end_chooser.ts`.
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
  MidiShareDriverRef,
} from "@midishare/kernel";
import { MidiEncoder } from "@midishare/kernel/midi";
import { B_PORT, W_DATE } from "@midishare/kernel/memory";
import { logWarn } from "@midishare/transport/logger";
import { BackEndChooser, type MidiApiChoice } from "./back_end_chooser.ts";
import {
  type LatenessFigures,
  LatenessHistogram,
} from "./lateness_histogram.ts";
import { jackServerMayRun } from "./midi_systems.ts";
import { type PortLists, PortScanner } from "./port_scanner.ts";
import { RTMIDI_API_UNIX_JACK, type RtMidiLibrary } from "./rtmidi_ffi.ts";
import { type RtmidiPort, RtmidiSlots } from "./rtmidi_slots.ts";

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
  outputLateness: LatenessFigures;
}

const INPUT_BUFFER_BYTES = 1 << 20;
const RESCAN_TICKS = 1000;

/** The driver; see the module documentation. */
export class RtmidiDriver {
  readonly #ms: LocalMidiShare;
  readonly #backEnd: BackEndChooser;
  readonly #slots: RtmidiSlots;
  readonly #buffer = new Uint8Array(INPUT_BUFFER_BYTES);
  readonly #encoder: MidiEncoder;
  readonly #lateness = new LatenessHistogram();
  readonly #options: RtmidiDriverOptions;
  #ref = -1;
  #now = 0;
  #ticks = 0;
  #inputSlot = 0; // slot of the input being decoded
  #inputLost = 0;
  #outputFailed = 0;
  readonly #scanner: PortScanner;

  /** A driver over an in-process client of the kernel; call {@link start}. */
  constructor(
    ms: LocalMidiShare,
    lib: RtMidiLibrary,
    options: RtmidiDriverOptions,
  ) {
    this.#ms = ms;
    this.#options = options;
    this.#backEnd = new BackEndChooser(lib, options);
    this.#scanner = new PortScanner(lib.path, options.clientName);
    this.#encoder = new MidiEncoder((slot, bytes, length) =>
      this.#write(slot, bytes, length)
    );
    this.#slots = new RtmidiSlots({
      ms,
      lib,
      options,
      encoder: this.#encoder,
      refNum: () => this.#ref,
      api: () => this.#backEnd.api,
      input: (cell) => this.#input(cell, this.#inputSlot),
      outputFailed: () => this.#outputFailed++,
    });
  }

  /** The driver's refnum, −1 before it registered. */
  get refNum(): number {
    return this.#ref;
  }

  /** Chooses the back end, registers the driver, creates virtual ports, scans. */
  start(): void {
    this.#backEnd.choose();
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
    if (this.#backEnd.api >= 0) this.#slots.createVirtualPorts();
    this.rescan();
  }

  /** Closes every port. */
  stop(): void {
    this.#encoder.flushAll();
    this.#slots.closeAll();
    this.#scanner.stop();
  }

  /** Polls inputs, sends due note-offs and paced output, rescans every second. Real-time safe. */
  afterTick(now: number): void {
    this.#now = now;
    if (this.#ref < 0) return;
    this.#encoder.flushDue(now);
    for (const port of this.#slots.list) {
      if (port === undefined) continue;
      if (port.input !== null) this.#poll(port);
      else if (port.pacer !== null && port.pacer.waiting > 0) {
        port.pacer.flush(now);
      }
    }
    this.#takeScan();
    if (++this.#ticks % RESCAN_TICKS !== 0) return;
    if (this.#backEnd.api >= 0) this.#requestScan();
    else if (this.#backEnd.isRetryDue()) this.rescan();
  }

  /** Asks the scanner for the port lists; the answer comes a few ticks later. */
  #requestScan(): void {
    this.#noticeStoppedJack();
    if (this.#backEnd.api >= 0) this.#scanner.request(this.#backEnd.api);
  }

  /** A JACK server that stopped takes the back end and its slots with it. */
  #noticeStoppedJack(): void {
    if (this.#backEnd.api === RTMIDI_API_UNIX_JACK && !jackServerMayRun()) {
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
    if (lists !== null && this.#backEnd.api >= 0) this.#slots.apply(lists);
  }

  /**
   * Whether the driver needs every tick: an input to poll, a note-off or paced
   * output waiting. Otherwise the server may sleep until a request.
   */
  needsTicks(): boolean {
    if (this.#encoder.pendingNoteOffs > 0) return true;
    for (const port of this.#slots.list) {
      if (port === undefined) continue;
      if (port.input !== null || (port.pacer?.waiting ?? 0) > 0) return true;
    }
    return false;
  }

  /** Figures for the status. */
  stats(): RtmidiStats {
    return {
      api: this.#backEnd.name,
      inputLost: this.#inputLost,
      outputFailed: this.#outputFailed,
      outputLateness: this.#lateness.figures(),
    };
  }

  /**
   * Rescans now, waiting for the port lists (at start, at wake-up, and when a client
   * asks); returns the slot count.
   */
  rescan(): number {
    if (this.#ref < 0) return 0;
    this.#noticeStoppedJack();
    if (this.#backEnd.api < 0) {
      this.#backEnd.choose();
      if (this.#backEnd.api < 0) return 0;
      this.#slots.createVirtualPorts();
    }
    let lists: PortLists;
    try {
      lists = this.#scanner.scanNow(this.#backEnd.api);
    } catch (error) {
      logWarn(`RtMidi driver: cannot list ports: ${(error as Error).message}`);
      return this.#slots.count();
    }
    this.#slots.apply(lists);
    return this.#slots.count();
  }

  /** The back end went away: its slots go, the driver looks for one again. */
  #loseBackEnd(why: string): void {
    logWarn(`RtMidi driver: ${why}; its ports are gone`);
    this.#slots.removeAll();
    this.#scanner.request(-1); // the scanner frees its devices of that back end
    this.#backEnd.lose();
  }

  // ---- Per tick

  #poll(port: RtmidiPort): void {
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
    const port = this.#slots.list[slot];
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
    const port = this.#slots.list[slot];
    if (port === undefined || port.pacer === null) return;
    port.pacer.send(bytes, length, this.#now);
    if (!this.#isMeasuring) return;
    this.#lateness.record((this.#options.preciseTime() - this.#date) * 1000);
  }
}
