// MidiEncoder and MidiDecoder together: random events of every type with a MIDI
// form, and a 1 MiB SysEx, round-trip (spec §3.8, §3.9).

import assert from "node:assert/strict";
import { createCellPool } from "../memory/cell_pool.ts";
import { typeKeyOn, typeNote, typeSysEx } from "../api/constants.ts";
import { readBytes } from "../memory/event_bytes.ts";
import { eventType } from "../memory/event_header.ts";
import { countFields, freeEvent } from "../memory/event_store.ts";
import { Random } from "../_test_util.ts";

import {
  buildEvent,
  ev,
  holdingDecoder,
  loggingEncoder,
  REPLAY,
  same,
  sameEvents,
  SEED,
  sh,
  show,
  takingDecoder,
} from "./_codec_test_util.ts";
import {
  type PendingOff,
  randomEvent,
  specEncoding,
  takeDue,
} from "./_encoder_model_test_util.ts";

// ---- Round trip of every MIDI type -----------------------------------------

Deno.test("MidiEncoder and MidiDecoder round-trip random events of every type with a MIDI form", async (t) => {
  const regions: [string, number][] = [
    ["dates crossing 2^32", 0xffffffff - 30000],
    ["dates crossing 2^31", 0x7fffffff - 30000],
    ["random dates", new Random(SEED).int(0x100000000)],
  ];
  for (const [name, start] of regions) {
    await t.step(name, () => roundTripRun(start, 2500));
  }
});

function roundTripRun(start: number, eventCount: number): void {
  const rng = new Random(SEED ^ start);
  const src = createCellPool({ cellCount: 1024 });
  const dst = createCellPool({ cellCount: 1024 });
  const { encoder, sent } = loggingEncoder();
  const { decoder, events } = takingDecoder(dst);
  const pending: PendingOff[] = [];
  let seq = 0;
  let date = start >>> 0;

  // Hands the sink's messages to the decoder, one decode() per message.
  const decodeSent = (at: number) => {
    for (const m of sent) {
      decoder.decode(Uint8Array.from(m.bytes), m.bytes.length, at, m.slot);
    }
  };
  const flush = (now: number, all: boolean, context: string) => {
    const want = takeDue(pending, now, all);
    sent.length = 0;
    const n = all ? encoder.flushAll() : encoder.flushDue(now);
    same(n, want.length, `${context}: note-offs sent`);
    same(
      sent,
      want.map((p) => ({ slot: p.slot, bytes: [0x90 | p.ch, p.pitch, 0] })),
      `${context}: note-off messages`,
    );
    decodeSent(now);
    sameEvents(
      events.splice(0),
      want.map((p) => ev(sh(typeKeyOn, [p.pitch, 0], p.ch), now, p.slot)),
      `${context}: decoded note-offs`,
    );
  };

  for (let i = 0; i < eventCount; i++) {
    date = (date + rng.int(40)) >>> 0;
    // Note-offs due: sometimes at their exact date, otherwise late, at `date`.
    for (let guard = 0; guard < 100; guard++) {
      const due = pending.filter((p) => ((p.due - date) | 0) <= 0);
      if (due.length === 0) break;
      const earliest = takeDue([...due], date)[0]!.due;
      flush(rng.int(2) === 0 ? earliest : date, false, `step ${i} flushDue`);
    }
    same(encoder.pendingNoteOffs, pending.length, `step ${i}: pending`);

    const e = randomEvent(rng);
    const slot = rng.int(256);
    const context = `step ${i}, date ${date}, slot ${slot}, event ${show(e)}`;
    const cell = buildEvent(src, e.type, e.fields, e.chan, date);
    sent.length = 0;
    const count = encoder.encode(src, cell, slot);
    freeEvent(src, cell);
    const want = specEncoding(e);
    same(count, want.messages.length, `${context}: encode() result`);
    same(
      sent,
      want.messages.map((bytes) => ({ slot, bytes })),
      `${context}: messages`,
    );
    decodeSent(date);
    sameEvents(
      events.splice(0),
      want.shapes.map((s) => ev(s, date, slot)),
      `${context}: decoded`,
    );
    if (e.type === typeNote) {
      pending.push({
        due: (date + e.fields[2]!) >>> 0,
        seq: seq++,
        slot,
        ch: e.chan & 0x0f,
        pitch: e.fields[0]!,
      });
    }
  }
  flush(date, true, "final flushAll");
  same(encoder.pendingNoteOffs, 0, "pending after flushAll");
  same(decoder.lostCount, 0, "lostCount");
  same(src.used, 0, "encoder pool cells in use");
  same(dst.used, 0, "decoder pool cells in use");
}

Deno.test("MidiEncoder and MidiDecoder round-trip a 1 MiB SysEx byte for byte", () => {
  const rng = new Random(SEED + 4);
  const n = 1 << 20;
  const cost = 2 + Math.floor(n / 12);
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.int(128);

  const src = createCellPool({ cellCount: cost + 8 });
  const cell = buildEvent(src, typeSysEx, data);
  same(src.used, cost, "encoder-side cells");
  const { encoder, sent } = loggingEncoder();
  same(encoder.encode(src, cell, 3), 1, "encode() result");
  freeEvent(src, cell);
  same(src.used, 0, "encoder-side cells after free");
  same(sent.length, 1, "messages");
  const wire = sent[0]!.bytes;
  same(wire.length, n + 2, "message length");
  same([wire[0], wire[n + 1]], [0xf0, 0xf7], "framing");

  const dst = createCellPool({ cellCount: cost + 256 });
  const { decoder, held } = holdingDecoder(dst);
  // Random chunks with real-time bytes slipped in between some of them.
  let pos = 0, clocks = 0;
  while (pos < wire.length) {
    const len = Math.min(wire.length - pos, 1 + rng.int(65536));
    decoder.decode(Uint8Array.from(wire.slice(pos, pos + len)), len, 1000, 3);
    pos += len;
    if (pos < wire.length && rng.int(2) === 0) {
      decoder.decode(Uint8Array.of(0xf8), 1, 1000, 3);
      clocks++;
    }
  }
  same(held.length, clocks + 1, "events");
  const sysex = held.pop()!;
  same(eventType(dst, sysex), typeSysEx, "type");
  same(countFields(dst, sysex), n, "byte count");
  same(dst.used, cost + clocks, "cells of the decoded SysEx (+ clocks)");
  const out = new Uint8Array(n);
  same(readBytes(dst, sysex, out), n, "bytes read");
  for (let i = 0; i < n; i++) {
    if (out[i] !== data[i]) {
      assert.fail(`byte ${i}: got ${out[i]}, want ${data[i]} [${REPLAY}]`);
    }
  }
  freeEvent(dst, sysex);
  for (const c of held) freeEvent(dst, c);
  same(dst.used, 0, "cells after free");
  same(decoder.lostCount, 0, "lostCount");
});
