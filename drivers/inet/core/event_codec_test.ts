// encodeEvent() and decodeEvent(): the event encoding of spec §3.6, byte for byte.

import assert from "node:assert/strict";
import {
  decodeEvent,
  decodeEventBody,
  encodedEventSize,
  encodeEvent,
  EVENT_NOT_TRANSMISSIBLE,
  EVENT_TOO_LONG,
} from "./event_codec.ts";
import {
  fieldCount,
  PAYLOAD_NOT_TRANSMISSIBLE,
  PAYLOAD_VARIABLE,
  payloadSize,
} from "./event_payload.ts";
import { createInetEvent, type InetEvent } from "./inet_event.ts";
import { hex, Prng } from "./_wire_test_util.ts";

interface Spec {
  type: number;
  rel?: number;
  port?: number;
  chan?: number;
  fields?: number[];
  data?: number[];
}

function event(spec: Spec): InetEvent {
  const ev = createInetEvent();
  ev.type = spec.type;
  ev.relDateMs = spec.rel ?? 5;
  ev.port = spec.port ?? 0;
  ev.chan = spec.chan ?? 0;
  ev.fields.set(spec.fields ?? []);
  ev.data = Uint8Array.from(spec.data ?? []);
  return ev;
}

function encode(ev: InetEvent): Uint8Array {
  const out = new Uint8Array(70000);
  const n = encodeEvent(ev, out, 0);
  assert.ok(n > 0, `type ${ev.type} encodes to status ${n}`);
  return out.slice(0, n);
}

/** A plain record of what a decoded event carries, for deepEqual. */
function plain(ev: InetEvent): Spec {
  return {
    type: ev.type,
    rel: ev.relDateMs,
    port: ev.port,
    chan: ev.chan,
    fields: [...ev.fields.subarray(0, fieldCount(ev.type))],
    data: [...ev.data],
  };
}

function roundTrip(ev: InetEvent): Spec {
  const bytes = encode(ev);
  const back = createInetEvent();
  assert.equal(decodeEvent(bytes, 0, back), bytes.length);
  return plain(back);
}

// The spec prints len 0B (11, the whole event) for Note, Ctrl14b and Tempo, against
// its own definition len = 5 + payload, its other examples and the original's
// LinearizeFixedCommon (len = size − 2): those three take len 09 here.
Deno.test("encodeEvent() matches the spec's golden bytes (§10 item 8)", async (t) => {
  const golden: [string, Spec, string][] = [
    [
      "KeyOn 60 100",
      { type: 1, fields: [60, 100] },
      "00 07 01 00 05 00 00 3C 64",
    ],
    [
      "Note 60 100 500 on channel 9",
      { type: 0, chan: 9, fields: [60, 100, 500] },
      "00 09 00 00 05 00 09 3C 64 01 F4",
    ],
    ["Clock", { type: 10 }, "00 05 0A 00 05 00 00"],
    ["ProgChange 5", { type: 5, fields: [5] }, "00 06 05 00 05 00 00 05"],
    [
      "Ctrl14b controller 7 value 1000 (value first)",
      { type: 131, fields: [7, 1000] },
      "00 09 83 00 05 00 00 03 E8 00 07",
    ],
    [
      "Tempo 500000 (big-endian)",
      { type: 144, fields: [500000] },
      "00 09 90 00 05 00 00 00 07 A1 20",
    ],
    [
      "SysEx 43 10 4C on port 2",
      { type: 17, port: 2, data: [0x43, 0x10, 0x4c] },
      "00 08 11 00 05 02 00 43 10 4C",
    ],
    [
      "Clock at relative date -3",
      { type: 10, rel: -3 },
      "00 05 0A FF FD 00 00",
    ],
    ["empty SysEx (len 5)", { type: 17 }, "00 05 11 00 05 00 00"],
  ];
  for (const [name, spec, bytes] of golden) {
    await t.step(name, () => {
      assert.deepEqual(encode(event(spec)), hex(bytes));
      const back = createInetEvent();
      assert.equal(decodeEvent(hex(bytes), 0, back), hex(bytes).length);
      assert.deepEqual(plain(back), plain(event(spec)));
    });
  }
  await t.step("SMPTEOffset is the packed word, little-endian", () => {
    // format 3, 23 h, 59 min, 58 s, 29 frames, 99 hundredths.
    const word = (3 << 29) | (23 << 24) | (59 << 18) | (58 << 12) | (29 << 7) |
      99;
    const ev = event({ type: 145, fields: [3, 23, 59, 58, 29, 99] });
    const bytes = encode(ev);
    assert.deepEqual(bytes.subarray(0, 7), hex("00 09 91 00 05 00 00"));
    const sent = new DataView(bytes.buffer, 7, 4).getUint32(0, true);
    assert.equal(sent, word >>> 0);
    assert.equal(sent >>> 31, 0, "bit 31 is sent as 0");
  });
  await t.step("SMPTEOffset ignores bit 31 on receipt", () => {
    const back = createInetEvent();
    assert.equal(
      decodeEvent(hex("00 09 91 00 00 00 00 01 00 00 81"), 0, back),
      11,
    );
    assert.deepEqual([...back.fields], [0, 1, 0, 0, 0, 1]);
  });
});

Deno.test("encodeEvent() round-trips every transmissible type (§10 item 8)", () => {
  const rng = new Prng(8);
  let tested = 0;
  for (let type = 0; type < 256; type++) {
    const size = payloadSize(type);
    if (size === PAYLOAD_NOT_TRANSMISSIBLE) continue;
    for (const rel of [0, 5, -1, -3, 32767, -32768]) {
      const spec: Spec = {
        type,
        rel,
        port: rng.below(256),
        chan: rng.below(256),
      };
      if (size === PAYLOAD_VARIABLE) {
        spec.data = [...rng.bytes(rng.below(40))];
        spec.fields = [];
      } else {
        spec.fields = sampleFields(type, rng);
      }
      assert.deepEqual(roundTrip(event(spec)), {
        ...spec,
        data: spec.data ?? [],
      });
      tested++;
    }
  }
  assert.equal(tested, 6 * (17 + 2 + 19), "types 0..18 and 130..148");
});

function sampleFields(type: number, rng: Prng): number[] {
  switch (type) {
    case 0:
      return [rng.below(128), rng.below(128), 65535];
    case 131:
    case 132:
    case 133:
      return [rng.below(16384), -1];
    case 134:
      return [65535];
    case 144:
      return [0xffffffff];
    case 145:
      return [3, 31, 63, 63, 31, 127];
    case 147:
      return [-7, 1];
    default:
      return Array.from({ length: fieldCount(type) }, () => rng.below(256));
  }
}

Deno.test("encodeEvent() writes nothing for non-transmissible types (§10 item 9)", () => {
  const out = new Uint8Array(16).fill(0xee);
  for (
    const type of [19, 64, 127, 128, 129, 149, 150, 151, 152, 200, 254, 255]
  ) {
    assert.equal(
      encodeEvent(event({ type, fields: [1, 2] }), out, 0),
      EVENT_NOT_TRANSMISSIBLE,
    );
    assert.equal(encodedEventSize(event({ type })), 0);
  }
  assert.deepEqual(out, new Uint8Array(16).fill(0xee));
});

Deno.test("encodeEvent() refuses a variable payload above 65530 bytes (§10 item 12)", () => {
  const out = new Uint8Array(70000);
  const ok = event({ type: 17 });
  ok.data = new Uint8Array(65530);
  assert.equal(encodeEvent(ok, out, 0), 65537);
  assert.deepEqual(out.subarray(0, 3), hex("FF FF 11"));
  const tooLong = event({ type: 148 });
  tooLong.data = new Uint8Array(65531);
  assert.equal(encodedEventSize(tooLong), EVENT_TOO_LONG);
  assert.equal(encodeEvent(tooLong, out, 100), EVENT_TOO_LONG);
});

Deno.test("encodeEvent() throws RangeError when the buffer has no room", () => {
  assert.throws(
    () => encodeEvent(event({ type: 1 }), new Uint8Array(8), 0),
    RangeError,
  );
});

Deno.test("decodeEventBody() rejects lengths inconsistent with the type (§10 item 27)", async (t) => {
  const ev = createInetEvent();
  await t.step("len below 5", () => {
    for (let n = 0; n < 5; n++) {
      assert.equal(
        decodeEventBody(hex("01 00 05 00 00").subarray(0, n), ev),
        false,
      );
    }
  });
  await t.step("fixed-size types with a wrong payload size", () => {
    assert.equal(decodeEventBody(hex("01 00 05 00 00 3C"), ev), false);
    assert.equal(decodeEventBody(hex("0A 00 05 00 00 00"), ev), false);
    assert.equal(decodeEventBody(hex("00 00 05 00 00 3C 64"), ev), false);
  });
  await t.step("types never transmitted", () => {
    assert.equal(decodeEventBody(hex("80 00 05 00 00"), ev), false);
    assert.equal(decodeEventBody(hex("13 00 05 00 00 00 00 00 00"), ev), false);
  });
  await t.step("decodeEvent() reports the malformed size to skip", () => {
    assert.equal(
      decodeEvent(hex("00 06 01 00 05 00 00 3C 00 05 0A"), 0, ev),
      -8,
    );
    assert.equal(decodeEvent(hex("00 06 01"), 0, ev), 0);
    assert.equal(decodeEvent(hex("00"), 0, ev), 0);
  });
});

Deno.test("decodeEvent() never throws on random bytes (fuzz, §10 item 27)", () => {
  const rng = new Prng(2727);
  const ev = createInetEvent();
  let decoded = 0;
  for (let i = 0; i < 20000; i++) {
    const bytes = rng.bytes(rng.below(24));
    if (bytes.length > 2) bytes[0] = 0; // small len values, so events complete
    let n: number;
    try {
      n = decodeEvent(bytes, 0, ev);
    } catch (error) {
      throw new Error(`seed ${rng.seed}, case ${i}`, { cause: error });
    }
    assert.ok(Math.abs(n) <= bytes.length);
    if (n > 0) decoded++;
  }
  assert.ok(decoded > 0);
});
