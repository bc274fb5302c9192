// MidiDecoder: messages dropped and counted when its pool is exhausted.

import assert from "node:assert/strict";
import { createCellPool } from "../memory/cell_pool.ts";
import {
  typeClock,
  typeKeyOn,
  typeSongSel,
  typeSysEx,
} from "../api/constants.ts";
import { freeEvent } from "../memory/event_store.ts";
import { MidiDecoder } from "./midi_decoder.ts";
import { Random } from "../_test_util.ts";

import {
  type Ev,
  ev,
  holdingDecoder,
  readEvent,
  REPLAY,
  same,
  SEED,
  sh,
  show,
  takeEvent,
} from "./_codec_test_util.ts";
import { feedInChunks, randomStream } from "./_midi_stream_test_util.ts";

// ---- Exhaustion --------------------------------------------------------------------

Deno.test("MidiDecoder drops and counts messages when its pool is exhausted", async (t) => {
  await t.step("S events beyond the pool", () => {
    const pool = createCellPool({ cellCount: 3 });
    const { decoder, held } = holdingDecoder(pool);
    const bytes = [0x90];
    for (let i = 0; i < 10; i++) bytes.push(60 + i, 64);
    decoder.decode(Uint8Array.from(bytes), bytes.length, 5, 2);
    same(held.length, 3, "delivered");
    same(decoder.lostCount, 7, "lostCount");
    same(
      held.map((c) => takeEvent(pool, c)),
      [60, 61, 62].map((p) => ev(sh(typeKeyOn, [p, 64]), 5, 2)),
      "the first three were delivered",
    );
    held.length = 0;
    same(pool.used, 0, "cells after free");
    decoder.decode(Uint8Array.of(70, 64), 2, 6, 2);
    same(held.length, 1, "decodes again once cells are back");
  });

  await t.step("a SysEx that fits exactly, then one a byte too long", () => {
    const pool = createCellPool({ cellCount: 4 });
    const { decoder, held } = holdingDecoder(pool);
    const fits = Array.from({ length: 35 }, (_, i) => i);
    decoder.decode(Uint8Array.from([0xf0, ...fits, 0xf7]), 37, 1, 0);
    same(held.length, 1, "35 bytes fit in 4 cells");
    same(takeEvent(pool, held.pop()!), ev(sh(typeSysEx, fits), 1), "event");
    const tooLong = [0xf0, ...fits, 35, 0xf7, 0x90, 60, 64];
    decoder.decode(Uint8Array.from(tooLong), tooLong.length, 2, 0);
    same(decoder.lostCount, 1, "lostCount");
    same(
      held.map((c) => takeEvent(pool, c)),
      [ev(sh(typeKeyOn, [60, 64]), 2)],
      "the SysEx is dropped whole, the next message decodes",
    );
    same(pool.used, 0, "cells after free");
  });

  await t.step("a SysEx that cannot start", () => {
    const pool = createCellPool({ cellCount: 1 });
    const { decoder, held } = holdingDecoder(pool);
    const bytes = [0xf0, 1, 2, 0xf7, 0xf3, 4];
    decoder.decode(Uint8Array.from(bytes), bytes.length, 0, 0);
    same(decoder.lostCount, 1, "lostCount");
    same(
      held.map((c) => takeEvent(pool, c)),
      [ev(sh(typeSongSel, [4]))],
      "events",
    );
    same(pool.used, 0, "cells after free");
  });

  await t.step("real-time bytes while a SysEx holds the last cells", () => {
    const pool = createCellPool({ cellCount: 4 });
    const { decoder, held } = holdingDecoder(pool);
    const part = Array.from({ length: 20 }, (_, i) => i);
    const bytes = [0xf0, ...part, 0xf8, 0xf8, ...part, 0xf8, 0xf7];
    decoder.decode(Uint8Array.from(bytes), bytes.length, 0, 0);
    // 20 bytes take 3 cells; the first clock the 4th; the second is lost; the
    // SysEx then needs a 4th cell and is dropped, freeing its 3 for the last clock.
    same(decoder.lostCount, 2, "lostCount (one clock, the SysEx)");
    same(
      held.map((c) => takeEvent(pool, c)),
      [ev(sh(typeClock)), ev(sh(typeClock))],
      "events",
    );
    same(pool.used, 0, "cells after free");
  });

  await t.step("random streams into tiny pools", () => {
    const rng = new Random(SEED + 5);
    for (let run = 0; run < 300; run++) {
      const { bytes, expected, messageCount } = randomStream(
        rng,
        1 + rng.int(30),
      );
      const cellCount = rng.int(9);
      const pool = createCellPool({ cellCount });
      // Records are read on delivery (delivery order); cells are freed later.
      const got: Ev[] = [];
      const held: number[] = [];
      const decoder = new MidiDecoder(() => pool, (cell) => {
        got.push(readEvent(pool, cell));
        held.push(cell);
      });
      const release = (all: boolean) => {
        for (let k = held.length - 1; k >= 0; k--) {
          if (all || rng.int(2) === 0) {
            freeEvent(pool, held.splice(k, 1)[0]!);
          }
        }
      };
      const port = rng.int(256);
      let dates: number[] = [];
      try {
        dates = feedInChunks(rng, decoder, bytes, port, () => release(false));
      } catch (error) {
        assert.fail(`run ${run}: decode() threw ${error} [${REPLAY}]`);
      }
      release(true);
      const context = `run ${run}, ${cellCount} cells, bytes ${show(bytes)}`;
      same(
        got.length + decoder.lostCount,
        messageCount,
        `${context}: delivered + lost`,
      );
      same(pool.used, 0, `${context}: cells after free`);
      // Delivered events are the expected ones in order, some missing.
      const want = expected.map((x) => ev(x.shape, dates[x.dateAt]!, port));
      const key = (e: Ev) => show([e.type, e.chan, e.port, e.date, e.fields]);
      let j = 0;
      for (const e of got) {
        while (j < want.length && key(want[j]!) !== key(e)) j++;
        assert.ok(
          j < want.length,
          `${context}: unexpected event ${show(e)} [${REPLAY}]`,
        );
        j++;
      }
    }
  });
});
