// createEventParser(): length-driven parsing of spec §7.7 (New rules).

import assert from "node:assert/strict";
import { encodeEvent } from "./event_codec.ts";
import { fieldCount } from "./event_payload.ts";
import { createEventParser, type EventParser } from "./event_parser.ts";
import { createInetEvent, type InetEvent } from "./inet_event.ts";
import { concat, hex, Prng } from "./_wire_test_util.ts";

const KEY_ON = hex("00 07 01 00 05 00 00 3C 64");
const CLOCK = hex("00 05 0A FF FD 00 00");
const SYSEX = hex("00 08 11 00 05 02 00 43 10 4C");

/** What a parser delivers, as plain strings such as `1@5:60,100`. */
function collect(
  parser: EventParser,
  chunks: Uint8Array[],
): string[] {
  const out: string[] = [];
  const record = (ev: InetEvent) => {
    const fields = [...ev.fields.subarray(0, fieldCount(ev.type))];
    out.push(`${ev.type}@${ev.relDateMs}:${[...fields, ...ev.data].join(",")}`);
  };
  for (const chunk of chunks) parser.parse(chunk, 0, chunk.length, record);
  return out;
}

function splitEvery(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) {
    out.push(bytes.slice(i, i + size));
  }
  return out;
}

Deno.test("createEventParser() decodes events back to back and across packets", async (t) => {
  const stream = concat(KEY_ON, CLOCK, SYSEX, KEY_ON);
  const expected = ["1@5:60,100", "10@-3:", "17@5:67,16,76", "1@5:60,100"];
  for (const size of [1, 2, 3, 7, 9, 100]) {
    await t.step(`in chunks of ${size} bytes`, () => {
      const parser = createEventParser();
      assert.deepEqual(collect(parser, splitEvery(stream, size)), expected);
      assert.equal(parser.isBetweenEvents, true);
      assert.equal(parser.malformedCount, 0);
    });
  }
  await t.step("parse() honours start and end", () => {
    const parser = createEventParser();
    const seen: number[] = [];
    parser.parse(
      stream,
      KEY_ON.length,
      KEY_ON.length + CLOCK.length,
      (ev) => seen.push(ev.type),
    );
    assert.deepEqual(seen, [10]);
  });
});

Deno.test("createEventParser() reset() discards a partial event (§3.8 step 2)", () => {
  const parser = createEventParser();
  assert.deepEqual(collect(parser, [SYSEX.subarray(0, 6)]), []);
  assert.equal(parser.bufferedBytes, 4);
  parser.reset();
  assert.equal(parser.isBetweenEvents, true);
  assert.deepEqual(collect(parser, [KEY_ON]), ["1@5:60,100"]);
});

Deno.test("createEventParser() skips malformed events and keeps decoding (§10 item 27)", async (t) => {
  const cases: [string, string][] = [
    ["len 0", "00 00"],
    ["len 1 with an unknown type", "00 01 C8"],
    ["len 4", "00 04 01 00 05 00"],
    ["KeyOn with len 6 (payload 1, expected 2)", "00 06 01 00 05 00 00 3C"],
    ["Clock with len 6 (payload 1, expected 0)", "00 06 0A 00 05 00 00 00"],
    [
      "Note with len 11 (the whole event size)",
      "00 0B 00 00 05 00 09 3C 64 01 F4 00 00",
    ],
    ["unknown type 200 with len 5", "00 05 C8 00 05 00 00"],
    [
      "private type 19 with 16 bytes",
      "00 15 13 00 00 00 00" + " 00".repeat(16),
    ],
    ["Process 128", "00 05 80 00 00 00 00"],
  ];
  for (const [name, bytes] of cases) {
    await t.step(name, () => {
      const stream = concat(KEY_ON, hex(bytes), CLOCK);
      for (const size of [1, 5, stream.length]) {
        const parser = createEventParser();
        assert.deepEqual(collect(parser, splitEvery(stream, size)), [
          "1@5:60,100",
          "10@-3:",
        ]);
        assert.equal(parser.malformedCount, 1);
      }
    });
  }
  await t.step("len larger than the stream ever delivers stays bounded", () => {
    const parser = createEventParser();
    collect(parser, [hex("FF FF 11 00 00 00 00")]);
    assert.deepEqual(collect(parser, [new Uint8Array(65529)]), []);
    assert.equal(parser.bufferedBytes, 65534, "len 65535 is the bound");
    const seen = collect(parser, [Uint8Array.of(1), KEY_ON]);
    assert.equal(seen.length, 2);
    assert.equal(seen[1], "1@5:60,100");
    assert.equal(parser.bufferedBytes, 0);
  });
  await t.step(
    "an unknown type with a huge len is skipped without buffering",
    () => {
      const parser = createEventParser();
      collect(parser, [hex("FF FF C8 00 00 00 00")]);
      assert.equal(parser.bufferedBytes, 0);
      const filler = new Uint8Array(65535 - 5);
      assert.deepEqual(collect(parser, [filler, KEY_ON]), ["1@5:60,100"]);
      assert.equal(parser.malformedCount, 1);
    },
  );
});

Deno.test("createEventParser() reassembles a SysEx of 65530 bytes (§10 item 12)", () => {
  const ev = createInetEvent();
  ev.type = 17;
  ev.data = new Uint8Array(65530).fill(0x55);
  const bytes = new Uint8Array(65537);
  encodeEvent(ev, bytes, 0);
  const parser = createEventParser();
  let length = -1;
  for (const chunk of splitEvery(bytes, 1468)) {
    parser.parse(chunk, 0, chunk.length, (e) => {
      length = e.data.length;
    });
  }
  assert.equal(length, 65530);
  assert.equal(parser.isBetweenEvents, true);
});

Deno.test("createEventParser() never throws and stays bounded on random bytes (fuzz, §10 item 27)", async (t) => {
  const rng = new Prng(27);
  const run = (parser: EventParser, chunk: Uint8Array, i: number) => {
    let events = 0;
    try {
      parser.parse(chunk, 0, chunk.length, () => events++);
    } catch (error) {
      throw new Error(`seed ${rng.seed}, chunk ${i}`, { cause: error });
    }
    assert.ok(parser.bufferedBytes <= 65535);
    return events;
  };
  await t.step("any bytes", () => {
    const parser = createEventParser();
    for (let i = 0; i < 5000; i++) run(parser, rng.bytes(rng.below(300)), i);
    assert.ok(parser.malformedCount > 0);
  });
  await t.step(
    "low-valued noise between valid events falls back in step",
    () => {
      const parser = createEventParser();
      let events = 0;
      for (let i = 0; i < 5000; i++) {
        // A short malformed event (len 0..4, random body) before valid ones.
        const noise = rng.bytes(2 + rng.below(5));
        noise[0] = 0;
        noise[1] = noise.length - 2;
        events += run(parser, concat(noise, KEY_ON, CLOCK), i);
      }
      assert.ok(
        events > 1000,
        `${events} events, ${parser.malformedCount} malformed`,
      );
      assert.ok(parser.malformedCount > 100);
    },
  );
});
