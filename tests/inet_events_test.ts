// Integration: the Inet driver's conversion between real client events (from a real
// server's client) and the wire core's records, through the core's codec, for every
// type that travels (spec inet.md §3.6, §10 items 8 and 9).

import assert from "node:assert/strict";
import { createClient, type MidiEv } from "@midishare/client";
import { startServer } from "./_harness.ts";
import {
  createInetEvent,
  decodeEvent,
  encodeEvent,
} from "../drivers/inet/core/mod.ts";
import { createEventConverter } from "../drivers/inet/event_conversion.ts";

const text = (s: string) => [...new TextEncoder().encode(s)];

/** Fields of one event per transmissible type, as `MidiGetField` reads them back. */
const CASES: [type: number, fields: number[]][] = [
  [0, [60, 100, 500]],
  [1, [60, 100]],
  [2, [61, 0]],
  [3, [62, 33]],
  [4, [7, 127]],
  [5, [5]],
  [6, [90]],
  [7, [0, 64]],
  [8, [10, 20]],
  [9, [3]],
  ...[10, 11, 12, 13, 14, 15, 16, 143].map((t): [number, number[]] => [t, []]),
  [17, [0x43, 0x10, 0x4c, 0x00, 0x7f]],
  [17, []], // empty SysEx: len 5
  [18, [0xf0, 1, 2, 0xf7]],
  [130, [7, 15]],
  [131, [7, 1000]],
  [132, [1025, 16383]],
  [133, [0, 40000]],
  [134, [513]],
  ...[135, 136, 137, 138, 139, 140, 141].map((t): [number, number[]] => [
    t,
    text(`text ${t} é`),
  ]),
  [142, [9]],
  [144, [500000]],
  [145, [2, 23, 59, 58, 29, 99]],
  [146, [6, 3, 24, 8]],
  [147, [253, 1]], // -3 sharps reads back 255 - 2
  [148, [1, 2, 3, 250]],
];

const VARIABLE = new Set([17, 18, 135, 136, 137, 138, 139, 140, 141, 148]);

Deno.test("createEventConverter() round-trips every transmissible type through the wire codec", async () => {
  await using server = await startServer();
  const ms = createClient({ socketPath: server.socketPath, autoStart: false });
  try {
    await ms.MidiOpen("conversion");
    const convert = createEventConverter(ms);
    const wire = new Uint8Array(256);
    const fieldsOf = (e: MidiEv) =>
      Array.from(
        { length: ms.MidiCountFields(e) },
        (_, i) => ms.MidiGetField(e, i),
      );
    for (const [type, fields] of CASES) {
      const what = `type ${type} ${JSON.stringify(fields)}`;
      const original = ms.MidiNewEv(type)!;
      original.port = 255;
      original.chan = 9;
      if (VARIABLE.has(type)) {
        for (const b of fields) ms.MidiAddField(original, b);
      } else fields.forEach((v, i) => ms.MidiSetField(original, i, v));
      assert.deepEqual(fieldsOf(original), fields, what);

      const out = createInetEvent();
      assert.ok(convert.read(original, out), what);
      out.relDateMs = -3;
      const size = encodeEvent(out, wire, 0);
      assert.equal(
        size,
        7 + (VARIABLE.has(type) ? fields.length : sizeOf(type)),
        what,
      );
      const back = createInetEvent();
      assert.equal(decodeEvent(wire, 0, back), size, what);
      assert.equal(back.relDateMs, -3, what);
      const copy = convert.create(back)!;
      assert.deepEqual(
        [copy.evType, copy.port, copy.chan, fieldsOf(copy)],
        [type, 255, 9, fields],
        what,
      );
      ms.MidiFreeEv(original);
      ms.MidiFreeEv(copy);
    }
  } finally {
    await ms.close();
  }
});

Deno.test("createEventConverter() reads nothing from types that never travel, and builds a 60 000-byte SysEx", async () => {
  await using server = await startServer();
  const ms = createClient({ socketPath: server.socketPath, autoStart: false });
  try {
    await ms.MidiOpen("conversion");
    const convert = createEventConverter(ms);
    const out = createInetEvent();
    for (const type of [19, 127, 149, 150, 151]) {
      const e = ms.MidiNewEv(type)!;
      assert.equal(convert.read(e, out), false, `type ${type}`);
      ms.MidiFreeEv(e);
    }
    out.type = 17;
    out.data = Uint8Array.from({ length: 60_000 }, (_, i) => i & 0x7f);
    const big = convert.create(out)!;
    assert.equal(ms.MidiCountFields(big), 60_000);
    const again = createInetEvent();
    assert.ok(convert.read(big, again));
    assert.deepEqual(again.data, out.data);
    ms.MidiFreeEv(big);
  } finally {
    await ms.close();
  }
});

/** Payload bytes of a fixed-size type (spec §3.6). */
function sizeOf(type: number): number {
  const sizes: Record<number, number> = {
    0: 4,
    5: 1,
    6: 1,
    9: 1,
    134: 2,
    142: 1,
    144: 4,
    145: 4,
    146: 4,
    147: 2,
    131: 4,
    132: 4,
    133: 4,
  };
  if (type >= 10 && type <= 16 || type === 143) return 0;
  return sizes[type] ?? 2;
}
