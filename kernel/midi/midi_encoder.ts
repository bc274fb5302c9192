/**
 * Events to MIDI messages at the hardware boundary (spec §3.8): one message per call
 * of the sink, never running status (RtMidi wants complete messages), `typeNote`
 * split into a Note On now and a Note On velocity 0 at `date + dur`, 14-bit
 * controllers and (N)RPN expanded into Control Changes.
 *
 * Runs in the kernel worker inside an output driver. Real-time safe: messages are
 * written into one scratch buffer owned by the encoder (it grows once for a SysEx
 * longer than any before), note-offs wait in a fixed-size heap that doubles when full.
 *
 * @module
 */

import { CELL_WORDS, type CellPool } from "../memory/cell_pool.ts";
import {
  typeActiveSens,
  typeChanPress,
  typeClock,
  typeContinue,
  typeCtrl14b,
  typeCtrlChange,
  typeKeyOff,
  typeKeyOn,
  typeKeyPress,
  typeNonRegParam,
  typeNote,
  typePitchWheel,
  typeProgChange,
  typeQuarterFrame,
  typeRegParam,
  typeReset,
  typeSongPos,
  typeSongSel,
  typeStart,
  typeStop,
  typeStream,
  typeSysEx,
  typeTune,
} from "../api/constants.ts";
import { isBefore, isDue } from "../api/dates.ts";
import { B_CHAN, B_TYPE, W_COUNT, W_DATE } from "../memory/event_layout.ts";
import { readBytes } from "../memory/event_bytes.ts";
import { getField } from "../memory/event_store.ts";

/** Receives one complete MIDI message for `slot`: `bytes[0..length)`. */
export type MessageSink = (
  slot: number,
  bytes: Uint8Array,
  length: number,
) => void;

/** Status byte of each real-time or common type 10..16 (spec §3.8). */
const SYSTEM_STATUS: Record<number, number> = {
  [typeClock]: 0xf8,
  [typeStart]: 0xfa,
  [typeContinue]: 0xfb,
  [typeStop]: 0xfc,
  [typeTune]: 0xf6,
  [typeActiveSens]: 0xfe,
  [typeReset]: 0xff,
};

/** Encodes events of a pool for output slots; see the module documentation. */
export class MidiEncoder {
  readonly #sink: MessageSink;
  #scratch = new Uint8Array(256);
  // Pending note-offs: a binary heap of (date, seq, slot << 16 | chan << 8 | pitch).
  #heapDate = new Int32Array(64);
  #heapSeq = new Int32Array(64);
  #heapWhat = new Int32Array(64);
  #heapSize = 0;
  #seq = 0;

  /**
   * An encoder with no pending note-off.
   * @param sink receives every message, in order
   */
  constructor(sink: MessageSink) {
    this.#sink = sink;
  }

  /** Note-offs waiting for their date. */
  get pendingNoteOffs(): number {
    return this.#heapSize;
  }

  /**
   * Sends the messages of the event in `cell` to `slot`; a `typeNote` also queues its
   * note-off. Types that have no MIDI form are dropped.
   * @returns the number of messages sent now
   */
  encode(pool: CellPool, cell: number, slot: number): number {
    const at = cell * CELL_WORDS * 4;
    const type = pool.bytes[at + B_TYPE]!;
    const ch = pool.bytes[at + B_CHAN]! & 0x0f;
    // Fields 0 and 1 (0 for types without them).
    const a = getField(pool, cell, 0), b = getField(pool, cell, 1);
    switch (type) {
      case typeNote: {
        const date = pool.words[cell * CELL_WORDS + W_DATE]!;
        this.#queueNoteOff((date + getField(pool, cell, 2)) | 0, slot, ch, a);
        return this.#send(slot, 0x90 | ch, a, b);
      }
      case typeKeyOn:
        return this.#send(slot, 0x90 | ch, a, b);
      case typeKeyOff:
        return this.#send(slot, 0x80 | ch, a, b);
      case typeKeyPress:
        return this.#send(slot, 0xa0 | ch, a, b);
      case typeCtrlChange:
        return this.#send(slot, 0xb0 | ch, a, b);
      case typeProgChange:
        return this.#send(slot, 0xc0 | ch, a, -1);
      case typeChanPress:
        return this.#send(slot, 0xd0 | ch, a, -1);
      case typePitchWheel:
        return this.#send(slot, 0xe0 | ch, a, b);
      case typeSongPos:
        return this.#send(slot, 0xf2, a, b);
      case typeSongSel:
        return this.#send(slot, 0xf3, a, -1);
      case typeQuarterFrame:
        return this.#send(slot, 0xf1, ((a & 7) << 4) | (b & 0x0f), -1);
      case typeCtrl14b: {
        const c = a & 0x1f, v = b & 0x3fff;
        this.#send(slot, 0xb0 | ch, c, v >> 7);
        return 1 + this.#send(slot, 0xb0 | ch, c + 32, v & 0x7f);
      }
      case typeNonRegParam:
        return this.#parameter(slot, ch, 99, 98, a, b);
      case typeRegParam:
        return this.#parameter(slot, ch, 101, 100, a, b);
      case typeSysEx:
        return this.#bytes(pool, cell, slot, true);
      case typeStream:
        return this.#bytes(pool, cell, slot, false);
      default: {
        const status = SYSTEM_STATUS[type];
        return status === undefined ? 0 : this.#send(slot, status, -1, -1);
      }
    }
  }

  /**
   * Sends the note-offs due at `now` (and those already late), oldest first.
   * @returns how many were sent
   */
  flushDue(now: number): number {
    let sent = 0;
    while (this.#heapSize > 0 && isDue(this.#heapDate[0]!, now)) {
      const what = this.#heapWhat[0]!;
      this.#heapPop();
      this.#send(what >>> 16, 0x90 | ((what >> 8) & 0x0f), what & 0x7f, 0);
      sent++;
    }
    return sent;
  }

  /** Sends every pending note-off now (a port closing), oldest first. */
  flushAll(): number {
    let sent = 0;
    while (this.#heapSize > 0) {
      const what = this.#heapWhat[0]!;
      this.#heapPop();
      this.#send(what >>> 16, 0x90 | ((what >> 8) & 0x0f), what & 0x7f, 0);
      sent++;
    }
    return sent;
  }

  /** Forgets the note-offs of one slot (its port vanished). */
  dropSlot(slot: number): void {
    let kept = 0;
    for (let i = 0; i < this.#heapSize; i++) {
      if (this.#heapWhat[i]! >>> 16 === slot) continue;
      this.#heapDate[kept] = this.#heapDate[i]!;
      this.#heapSeq[kept] = this.#heapSeq[i]!;
      this.#heapWhat[kept] = this.#heapWhat[i]!;
      kept++;
    }
    const items = kept;
    this.#heapSize = 0;
    for (let i = 0; i < items; i++) {
      this.#heapPush(this.#heapDate[i]!, this.#heapSeq[i]!, this.#heapWhat[i]!);
    }
  }

  /** One message of 1 to 3 bytes; a negative data byte is absent. */
  #send(slot: number, status: number, d1: number, d2: number): number {
    const b = this.#scratch;
    b[0] = status;
    let n = 1;
    if (d1 >= 0) b[n++] = d1 & 0x7f;
    if (d2 >= 0) b[n++] = d2 & 0x7f;
    this.#sink(slot, b, n);
    return 1;
  }

  #parameter(
    slot: number,
    ch: number,
    msb: number,
    lsb: number,
    number: number,
    value: number,
  ): number {
    const n = number & 0x3fff, v = value & 0x3fff;
    this.#send(slot, 0xb0 | ch, msb, n >> 7);
    this.#send(slot, 0xb0 | ch, lsb, n & 0x7f);
    this.#send(slot, 0xb0 | ch, 6, v >> 7);
    this.#send(slot, 0xb0 | ch, 38, v & 0x7f);
    return 4;
  }

  /** A SysEx framed by F0 and F7, or a stream sent as stored. */
  #bytes(pool: CellPool, cell: number, slot: number, isSysEx: boolean) {
    const count = pool.words[cell * CELL_WORDS + W_COUNT]!;
    const length = count + (isSysEx ? 2 : 0);
    if (length === 0) return 0;
    if (this.#scratch.length < length) {
      this.#scratch = new Uint8Array(
        Math.max(length, this.#scratch.length * 2),
      );
    }
    const b = this.#scratch;
    if (isSysEx) {
      b[0] = 0xf0;
      readBytes(pool, cell, b, 1);
      // Data bytes of a SysEx are 7-bit; a stray status byte would end it early.
      for (let i = 1; i <= count; i++) b[i] = b[i]! & 0x7f;
      b[count + 1] = 0xf7;
    } else {
      readBytes(pool, cell, b, 0);
    }
    this.#sink(slot, b, length);
    return 1;
  }

  #queueNoteOff(date: number, slot: number, ch: number, pitch: number): void {
    this.#heapPush(date, this.#seq, (slot << 16) | (ch << 8) | (pitch & 0x7f));
    this.#seq = (this.#seq + 1) | 0;
  }

  #less(i: number, j: number): boolean {
    const di = this.#heapDate[i]!, dj = this.#heapDate[j]!;
    if (di !== dj) return isBefore(di, dj);
    return ((this.#heapSeq[i]! - this.#heapSeq[j]!) | 0) < 0;
  }

  #swap(i: number, j: number): void {
    const d = this.#heapDate, s = this.#heapSeq, w = this.#heapWhat;
    const td = d[i]!, ts = s[i]!, tw = w[i]!;
    d[i] = d[j]!;
    s[i] = s[j]!;
    w[i] = w[j]!;
    d[j] = td;
    s[j] = ts;
    w[j] = tw;
  }

  #heapPush(date: number, seq: number, what: number): void {
    if (this.#heapSize === this.#heapDate.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.#heapDate = grow(this.#heapDate);
      this.#heapSeq = grow(this.#heapSeq);
      this.#heapWhat = grow(this.#heapWhat);
    }
    let i = this.#heapSize++;
    this.#heapDate[i] = date;
    this.#heapSeq[i] = seq;
    this.#heapWhat[i] = what;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #heapPop(): void {
    const last = --this.#heapSize;
    if (last > 0) this.#swap(0, last);
    let i = 0;
    while (true) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < last && this.#less(l, m)) m = l;
      if (r < last && this.#less(r, m)) m = r;
      if (m === i) break;
      this.#swap(i, m);
      i = m;
    }
  }
}
