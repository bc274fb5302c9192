// createInputStream() under hostile input: malformed packets and floods (spec §3.8,
// §10 items 26 and 30).

import assert from "node:assert/strict";
import { createInetEvent } from "./inet_event.ts";
import { createInputStream } from "./input_stream.ts";
import { decodePacket } from "./packet_decoder.ts";
import type { MidiPacket } from "./packets.ts";
import { createPacketizer } from "./packetizer.ts";
import { concat, hex, Prng } from "./_wire_test_util.ts";
import { keyOn, packet, setup, state } from "./_stream_test_util.ts";

Deno.test("createInputStream() leaves its state untouched on malformed packets (§10 item 26)", async (t) => {
  const { stream, got } = setup();
  stream.receive(packet(1, 100, keyOn(60)), 1100);
  const before = state(stream);
  const good = packet(2, 110, keyOn(61));
  await t.step("count below 0, above the data, offset below 0", () => {
    for (
      const bad of [{ count: -1 }, { count: 10 }, { offset: -1 }, {
        count: 1.5,
      }]
    ) {
      assert.equal(stream.receive({ ...good, ...bad }, 1110), "malformed");
    }
    assert.deepEqual(state(stream), before);
    assert.equal(got.length, 1);
  });
  await t.step("the next good packet still shows the gap", () => {
    assert.equal(stream.receive(packet(3, 120, keyOn(62)), 1120), "accepted");
    assert.equal(stream.missingCount, 1);
  });
  await t.step("count 0 does only the serial and date bookkeeping", () => {
    assert.equal(
      stream.receive(packet(4, 130, new Uint8Array(0)), 1135),
      "accepted",
    );
    assert.deepEqual(
      [stream.lastSerial, stream.receptionDateMs, stream.latenessMs],
      [4, 1135, 5],
    );
    assert.equal(got.length, 2);
  });
  await t.step(
    "offset above count after a loss: nothing parsed, still awaiting sync",
    () => {
      stream.receive(packet(6, 0, hex("00 00 00"), 1468), 1140);
      assert.equal(stream.missingCount, 2);
      assert.ok(stream.isAwaitingSync);
      // The next packet still continues the lost event: its offset is skipped too.
      stream.receive(packet(7, 0, concat(hex("55 55"), keyOn(66)), 2), 1141);
      assert.equal(got.at(-1)!.pitch, 66);
      assert.equal(stream.malformedEventCount, 0);
    },
  );
});

Deno.test("createInputStream() keeps bounded state under 10 000 packets with loss, reordering and garbage (§10 item 30)", () => {
  const rng = new Prng(30);
  const sent: Uint8Array[] = [];
  const out = createPacketizer({ send: (p) => sent.push(p) });
  const ev = createInetEvent();
  for (let t = 1; sent.length < 10000; t++) {
    out.beginCollection(t * 10);
    for (let k = rng.below(400); k >= 0; k--) {
      ev.type = rng.below(3) === 0 ? 17 : 1;
      ev.fields.set([k & 0x7f, 100]);
      ev.data = rng.bytes(ev.type === 17 ? rng.below(300) : 0);
      out.appendEvent(ev);
    }
    out.flush();
  }
  let events = 0;
  const stream = createInputStream({
    maxLatencyMs: 10,
    clock: { initLocal: 0, initRemote: 0 },
    onEvent: () => events++,
  });
  let lost = 0;
  for (let i = 0; i < sent.length; i++) {
    const roll = rng.below(100);
    if (roll < 3) {
      lost++;
      continue;
    }
    const bytes = roll < 6 ? rng.bytes(rng.below(100)) : sent[i]!;
    const p = decodePacket(bytes);
    if (p.kind === "midi") stream.receive(p, i * 10);
    if (roll >= 6 && roll < 9 && i > 0) {
      const old = decodePacket(sent[i - 1]!) as MidiPacket;
      assert.equal(stream.receive(old, i * 10), "duplicate");
    }
    assert.ok(stream.bufferedBytes <= 65535);
  }
  assert.ok(stream.missingCount >= lost, `${stream.missingCount} < ${lost}`);
  assert.ok(events > 100000, `${events} events`);
  assert.equal(stream.lastSerial, sent.length);
});
