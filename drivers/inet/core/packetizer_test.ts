// createPacketizer(): packetization of spec §3.7 with the limits of §3.5.

import assert from "node:assert/strict";
import { EVENT_NOT_TRANSMISSIBLE, EVENT_TOO_LONG } from "./event_codec.ts";
import { createInetEvent, type InetEvent } from "./inet_event.ts";
import { decodePacket } from "./packet_decoder.ts";
import type { MidiPacket } from "./packets.ts";
import { createPacketizer, type Packetizer } from "./packetizer.ts";
import { WAN_LIMITS } from "./wire_constants.ts";
import { hex } from "./_wire_test_util.ts";

function sysEx(size: number, port = 0): InetEvent {
  const ev = createInetEvent();
  ev.type = 17;
  ev.port = port;
  ev.data = new Uint8Array(size).map((_, i) => i & 0x7f);
  return ev;
}

function keyOn(rel = 5): InetEvent {
  const ev = createInetEvent();
  ev.type = 1;
  ev.relDateMs = rel;
  ev.fields.set([60, 100]);
  return ev;
}

function setup(wan = false): { stream: Packetizer; sent: Uint8Array[] } {
  const sent: Uint8Array[] = [];
  const stream = createPacketizer({
    ...(wan ? { limits: WAN_LIMITS } : {}),
    send: (p) => sent.push(p),
  });
  return { stream, sent };
}

function midi(packet: Uint8Array): MidiPacket {
  const p = decodePacket(packet);
  assert.equal(p.kind, "midi");
  return p as MidiPacket;
}

function summary(sent: Uint8Array[]): number[][] {
  return sent.map((b) => {
    const p = midi(b);
    return [p.serial, p.dateMs, p.count, p.offset];
  });
}

Deno.test("createPacketizer() sends the spec's complete LAN packet (§3.6, §10 item 13)", () => {
  const { stream, sent } = setup();
  stream.beginCollection(5000);
  assert.equal(stream.appendEvent(keyOn()), 9);
  assert.equal(
    sent.length,
    0,
    "nothing is sent before the end of the collection",
  );
  stream.flush();
  assert.deepEqual(
    sent,
    [hex(
      "10 01 01 05 00 00 00 01 00 00 13 88 00 09 00 00 00 07 01 00 05 00 00 3C 64",
    )],
  );
  assert.equal(stream.serial, 1);
});

Deno.test("createPacketizer() numbers packets from 1 and sends nothing for an empty collection (§10 item 13)", () => {
  const { stream, sent } = setup();
  stream.beginCollection(10);
  stream.flush();
  assert.equal(sent.length, 0);
  assert.equal(stream.serial, 0);
  for (let t = 20; t <= 40; t += 10) {
    stream.beginCollection(t);
    stream.appendEvent(keyOn());
    stream.flush();
  }
  assert.deepEqual(summary(sent), [[1, 20, 9, 0], [2, 30, 9, 0], [
    3,
    40,
    9,
    0,
  ]]);
  for (const p of sent) assert.deepEqual(p.subarray(0, 4), hex("10 01 01 05"));
  const other = setup();
  other.stream.beginCollection(50);
  other.stream.appendEvent(keyOn());
  other.stream.flush();
  assert.equal(
    midi(other.sent[0]!).serial,
    1,
    "each stream has its own serial",
  );
});

Deno.test("createPacketizer() splits a 3000-byte SysEx into 1468/1468/71 in LAN mode (§10 item 10)", () => {
  const { stream, sent } = setup();
  stream.beginCollection(777);
  assert.equal(stream.appendEvent(sysEx(3000)), 3007);
  stream.flush();
  assert.deepEqual(summary(sent), [
    [1, 777, 1468, 0],
    [2, 0, 1468, 1468],
    [3, 0, 71, 71],
  ]);
  const data = sent.flatMap((p) => [...midi(p).data]);
  assert.deepEqual(data.slice(0, 7), [0x0b, 0xbd, 17, 0, 0, 0, 0]); // len 3005
  assert.equal(data.length, 3007);
  assert.equal(data[3006], 2999 & 0x7f);
});

Deno.test("createPacketizer() uses counts of 480 in WAN mode (§10 item 11)", () => {
  const { stream, sent } = setup(true);
  stream.beginCollection(1234);
  stream.appendEvent(sysEx(3000, 255));
  stream.flush();
  // 3007 bytes: six full packets of 480, then 127.
  assert.deepEqual(summary(sent), [
    [1, 1234, 480, 0],
    [2, 0, 480, 480],
    [3, 0, 480, 480],
    [4, 0, 480, 480],
    [5, 0, 480, 480],
    [6, 0, 480, 480],
    [7, 0, 127, 127],
  ]);
  assert.ok(sent.every((p) => p.length <= WAN_LIMITS.maxPacketBytes));
});

Deno.test("createPacketizer() sends 65530 SysEx bytes and refuses 65531 (§10 item 12)", () => {
  const { stream, sent } = setup();
  stream.beginCollection(1);
  assert.equal(stream.appendEvent(sysEx(65531)), EVENT_TOO_LONG);
  assert.equal(stream.bufferedBytes, 0);
  assert.equal(stream.appendEvent(sysEx(65530)), 65537);
  stream.flush();
  assert.equal(sent.length, Math.ceil(65537 / 1468));
  const data = sent.flatMap((p) => [...midi(p).data]);
  assert.equal(data.length, 65537);
  assert.deepEqual(data.slice(0, 3), [0xff, 0xff, 17]);
});

Deno.test("createPacketizer() drops non-transmissible types without a byte (§10 item 9)", () => {
  const { stream, sent } = setup();
  stream.beginCollection(1);
  const ev = createInetEvent();
  ev.type = 128;
  assert.equal(stream.appendEvent(ev), EVENT_NOT_TRANSMISSIBLE);
  stream.flush();
  assert.equal(sent.length, 0);
});

Deno.test("createPacketizer() reproduces the offset quirk at an event boundary (§3.7)", () => {
  const { stream, sent } = setup();
  stream.beginCollection(100);
  // 1461 + 7 = 1468 bytes fill the first packet exactly.
  stream.appendEvent(sysEx(1461));
  stream.appendEvent(keyOn());
  stream.appendEvent(keyOn());
  stream.flush();
  // The first KeyOn of packet 2 counts as continued: offset 9, not 0.
  assert.deepEqual(summary(sent), [[1, 100, 1468, 0], [2, 0, 18, 9]]);
});

Deno.test("createPacketizer() splits inside the 7-byte event header (§3.7)", () => {
  const { stream, sent } = setup();
  stream.beginCollection(100);
  stream.appendEvent(sysEx(1458)); // 1465 bytes: 3 bytes of room remain
  stream.appendEvent(keyOn());
  stream.appendEvent(keyOn());
  stream.flush();
  assert.deepEqual(summary(sent), [[1, 100, 1468, 0], [2, 0, 15, 6]]);
  assert.deepEqual(midi(sent[0]!).data.subarray(1465), hex("00 07 01"));
  assert.deepEqual(
    midi(sent[1]!).data,
    hex("00 05 00 00 3C 64 00 07 01 00 05 00 00 3C 64"),
  );
  stream.beginCollection(110);
  stream.appendEvent(keyOn());
  stream.flush();
  assert.deepEqual(summary(sent).at(-1), [3, 110, 9, 0]);
});

Deno.test("createPacketizer() never sends date 0 on a head packet (D33)", () => {
  const { stream, sent } = setup();
  stream.beginCollection(0);
  stream.appendEvent(keyOn());
  stream.beginCollection(2 ** 32);
  stream.appendEvent(keyOn());
  stream.flush();
  assert.deepEqual(summary(sent), [[1, 1, 18, 0]]);
});

Deno.test("createPacketizer() appendEncoded() takes bytes as they are", () => {
  const { stream, sent } = setup();
  stream.beginCollection(9);
  stream.appendEncoded(hex("00 05 0A FF FD 00 00"));
  stream.flush();
  assert.deepEqual(midi(sent[0]!).data, hex("00 05 0A FF FD 00 00"));
});
