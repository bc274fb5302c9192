/**
 * A MIDI byte stream to events at the hardware boundary (spec §3.9): running status,
 * real-time bytes inside a SysEx delivered as their own events, SysEx of any length,
 * controller sequences never re-assembled, Note On velocity 0 kept as `typeKeyOn`.
 *
 * Runs in the kernel worker inside an input driver, one decoder per input port.
 * Real-time safe: events are allocated in the driver's pool; when it is exhausted the
 * message is dropped and counted, never thrown.
 *
 * @module
 */

import { CELL_WORDS, type CellPool, NIL } from "../memory/cell_pool.ts";
import {
  typeActiveSens,
  typeChanPress,
  typeClock,
  typeContinue,
  typeCtrlChange,
  typeKeyOff,
  typeKeyOn,
  typeKeyPress,
  typePitchWheel,
  typeProgChange,
  typeQuarterFrame,
  typeReset,
  typeSongPos,
  typeSongSel,
  typeStart,
  typeStop,
  typeSysEx,
  typeTune,
} from "../api/constants.ts";
import { B_CHAN, B_PORT, W_DATE } from "../memory/event_layout.ts";
import { addField } from "../memory/event_bytes.ts";
import { freeEvent, newEvent, setField } from "../memory/event_store.ts";

/** Receives each decoded event (owned by the caller from then on). */
export type EventSink = (cell: number) => void;

/** Event type of each channel status `0x8n..0xEn`, indexed by `(status >> 4) - 8`. */
const CHANNEL_TYPES = [
  typeKeyOff,
  typeKeyOn,
  typeKeyPress,
  typeCtrlChange,
  typeProgChange,
  typeChanPress,
  typePitchWheel,
];

/** Event type of each real-time byte 0xF8..0xFF; −1 for the undefined ones. */
const REALTIME_TYPES = [
  typeClock,
  -1,
  typeStart,
  typeContinue,
  typeStop,
  -1,
  typeActiveSens,
  typeReset,
];

/** Decodes one input port's byte stream; see the module documentation. */
export class MidiDecoder {
  readonly #pool: () => CellPool;
  readonly #sink: EventSink;
  #port = 0;
  #status = 0; // running status, 0 when none
  #type = -1; // event type of the message being assembled
  #needed = 0; // data bytes the message needs
  #data0 = 0;
  #have = 0;
  #date = 0;
  #sysex = NIL; // SysEx event being filled, nil when none
  #isSysexLost = false;
  #lostCount = 0;

  /**
   * A decoder in its initial state (no running status).
   * @param pool reads the pool events are allocated in (it may grow)
   * @param sink receives each complete event
   */
  constructor(pool: () => CellPool, sink: EventSink) {
    this.#pool = pool;
    this.#sink = sink;
  }

  /** Messages dropped because the pool was exhausted. */
  get lostCount(): number {
    return this.#lostCount;
  }

  /**
   * Decodes `bytes[0..length)` read at `date`; events get port `port` (the slot).
   * A message may span several calls; its date is the date of the call that brought
   * its first data byte (or its status byte when it has none, and for SysEx).
   */
  decode(bytes: Uint8Array, length: number, date: number, port: number): void {
    this.#port = port;
    for (let i = 0; i < length; i++) this.#byte(bytes[i]!, date);
  }

  /** Forgets a message in progress (the port closed). */
  reset(): void {
    this.#abandonSysex();
    this.#status = 0;
    this.#type = -1;
    this.#have = 0;
  }

  #byte(byte: number, date: number): void {
    if (byte >= 0xf8) {
      // Real-time: its own event, whatever is in progress, running status untouched.
      const type = REALTIME_TYPES[byte - 0xf8]!;
      if (type >= 0) this.#emitSimple(type, 0, -1, -1, date);
      return;
    }
    if (this.#sysex !== NIL || this.#isSysexLost) {
      if (byte < 0x80) {
        this.#sysexByte(byte);
        return;
      }
      if (byte === 0xf7) {
        this.#endSysex();
        return;
      }
      this.#abandonSysex(); // any other status byte ends it unfinished
    }
    if (byte >= 0x80) this.#statusByte(byte, date);
    else this.#dataByte(byte, date);
  }

  #statusByte(byte: number, date: number): void {
    this.#have = 0;
    if (byte < 0xf0) {
      this.#status = byte;
      this.#type = CHANNEL_TYPES[(byte >> 4) - 8]!;
      this.#needed = (byte & 0xe0) === 0xc0 ? 1 : 2;
      return;
    }
    // System common messages cancel running status.
    this.#status = 0;
    this.#type = -1;
    switch (byte) {
      case 0xf0:
        this.#beginSysex(date);
        return;
      case 0xf1:
        this.#type = typeQuarterFrame;
        this.#needed = 1;
        return;
      case 0xf2:
        this.#type = typeSongPos;
        this.#needed = 2;
        return;
      case 0xf3:
        this.#type = typeSongSel;
        this.#needed = 1;
        return;
      case 0xf6:
        this.#emitSimple(typeTune, 0, -1, -1, date);
        return;
      default:
        return; // 0xF4, 0xF5 and a lone 0xF7 are ignored
    }
  }

  #dataByte(byte: number, date: number): void {
    if (this.#type < 0) return; // no status to attach it to
    if (this.#have === 0) {
      this.#date = date;
      this.#data0 = byte;
      this.#have = 1;
    } else {
      this.#have = 2;
    }
    if (this.#have < this.#needed) return;
    const type = this.#type;
    const chan = this.#status & 0x0f;
    if (type === typeQuarterFrame) {
      this.#emitSimple(type, 0, byte >> 4, byte & 0x0f, this.#date);
    } else {
      this.#emitSimple(
        type,
        chan,
        this.#data0,
        this.#needed === 2 ? byte : -1,
        this.#date,
      );
    }
    this.#have = 0;
    // Only channel messages keep running status.
    if (this.#status === 0) this.#type = -1;
  }

  #emitSimple(
    type: number,
    chan: number,
    d0: number,
    d1: number,
    date: number,
  ) {
    const pool = this.#pool();
    const cell = newEvent(pool, type);
    if (cell === NIL) {
      this.#lostCount++;
      return;
    }
    this.#stamp(pool, cell, chan, date);
    if (d0 >= 0) setField(pool, cell, 0, d0);
    if (d1 >= 0) setField(pool, cell, 1, d1);
    this.#sink(cell);
  }

  #stamp(pool: CellPool, cell: number, chan: number, date: number): void {
    pool.words[cell * CELL_WORDS + W_DATE] = date;
    pool.bytes[cell * CELL_WORDS * 4 + B_PORT] = this.#port;
    pool.bytes[cell * CELL_WORDS * 4 + B_CHAN] = chan;
  }

  #beginSysex(date: number): void {
    const pool = this.#pool();
    const cell = newEvent(pool, typeSysEx);
    if (cell === NIL) {
      this.#isSysexLost = true;
      return;
    }
    this.#stamp(pool, cell, 0, date);
    this.#sysex = cell;
  }

  #sysexByte(byte: number): void {
    if (this.#isSysexLost) return;
    if (!addField(this.#pool(), this.#sysex, byte)) {
      freeEvent(this.#pool(), this.#sysex);
      this.#sysex = NIL;
      this.#isSysexLost = true;
    }
  }

  #endSysex(): void {
    if (this.#isSysexLost) {
      this.#isSysexLost = false;
      this.#lostCount++;
      return;
    }
    const cell = this.#sysex;
    this.#sysex = NIL;
    this.#sink(cell);
  }

  #abandonSysex(): void {
    if (this.#sysex !== NIL) freeEvent(this.#pool(), this.#sysex);
    this.#sysex = NIL;
    this.#isSysexLost = false;
  }
}
