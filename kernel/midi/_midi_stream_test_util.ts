/**
 * Random valid MIDI messages and byte streams for the decoder tests, each with
 * the events spec §3.9 says they decode to. Private to `kernel/midi/`.
 *
 * @module
 */

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
import type { MidiDecoder } from "./midi_decoder.ts";
import type { Random } from "../_test_util.ts";

import { sh, type Shape } from "./_codec_test_util.ts";

// ---- Random valid MIDI messages ---------------------------------------------------

export const CHANNEL_TYPE: Record<number, number> = {
  0x80: typeKeyOff,
  0x90: typeKeyOn,
  0xa0: typeKeyPress,
  0xb0: typeCtrlChange,
  0xc0: typeProgChange,
  0xd0: typeChanPress,
  0xe0: typePitchWheel,
};

export const REALTIME_TYPE: Record<number, number> = {
  0xf8: typeClock,
  0xfa: typeStart,
  0xfb: typeContinue,
  0xfc: typeStop,
  0xfe: typeActiveSens,
  0xff: typeReset,
};
export const REALTIME_BYTES = [0xf8, 0xfa, 0xfb, 0xfc, 0xfe, 0xff];

export type Kind = "channel" | "common" | "tune" | "sysex" | "realtime";

/** A complete message with the event §3.9 says it decodes to. */
export interface Message {
  kind: Kind;
  bytes: number[];
  shape: Shape;
}

export function randomData(rng: Random, n: number): number[] {
  return Array.from({ length: n }, () => rng.int(128));
}

export function randomSysexLength(rng: Random): number {
  return rng.int(5) === 0 ? rng.int(400) : rng.int(30);
}

export function randomMessage(rng: Random, withRealtime: boolean): Message {
  const pick = rng.int(withRealtime ? 11 : 10);
  if (pick < 5) {
    const high = rng.pick([0x80, 0x90, 0xa0, 0xb0, 0xc0, 0xd0, 0xe0]);
    const chan = rng.int(16);
    const data = randomData(rng, high === 0xc0 || high === 0xd0 ? 1 : 2);
    // Velocity 0 often, so that Note On 0 and Note Off 0 are both exercised.
    if (data.length === 2 && rng.int(5) === 0) data[1] = 0;
    return {
      kind: "channel",
      bytes: [high | chan, ...data],
      shape: sh(CHANNEL_TYPE[high]!, data, chan),
    };
  }
  switch (pick) {
    case 5: {
      const d = rng.int(128);
      return {
        kind: "common",
        bytes: [0xf1, d],
        shape: sh(typeQuarterFrame, [d >> 4, d & 0x0f]),
      };
    }
    case 6: {
      const data = randomData(rng, 2);
      return {
        kind: "common",
        bytes: [0xf2, ...data],
        shape: sh(typeSongPos, data),
      };
    }
    case 7: {
      const data = randomData(rng, 1);
      return {
        kind: "common",
        bytes: [0xf3, ...data],
        shape: sh(typeSongSel, data),
      };
    }
    case 8:
      return { kind: "tune", bytes: [0xf6], shape: sh(typeTune) };
    case 9: {
      const data = randomData(rng, randomSysexLength(rng));
      return {
        kind: "sysex",
        bytes: [0xf0, ...data, 0xf7],
        shape: sh(typeSysEx, data),
      };
    }
    default: {
      const b = rng.pick(REALTIME_BYTES);
      return { kind: "realtime", bytes: [b], shape: sh(REALTIME_TYPE[b]!) };
    }
  }
}

/** An expected event: completed by byte `at`, dated by the call holding `dateAt`. */
export interface Expect {
  at: number;
  dateAt: number;
  shape: Shape;
}

/**
 * A byte stream of `count` random messages written with running status where
 * possible, with real-time bytes (and the ignored 0xF9, 0xFD) before any byte,
 * including inside SysEx, and ignored 0xF4, 0xF5, 0xF7 between messages.
 */
export function randomStream(
  rng: Random,
  count: number,
): { bytes: number[]; expected: Expect[]; messageCount: number } {
  const bytes: number[] = [];
  const expected: Expect[] = [];
  const realtimeRate = rng.pick([0, 3, 8, 30]);
  let messageCount = 0;
  const maybeRealtime = () => {
    while (realtimeRate > 0 && rng.int(realtimeRate) === 0) {
      const b = rng.pick([...REALTIME_BYTES, 0xf9, 0xfd]);
      const at = bytes.length;
      bytes.push(b);
      const type = REALTIME_TYPE[b];
      if (type !== undefined) {
        expected.push({ at, dateAt: at, shape: sh(type) });
        messageCount++;
      }
    }
  };
  const put = (b: number) => {
    maybeRealtime();
    bytes.push(b);
    return bytes.length - 1;
  };
  let running = 0;
  for (let i = 0; i < count; i++) {
    if (rng.int(12) === 0) {
      // Undefined system common bytes and a lone EOX, between messages. Whether
      // they cancel running status is left open by §3.9: resend the status.
      put(rng.pick([0xf4, 0xf5, 0xf7]));
      running = 0;
    }
    const m = randomMessage(rng, false);
    const status = m.bytes[0]!;
    let statusAt = -1;
    if (!(m.kind === "channel" && status === running && rng.int(4) !== 0)) {
      statusAt = put(status);
    }
    running = m.kind === "channel" ? status : 0;
    const dataAt = m.bytes.slice(1).map(put);
    const last = dataAt.length > 0 ? dataAt[dataAt.length - 1]! : statusAt;
    const dateAt = m.kind === "sysex" || dataAt.length === 0
      ? statusAt
      : dataAt[0]!;
    expected.push({ at: last, dateAt, shape: m.shape });
    messageCount++;
  }
  maybeRealtime();
  expected.sort((a, b) => a.at - b.at);
  return { bytes, expected, messageCount };
}

/** A random start date, often just below 2^31 or 2^32 so that runs wrap. */
export function randomStartDate(rng: Random): number {
  switch (rng.int(3)) {
    case 0:
      return (0x100000000 - rng.int(3000)) >>> 0;
    case 1:
      return (0x80000000 - rng.int(3000)) >>> 0;
    default:
      return rng.int(0x100000000);
  }
}

/**
 * Feeds `bytes` to `decoder` in random chunks (some empty), each with its own
 * increasing date and followed in its buffer by garbage beyond `length`.
 * @returns the date of the call that carried each byte
 */
export function feedInChunks(
  rng: Random,
  decoder: MidiDecoder,
  bytes: readonly number[],
  port: number,
  between: () => void = () => {},
): number[] {
  const dates: number[] = [];
  let date = randomStartDate(rng);
  let pos = 0;
  while (pos < bytes.length) {
    date = (date + 1 + rng.int(10)) >>> 0;
    const len = rng.int(5) === 0
      ? 0
      : Math.min(bytes.length - pos, 1 + rng.int(rng.pick([1, 3, 16, 200])));
    const buf = new Uint8Array(len + 4);
    buf.set(bytes.slice(pos, pos + len));
    for (let k = len; k < buf.length; k++) buf[k] = rng.int(256);
    for (let k = 0; k < len; k++) dates.push(date);
    decoder.decode(buf, len, date, port);
    between();
    pos += len;
  }
  return dates;
}
