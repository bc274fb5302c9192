// The LAN station core against hostile or broken input (spec §7.3): Echo and
// HostID floods, bad datagrams, other protocol versions; §10 items 30 and 41 at
// the logic level, with a hand-driven clock and every effect recorded.

import assert from "node:assert/strict";
import { runClock } from "./_station_test_util.ts";
import { PEER, peerHostId, setupLanStation } from "./_lan_test_util.ts";
import { encodeEcho, encodeHostId } from "./packet_encoder.ts";

Deno.test("createLanStation() answers Echo to the sender with type 4, rate-limited (§10 items 41, 30)", () => {
  const { fx, station } = setupLanStation();
  station.onLocalClientCountChanged(1, 0);
  const echo = encodeEcho(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
  station.onDatagram("10.0.0.77", echo, 10);
  const replies = fx.sentOf("echoReply");
  assert.equal(replies.length, 1);
  assert.equal(replies[0]?.address, "10.0.0.77");
  assert.deepEqual(
    replies[0]?.bytes,
    Uint8Array.of(0x10, 1, 1, 4, 1, 2, 3, 4, 5, 6, 7, 8),
  );
  for (let i = 0; i < 1000; i++) station.onDatagram("10.0.0.77", echo, 20);
  assert.equal(fx.sentOf("echoReply").length, 20);
  station.onDatagram("10.0.0.77", echo, 1010);
  assert.equal(fx.sentOf("echoReply").length, 21);
  assert.deepEqual(station.remotes(), [], "no other effect");
});

Deno.test("createLanStation() survives HostID floods (§10 item 30)", async (t) => {
  await t.step(
    "10 000 HostID per second from one address: opens after 10 samples",
    () => {
      const { fx, station } = setupLanStation();
      station.onLocalClientCountChanged(1, 0);
      let opened = -1;
      for (let i = 0; i < 10_000; i++) {
        const now = Math.floor(i / 10);
        station.onDatagram(PEER, peerHostId(now), now);
        if (opened < 0 && fx.callsOf("openRemote").length > 0) opened = i;
        if (i % 10 === 9) station.tick(now);
      }
      assert.equal(opened, 10);
      assert.equal(station.remotes().length, 1);
      assert.equal(fx.callsOf("openRemote").length, 1);
      assert.equal(fx.logs.filter((l) => !l.startsWith("[date]")).length, 0);
    },
  );
  await t.step(
    "HostID from 1000 addresses: pending remotes expire, memory bounded",
    () => {
      const { fx, station } = setupLanStation();
      fx.now = 0;
      station.onLocalClientCountChanged(1, 0);
      for (let i = 0; i < 1000; i++) {
        station.onDatagram(`10.1.${i >> 8}.${i & 255}`, peerHostId(i), i % 100);
      }
      assert.equal(station.remotes().length, 1000);
      runClock(fx, station, 100, 2200);
      assert.equal(station.remotes().length, 0);
      assert.equal(fx.callsOf("openRemote").length, 0);
    },
  );
  await t.step(
    "beyond the bound, HostID of new addresses are ignored and logged once",
    () => {
      const { fx, station } = setupLanStation({ maxRemotes: 100 });
      station.onLocalClientCountChanged(1, 0);
      for (let i = 0; i < 1000; i++) {
        station.onDatagram(`10.1.${i >> 8}.${i & 255}`, peerHostId(0), 0);
      }
      assert.equal(station.remotes().length, 100);
      assert.deepEqual(fx.logs.filter((l) => l.includes("cannot create")), [
        "msLANDriver: cannot create a remote, memory allocation failed",
      ]);
    },
  );
});

Deno.test("createLanStation() drops bad datagrams with a rate-limited log", () => {
  const { fx, station } = setupLanStation();
  station.onLocalClientCountChanged(1, 0);
  fx.logs.length = 0;
  for (let i = 0; i < 50; i++) {
    station.onDatagram(PEER, Uint8Array.of(0x20, 1, 1, 1), 10);
    station.onDatagram(PEER, Uint8Array.of(0x10, 1, 1, 200), 10);
    station.onDatagram(PEER, new Uint8Array(3), 10);
  }
  assert.deepEqual(fx.logs, [
    "packet bad header: magic is 8193 from 10.0.0.2",
    "unknown packet type 200 from 10.0.0.2",
    "malformed packet: Cannot decode packet: length 3 is below the 4-byte header from 10.0.0.2",
  ]);
  assert.deepEqual(station.remotes(), []);
});

Deno.test("createLanStation() logs a version other than 1 once per peer", () => {
  const { fx, station } = setupLanStation();
  station.onLocalClientCountChanged(1, 0);
  fx.logs.length = 0;
  const v2 = encodeHostId(0, "x");
  v2[2] = 2;
  station.onDatagram(PEER, v2, 0);
  station.onDatagram(PEER, v2, 100);
  assert.deepEqual(fx.logs, [
    "Packet version 2 from 10.0.0.2: accepted, expected 1",
  ]);
  assert.equal(station.remotes().length, 1, "accepted");
});
