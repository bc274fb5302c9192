// MidiEncoder: the messages each event type sends, types without a MIDI form,
// and SysEx data masked to 7 bits (spec §3.8).

import { createCellPool } from "../memory/cell_pool.ts";
import {
  typeActiveSens,
  typeApplAlarm,
  typeChanPress,
  typeClock,
  typeContinue,
  typeCtrl14b,
  typeCtrlChange,
  typeDead,
  typeKeyOff,
  typeKeyOn,
  typeKeyPress,
  typeKeySign,
  typeNonRegParam,
  typeNote,
  typePitchWheel,
  typePrivate,
  typeProcess,
  typeProgChange,
  typeQuarterFrame,
  typeRcvAlarm,
  typeRegParam,
  typeReset,
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
  typeText,
  typeTune,
} from "../api/constants.ts";
import { countFields, freeEvent, getField } from "../memory/event_store.ts";

import {
  buildEvent,
  decodeAll,
  ev,
  loggingEncoder,
  same,
  sameEvents,
  sh,
} from "./_codec_test_util.ts";

Deno.test("MidiEncoder encodes each type as spec §3.8 says and returns the messages sent now", () => {
  const cases: [string, number, number[], number, number[][]][] = [
    ["note", typeNote, [60, 100, 500], 0x13, [[0x93, 60, 100]]],
    ["Note On 0", typeKeyOn, [60, 0], 2, [[0x92, 60, 0]]],
    ["Note Off", typeKeyOff, [60, 64], 15, [[0x8f, 60, 64]]],
    ["key pressure", typeKeyPress, [60, 10], 1, [[0xa1, 60, 10]]],
    ["control change", typeCtrlChange, [7, 100], 1, [[0xb1, 7, 100]]],
    ["program change", typeProgChange, [5], 1, [[0xc1, 5]]],
    ["channel pressure", typeChanPress, [90], 1, [[0xd1, 90]]],
    ["pitch wheel", typePitchWheel, [0x12, 0x40], 1, [[0xe1, 0x12, 0x40]]],
    ["song position", typeSongPos, [1, 2], 1, [[0xf2, 1, 2]]],
    ["song select", typeSongSel, [3], 1, [[0xf3, 3]]],
    ["clock", typeClock, [], 1, [[0xf8]]],
    ["start", typeStart, [], 1, [[0xfa]]],
    ["continue", typeContinue, [], 1, [[0xfb]]],
    ["stop", typeStop, [], 1, [[0xfc]]],
    ["tune", typeTune, [], 1, [[0xf6]]],
    ["active sensing", typeActiveSens, [], 1, [[0xfe]]],
    ["reset", typeReset, [], 1, [[0xff]]],
    ["SysEx", typeSysEx, [1, 2, 3], 1, [[0xf0, 1, 2, 3, 0xf7]]],
    ["empty SysEx", typeSysEx, [], 1, [[0xf0, 0xf7]]],
    ["stream", typeStream, [0xf8, 0x90, 1, 2, 0xf7], 1, [[
      0xf8,
      0x90,
      1,
      2,
      0xf7,
    ]]],
    ["empty stream", typeStream, [], 1, []],
    ["quarter frame", typeQuarterFrame, [5, 0xa], 1, [[0xf1, 0x5a]]],
    ["14-bit controller", typeCtrl14b, [7, 0x1234], 1, [[0xb1, 7, 0x24], [
      0xb1,
      39,
      0x34,
    ]]],
    ["14-bit controller, masked", typeCtrl14b, [39, 0xffff], 1, [[
      0xb1,
      7,
      0x7f,
    ], [0xb1, 39, 0x7f]]],
    ["14-bit controller, LSB 0", typeCtrl14b, [0, 0x80], 1, [[0xb1, 0, 1], [
      0xb1,
      32,
      0,
    ]]],
    ["NRPN", typeNonRegParam, [0x1234, 0x0567], 4, [
      [0xb4, 99, 0x24],
      [0xb4, 98, 0x34],
      [0xb4, 6, 0x0a],
      [0xb4, 38, 0x67],
    ]],
    ["RPN", typeRegParam, [0xc000, 0xffff], 4, [
      [0xb4, 101, 0],
      [0xb4, 100, 0],
      [0xb4, 6, 0x7f],
      [0xb4, 38, 0x7f],
    ]],
  ];
  const pool = createCellPool({ cellCount: 16 });
  for (const [name, type, fields, chan, want] of cases) {
    const { encoder, sent } = loggingEncoder();
    const cell = buildEvent(pool, type, fields, chan, 1234);
    same(
      encoder.encode(pool, cell, 6),
      want.length,
      `${name}: encode() result`,
    );
    freeEvent(pool, cell);
    same(sent, want.map((bytes) => ({ slot: 6, bytes })), `${name}: messages`);
    same(
      encoder.pendingNoteOffs,
      type === typeNote ? 1 : 0,
      `${name}: pending`,
    );
  }
  same(pool.used, 0, "cells after free");
});

Deno.test("MidiEncoder drops types without a MIDI form", () => {
  const cases: [number, number[]][] = [
    [typePrivate, [1, 2, 3, 4]],
    [127, [1]],
    [typeProcess, []],
    [typeSeqNum, [5]],
    [typeText, [0x68, 0x69]],
    [141, [0x41]],
    [typeTempo, [500000]],
    [typeSMPTEOffset, [1, 2, 3, 4, 5, 6]],
    [typeKeySign, [2, 0]],
    [typeSpecific, [0xf8, 0x90, 1, 2]],
    [149, [3]],
    [typeRcvAlarm, []],
    [typeApplAlarm, [7]],
    [typeDead, []],
  ];
  const pool = createCellPool({ cellCount: 16 });
  const { encoder, sent } = loggingEncoder();
  for (const [type, fields] of cases) {
    const cell = buildEvent(pool, type, fields, 1, 100);
    same(encoder.encode(pool, cell, 0), 0, `type ${type}: encode() result`);
    freeEvent(pool, cell);
    same(sent, [], `type ${type}: messages`);
    same(encoder.pendingNoteOffs, 0, `type ${type}: pending`);
  }
  same(pool.used, 0, "cells after free");
});

Deno.test("MidiEncoder masks SysEx data bytes to 7 bits so the message stays well formed", () => {
  const pool = createCellPool({ cellCount: 16 });
  const { encoder, sent } = loggingEncoder();
  const raw = [0x01, 0xf7, 0x80, 0xff, 0x7f, 0xf0, 0xf8];
  const cell = buildEvent(pool, typeSysEx, raw);
  same(encoder.encode(pool, cell, 0), 1, "encode() result");
  same(
    sent,
    [{
      slot: 0,
      bytes: [0xf0, 0x01, 0x77, 0x00, 0x7f, 0x7f, 0x70, 0x78, 0xf7],
    }],
    "message",
  );
  same(
    [getField(pool, cell, 1), countFields(pool, cell)],
    [0xf7, raw.length],
    "the event itself is unchanged",
  );
  freeEvent(pool, cell);
  sameEvents(
    decodeAll(sent[0]!.bytes),
    [ev(sh(typeSysEx, [0x01, 0x77, 0x00, 0x7f, 0x7f, 0x70, 0x78]))],
    "decodes as one SysEx",
  );
});
