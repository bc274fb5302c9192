/**
 * A bounded reader of big-endian numbers and variable-length quantities over the
 * bytes of a Standard MIDI File, whose every failure is a `SyntaxError` naming the
 * byte offset in the file. Private to `midi_file/`.
 *
 * @module
 */

/** The largest variable-length quantity a Standard MIDI File allows (4 bytes). */
export const MAX_VLQ = 0x0fff_ffff;

/** A `SyntaxError` for the file's bytes at `offset`. */
export function syntaxError(offset: number, detail: string): SyntaxError {
  return new SyntaxError(`Invalid MIDI file at byte ${offset}: ${detail}`);
}

/** Reads `bytes[start, end)`; `pos` is an offset in the whole file. */
export class ByteReader {
  readonly #bytes: Uint8Array;
  readonly end: number;
  pos: number;

  constructor(bytes: Uint8Array, start: number, end: number) {
    this.#bytes = bytes;
    this.pos = start;
    this.end = end;
  }

  /** Whether every byte was read. */
  get isDone(): boolean {
    return this.pos >= this.end;
  }

  /** Fails unless `count` more bytes are there; `what` names what is being read. */
  need(count: number, what: string): void {
    if (count > this.end - this.pos) {
      throw syntaxError(
        this.pos,
        `${what} needs ${count} bytes, only ${this.end - this.pos} remain`,
      );
    }
  }

  /** One byte. */
  u8(what: string): number {
    this.need(1, what);
    return this.#bytes[this.pos++]!;
  }

  /** A 16-bit big-endian number. */
  u16(what: string): number {
    this.need(2, what);
    const b = this.#bytes, p = this.pos;
    this.pos += 2;
    return (b[p]! << 8) | b[p + 1]!;
  }

  /** A 32-bit big-endian number, unsigned. */
  u32(what: string): number {
    this.need(4, what);
    const b = this.#bytes, p = this.pos;
    this.pos += 4;
    return ((b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) |
      b[p + 3]!) >>>
      0;
  }

  /** A variable-length quantity of at most 4 bytes. */
  vlq(what: string): number {
    const start = this.pos;
    let value = 0;
    for (let i = 0; i < 4; i++) {
      const byte = this.u8(what);
      value = (value << 7) | (byte & 0x7f);
      if ((byte & 0x80) === 0) return value;
    }
    throw syntaxError(start, `${what} is longer than 4 bytes`);
  }

  /** `count` bytes (a view, not a copy). */
  bytes(count: number, what: string): Uint8Array {
    this.need(count, what);
    const view = this.#bytes.subarray(this.pos, this.pos + count);
    this.pos += count;
    return view;
  }

  /** Four bytes as ASCII text (a chunk type). */
  tag(what: string): string {
    return String.fromCharCode(...this.bytes(4, what));
  }
}
