// MidiDecoder: random streams with running status and real-time bytes, messages
// split across decode() calls, SysEx of any length (spec §3.9).

import assert from "node:assert/strict";
import { createCellPool } from "../memory/cell_pool.ts";
import {
  typeActiveSens,
  typeClock,
  typeKeyOn,
  typeProgChange,
  typeQuarterFrame,
  typeSongPos,
  typeSongSel,
  typeSysEx,
  typeTune,
} from "../api/constants.ts";
import { Random } from "../_test_util.ts";

import {
  decodeChunks,
  ev,
  holdingDecoder,
  same,
  sameEvents,
  SEED,
  sh,
  show,
  takeEvent,
  takingDecoder,
} from "./_codec_test_util.ts";
import { feedInChunks, randomStream } from "./_midi_stream_test_util.ts";

// ---- Running status and real-time bytes ---------------------------------------

Deno.test("MidiDecoder decodes running status with real-time bytes anywhere, even inside SysEx", () => {
  const rng = new Random(SEED + 2);
  let total = 0;
  for (let run = 0; run < 300; run++) {
    const { bytes, expected } = randomStream(rng, 1 + rng.int(40));
    const pool = createCellPool({ cellCount: 256 });
    const { decoder, events } = takingDecoder(pool);
    const port = rng.int(256);
    const dates = feedInChunks(rng, decoder, bytes, port);
    const context = `run ${run}, port ${port}, bytes ${show(bytes)}`;
    sameEvents(
      events,
      expected.map((x) => ev(x.shape, dates[x.dateAt]!, port)),
      context,
    );
    same(decoder.lostCount, 0, `${context}: lostCount`);
    same(pool.used, 0, `${context}: cells in use`);
    total += expected.length;
  }
  assert.ok(total > 3000, `only ${total} messages generated`);
});

Deno.test("MidiDecoder assembles a message split across decode() calls and dates it by its first data byte", async (t) => {
  await t.step("channel message, then running status", () => {
    sameEvents(
      decodeChunks([
        [[0x90], 10],
        [[60], 20],
        [[64], 30],
        [[61], 40],
        [[0xf8], 45],
        [[65, 62], 50],
        [[66], 60],
      ]),
      [
        ev(sh(typeKeyOn, [60, 64]), 20),
        ev(sh(typeClock), 45),
        ev(sh(typeKeyOn, [61, 65]), 40),
        ev(sh(typeKeyOn, [62, 66]), 50),
      ],
      "events",
    );
  });
  await t.step("one-data-byte and system common messages", () => {
    sameEvents(
      decodeChunks([
        [[0xc3], 1],
        [[7, 8], 2],
        [[0xf1], 3],
        [[0x21], 4],
        [[0xf2], 5],
        [[1], 6],
        [[2], 7],
        [[0xf3], 8],
        [[9], 9],
      ]),
      [
        ev(sh(typeProgChange, [7], 3), 2),
        ev(sh(typeProgChange, [8], 3), 2),
        ev(sh(typeQuarterFrame, [2, 1]), 4),
        ev(sh(typeSongPos, [1, 2]), 6),
        ev(sh(typeSongSel, [9]), 9),
      ],
      "events",
    );
  });
  await t.step(
    "SysEx and status-only messages take the status byte's date",
    () => {
      sameEvents(
        decodeChunks([
          [[0xf0], 100],
          [[1, 2], 110],
          [[0xfe], 115],
          [[3], 120],
          [[0xf7], 130],
          [[0xf6], 140],
          [[0xf0], 0xffffffff],
          [[4], 0],
          [[0xf7], 1],
        ]),
        [
          ev(sh(typeActiveSens), 115),
          ev(sh(typeSysEx, [1, 2, 3]), 100),
          ev(sh(typeTune), 140),
          ev(sh(typeSysEx, [4]), 0xffffffff),
        ],
        "events",
      );
    },
  );
  await t.step("port is the slot passed to decode()", () => {
    sameEvents(
      decodeChunks([
        [[0x90, 1, 2], 0, 7],
        [[0xf8], 0, 255],
        [[0xf0, 3, 0xf7], 0, 128],
      ]),
      [
        ev(sh(typeKeyOn, [1, 2]), 0, 7),
        ev(sh(typeClock), 0, 255),
        ev(sh(typeSysEx, [3]), 0, 128),
      ],
      "events",
    );
  });
  await t.step("only bytes[0..length) are read", () => {
    const pool = createCellPool({ cellCount: 16 });
    const { decoder, events } = takingDecoder(pool);
    decoder.decode(Uint8Array.of(0x90, 60, 64, 0xf8, 0xff, 0xf6), 3, 0, 0);
    decoder.decode(Uint8Array.of(0x90, 1, 0xf8), 0, 0, 0);
    sameEvents(events, [ev(sh(typeKeyOn, [60, 64]))], "events");
  });
});

// ---- SysEx of any length -------------------------------------------------------

Deno.test("MidiDecoder stores a SysEx of n bytes in 2 + floor(n / 12) cells", () => {
  const pool = createCellPool({ cellCount: 64 });
  const { decoder, held } = holdingDecoder(pool);
  for (let n = 0; n <= 200; n++) {
    const data = Array.from({ length: n }, (_, i) => (i * 7 + n) & 0x7f);
    const bytes = [0xf0, ...data, 0xf7];
    decoder.decode(Uint8Array.from(bytes), bytes.length, n, 1);
    same(held.length, 1, `n = ${n}: events`);
    same(pool.used, 2 + Math.floor(n / 12), `n = ${n}: cells`);
    const got = takeEvent(pool, held.pop()!);
    same(got, ev(sh(typeSysEx, data), n, 1), `n = ${n}: event`);
    same(pool.used, 0, `n = ${n}: cells after free`);
  }
});
