/**
 * Pacing of one output port: after a long SysEx the port is busy for the time the
 * bytes take on a MIDI cable (3125 bytes per second at 31 250 baud), and what comes
 * next waits its turn, in order, so that a hardware interface is not flooded.
 * A rate of 0 sends everything at once (JACK ports, which have no cable behind them).
 *
 * Runs in the kernel worker. Real-time safe: waiting messages are copied into a
 * byte ring that only grows when a burst exceeds it.
 *
 * @module
 */

/** Sends one complete message `bytes[0..length)` to the port. */
export type PortWriter = (bytes: Uint8Array, length: number) => void;

/** SysEx messages up to this length go out without occupying the port. */
export const PACED_SYSEX_MIN_BYTES = 128;

/** The pacer of one port; see the module documentation. */
export class OutputPacer {
  readonly #write: PortWriter;
  readonly #bytesPerMs: number;
  #busyUntil = 0;
  #queue = new Uint8Array(4096);
  #head = 0;
  #tail = 0;
  #lengths = new Int32Array(256);
  #lengthHead = 0;
  #lengthTail = 0;
  #scratch = new Uint8Array(256);

  /**
   * A pacer for one port.
   * @param write sends a message to the port
   * @param bytesPerSecond the port's rate; 0 for no pacing
   */
  constructor(write: PortWriter, bytesPerSecond: number) {
    this.#write = write;
    this.#bytesPerMs = bytesPerSecond / 1000;
  }

  /** Messages waiting. */
  get waiting(): number {
    return this.#lengthTail - this.#lengthHead;
  }

  /** Sends a message now if the port is free, else queues it (copied). */
  send(bytes: Uint8Array, length: number, nowMs: number): void {
    if (this.waiting === 0 && nowMs >= this.#busyUntil) {
      this.#out(bytes, length, nowMs);
    } else this.#enqueue(bytes, length);
  }

  /** Sends what waits, as long as the port is free. */
  flush(nowMs: number): void {
    while (this.waiting > 0 && nowMs >= this.#busyUntil) {
      const length = this
        .#lengths[this.#lengthHead++ & (this.#lengths.length - 1)]!;
      if (this.#scratch.length < length) {
        this.#scratch = new Uint8Array(length * 2);
      }
      for (let i = 0; i < length; i++) {
        this.#scratch[i] = this.#queue[(this.#head + i) % this.#queue.length]!;
      }
      this.#head = (this.#head + length) % this.#queue.length;
      this.#out(this.#scratch, length, nowMs);
    }
  }

  /** Forgets what waits (the port vanished). */
  clear(): void {
    this.#head = this.#tail = 0;
    this.#lengthHead = this.#lengthTail = 0;
    this.#busyUntil = 0;
  }

  #out(bytes: Uint8Array, length: number, nowMs: number): void {
    this.#write(bytes, length);
    if (
      this.#bytesPerMs > 0 && bytes[0] === 0xf0 &&
      length >= PACED_SYSEX_MIN_BYTES
    ) {
      this.#busyUntil = nowMs + length / this.#bytesPerMs;
    }
  }

  #enqueue(bytes: Uint8Array, length: number): void {
    const used = (this.#tail - this.#head + this.#queue.length) %
      this.#queue.length;
    if (
      used + length + 1 >= this.#queue.length ||
      this.waiting >= this.#lengths.length - 1
    ) this.#grow(used + length + 1);
    for (let i = 0; i < length; i++) {
      this.#queue[(this.#tail + i) % this.#queue.length] = bytes[i]!;
    }
    this.#tail = (this.#tail + length) % this.#queue.length;
    this.#lengths[this.#lengthTail++ & (this.#lengths.length - 1)] = length;
  }

  /** Makes room for `needed` bytes and more messages, keeping the order. */
  #grow(needed: number): void {
    const size = this.#queue.length;
    const used = (this.#tail - this.#head + size) % size;
    const bigger = new Uint8Array(Math.max(size * 2, needed * 2));
    for (let i = 0; i < used; i++) {
      bigger[i] = this.#queue[(this.#head + i) % size]!;
    }
    this.#queue = bigger;
    this.#head = 0;
    this.#tail = used;
    const count = this.waiting;
    const lengths = new Int32Array(this.#lengths.length * 2);
    for (let i = 0; i < count; i++) {
      lengths[i] = this
        .#lengths[(this.#lengthHead + i) & (this.#lengths.length - 1)]!;
    }
    this.#lengths = lengths;
    this.#lengthHead = 0;
    this.#lengthTail = count;
  }
}
