// MidiDecoder: the status byte rules of spec §3.9 (event types, ignored bytes,
// abandoned SysEx, running status).

import assert from "node:assert/strict";
import { createCellPool } from "../memory/cell_pool.ts";
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

import {
  decodeAll,
  ev,
  same,
  sameEvents,
  sh,
  type Shape,
  takingDecoder,
} from "./_codec_test_util.ts";
import { REALTIME_BYTES, REALTIME_TYPE } from "./_midi_stream_test_util.ts";

// ---- Specific rules of §3.9 ------------------------------------------------------

Deno.test("MidiDecoder maps each status byte to its event type (§3.9)", async (t) => {
  await t.step("channel messages keep chan, Note On 0 stays KeyOn", () => {
    sameEvents(
      decodeAll([
        0x83,
        60,
        0,
        0x94,
        60,
        0,
        0xa5,
        1,
        2,
        0xb6,
        7,
        100,
        0xc7,
        5,
        0xd8,
        90,
        0xef,
        0x12,
        0x40,
      ]),
      [
        ev(sh(typeKeyOff, [60, 0], 3)),
        ev(sh(typeKeyOn, [60, 0], 4)),
        ev(sh(typeKeyPress, [1, 2], 5)),
        ev(sh(typeCtrlChange, [7, 100], 6)),
        ev(sh(typeProgChange, [5], 7)),
        ev(sh(typeChanPress, [90], 8)),
        ev(sh(typePitchWheel, [0x12, 0x40], 15)),
      ],
      "channel messages",
    );
  });

  await t.step("system messages", () => {
    sameEvents(
      decodeAll([
        0xf2,
        1,
        2,
        0xf3,
        9,
        0xf6,
        0xf1,
        0x7a,
        0xf8,
        0xfa,
        0xfb,
        0xfc,
        0xfe,
        0xff,
        0xf0,
        0x43,
        0x10,
        0xf7,
      ]),
      [
        ev(sh(typeSongPos, [1, 2])),
        ev(sh(typeSongSel, [9])),
        ev(sh(typeTune)),
        ev(sh(typeQuarterFrame, [7, 0xa])),
        ev(sh(typeClock)),
        ev(sh(typeStart)),
        ev(sh(typeContinue)),
        ev(sh(typeStop)),
        ev(sh(typeActiveSens)),
        ev(sh(typeReset)),
        ev(sh(typeSysEx, [0x43, 0x10])),
      ],
      "system messages",
    );
  });

  await t.step("running status for one- and two-byte messages", () => {
    sameEvents(
      decodeAll([0x91, 60, 100, 61, 0, 62, 1, 0xc2, 1, 2, 3, 0x80, 4, 0]),
      [
        ev(sh(typeKeyOn, [60, 100], 1)),
        ev(sh(typeKeyOn, [61, 0], 1)),
        ev(sh(typeKeyOn, [62, 1], 1)),
        ev(sh(typeProgChange, [1], 2)),
        ev(sh(typeProgChange, [2], 2)),
        ev(sh(typeProgChange, [3], 2)),
        ev(sh(typeKeyOff, [4, 0], 0)),
      ],
      "running status",
    );
  });

  await t.step(
    "14-bit controllers and (N)RPN arrive as Control Changes",
    () => {
      const events = decodeAll([0xb0, 7, 1, 39, 2, 99, 0, 98, 5, 6, 1, 38, 0]);
      same(events.map((e) => e.type), Array(6).fill(typeCtrlChange), "types");
    },
  );
});

Deno.test("MidiDecoder ignores data bytes with no status", async (t) => {
  await t.step("at the start of the stream", () => {
    same(decodeAll([0x3c, 0x40, 0x00, 0x7f]), [], "events");
  });
  await t.step("then decodes the next message", () => {
    sameEvents(
      decodeAll([1, 2, 3, 0x90, 60, 64]),
      [ev(sh(typeKeyOn, [60, 64]))],
      "events",
    );
  });
  await t.step("after a SysEx (no running status)", () => {
    sameEvents(
      decodeAll([0x90, 60, 64, 0xf0, 1, 0xf7, 61, 65]),
      [ev(sh(typeKeyOn, [60, 64])), ev(sh(typeSysEx, [1]))],
      "events",
    );
  });
  await t.step("after reset() in the middle of a message", () => {
    const pool = createCellPool({ cellCount: 16 });
    const { decoder, events } = takingDecoder(pool);
    decoder.decode(Uint8Array.of(0x90, 60), 2, 0, 0);
    decoder.reset();
    decoder.decode(Uint8Array.of(64, 61, 65), 3, 0, 0);
    decoder.decode(
      Uint8Array.of(0xf0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12),
      13,
      0,
      0,
    );
    assert.ok(pool.used > 0, "a SysEx in progress holds cells");
    decoder.reset();
    same(pool.used, 0, "cells after reset() in a SysEx");
    decoder.decode(Uint8Array.of(13, 0xf7), 2, 0, 0);
    same(events, [], "events");
  });
});

Deno.test("MidiDecoder ignores 0xF4, 0xF5, 0xF9, 0xFD and a lone 0xF7", async (t) => {
  for (const b of [0xf4, 0xf5, 0xf9, 0xfd, 0xf7]) {
    await t.step(
      `0x${b.toString(16).toUpperCase()} alone and between messages`,
      () => {
        same(decodeAll([b]), [], "alone");
        same(decodeAll([b, b, b]), [], "repeated");
        sameEvents(
          decodeAll([0xf8, b, 0x92, 1, 2, b, 0xf3, 4, b]),
          [
            ev(sh(typeClock)),
            ev(sh(typeKeyOn, [1, 2], 2)),
            ev(sh(typeSongSel, [4])),
          ],
          "between messages",
        );
      },
    );
  }
  for (const b of [0xf9, 0xfd]) {
    const name = `0x${b.toString(16).toUpperCase()}`;
    await t.step(`${name} inside a message or a SysEx changes nothing`, () => {
      sameEvents(
        decodeAll([0x90, b, 60, b, 64, b, 61, b, 65, 0xf0, 1, b, 2, b, 0xf7]),
        [
          ev(sh(typeKeyOn, [60, 64])),
          ev(sh(typeKeyOn, [61, 65])),
          ev(sh(typeSysEx, [1, 2])),
        ],
        "events",
      );
    });
  }
});

Deno.test("MidiDecoder abandons a SysEx at any status byte other than real-time", async (t) => {
  const long = Array.from({ length: 30 }, (_, i) => i);
  const cases: [string, number[], Shape[]][] = [
    ["a channel message", [0x93, 60, 64], [sh(typeKeyOn, [60, 64], 3)]],
    ["a second SysEx", [0xf0, 5, 0xf7], [sh(typeSysEx, [5])]],
    ["a quarter frame", [0xf1, 0x35], [sh(typeQuarterFrame, [3, 5])]],
    ["a song position", [0xf2, 1, 2], [sh(typeSongPos, [1, 2])]],
    ["a song select", [0xf3, 1], [sh(typeSongSel, [1])]],
    ["a tune request", [0xf6], [sh(typeTune)]],
    ["0xF4", [0xf4], []],
    ["0xF5", [0xf5], []],
  ];
  for (const [name, tail, shapes] of cases) {
    await t.step(name, () => {
      const pool = createCellPool({ cellCount: 64 });
      const { decoder, events } = takingDecoder(pool);
      const before = pool.used;
      decoder.decode(Uint8Array.from([0xf0, ...long]), long.length + 1, 0, 0);
      assert.ok(pool.used > before, "the SysEx in progress holds cells");
      // The abandoned SysEx's data must not leak into the next message either;
      // the trailing F7 is then a lone F7.
      const rest = [...tail, 0xf7];
      decoder.decode(Uint8Array.from(rest), rest.length, 0, 0);
      sameEvents(events, shapes.map((s) => ev(s)), "events");
      same(pool.used, before, "cells in use (nothing leaked)");
      same(decoder.lostCount, 0, "lostCount");
    });
  }
});

Deno.test("MidiDecoder cancels running status at system common messages, not at real-time ones", async (t) => {
  const commons: [string, number[], Shape][] = [
    ["0xF1", [0xf1, 0x12], sh(typeQuarterFrame, [1, 2])],
    ["0xF2", [0xf2, 3, 4], sh(typeSongPos, [3, 4])],
    ["0xF3", [0xf3, 5], sh(typeSongSel, [5])],
    ["0xF6", [0xf6], sh(typeTune)],
    ["0xF0..0xF7", [0xf0, 6, 0xf7], sh(typeSysEx, [6])],
  ];
  for (const [name, bytes, shape] of commons) {
    await t.step(name, () => {
      sameEvents(
        decodeAll([0x95, 60, 64, ...bytes, 61, 65, 62]),
        [ev(sh(typeKeyOn, [60, 64], 5)), ev(shape)],
        "events",
      );
    });
  }
  for (const b of REALTIME_BYTES) {
    await t.step(`0x${b.toString(16).toUpperCase()} keeps it`, () => {
      sameEvents(
        decodeAll([0xb5, 7, 100, b, 8, 101]),
        [
          ev(sh(typeCtrlChange, [7, 100], 5)),
          ev(sh(REALTIME_TYPE[b]!)),
          ev(sh(typeCtrlChange, [8, 101], 5)),
        ],
        "events",
      );
    });
  }
  await t.step(
    "a common message's data is not reused as running status",
    () => {
      sameEvents(
        decodeAll([0xf1, 0x12, 0x34, 0xf2, 1, 2, 3, 4, 0xf3, 5, 6]),
        [
          ev(sh(typeQuarterFrame, [1, 2])),
          ev(sh(typeSongPos, [1, 2])),
          ev(sh(typeSongSel, [5])),
        ],
        "events",
      );
    },
  );
});
