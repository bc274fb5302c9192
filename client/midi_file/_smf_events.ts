/**
 * MidiShare events and the events of a Standard MIDI File, both ways: channel
 * messages, SysEx and escaped system messages, and every meta event the kernel has
 * a type for. Private to `midi_file/`.
 *
 * @module
 */

import {
  type MidiEv,
  type MidiShareCalls,
  typeActiveSens,
  typeChanPrefix,
  typeChanPress,
  typeClock,
  typeContinue,
  typeCopyright,
  typeCtrl14b,
  typeCtrlChange,
  typeCuePoint,
  typeEndTrack,
  typeInstrName,
  typeKeyOff,
  typeKeyOn,
  typeKeyPress,
  typeKeySign,
  typeLyric,
  typeMarker,
  typeNonRegParam,
  typePitchWheel,
  typePortPrefix,
  typeProgChange,
  typeQuarterFrame,
  typeRegParam,
  typeReset,
  typeSeqName,
  typeSeqNum,
  typeSMPTEOffset,
  typeSongPos,
  typeSongSel,
  typeSpecific,
  typeStart,
  typeStop,
  typeStream,
  typeSysEx,
  typeTempo,
  typeTextual,
  typeTimeSign,
  typeTune,
} from "../mod.ts";

/** The calls this library makes: those of either kind of client. */
export type Calls = MidiShareCalls<boolean>;

/** Meta event number → MidiShare type. */
const META_TYPES: ReadonlyMap<number, number> = new Map([
  [0x00, typeSeqNum],
  [0x01, typeTextual],
  [0x02, typeCopyright],
  [0x03, typeSeqName],
  [0x04, typeInstrName],
  [0x05, typeLyric],
  [0x06, typeMarker],
  [0x07, typeCuePoint],
  [0x20, typeChanPrefix],
  [0x21, typePortPrefix],
  [0x2f, typeEndTrack],
  [0x51, typeTempo],
  [0x54, typeSMPTEOffset],
  [0x58, typeTimeSign],
  [0x59, typeKeySign],
  [0x7f, typeSpecific],
]);

/** MidiShare type → meta event number. */
const TYPE_METAS: ReadonlyMap<number, number> = new Map(
  [...META_TYPES].map(([meta, type]) => [type, meta]),
);

/** System message status → [MidiShare type, data bytes]; 0xF1..0xFF but SysEx. */
const SYSTEM_TYPES: ReadonlyMap<number, readonly [number, number]> = new Map([
  [0xf1, [typeQuarterFrame, 1]],
  [0xf2, [typeSongPos, 2]],
  [0xf3, [typeSongSel, 1]],
  [0xf6, [typeTune, 0]],
  [0xf8, [typeClock, 0]],
  [0xfa, [typeStart, 0]],
  [0xfb, [typeContinue, 0]],
  [0xfc, [typeStop, 0]],
  [0xfe, [typeActiveSens, 0]],
  [0xff, [typeReset, 0]],
]);

const SYSTEM_STATUS: ReadonlyMap<number, number> = new Map(
  [...SYSTEM_TYPES].map(([status, [type]]) => [type, status]),
);

/** Cells an event of `type` with `byteCount` bytes needs (spec §3.2). */
function cellsFor(type: number, byteCount: number): number {
  return isVariable(type) ? 2 + Math.floor(byteCount / 12) : 1;
}

function isVariable(type: number): boolean {
  return type === typeSysEx || type === typeStream ||
    (type >= typeTextual && type <= typeCuePoint) || type === typeSpecific;
}

/**
 * A new event of `type`, growing the pool first when it lacks room (a file may
 * hold more events than the default pool).
 */
export function newEvent(ms: Calls, type: number, byteCount = 0): MidiEv {
  const cells = cellsFor(type, byteCount);
  if (ms.MidiFreeSpace() < cells) {
    ms.MidiGrowSpace(Math.max(cells, 4096, ms.MidiTotalSpace() >> 1));
  }
  const e = ms.MidiFreeSpace() < cells ? null : ms.MidiNewEv(type);
  if (e === null) {
    throw new RangeError(
      `Cannot make an event of type ${type}: the MidiShare pool is full ` +
        `(${ms.MidiTotalSpace()} cells) and cannot grow, or no application is open`,
    );
  }
  return e;
}

/** An event with `fields` set. */
function fixed(ms: Calls, type: number, fields: readonly number[]): MidiEv {
  const e = newEvent(ms, type);
  fields.forEach((v, i) => ms.MidiSetField(e, i, v));
  return e;
}

/** A variable-length event holding `bytes`. */
function variable(ms: Calls, type: number, bytes: Uint8Array): MidiEv {
  const e = newEvent(ms, type, bytes.length);
  for (const b of bytes) ms.MidiAddField(e, b);
  return e;
}

/** The event of a channel message (`status` 0x80..0xEF). */
export function channelEvent(
  ms: Calls,
  status: number,
  d1: number,
  d2: number,
): MidiEv {
  const type = [
    typeKeyOff,
    typeKeyOn,
    typeKeyPress,
    typeCtrlChange,
    typeProgChange,
    typeChanPress,
    typePitchWheel,
  ][(status >> 4) - 8]!;
  const e = fixed(
    ms,
    type,
    type === typeProgChange || type === typeChanPress ? [d1] : [d1, d2],
  );
  e.chan = status & 0x0f;
  return e;
}

/** Data bytes of a channel message of `status`. */
export function channelDataLength(status: number): number {
  const kind = status & 0xf0;
  return kind === 0xc0 || kind === 0xd0 ? 1 : 2;
}

/**
 * The event of a SysEx packet (0xF0, data) or an escape packet (0xF7, data): a
 * whole SysEx becomes `typeSysEx`, one escaped system message its own type, and
 * anything else (a SysEx in several packets) `typeStream` with its raw bytes.
 */
export function sysexEvent(
  ms: Calls,
  status: number,
  data: Uint8Array,
): MidiEv {
  if (status === 0xf0 && data.at(-1) === 0xf7) {
    return variable(ms, typeSysEx, data.subarray(0, data.length - 1));
  }
  if (status === 0xf7 && data.length > 0) {
    const known = SYSTEM_TYPES.get(data[0]!);
    if (known !== undefined && data.length === 1 + known[1]) {
      const [type] = known;
      if (type === typeQuarterFrame) {
        return fixed(ms, type, [(data[1]! >> 4) & 7, data[1]! & 0x0f]);
      }
      return fixed(ms, type, [...data.subarray(1)]);
    }
  }
  const raw = status === 0xf0 ? new Uint8Array([0xf0, ...data]) : data;
  return variable(ms, typeStream, raw);
}

/**
 * The event of a meta event; null for a meta event no MidiShare type stands for
 * (left out); a string, the detail of the caller's `SyntaxError`, when it is too
 * short. `trackIndex` is the sequence number of an empty `0x00` event.
 */
export function metaEvent(
  ms: Calls,
  meta: number,
  data: Uint8Array,
  trackIndex: number,
): MidiEv | string | null {
  const type = META_TYPES.get(meta);
  if (type === undefined) return null;
  const need = (n: number) =>
    data.length < n
      ? `meta event 0x${
        meta.toString(16)
      } has ${data.length} bytes, expected ${n}`
      : null;
  const b = (i: number) => data[i]!;
  switch (type) {
    case typeSeqNum:
      return data.length === 0
        ? fixed(ms, type, [trackIndex])
        : (need(2) ?? fixed(ms, type, [(b(0) << 8) | b(1)]));
    case typeChanPrefix:
    case typePortPrefix:
      return need(1) ?? fixed(ms, type, [b(0)]);
    case typeEndTrack:
      return fixed(ms, type, []);
    case typeTempo:
      return need(3) ?? fixed(ms, type, [(b(0) << 16) | (b(1) << 8) | b(2)]);
    case typeSMPTEOffset:
      return need(5) ??
        fixed(ms, type, [(b(0) >> 5) & 3, b(0) & 0x1f, b(1), b(2), b(3), b(4)]);
    case typeTimeSign:
      return need(2) ??
        fixed(ms, type, [
          b(0),
          b(1),
          data.length >= 4 ? b(2) : 24,
          data.length >= 4 ? b(3) : 8,
        ]);
    case typeKeySign:
      return need(2) ?? fixed(ms, type, [b(0), b(1)]);
    default: // text events and typeSpecific
      return variable(ms, type, data);
  }
}

/** What an event becomes in a file: one or more messages, each its bytes. */
export interface Encoded {
  /** Channel messages (running status applies), with their status byte. */
  channel?: number[][];
  /** A meta, SysEx or escape event: its bytes from the status byte on. */
  other?: number[];
}

/** Bytes of a variable-length quantity. */
export function vlqBytes(value: number): number[] {
  const out = [value & 0x7f];
  for (let v = value >>> 7; v > 0; v >>>= 7) out.unshift((v & 0x7f) | 0x80);
  return out;
}

/**
 * The messages of an event in a file, or null when a file has no place for it
 * (private events, tasks, alarms). A `typeNote` gives its Note On only: the
 * writer adds the Note Off. `typeEndTrack` is also the writer's.
 */
export function encodeEvent(ms: Calls, e: MidiEv): Encoded | null {
  const type = e.evType;
  const f = (i: number) => ms.MidiGetField(e, i) & 0xff;
  const ch = e.chan & 0x0f;
  const cc = (c: number, v: number) => [0xb0 | ch, c & 0x7f, v & 0x7f];
  if (type <= typePitchWheel) {
    const status = [0x90, 0x90, 0x80, 0xa0, 0xb0, 0xc0, 0xd0, 0xe0][type]!;
    const isShort = type === typeProgChange || type === typeChanPress;
    const msg = isShort ? [status | ch, f(0) & 0x7f] : [
      status | ch,
      f(0) & 0x7f,
      f(1) & 0x7f,
    ];
    return { channel: [msg] };
  }
  if (type === typeCtrl14b) {
    const c = ms.MidiGetField(e, 0) & 0x1f, v = ms.MidiGetField(e, 1) & 0x3fff;
    return { channel: [cc(c, v >> 7), cc(c + 32, v)] };
  }
  if (type === typeNonRegParam || type === typeRegParam) {
    const n = ms.MidiGetField(e, 0) & 0x3fff,
      v = ms.MidiGetField(e, 1) & 0x3fff;
    const [msb, lsb] = type === typeNonRegParam ? [99, 98] : [101, 100];
    return {
      channel: [cc(msb, n >> 7), cc(lsb, n), cc(6, v >> 7), cc(38, v)],
    };
  }
  if (type === typeSysEx) {
    const data = [...bytesOf(ms, e).map((b) => b & 0x7f), 0xf7];
    return { other: [0xf0, ...vlqBytes(data.length), ...data] };
  }
  if (type === typeStream) {
    const data = bytesOf(ms, e);
    return { other: [0xf7, ...vlqBytes(data.length), ...data] };
  }
  const status = SYSTEM_STATUS.get(type);
  if (status !== undefined) {
    const data = type === typeQuarterFrame
      ? [status, ((f(0) & 7) << 4) | (f(1) & 0x0f)]
      : [status, ...bytesOf(ms, e).map((b) => b & 0x7f)];
    return { other: [0xf7, ...vlqBytes(data.length), ...data] };
  }
  const meta = TYPE_METAS.get(type);
  if (meta === undefined || type === typeEndTrack) return null;
  const data = metaData(ms, e);
  return { other: [0xff, meta, ...vlqBytes(data.length), ...data] };
}

/** The data bytes of a meta event. */
function metaData(ms: Calls, e: MidiEv): number[] {
  const f = (i: number) => ms.MidiGetField(e, i);
  switch (e.evType) {
    case typeSeqNum:
      return [(f(0) >> 8) & 0xff, f(0) & 0xff];
    case typeTempo:
      return [(f(0) >> 16) & 0xff, (f(0) >> 8) & 0xff, f(0) & 0xff];
    case typeSMPTEOffset:
      return [((f(0) & 3) << 5) | (f(1) & 0x1f), f(2), f(3), f(4), f(5)];
    default:
      return bytesOf(ms, e);
  }
}

/** Every field of an event, as bytes. */
function bytesOf(ms: Calls, e: MidiEv): number[] {
  const count = ms.MidiCountFields(e);
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) out[i] = ms.MidiGetField(e, i) & 0xff;
  return out;
}
