/**
 * Framing of the packets of one WAN TCP connection (spec §3.9, New, D5): the byte
 * stream is cut back into packets whatever the reads look like: two packets in one
 * read, one packet over several reads.
 *
 * Rules: read the 4 header bytes; a wrong magic discards everything buffered and the
 * rest of the read; the length follows from the type: Midi 16 + count (count must be
 * 0..1468), TCPCnxRefused 6, TCPBye 14, or 16 when the 2 more bytes are already there
 * (a Bye ends the connection: what follows is ignored); any other type discards the
 * buffer and the read. Each problem is reported once, with the bytes it cost.
 *
 * Memory is bounded: at most one partial packet (under 1484 bytes) is held.
 *
 * Runs in the inet driver process. Allocation-light: whole packets inside a read are
 * handed over as views of the read, split ones from one reused buffer.
 *
 * @module
 */

import {
  MIDI_HEADER_BYTES,
  MIN_TCP_BYE_BYTES,
  PACKET_MAGIC,
  PACKET_MIDI,
  PACKET_TCP_BYE,
  PACKET_TCP_CNX_REFUSED,
  TCP_BYE_BYTES,
  TCP_CNX_REFUSED_BYTES,
  TCP_MAX_COUNT,
} from "./wire_constants.ts";

/**
 * Why bytes of the stream were thrown away:
 * - `"badMagic"`: a packet did not start with `10 01` (`value`: the magic);
 * - `"unknownType"`: a type other than 5, 6, 7 (`value`: the type);
 * - `"badCount"`: a Midi count outside 0..1468 (`value`: the count);
 * - `"closedMidPacket"`: the stream ended inside a packet (`value`: bytes held).
 */
export type FramingProblemKind =
  | "badMagic"
  | "unknownType"
  | "badCount"
  | "closedMidPacket";

/** One framing problem, for a log line. */
export interface FramingProblem {
  /** What went wrong. */
  readonly kind: FramingProblemKind;
  /** The offending number: magic, type, count or bytes held. */
  readonly value: number;
  /** Bytes thrown away because of it. */
  readonly discardedBytes: number;
  /** One log line, e.g. `Cannot frame TCP packet: count 2000 is outside 0..1468`. */
  readonly message: string;
}

/** Options of {@link createTcpReassembler}. */
export interface TcpReassemblerOptions {
  /**
   * Receives each whole packet, to decode with `decodePacket()`; the view is valid
   * during the call only.
   */
  readonly onPacket: (packet: Uint8Array) => void;
  /** Receives each framing problem. */
  readonly onProblem: (problem: FramingProblem) => void;
}

/** The framer of one TCP connection; see the module documentation. */
export interface TcpReassembler {
  /** Bytes of a partial packet held (under 1484). */
  readonly bufferedBytes: number;
  /** Whether a TCPBye was framed or the stream closed: further bytes are ignored. */
  readonly hasEnded: boolean;
  /** Takes the bytes of one read, in order. */
  push(chunk: Uint8Array): void;
  /**
   * The stream is closed: reports `"closedMidPacket"` if a partial packet is held.
   * Returns the bytes lost.
   */
  close(): number;
}

// frameLength() results besides a length: bytes needed to decide, or an error.
const ERR_MAGIC = -1001, ERR_TYPE = -1002, ERR_COUNT = -1003;

/**
 * Creates the framer of one connection, empty.
 *
 * @param options packet and problem sinks
 * @returns the framer
 * @see spec inet.md §3.9
 *
 * @example Two packets in one read, then one split over two reads
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTcpReassembler, encodeTcpCnxRefused } from "./mod.ts";
 *
 * const lengths: number[] = [];
 * const framer = createTcpReassembler({
 *   onPacket: (p) => lengths.push(p.length),
 *   onProblem: (problem) => assert.fail(problem.message),
 * });
 * const refused = encodeTcpCnxRefused(1);
 * framer.push(Uint8Array.of(...refused, ...refused, ...refused.subarray(0, 2)));
 * framer.push(refused.subarray(2));
 * assert.deepEqual(lengths, [6, 6, 6]);
 * ```
 */
export function createTcpReassembler(
  options: TcpReassemblerOptions,
): TcpReassembler {
  return new TcpReassemblerImpl(options);
}

class TcpReassemblerImpl implements TcpReassembler {
  readonly #onPacket: (packet: Uint8Array) => void;
  readonly #onProblem: (problem: FramingProblem) => void;
  readonly #buffer = new Uint8Array(MIDI_HEADER_BYTES + TCP_MAX_COUNT);
  #have = 0;
  #ended = false;

  constructor(options: TcpReassemblerOptions) {
    this.#onPacket = options.onPacket;
    this.#onProblem = options.onProblem;
  }

  get bufferedBytes(): number {
    return this.#have;
  }

  get hasEnded(): boolean {
    return this.#ended;
  }

  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length && !this.#ended) {
      const held = this.#have > 0;
      const r = held
        ? frameLength(this.#buffer, 0, this.#have)
        : frameLength(chunk, i, chunk.length - i);
      if (r <= ERR_MAGIC) {
        this.#fail(
          r,
          held ? this.#buffer : chunk,
          held ? 0 : i,
          chunk.length - i,
        );
        return;
      }
      const target = Math.abs(r);
      if (!held && r > 0 && chunk.length - i >= r) {
        i += this.#deliver(chunk, i, r, chunk.length - i - r);
        continue;
      }
      const take = Math.min(target - this.#have, chunk.length - i);
      this.#buffer.set(chunk.subarray(i, i + take), this.#have);
      this.#have += take;
      i += take;
      if (r > 0 && this.#have === r) {
        const extra = chunk.length - i;
        this.#have = 0;
        i += this.#deliver(this.#buffer, 0, r, extra, chunk, i) - r;
      }
    }
  }

  close(): number {
    const lost = this.#have;
    this.#have = 0;
    this.#ended = true;
    if (lost > 0) {
      this.#report(
        "closedMidPacket",
        lost,
        lost,
        `stream closed with ${lost} bytes of a packet`,
      );
    }
    return lost;
  }

  /**
   * Hands over the packet at `bytes[at, at + length)`; a TCPBye takes up to two
   * more bytes (from `bytes`, or from `more` at `moreAt` when it sits in the
   * buffer) and ends the stream. Returns the bytes consumed from the packet's source
   * plus those taken from `more`.
   */
  #deliver(
    bytes: Uint8Array,
    at: number,
    length: number,
    extra: number,
    more?: Uint8Array,
    moreAt = 0,
  ): number {
    let n = length;
    if (bytes[at + 3] === PACKET_TCP_BYE) {
      const add = Math.min(TCP_BYE_BYTES - length, extra);
      if (more !== undefined) {
        this.#buffer.set(more.subarray(moreAt, moreAt + add), length);
      }
      n += add;
      this.#ended = true;
    }
    this.#onPacket(bytes.subarray(at, at + n));
    return n;
  }

  #fail(code: number, bytes: Uint8Array, at: number, rest: number): void {
    const discarded = this.#have + rest;
    this.#have = 0;
    if (code === ERR_MAGIC) {
      const magic = (bytes[at]! << 8) | bytes[at + 1]!;
      this.#report("badMagic", magic, discarded, `magic is ${magic}`);
    } else if (code === ERR_TYPE) {
      const type = bytes[at + 3]!;
      this.#report(
        "unknownType",
        type,
        discarded,
        `unknown packet type ${type}`,
      );
    } else {
      const count = (((bytes[at + 12]! << 8) | bytes[at + 13]!) << 16) >> 16;
      this.#report(
        "badCount",
        count,
        discarded,
        `count ${count} is outside 0..${TCP_MAX_COUNT}`,
      );
    }
  }

  #report(
    kind: FramingProblemKind,
    value: number,
    discardedBytes: number,
    detail: string,
  ): void {
    this.#onProblem({
      kind,
      value,
      discardedBytes,
      message: `Cannot frame TCP packet: ${detail}`,
    });
  }
}

/**
 * The length of the packet at `bytes[at]` given `available` bytes: the length when
 * known; −4 or −16 when that many bytes are needed to know it; or an error code.
 */
function frameLength(bytes: Uint8Array, at: number, available: number): number {
  if (available < 4) return -4;
  if (((bytes[at]! << 8) | bytes[at + 1]!) !== PACKET_MAGIC) return ERR_MAGIC;
  const type = bytes[at + 3]!;
  if (type === PACKET_TCP_CNX_REFUSED) return TCP_CNX_REFUSED_BYTES;
  if (type === PACKET_TCP_BYE) return MIN_TCP_BYE_BYTES;
  if (type !== PACKET_MIDI) return ERR_TYPE;
  if (available < MIDI_HEADER_BYTES) return -MIDI_HEADER_BYTES;
  const count = (((bytes[at + 12]! << 8) | bytes[at + 13]!) << 16) >> 16;
  if (count < 0 || count > TCP_MAX_COUNT) return ERR_COUNT;
  return MIDI_HEADER_BYTES + count;
}
