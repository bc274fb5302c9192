// The LAN station core (spec §4, §7.1, §7.3): §10 items 30 to 37, 40, 41 at the
// logic level, with a hand-driven clock and every effect recorded.

import assert from "node:assert/strict";
import {
  fakeDataPaths,
  RecordingEffects,
  runClock,
} from "./_station_test_util.ts";
import { createLanStation, type LanStationOptions } from "./lan_station.ts";
import {
  encodeBye,
  encodeEcho,
  encodeHostId,
  encodeMidiPacket,
} from "./packet_encoder.ts";

const SELF = "10.0.0.1";
const BROADCAST = "10.0.0.255";
const PEER = "10.0.0.2";

function setup(
  overrides: Partial<LanStationOptions> & { maxLatencyMs?: number } = {},
) {
  const fx = new RecordingEffects();
  const data = fakeDataPaths();
  const station = createLanStation({
    config: {
      maxLatencyMs: overrides.maxLatencyMs ?? 10,
      groupingMs: 10,
      driverName: "msLANDriver",
      restoresConnections: true,
    },
    hostName: "studio",
    addresses: {
      localAddress: SELF,
      broadcastAddress: BROADCAST,
      localAddresses: ["127.0.0.1", SELF],
    },
    effects: fx,
    createDataPath: data.create,
    ...overrides,
  });
  return { fx, data, station };
}

/** A peer whose clock reads our time + 5000 sends a HostID received at `now`. */
function peerHostId(now: number, name = "piano", offset = 5000): Uint8Array {
  return encodeHostId((now + offset - 1) >>> 0, name);
}

Deno.test("createLanStation() asleep binds nothing and sends nothing (§10 item 31)", () => {
  const { fx, station } = setup();
  assert.equal(station.state, "asleep");
  station.tick(0);
  station.onDatagram(PEER, peerHostId(0), 0);
  station.onLocalClientCountChanged(0, 5);
  runClock(fx, station, 0, 2000);
  assert.deepEqual(fx.calls, []);
  assert.equal(fx.wakeRequest, null);
  assert.deepEqual(station.remotes(), []);
});

Deno.test("createLanStation() wakes with the first client and broadcasts HostID (§10 item 32)", async (t) => {
  const { fx, station } = setup();
  fx.now = 1000;
  station.onLocalClientCountChanged(1, 1000);
  await t.step("socket bound, driver application opened", () => {
    assert.equal(station.state, "awake");
    assert.deepEqual(fx.calls.slice(0, 2), [
      "openUdp",
      "openDriver msLANDriver",
    ]);
    assert.ok(fx.logs[0]?.includes("broadcast address 10.0.0.255"));
  });
  runClock(fx, station, 1001, 2000);
  await t.step("HostID at 0, 50 ... 250 ms, then every 100 ms", () => {
    const hostIds = fx.sentOf("hostId");
    assert.deepEqual(hostIds.map((d) => d.at - 1000), [
      ...[0, 50, 100, 150, 200, 250],
      ...[350, 450, 550, 650, 750, 850, 950],
    ]);
    assert.ok(hostIds.every((d) => d.address === BROADCAST));
  });
  await t.step("each carries the current time and the host name", () => {
    for (const d of fx.sentOf("hostId")) {
      assert.ok(d.packet.kind === "hostId");
      assert.equal(d.packet.timeMs, d.at);
      assert.equal(d.packet.name, "studio");
    }
  });
  await t.step("more clients do not wake it twice", () => {
    station.onLocalClientCountChanged(3, 2001);
    assert.equal(fx.callsOf("openUdp").length, 1);
  });
});

Deno.test("createLanStation() opens the self remote at once, named after the host (§10 item 33)", () => {
  const { fx, station } = setup();
  station.onLocalClientCountChanged(1, 0);
  station.onDatagram(SELF, encodeHostId(0, "studio"), 0);
  assert.deepEqual(station.remotes(), [
    { id: 1, address: SELF, name: "studio", state: "open", isSelf: true },
  ]);
  assert.deepEqual(fx.callsOf("openRemote"), ["openRemote 1 studio"]);
  station.onRemoteApplicationOpened(1);
  assert.ok(
    fx.logs.some((l) => l.includes("studio : peer arrived [10.0.0.1].")),
  );
});

for (
  const { maxLatencyMs, samples, item } of [
    { maxLatencyMs: 10, samples: 10, item: "fast" },
    { maxLatencyMs: 20, samples: 21, item: "slow, -lat 20" },
  ]
) {
  Deno.test(`createLanStation() opens a peer after exactly ${samples} samples (${item}, §10 item 34)`, () => {
    const { fx, station } = setup({ maxLatencyMs });
    station.onLocalClientCountChanged(1, 0);
    let openedAfter = 0;
    for (let n = 0; n <= 30; n++) {
      const now = 100 + n * 100;
      station.onDatagram(PEER, peerHostId(now), now);
      if (openedAfter === 0 && fx.callsOf("openRemote").length > 0) {
        openedAfter = n; // HostID n is sample n (HostID 0 created the remote)
      }
      station.tick(now);
    }
    assert.equal(openedAfter, samples);
    assert.deepEqual(fx.callsOf("openRemote"), ["openRemote 1 piano"]);
    assert.equal(station.remotes()[0]?.state, "open");
  });
}

Deno.test("createLanStation() removes silent remotes by timeout (§10 item 35)", async (t) => {
  await t.step("an open peer 500 to 1000 ms after its last HostID", () => {
    for (const phase of [0, 1, 37, 250, 499]) {
      const { fx, station } = setup();
      fx.now = 0;
      station.onLocalClientCountChanged(1, 0);
      const last = phase + 1500;
      let removedAt = -1;
      runClock(fx, station, 0, 5000, (now) => {
        if (now >= phase && now <= last && (now - phase) % 100 === 0) {
          station.onDatagram(PEER, peerHostId(now), now);
        }
        if (removedAt < 0 && now > last && station.remotes().length === 0) {
          removedAt = now - 1; // removed by the tick of a date before `now`
        }
      });
      assert.deepEqual(fx.callsOf("closeRemote"), ["closeRemote 1"]);
      const after = removedAt - last;
      assert.ok(after >= 500 && after <= 1000, `phase ${phase}: ${after} ms`);
    }
  });
  await t.step(
    "a pending remote with one HostID 1500 to 2000 ms after creation",
    () => {
      for (const created of [0, 1, 123, 499]) {
        const { fx, station } = setup();
        fx.now = 0;
        station.onLocalClientCountChanged(1, 0);
        let removedAt = -1;
        runClock(fx, station, 0, 4000, (now) => {
          if (now === created) station.onDatagram(PEER, peerHostId(now), now);
          if (
            removedAt < 0 && now > created && station.remotes().length === 0
          ) {
            removedAt = now;
          }
        });
        // The removal happens in the tick of `removedAt − 1` at the latest.
        const age = removedAt - 1 - created;
        assert.ok(age >= 1500 && age <= 2000, `created ${created}: age ${age}`);
        assert.deepEqual(fx.callsOf("openRemote"), [], "never opened");
        assert.deepEqual(
          fx.callsOf("closeRemote"),
          [],
          "no application to close",
        );
      }
    },
  );
});

Deno.test("createLanStation() removes a peer at once on Bye (§10 item 36)", () => {
  const { fx, station } = setup();
  station.onLocalClientCountChanged(1, 0);
  for (let n = 0; n <= 10; n++) {
    station.onDatagram(PEER, peerHostId(n * 100), n * 100);
  }
  assert.equal(station.remotes()[0]?.state, "open");
  station.onDatagram(PEER, encodeBye(), 1050);
  assert.deepEqual(station.remotes(), []);
  assert.deepEqual(fx.callsOf("closeRemote"), ["closeRemote 1"]);
  station.onDatagram("10.0.0.3", encodeBye(), 1051); // unknown: nothing
  assert.deepEqual(fx.callsOf("closeRemote"), ["closeRemote 1"]);
});

Deno.test("createLanStation() sleeps when the last client closes and wakes again (§10 item 37, D8)", async (t) => {
  const { fx, data, station } = setup();
  fx.now = 0;
  station.onLocalClientCountChanged(1, 0);
  runClock(fx, station, 0, 1200, (now) => {
    if (now % 100 === 0) {
      station.onDatagram(SELF, encodeHostId(now, "studio"), now);
      station.onDatagram(PEER, peerHostId(now), now);
    }
  });
  assert.deepEqual(station.remotes().map((r) => r.state), ["open", "open"]);
  fx.calls.length = 0;

  await t.step(
    "one Bye broadcast, socket closed, remotes and application gone",
    () => {
      station.onLocalClientCountChanged(0, 1201);
      assert.equal(station.state, "asleep");
      assert.deepEqual(fx.calls, [
        `send ${BROADCAST} bye`,
        "closeUdp",
        "closeRemote 1",
        "closeRemote 2",
        "closeDriver",
      ]);
      assert.deepEqual(station.remotes(), []);
      assert.equal(fx.wakeRequest, null);
    },
  );
  await t.step("asleep again: nothing sent, packets ignored", () => {
    fx.calls.length = 0;
    station.onDatagram(PEER, peerHostId(1300), 1300);
    runClock(fx, station, 1202, 3000);
    assert.deepEqual(fx.calls, []);
  });
  await t.step("a client opens again: full wake-up, new remotes", () => {
    const pathsBefore = data.paths.length;
    fx.now = 3000;
    station.onLocalClientCountChanged(1, 3000);
    runClock(fx, station, 3001, 4300, (now) => {
      if (now % 100 === 0) station.onDatagram(PEER, peerHostId(now), now);
    });
    assert.deepEqual(fx.calls.slice(0, 3), [
      "openUdp",
      "openDriver msLANDriver",
      `send ${BROADCAST} hostId`,
    ]);
    const burst = fx.sentOf("hostId").filter((d) => d.at >= 3000).map((d) =>
      d.at - 3000
    );
    assert.deepEqual(burst.slice(0, 7), [0, 50, 100, 150, 200, 250, 350]);
    assert.deepEqual(station.remotes().map((r) => [r.id, r.state]), [[
      3,
      "open",
    ]]);
    assert.equal(data.paths.length, pathsBefore + 1, "a fresh data path");
  });
  await t.step("and a second sleep and wake work too", () => {
    station.onLocalClientCountChanged(0, 4301);
    station.onLocalClientCountChanged(2, 4302);
    assert.equal(station.state, "awake");
    // Calls were cleared after the first sleep.
    assert.equal(fx.callsOf("openUdp").length, 2);
    assert.equal(fx.callsOf("send 10.0.0.255 bye").length, 1);
  });
});

Deno.test("createLanStation() removes a remote whose send failed and recreates it (§10 item 40)", () => {
  const { fx, station } = setup();
  station.onLocalClientCountChanged(1, 0);
  for (let n = 0; n <= 10; n++) {
    station.onDatagram(PEER, peerHostId(n * 100), n * 100);
  }
  station.onSendFailed(PEER, "EHOSTUNREACH", 1010);
  assert.ok(
    fx.logs.includes("msLANDriver: piano, socket send failed EHOSTUNREACH"),
  );
  assert.deepEqual(station.remotes(), []);
  assert.deepEqual(fx.callsOf("closeRemote"), ["closeRemote 1"]);
  station.onDatagram(PEER, peerHostId(1100), 1100);
  assert.deepEqual(station.remotes().map((r) => [r.id, r.state]), [[
    2,
    "pending",
  ]]);
});

Deno.test("createLanStation() answers Echo to the sender with type 4, rate-limited (§10 items 41, 30)", () => {
  const { fx, station } = setup();
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
      const { fx, station } = setup();
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
      const { fx, station } = setup();
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
      const { fx, station } = setup({ maxRemotes: 100 });
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
  const { fx, station } = setup();
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
  const { fx, station } = setup();
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

Deno.test("createLanStation() feeds Midi packets to the remote and drops events of a pending one (D34)", () => {
  const { fx, data, station } = setup();
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
  const { fx, data, station } = setup();
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
    const { fx, station } = setup();
    fx.openUdpResult = "EADDRINUSE";
    station.onLocalClientCountChanged(1, 0);
    assert.equal(station.state, "stopped");
    assert.deepEqual(fx.logs, [
      "msLANDriver: cannot wake up, socket open failed EADDRINUSE",
    ]);
    assert.deepEqual(fx.calls, ["openUdp", "exit 1"]);
  });
  await t.step("driver application open failure", () => {
    const { fx, station } = setup();
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
  const { fx, station } = setup();
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
      const { fx, station } = setup({
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
