// MidiEncoder: the note-off queue of typeNote (spec §3.8).

import { createCellPool } from "../memory/cell_pool.ts";
import { typeNote } from "../api/constants.ts";
import { freeEvent } from "../memory/event_store.ts";
import type { MidiEncoder } from "./midi_encoder.ts";
import { Random } from "../_test_util.ts";

import {
  buildEvent,
  loggingEncoder,
  same,
  SEED,
  type Sent,
} from "./_codec_test_util.ts";
import { type PendingOff, takeDue } from "./_encoder_model_test_util.ts";

// ---- Encoder: note-off queue and edge cases -------------------------------------

/** Encodes notes `[date, dur, pitch, slot?, chan?]`, checking each sends one message. */
function encodeNotes(
  encoder: MidiEncoder,
  notes: readonly (readonly number[])[],
): void {
  const pool = createCellPool({ cellCount: 4 });
  for (const [date, dur, pitch, slot, chan] of notes) {
    const cell = buildEvent(
      pool,
      typeNote,
      [pitch!, 100, dur!],
      chan ?? 0,
      date,
    );
    same(encoder.encode(pool, cell, slot ?? 0), 1, `note ${pitch}`);
    freeEvent(pool, cell);
  }
}

function offs(sent: Sent[]): number[][] {
  return sent.splice(0).map((m) => [m.slot, ...m.bytes]);
}

Deno.test("MidiEncoder sends note-offs in date order, then queue order", async (t) => {
  await t.step("a small case", () => {
    const { encoder, sent } = loggingEncoder();
    encodeNotes(encoder, [
      [0, 300, 60],
      [10, 90, 61],
      [20, 180, 62],
      [30, 70, 63],
      [40, 60, 64],
      [50, 150, 65],
    ]);
    sent.length = 0;
    same(encoder.pendingNoteOffs, 6, "pending");
    same(encoder.flushDue(99), 0, "nothing due at 99");
    same(encoder.flushDue(100), 3, "due at 100");
    same(
      offs(sent),
      [[0, 0x90, 61, 0], [0, 0x90, 63, 0], [0, 0x90, 64, 0]],
      "at 100",
    );
    same(encoder.flushDue(1000), 3, "due at 1000");
    same(
      offs(sent),
      [[0, 0x90, 62, 0], [0, 0x90, 65, 0], [0, 0x90, 60, 0]],
      "at 1000",
    );
    same(encoder.pendingNoteOffs, 0, "pending");
  });

  await t.step("hundreds of note-offs with many equal dates", () => {
    const rng = new Random(SEED + 6);
    const { encoder, sent } = loggingEncoder();
    const pending: PendingOff[] = [];
    const notes: number[][] = [];
    const base = 0x7ffffe00; // the dates cross 2^31
    for (let i = 0; i < 600; i++) {
      // Groups of 16 notes share a date; few durations, so many equal due dates.
      const date = base + (i >> 4) * 10;
      const dur = rng.pick([0, 10, 20, 50, 600]);
      const slot = i >> 7, pitch = i & 0x7f, chan = rng.int(16);
      notes.push([date, dur, pitch, slot, chan]);
      pending.push({ due: (date + dur) >>> 0, seq: i, slot, ch: chan, pitch });
    }
    encodeNotes(encoder, notes);
    sent.length = 0;
    let now = base;
    while (pending.length > 0) {
      now = (now + rng.int(120)) >>> 0;
      const want = takeDue(pending, now);
      same(encoder.flushDue(now), want.length, `count at ${now}`);
      same(
        offs(sent),
        want.map((p) => [p.slot, 0x90 | p.ch, p.pitch, 0]),
        `note-offs at ${now}`,
      );
    }
  });
});

Deno.test("MidiEncoder compares note-off dates across the 2^31 and 2^32 wrap", async (t) => {
  await t.step("a note at 0xFFFFFFF0 lasting 100 ms ends at 0x54", () => {
    const { encoder, sent } = loggingEncoder();
    encodeNotes(encoder, [[0xfffffff0, 100, 60, 4, 2]]);
    sent.length = 0;
    for (const now of [0xfffffff0, 0xfffffff1, 0xffffffff, 0, 0x10, 0x53]) {
      same(encoder.flushDue(now), 0, `nothing due at 0x${now.toString(16)}`);
    }
    same(encoder.flushDue(0x54), 1, "due at 0x54");
    same(offs(sent), [[4, 0x92, 60, 0]], "the note-off");
  });
  for (const base of [0x7fffff00, 0xffffff00]) {
    await t.step(`order across 0x${(base + 0x100).toString(16)}`, () => {
      const { encoder, sent } = loggingEncoder();
      // Queued first but due after the wrap; the second is due before it.
      encodeNotes(encoder, [[base, 0x110, 61], [base, 0xf8, 60]]);
      sent.length = 0;
      same(encoder.flushDue((base + 0xf7) >>> 0), 0, "nothing due yet");
      same(encoder.flushDue((base + 0x200) >>> 0), 2, "both due");
      same(offs(sent), [[0, 0x90, 60, 0], [0, 0x90, 61, 0]], "date order");
    });
  }
});

Deno.test("MidiEncoder sends a note-off already past at the next flushDue", () => {
  const { encoder, sent } = loggingEncoder();
  encodeNotes(encoder, [[100, 10, 60], [500, 0, 61]]);
  sent.length = 0;
  same(encoder.flushDue(10000), 2, "both are late");
  same(offs(sent), [[0, 0x90, 60, 0], [0, 0x90, 61, 0]], "note-offs");
  encodeNotes(encoder, [[20000, 0, 62]]);
  sent.length = 0;
  same(encoder.flushDue(20000), 1, "duration 0 is due at once");
  same(offs(sent), [[0, 0x90, 62, 0]], "note-off");
});

Deno.test("MidiEncoder dropSlot forgets only that slot's note-offs", () => {
  const { encoder, sent } = loggingEncoder();
  encodeNotes(encoder, [
    [0, 50, 60, 1],
    [0, 50, 61, 2],
    [0, 40, 62, 1],
    [0, 50, 63, 3],
    [0, 30, 64, 2],
    [0, 50, 65, 1],
    [0, 50, 66, 2],
  ]);
  sent.length = 0;
  encoder.dropSlot(9);
  same(encoder.pendingNoteOffs, 7, "dropping an unused slot changes nothing");
  encoder.dropSlot(1);
  same(encoder.pendingNoteOffs, 4, "pending after dropSlot(1)");
  same(sent, [], "dropSlot sends nothing");
  same(encoder.flushDue(49), 1, "due at 49");
  same(encoder.flushDue(50), 3, "due at 50");
  same(
    offs(sent),
    [[2, 0x90, 64, 0], [2, 0x90, 61, 0], [3, 0x90, 63, 0], [2, 0x90, 66, 0]],
    "remaining note-offs in date, then queue order",
  );
});

Deno.test("MidiEncoder flushAll sends every pending note-off", () => {
  const { encoder, sent } = loggingEncoder();
  encodeNotes(encoder, [[0, 65535, 60], [0, 1000, 61, 5], [0, 1000, 62], [
    0,
    0,
    63,
  ]]);
  sent.length = 0;
  same(encoder.flushAll(), 4, "flushAll() result");
  same(
    offs(sent),
    [[0, 0x90, 63, 0], [5, 0x90, 61, 0], [0, 0x90, 62, 0], [0, 0x90, 60, 0]],
    "note-offs",
  );
  same(encoder.pendingNoteOffs, 0, "pending");
  same(encoder.flushAll(), 0, "second flushAll()");
});
