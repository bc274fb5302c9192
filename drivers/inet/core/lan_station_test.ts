// The LAN station core (spec §4, §7.1): MIDI data and output grouping, fatal
// errors, quitting, and restoring connections of a restarted program (§10 items
// 60, 61) at the logic level, with a hand-driven clock and every effect recorded.

import assert from "node:assert/strict";
import { runClock } from "./_station_test_util.ts";
import {
  BROADCAST,
  PEER,
  peerHostId,
  SELF,
  setupLanStation,
} from "./_lan_test_util.ts";
import { encodeBye, encodeHostId, encodeMidiPacket } from "./packet_encoder.ts";

Deno.test("createLanStation() feeds Midi packets to the remote and drops events of a pending one (D34)", () => {
  const { fx, data, station } = setupLanStation();
  station.onLocalClientCountChanged(1, 0);
  const midi = encodeMidiPacket(
    { serial: 1, dateMs: 5, offset: 0 },
    new Uint8Array(0),
  );
  station.onDatagram("10.9.9.9", midi, 1); // no remote: ignored
  station.onDatagram(PEER, peerHostId(0), 0);
  station.onDatagram(PEER, midi, 2);
  assert.equal(data.paths[0]?.received.length, 1, "stream state advances");
  assert.deepEqual(fx.delivered, [], "events of a pending remote dropped");
  for (let n = 1; n <= 10; n++) {
    station.onDatagram(PEER, peerHostId(n * 100), n * 100);
  }
  station.onRemoteApplicationOpened(1);
  station.onDatagram(PEER, midi, 1001);
  assert.deepEqual(fx.delivered, [
    { id: 1, type: 1, dateMs: 1001, port: 0, chan: 0 },
  ]);
});

Deno.test("createLanStation() groups output every g ms while events wait (§6.1, §7.5)", () => {
  const { fx, data, station } = setupLanStation();
  fx.now = 0;
  station.onLocalClientCountChanged(1, 0);
  station.onDatagram(SELF, encodeHostId(0, "studio"), 0);
  station.onRemoteApplicationOpened(1);
  fx.queueEvents(1, 3, 5);
  station.onEventsWaiting(1, 5);
  runClock(fx, station, 5, 40, (now) => {
    if (now === 17) fx.queueEvents(1, 1, 17);
  });
  assert.deepEqual(data.paths[0]?.collections, [15, 25, 35]);
  station.onEventsWaiting(1, 41);
  runClock(fx, station, 41, 60);
  assert.deepEqual(data.paths[0]?.collections, [15, 25, 35, 51]);
});

Deno.test("createLanStation() stops with status 1 on a fatal error (§7.1, D18)", async (t) => {
  await t.step("socket open failure", () => {
    const { fx, station } = setupLanStation();
    fx.openUdpResult = "EADDRINUSE";
    station.onLocalClientCountChanged(1, 0);
    assert.equal(station.state, "stopped");
    assert.deepEqual(fx.logs, [
      "msLANDriver: cannot wake up, socket open failed EADDRINUSE",
    ]);
    assert.deepEqual(fx.calls, ["openUdp", "exit 1"]);
  });
  await t.step("driver application open failure", () => {
    const { fx, station } = setupLanStation();
    station.onLocalClientCountChanged(1, 0);
    fx.calls.length = 0;
    station.onDriverApplicationFailed("no server");
    assert.equal(station.state, "stopped");
    assert.deepEqual(fx.calls, [
      `send ${BROADCAST} bye`,
      "closeUdp",
      "closeDriver",
      "exit 1",
    ]);
    assert.ok(
      fx.logs.includes(
        "msLANDriver: cannot wake up, MidiShare client open failed no server",
      ),
    );
  });
});

Deno.test("createLanStation() quits with the sleep steps and status 0 (§7.1)", () => {
  const { fx, station } = setupLanStation();
  station.onLocalClientCountChanged(1, 0);
  station.onDatagram(SELF, encodeHostId(0, "studio"), 0);
  fx.calls.length = 0;
  station.quit(10);
  assert.deepEqual(fx.calls, [
    `send ${BROADCAST} bye`,
    "closeUdp",
    "closeRemote 1",
    "closeDriver",
    "exit 0",
  ]);
  station.onLocalClientCountChanged(1, 20);
  assert.equal(station.state, "stopped");
});

Deno.test("createLanStation() reconnects a restarted program and restores a returning peer (§10 items 60, 61)", async (t) => {
  for (const restores of [true, false]) {
    await t.step(`restore ${restores ? "on" : "off"}`, () => {
      const { fx, station } = setupLanStation({
        config: {
          maxLatencyMs: 10,
          groupingMs: 10,
          driverName: "msLANDriver",
          restoresConnections: restores,
        },
      });
      station.onLocalClientCountChanged(1, 0);
      const open = (from: number) => {
        for (let n = 0; n <= 10; n++) {
          station.onDatagram(PEER, peerHostId(from + n * 100), from + n * 100);
        }
      };
      open(0);
      station.onRemoteApplicationOpened(1);
      station.onLocalConnectionsChanged(1, [
        { name: "seq", sendsToRemote: true, hearsRemote: true },
        { name: "synth", sendsToRemote: false, hearsRemote: true },
      ]);
      // Item 60: "seq" quits (no longer listed) and opens again.
      station.onLocalConnectionsChanged(1, [
        { name: "synth", sendsToRemote: false, hearsRemote: true },
      ]);
      station.onApplicationOpened("seq");
      assert.deepEqual(fx.callsOf("connect"), [
        "connect 1 seq toRemote",
        "connect 1 seq fromRemote",
      ]);
      // Item 61: the peer leaves and comes back as remote 2.
      station.onDatagram(PEER, encodeBye(), 1100);
      open(2000);
      station.onRemoteApplicationOpened(2);
      assert.deepEqual(
        fx.callsOf("connect 2"),
        restores
          ? [
            "connect 2 seq toRemote",
            "connect 2 seq fromRemote",
            "connect 2 synth fromRemote",
          ]
          : [],
      );
    });
  }
});
