/**
 * A model of spec §3.8 for the encoder tests: random events with a MIDI form, the
 * messages each should send, and the note-off queue. Private to `kernel/midi/`.
 *
 * @module
 */

import assert from "node:assert/strict";
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
import type { Random } from "../_test_util.ts";

import { sh, type Shape } from "./_codec_test_util.ts";
import {
  randomData,
  randomMessage,
  randomSysexLength,
} from "./_midi_stream_test_util.ts";

// ---- Model of spec §3.8 for the encoder -----------------------------------------

/** A random event of a type that has a MIDI form, fields in range (§3.3). */
export interface GenEvent {
  type: number;
  chan: number;
  fields: number[];
  /** For `typeStream`: the shapes its messages decode to. */
  streamShapes: Shape[];
}

export const MIDI_TYPES = [
  ...Array.from({ length: 19 }, (_, i) => i),
  typeQuarterFrame,
  typeCtrl14b,
  typeNonRegParam,
  typeRegParam,
];

export function randomEvent(rng: Random): GenEvent {
  const type = rng.pick(MIDI_TYPES);
  const chan = rng.int(256); // the encoder must use chan & 0x0F
  const b7 = () => rng.int(128);
  let fields: number[] = [];
  const streamShapes: Shape[] = [];
  switch (type) {
    case typeNote: {
      const dur = rng.int(3) === 0 ? rng.int(65536) : rng.int(300);
      fields = [b7(), rng.int(8) === 0 ? 0 : b7(), dur];
      break;
    }
    case typeKeyOn:
    case typeKeyOff:
      fields = [b7(), rng.int(4) === 0 ? 0 : b7()];
      break;
    case typeKeyPress:
    case typeCtrlChange:
    case typePitchWheel:
    case typeSongPos:
      fields = [b7(), b7()];
      break;
    case typeProgChange:
    case typeChanPress:
    case typeSongSel:
      fields = [b7()];
      break;
    case typeSysEx:
      fields = randomData(rng, randomSysexLength(rng));
      break;
    case typeStream:
      for (let k = rng.int(4); k > 0; k--) {
        const m = randomMessage(rng, true);
        fields.push(...m.bytes);
        streamShapes.push(m.shape);
      }
      break;
    case typeQuarterFrame:
      fields = [rng.int(8), rng.int(16)];
      break;
    case typeCtrl14b:
      fields = [rng.int(32), rng.int(16384)];
      break;
    case typeNonRegParam:
    case typeRegParam:
      fields = [rng.int(16384), rng.int(16384)];
      break;
  }
  return { type, chan, fields, streamShapes };
}

/** The messages §3.8 sends now for `e`, and the events §3.9 decodes them to. */
export function specEncoding(
  e: GenEvent,
): { messages: number[][]; shapes: Shape[] } {
  const ch = e.chan & 0x0f;
  const f = e.fields;
  const cc = (c: number, v: number) => ({
    message: [0xb0 | ch, c, v],
    shape: sh(typeCtrlChange, [c, v], ch),
  });
  const status: Record<number, number> = {
    [typeKeyOff]: 0x80,
    [typeKeyOn]: 0x90,
    [typeKeyPress]: 0xa0,
    [typeCtrlChange]: 0xb0,
    [typeProgChange]: 0xc0,
    [typeChanPress]: 0xd0,
    [typePitchWheel]: 0xe0,
  };
  const system: Record<number, number> = {
    [typeClock]: 0xf8,
    [typeStart]: 0xfa,
    [typeContinue]: 0xfb,
    [typeStop]: 0xfc,
    [typeTune]: 0xf6,
    [typeActiveSens]: 0xfe,
    [typeReset]: 0xff,
  };
  switch (e.type) {
    case typeNote:
      return {
        messages: [[0x90 | ch, f[0]!, f[1]!]],
        shapes: [sh(typeKeyOn, [f[0]!, f[1]!], ch)],
      };
    case typeSongPos:
      return { messages: [[0xf2, ...f]], shapes: [sh(typeSongPos, f)] };
    case typeSongSel:
      return { messages: [[0xf3, ...f]], shapes: [sh(typeSongSel, f)] };
    case typeSysEx:
      return { messages: [[0xf0, ...f, 0xf7]], shapes: [sh(typeSysEx, f)] };
    case typeStream:
      return {
        messages: f.length === 0 ? [] : [[...f]],
        shapes: e.streamShapes,
      };
    case typeQuarterFrame:
      return {
        messages: [[0xf1, (f[0]! << 4) + f[1]!]],
        shapes: [sh(typeQuarterFrame, [f[0]!, f[1]!])],
      };
    case typeCtrl14b: {
      const c = f[0]! & 0x1f, v = f[1]! & 0x3fff;
      const parts = [cc(c, v >> 7), cc(c + 32, v & 0x7f)];
      return {
        messages: parts.map((p) => p.message),
        shapes: parts.map((p) => p.shape),
      };
    }
    case typeNonRegParam:
    case typeRegParam: {
      const n = f[0]! & 0x3fff, v = f[1]! & 0x3fff;
      const [msb, lsb] = e.type === typeRegParam ? [101, 100] : [99, 98];
      const parts = [
        cc(msb!, n >> 7),
        cc(lsb!, n & 0x7f),
        cc(6, v >> 7),
        cc(38, v & 0x7f),
      ];
      return {
        messages: parts.map((p) => p.message),
        shapes: parts.map((p) => p.shape),
      };
    }
  }
  const s = status[e.type];
  if (s !== undefined) {
    return {
      messages: [[s | ch, ...f]],
      shapes: [sh(e.type, f, ch)],
    };
  }
  const rt = system[e.type];
  assert.ok(rt !== undefined, `no model for type ${e.type}`);
  return { messages: [[rt]], shapes: [sh(e.type)] };
}

/** A note-off the model expects the encoder to hold. */
export interface PendingOff {
  due: number;
  seq: number;
  slot: number;
  ch: number;
  pitch: number;
}

/** Removes and returns the note-offs due at `now`, in date then queue order. */
export function takeDue(
  pending: PendingOff[],
  now: number,
  all = false,
): PendingOff[] {
  const due = pending.filter((p) => all || ((p.due - now) | 0) <= 0);
  const rest = pending.filter((p) => !due.includes(p));
  pending.length = 0;
  pending.push(...rest);
  return due.sort((a, b) =>
    (((a.due - now) | 0) - ((b.due - now) | 0)) || a.seq - b.seq
  );
}
