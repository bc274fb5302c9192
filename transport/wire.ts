/**
 * The wire format between clients and the server: framing constants, a growable
 * writer, a bounds-checked reader, and events linearized straight out of and into
 * pool cells.
 *
 * A frame is a 32-bit little-endian payload length, then the payload, whose first
 * byte is the frame kind. The frames themselves are laid out by the generated codecs
 * of `gen/` (from the tables of `interface.ts`); this module is their one runtime. Numbers are little-endian; strings are a 16-bit byte length
 * then UTF-8. An event is 8 bytes (date u32, type, refNum, port, chan) then, by
 * storage class: S 4 info bytes, P 4 × i32, V a u32 byte count and the bytes.
 *
 * Reading and writing events is real-time safe; strings allocate.
 *
 * @module
 */

import { CELL_WORDS, type CellPool, NIL } from "@midishare/kernel/memory";
import {
  B_EXT_DATA,
  CLASS_P,
  CLASS_S,
  CLASS_V,
  EVENT_CLASS,
  EXT_DATA_BYTES,
  variableCellCount,
  W_COUNT,
  W_INFO,
  W_LAST,
} from "@midishare/kernel/memory";

/** First four bytes of a `HELLO` and a `WELCOME`: "MSHR". */
export const PROTOCOL_MAGIC = 0x5248534d;
/**
 * Version of this protocol; a peer with another one is refused. Version 2: every
 * frame that is not a call is laid out by the generated codecs (the delivered event
 * carries its port beside it, the state its origin). Version 3: the call
 * `ReportLosses`.
 */
export const PROTOCOL_VERSION = 4;
/** Largest event on the wire (head included): a SysEx of almost 4 MiB. */
export const MAX_EVENT_BYTES: number = 4 * 1024 * 1024;
/** Largest frame payload accepted: an event of {@link MAX_EVENT_BYTES} and its call. */
export const MAX_FRAME_BYTES: number = MAX_EVENT_BYTES + 256;
/** Largest frame payload a server accepts before the handshake: a HELLO is tiny. */
export const MAX_HELLO_BYTES = 4096;
/** Characters of a client's name a HELLO carries; a longer name is cut. */
export const MAX_CLIENT_NAME_LENGTH = 31;

/**
 * Where a generated encoder writes one frame whose size it knows: the server's output
 * ring, a socket writer's buffer.
 */
export interface FrameOut {
  /**
   * Reserves a frame of `payloadBytes` (its kind byte included) and writes its length
   * prefix; returns the offset of the kind byte in {@link bytes}, or −1 when there is
   * no room (the frame is dropped, and the output says so in its own way).
   */
  openFrame(payloadBytes: number): number;
  /** The buffer the offset of {@link openFrame} points into (read it afterwards). */
  readonly bytes: Uint8Array;
  /** A view on {@link bytes}. */
  readonly view: DataView;
  /** Finishes the frame opened last. */
  closeFrame(): void;
}

/** A string as the wire carries it: UTF-8, cut at 65 535 bytes. */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s).subarray(0, 0xffff);
}

/** Bytes of the fixed part of an event on the wire. */
export const EVENT_HEAD_BYTES = 8;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Bytes an event takes on the wire. */
export function eventWireSize(pool: CellPool, cell: number): number {
  const cls = EVENT_CLASS[pool.bytes[cell * CELL_WORDS * 4 + 8]!]!;
  if (cls === CLASS_S) return EVENT_HEAD_BYTES + 4;
  if (cls === CLASS_P) return EVENT_HEAD_BYTES + 16;
  return EVENT_HEAD_BYTES + 4 + pool.words[cell * CELL_WORDS + W_COUNT]!;
}

/**
 * Writes the event in `cell` at `offset` of `bytes`/`view` (which must have room for
 * {@link eventWireSize}); returns the offset after it.
 */
export function writeEvent(
  bytes: Uint8Array,
  view: DataView,
  offset: number,
  pool: CellPool,
  cell: number,
): number {
  const w = pool.words, b = pool.bytes;
  const base = cell * CELL_WORDS;
  view.setUint32(offset, w[base + 1]!, true);
  bytes[offset + 4] = b[base * 4 + 8]!;
  bytes[offset + 5] = b[base * 4 + 9]!;
  bytes[offset + 6] = b[base * 4 + 10]!;
  bytes[offset + 7] = b[base * 4 + 11]!;
  let at = offset + EVENT_HEAD_BYTES;
  const cls = EVENT_CLASS[b[base * 4 + 8]!]!;
  if (cls === CLASS_S) {
    view.setInt32(at, w[base + W_INFO]!, true);
    return at + 4;
  }
  const ext = w[base + W_INFO]!;
  if (cls === CLASS_P) {
    for (let i = 0; i < 4; i++) {
      view.setInt32(at + 4 * i, w[ext * CELL_WORDS + 1 + i]!, true);
    }
    return at + 16;
  }
  const count = w[base + W_COUNT]!;
  view.setUint32(at, count, true);
  at += 4;
  let done = 0;
  for (let e = ext; done < count && e !== NIL; e = w[e * CELL_WORDS]!) {
    const n = Math.min(EXT_DATA_BYTES, count - done);
    const from = e * CELL_WORDS * 4 + B_EXT_DATA;
    for (let i = 0; i < n; i++) bytes[at + done + i] = b[from + i]!;
    done += n;
  }
  return at + count;
}

/** Result of {@link readEvent}: the new cell (nil when the pool was short) and the offset after. */
export interface ReadEventResult {
  /** The event's header cell, or nil when the pool had too few cells. */
  cell: number;
  /** Offset just after the event. */
  end: number;
  /** The event's refnum as sent, set also when the pool was short. */
  refNum?: number;
}

/**
 * Reads an event at `offset` (bytes before `limit` only) into new cells of `pool`.
 * A pool too short gives nil (the event is skipped, nothing leaks).
 * @throws {SyntaxError} for a truncated event or a reserved type
 */
export function readEvent(
  bytes: Uint8Array,
  view: DataView,
  offset: number,
  limit: number,
  pool: CellPool,
  out: ReadEventResult,
): void {
  if (offset + EVENT_HEAD_BYTES + 4 > limit) truncated("event");
  const type = bytes[offset + 4]!;
  const cls = EVENT_CLASS[type]!;
  let end: number, count = 0;
  if (cls === CLASS_S) end = offset + EVENT_HEAD_BYTES + 4;
  else if (cls === CLASS_P) end = offset + EVENT_HEAD_BYTES + 16;
  else if (cls === CLASS_V) {
    count = view.getUint32(offset + EVENT_HEAD_BYTES, true);
    end = offset + EVENT_HEAD_BYTES + 4 + count;
  } else {
    throw new SyntaxError(`Invalid event: type ${type} is reserved`);
  }
  if (end > limit) truncated("event");
  out.end = end;
  out.refNum = bytes[offset + 5]!;
  const cellCount = cls === CLASS_S
    ? 1
    : cls === CLASS_P
    ? 2
    : variableCellCount(count);
  const cell = pool.allocChain(cellCount);
  out.cell = cell;
  if (cell === NIL) return;
  const w = pool.words, b = pool.bytes;
  const base = cell * CELL_WORDS;
  const firstExt = w[base]!;
  w[base] = NIL;
  w[base + 1] = view.getUint32(offset, true);
  b[base * 4 + 8] = type;
  b[base * 4 + 9] = bytes[offset + 5]!;
  b[base * 4 + 10] = bytes[offset + 6]!;
  b[base * 4 + 11] = bytes[offset + 7]!;
  w[base + 4] =
    w[base + 5] =
    w[base + 6] =
    w[base + 7] =
      0;
  const at = offset + EVENT_HEAD_BYTES;
  if (cls === CLASS_S) {
    w[base + W_INFO] = view.getInt32(at, true);
    return;
  }
  w[base + W_INFO] = firstExt;
  if (cls === CLASS_P) {
    for (let i = 0; i < 4; i++) {
      w[firstExt * CELL_WORDS + 1 + i] = view.getInt32(at + 4 * i, true);
    }
    return;
  }
  w[base + W_COUNT] = count;
  let done = 0, last = firstExt;
  for (let e = firstExt; e !== NIL; e = w[e * CELL_WORDS]!) {
    const n = Math.min(EXT_DATA_BYTES, count - done);
    const to = e * CELL_WORDS * 4 + B_EXT_DATA;
    for (let i = 0; i < n; i++) b[to + i] = bytes[at + 4 + done + i]!;
    done += n;
    last = e;
  }
  w[base + W_LAST] = last;
}

function truncated(what: string): never {
  throw new SyntaxError(`Truncated frame: the ${what} runs past its end`);
}

/**
 * A growable little-endian writer. Not real-time safe when it grows. Every method
 * reserves before it reads `bytes` or `view`: growing replaces them.
 */
export class WireWriter implements FrameOut {
  /** The bytes written so far are `bytes[0..length)`. */
  bytes: Uint8Array;
  /** A view on {@link bytes}. */
  view: DataView;
  /** Bytes written. */
  length = 0;

  /** A writer with `capacity` bytes to start with. */
  constructor(capacity = 256) {
    this.bytes = new Uint8Array(capacity);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Forgets what was written. */
  reset(): void {
    this.length = 0;
  }

  /** Makes room for `n` more bytes; returns the offset to write them at. */
  reserve(n: number): number {
    const at = this.length;
    if (at + n > this.bytes.length) {
      const bigger = new Uint8Array(Math.max(at + n, this.bytes.length * 2));
      bigger.set(this.bytes.subarray(0, at));
      this.bytes = bigger;
      this.view = new DataView(bigger.buffer);
    }
    this.length = at + n;
    return at;
  }

  /** Writes a byte. */
  u8(v: number): void {
    const at = this.reserve(1);
    this.bytes[at] = v;
  }

  /** Writes a boolean as one byte. */
  bool(v: boolean): void {
    this.u8(v ? 1 : 0);
  }

  /** Writes a signed 16-bit number. */
  i16(v: number): void {
    const at = this.reserve(2);
    this.view.setInt16(at, v, true);
  }

  /** Writes an unsigned 16-bit number. */
  u16(v: number): void {
    const at = this.reserve(2);
    this.view.setUint16(at, v, true);
  }

  /** Writes a signed 32-bit number. */
  i32(v: number): void {
    const at = this.reserve(4);
    this.view.setInt32(at, v, true);
  }

  /** Writes an unsigned 32-bit number. */
  u32(v: number): void {
    const at = this.reserve(4);
    this.view.setUint32(at, v >>> 0, true);
  }

  /** Writes a 64-bit float. */
  f64(v: number): void {
    const at = this.reserve(8);
    this.view.setFloat64(at, v, true);
  }

  /** Writes raw bytes. */
  raw(data: Uint8Array): void {
    const at = this.reserve(data.length);
    this.bytes.set(data, at);
  }

  /** Writes a string: u16 byte length, UTF-8 (cut at 65 535 bytes). */
  str(s: string): void {
    const data = encoder.encode(s).subarray(0, 0xffff);
    this.u16(data.length);
    this.raw(data);
  }

  /** Writes a string or null: u8 presence, then the string. */
  nstr(s: string | null): void {
    this.bool(s !== null);
    if (s !== null) this.str(s);
  }

  /** Writes an event of a pool. */
  event(pool: CellPool, cell: number): void {
    const at = this.reserve(eventWireSize(pool, cell));
    writeEvent(this.bytes, this.view, at, pool, cell);
  }

  /** Starts a frame: reserves the length and writes the kind; finish with {@link endFrame}. */
  beginFrame(kind: number): number {
    const start = this.reserve(4);
    this.u8(kind);
    return start;
  }

  /** Writes the length of the frame started at `start`. */
  endFrame(start: number): void {
    this.view.setUint32(start, this.length - start - 4, true);
  }

  /** Reserves a frame of `payloadBytes`; see {@link FrameOut.openFrame}. */
  openFrame(payloadBytes: number): number {
    const start = this.reserve(4 + payloadBytes);
    this.view.setUint32(start, payloadBytes, true);
    return start + 4;
  }

  /** Nothing to do: the frame's length was written when it was opened. */
  closeFrame(): void {}
}

/** A bounds-checked little-endian reader; every overrun is a `SyntaxError`. */
export class WireReader {
  /** The bytes read. */
  bytes: Uint8Array;
  /** A view on {@link bytes}. */
  view: DataView;
  /** Next offset to read. */
  pos: number;
  /** Offset just past the readable bytes. */
  end: number;

  /** A reader of `bytes[start..end)`. */
  constructor(bytes: Uint8Array, view: DataView, start: number, end: number) {
    this.bytes = bytes;
    this.view = view;
    this.pos = start;
    this.end = end;
  }

  /** Points the reader at another range (no allocation). */
  reset(bytes: Uint8Array, view: DataView, start: number, end: number): void {
    this.bytes = bytes;
    this.view = view;
    this.pos = start;
    this.end = end;
  }

  #take(n: number): number {
    const at = this.pos;
    if (at + n > this.end) truncated("field");
    this.pos = at + n;
    return at;
  }

  /** Whether everything was read. */
  get isDone(): boolean {
    return this.pos === this.end;
  }

  /** Reads a byte. */
  u8(): number {
    return this.bytes[this.#take(1)]!;
  }

  /** Reads a boolean byte (0 or 1). */
  bool(): boolean {
    const v = this.u8();
    if (v > 1) throw new SyntaxError(`Invalid boolean byte ${v}`);
    return v === 1;
  }

  /** Reads a signed 16-bit number. */
  i16(): number {
    return this.view.getInt16(this.#take(2), true);
  }

  /** Reads an unsigned 16-bit number. */
  u16(): number {
    return this.view.getUint16(this.#take(2), true);
  }

  /** Reads a signed 32-bit number. */
  i32(): number {
    return this.view.getInt32(this.#take(4), true);
  }

  /** Reads an unsigned 32-bit number. */
  u32(): number {
    return this.view.getUint32(this.#take(4), true);
  }

  /** Reads a 64-bit float. */
  f64(): number {
    return this.view.getFloat64(this.#take(8), true);
  }

  /** Reads `n` raw bytes (a copy). */
  raw(n: number): Uint8Array {
    const at = this.#take(n);
    return this.bytes.slice(at, at + n);
  }

  /** Reads a string. */
  str(): string {
    const n = this.u16();
    return decoder.decode(this.raw(n));
  }

  /** Reads a string or null. */
  nstr(): string | null {
    return this.bool() ? this.str() : null;
  }

  /** Reads an event into new cells of `pool` (nil when short); see {@link readEvent}. */
  event(pool: CellPool, out: ReadEventResult): number {
    readEvent(this.bytes, this.view, this.pos, this.end, pool, out);
    this.pos = out.end;
    return out.cell;
  }
}
