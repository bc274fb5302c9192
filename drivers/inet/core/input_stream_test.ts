// createInputStream(): reception of Midi packets, spec §3.8, §6.2, §6.4.

import assert from "node:assert/strict";
import { createInetEvent } from "./inet_event.ts";
import { decodePacket } from "./packet_decoder.ts";
import type { MidiPacket } from "./packets.ts";
import { createPacketizer } from "./packetizer.ts";
import { concat, hex } from "./_wire_test_util.ts";
import { keyOn, packet, setup, state } from "./_stream_test_util.ts";

Deno.test("createInputStream() drops a duplicate serial without a counter change (§10 item 14)", () => {
  const { stream, got } = setup();
  assert.equal(stream.receive(packet(1, 100, keyOn(60)), 1100), "accepted");
  const before = state(stream);
  assert.equal(stream.receive(packet(1, 100, keyOn(61)), 1101), "duplicate");
  assert.equal(stream.receive(packet(1, 0, keyOn(62)), 1102), "duplicate");
  assert.deepEqual(state(stream), before);
  assert.deepEqual(got.map((e) => e.pitch), [60]);
});

Deno.test("createInputStream() counts a gap of 3 and resumes at the offset (§10 item 15)", () => {
  const sent: Uint8Array[] = [];
  const out = createPacketizer({ send: (p) => sent.push(p) });
  const sysEx = createInetEvent();
  sysEx.type = 17;
  sysEx.data = new Uint8Array(5000);
  const after = createInetEvent();
  after.type = 1;
  after.fields.set([64, 100]);
  out.beginCollection(100);
  out.appendEvent(sysEx); // 5007 bytes: 1468 × 3 + 603
  out.appendEvent(after);
  out.flush();
  assert.equal(sent.length, 4);
  const { stream, got } = setup();
  stream.receive(packet(1, 90, keyOn(60)), 1090);
  // The SysEx head and two continuations (serials 2, 3, 4) are lost; the last
  // packet arrives as serial 5.
  const tail = decodePacket(sent[3]!) as MidiPacket;
  assert.equal(tail.offset, 603);
  const resumed = packet(5, 0, tail.data, tail.offset);
  assert.equal(stream.receive(resumed, 1101), "accepted");
  assert.equal(stream.missingCount, 3);
  assert.deepEqual(
    got.map((e) => e.pitch),
    [60, 64],
    "the split SysEx is lost",
  );
  assert.equal(stream.malformedEventCount, 0);
});

Deno.test("createInputStream() drops n+1 after n+2 and counts it missing (§10 item 16)", () => {
  const { stream, got } = setup();
  stream.receive(packet(7, 100, keyOn(60)), 1100);
  assert.equal(stream.receive(packet(9, 110, keyOn(62)), 1110), "accepted");
  assert.equal(stream.receive(packet(8, 105, keyOn(61)), 1111), "duplicate");
  assert.equal(stream.missingCount, 1);
  assert.equal(stream.lastSerial, 9);
  assert.deepEqual(got.map((e) => e.pitch), [60, 62]);
});

Deno.test("createInputStream() dates a continuation after a lost head with the previous C and Δ (§10 item 17)", () => {
  const { stream, got } = setup(10, { initLocal: 1000, initRemote: 0 });
  stream.receive(packet(1, 100, keyOn(60, 3)), 1102); // lat 2, Δ 8, C 1102
  assert.deepEqual([stream.receptionDateMs, stream.delayMs], [1102, 8]);
  // Serial 2 (head at 200) is lost; serial 3 continues it at event boundary 0.
  stream.receive(packet(3, 0, keyOn(61, 7)), 1205);
  assert.equal(stream.missingCount, 1);
  assert.deepEqual(got.map((e) => e.date), [1102 + 8 + 3, 1102 + 8 + 7]);
});

Deno.test("createInputStream() restarts on s ≤ L with a newer date, drops a stale one (§10 item 18)", async (t) => {
  await t.step("newer head date: restart", () => {
    const { stream, got } = setup();
    stream.receive(packet(1, 100, keyOn(60)), 1100);
    stream.receive(packet(2, 110, keyOn(61)), 1110);
    stream.receive(packet(3, 0, keyOn(62)), 1111);
    assert.equal(stream.receive(packet(1, 500, keyOn(63)), 1500), "restarted");
    assert.equal(stream.lastSerial, 1);
    assert.equal(stream.missingCount, 0);
    assert.equal(stream.receive(packet(2, 510, keyOn(64)), 1510), "accepted");
    assert.deepEqual(got.map((e) => e.pitch), [60, 61, 62, 63, 64]);
  });
  await t.step("older or equal head date: stale duplicate", () => {
    const { stream, got } = setup();
    stream.receive(packet(1, 100, keyOn(60)), 1100);
    stream.receive(packet(2, 110, keyOn(61)), 1110);
    const before = state(stream);
    assert.equal(stream.receive(packet(1, 100, keyOn(62)), 1120), "duplicate");
    assert.equal(stream.receive(packet(2, 110, keyOn(62)), 1120), "duplicate");
    assert.deepEqual(state(stream), before);
    assert.equal(got.length, 2);
  });
  await t.step(
    "a late head overtaken by its continuation is not a restart",
    () => {
      const { stream, got } = setup();
      stream.receive(packet(1, 100, keyOn(60)), 1100);
      stream.receive(packet(3, 0, keyOn(62)), 1201); // continuation of serial 2
      assert.equal(stream.missingCount, 1);
      assert.equal(
        stream.receive(packet(2, 200, keyOn(61)), 1202),
        "duplicate",
      );
      assert.deepEqual([stream.lastSerial, stream.missingCount], [3, 1]);
      assert.deepEqual(got.map((e) => e.pitch), [60, 62]);
    },
  );
  await t.step("the newer-date test is wrap-safe", () => {
    const { stream } = setup();
    stream.receive(packet(5, 2 ** 32 - 10, keyOn(60)), 1000);
    assert.equal(stream.receive(packet(1, 20, keyOn(61)), 1030), "restarted");
  });
});

Deno.test("createInputStream() skips the offset of a stream's first packet (§10 item 19)", () => {
  const { stream, got } = setup();
  // 4 bytes finishing an event of an earlier packet, then a KeyOn.
  const data = concat(hex("3C 64 01 F4"), keyOn(65));
  assert.ok(stream.isAwaitingSync);
  stream.receive(packet(40, 100, data, 4), 1100);
  assert.deepEqual(got.map((e) => e.pitch), [65]);
  assert.equal(stream.malformedEventCount, 0);
  assert.equal(stream.isAwaitingSync, false);
});

Deno.test("createInputStream() applies the maximum latency M = 10 (§10 item 20)", () => {
  const clock = { initLocal: 1000, initRemote: 0 };
  const cases: [number, number, number, number][] = [
    // [transit beyond O, Δ, late count, local date of rel 0]
    [0, 10, 0, 1100 + 10],
    [10, 0, 0, 1110],
    [11, 0, 1, 1111],
    [-5, 15, 0, 1095 + 15],
  ];
  for (const [lat, delta, late, date] of cases) {
    const { stream, got } = setup(10, clock);
    stream.receive(packet(1, 100, keyOn(60)), 1100 + lat);
    assert.deepEqual(
      [stream.latenessMs, stream.delayMs, stream.lateCount, got[0]!.date],
      [lat, delta, late, date],
      `lat ${lat}`,
    );
  }
});

Deno.test("createInputStream() reproduces the §6.4 example, e + O + g + M (§10 item 21)", () => {
  // Receiver clock = sender clock + 1000, transit 1 ms; lock on R 6000, L 7001.
  const clock = { initLocal: 7001, initRemote: 6000 };
  const g = 10, e = 6500, t = 6510;
  const rel = e - (t - g); // 0
  const onTime = setup(10, clock);
  onTime.stream.receive(packet(1, t, keyOn(60, rel)), 7511);
  assert.equal(onTime.stream.latenessMs, 0);
  assert.equal(onTime.stream.delayMs, 10);
  assert.equal(onTime.got[0]!.date, 7521);
  assert.equal(onTime.got[0]!.date, e + 1001 + g + 10);
  const slow = setup(10, clock);
  slow.stream.receive(packet(1, t, keyOn(60, rel)), 7526);
  assert.deepEqual(
    [slow.stream.latenessMs, slow.stream.lateCount, slow.stream.delayMs],
    [15, 1, 0],
  );
  assert.equal(slow.got[0]!.date, 7526, "5 ms late");
});

Deno.test("createInputStream() computes dates modulo 2^32 (§0)", () => {
  const clock = { initLocal: 5, initRemote: 2 ** 32 - 995 }; // O = 1000
  const { stream, got } = setup(10, clock);
  stream.receive(packet(1, 2 ** 32 - 1, keyOn(60, -3)), 999); // lat 0
  assert.equal(stream.latenessMs, 0);
  assert.equal(got[0]!.date, 999 + 10 - 3);
  const early = setup(10, clock);
  early.stream.receive(packet(1, 2 ** 32 - 1, keyOn(60, -1020)), 5);
  assert.equal(early.stream.latenessMs, -994);
  assert.equal(early.got[0]!.date, 2 ** 32 - 11, "wraps below zero");
});
