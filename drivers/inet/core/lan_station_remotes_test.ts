// The LAN station core (spec §4, §7.3): waking, sleeping, and remotes opened,
// timed out and removed; §10 items 31 to 37 and 40 at the logic level, with a
// hand-driven clock and every effect recorded.

import assert from "node:assert/strict";
import { runClock } from "./_station_test_util.ts";
import {
  BROADCAST,
  PEER,
  peerHostId,
  SELF,
  setupLanStation,
} from "./_lan_test_util.ts";
import { encodeBye, encodeHostId } from "./packet_encoder.ts";

Deno.test("createLanStation() asleep binds nothing and sends nothing (§10 item 31)", () => {
  const { fx, station } = setupLanStation();
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
  const { fx, station } = setupLanStation();
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
  const { fx, station } = setupLanStation();
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
    const { fx, station } = setupLanStation({ maxLatencyMs });
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
      const { fx, station } = setupLanStation();
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
        const { fx, station } = setupLanStation();
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
  const { fx, station } = setupLanStation();
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
  const { fx, data, station } = setupLanStation();
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
  const { fx, station } = setupLanStation();
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
