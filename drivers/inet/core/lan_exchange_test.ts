// Two LAN station cores joined by a simulated network, with the real data path:
// events reach the peer with their port, channel and date (§10 items 38, 39, 21).

import assert from "node:assert/strict";
import { RecordingEffects } from "./_station_test_util.ts";
import { createLanStation, type LanStation } from "./lan_station.ts";
import type { RemoteId } from "./station_effects.ts";

const BROADCAST = "10.0.0.255";
/** B's clock reads A's clock + this. */
const B_AHEAD = 1000;
const TRANSIT = 1;

interface Host {
  readonly address: string;
  readonly fx: RecordingEffects;
  readonly station: LanStation;
  /** This host's MidiShare time at global time `t`. */
  readonly clock: (t: number) => number;
}

function host(address: string, name: string, ahead: number): Host {
  const fx = new RecordingEffects();
  const station = createLanStation({
    config: {
      maxLatencyMs: 10,
      groupingMs: 10,
      driverName: "msLANDriver",
      restoresConnections: true,
    },
    hostName: name,
    addresses: {
      localAddress: address,
      broadcastAddress: BROADCAST,
      localAddresses: [address],
    },
    effects: fx,
  });
  return { address, fx, station, clock: (t) => (t + ahead) >>> 0 };
}

/** Both hosts awake; datagrams take TRANSIT ms; applications open at once. */
function network() {
  const a = host("10.0.0.1", "alpha", 0);
  const b = host("10.0.0.2", "beta", B_AHEAD);
  const hosts = [a, b];
  const inFlight: { at: number; from: Host; to: Host; bytes: Uint8Array }[] =
    [];
  let t = 0;
  for (const from of hosts) {
    from.fx.network = (address, bytes) => {
      for (const to of hosts) {
        if (address === BROADCAST || address === to.address) {
          inFlight.push({ at: t + TRANSIT, from, to, bytes: bytes.slice() });
        }
      }
    };
  }
  const run = (until: number, each?: (t: number) => void) => {
    for (; t <= until; t++) {
      each?.(t);
      for (const h of hosts) {
        h.fx.now = h.clock(t);
        // Answer every application open at once.
        for (const call of h.fx.callsOf("openRemote")) {
          const id = Number(call.split(" ")[1]);
          if (!answered.has(`${h.address} ${id}`)) {
            answered.add(`${h.address} ${id}`);
            h.station.onRemoteApplicationOpened(id);
          }
        }
      }
      for (const d of inFlight.filter((d) => d.at === t)) {
        d.to.station.onDatagram(d.from.address, d.bytes, d.to.clock(t));
      }
      for (const h of hosts) {
        const w = h.fx.wakeRequest;
        if (w !== null && ((w - h.clock(t)) | 0) <= 0) {
          h.station.tick(h.clock(t));
        }
      }
    }
  };
  const answered = new Set<string>();
  for (const h of hosts) h.station.onLocalClientCountChanged(1, h.clock(0));
  return { a, b, run, now: () => t };
}

function remoteId(h: Host, address: string): RemoteId {
  const r = h.station.remotes().find((r) => r.address === address);
  assert.ok(r !== undefined && r.state === "open", `${address} open`);
  return r.id;
}

Deno.test("createLanStation() pair: peers discover each other and events cross with their dates (§10 items 38, 21)", async (t) => {
  const { a, b, run } = network();
  run(1500);
  await t.step("each sees itself and the other", () => {
    assert.deepEqual(a.station.remotes().map((r) => [r.name, r.state]), [
      ["alpha", "open"],
      ["beta", "open"],
    ]);
    assert.deepEqual(b.station.remotes().map((r) => [r.name, r.state]).sort(), [
      ["alpha", "open"],
      ["beta", "open"],
    ]);
  });
  const toB = remoteId(a, b.address);
  const fromA = remoteId(b, a.address);
  await t.step(
    "a KeyOn sent to beta's application arrives from alpha's at e + O + g + M",
    () => {
      run(2000, (t) => {
        if (t === 1603) {
          a.fx.queueEvents(toB, 1, 1603, 3);
          a.fx.fifo.get(toB)![0]!.event.chan = 9;
          a.station.onEventsWaiting(toB, 1603);
        }
      });
      const got = b.fx.delivered.filter((d) => d.id === fromA);
      // e = 1603 (A), O = 1000 + 1 ms anchor transit, g = M = 10.
      assert.deepEqual(got, [{
        id: fromA,
        type: 1,
        dateMs: 1603 + B_AHEAD + TRANSIT + 20,
        port: 3,
        chan: 9,
      }]);
    },
  );
  await t.step("the packets went by unicast to beta with serial 1", () => {
    const midi = a.fx.sentOf("midi");
    assert.equal(midi.length, 1);
    assert.equal(midi[0]?.address, b.address);
    assert.ok(midi[0]?.packet.kind === "midi" && midi[0].packet.serial === 1);
    assert.ok(
      midi[0]?.packet.kind === "midi" && midi[0].packet.dateMs === 1613,
    );
  });
});

Deno.test("createLanStation() pair: port-255 events go in the unicast stream (§10 item 39, D11)", () => {
  const { a, b, run } = network();
  run(1500);
  const toB = remoteId(a, b.address);
  const fromA = remoteId(b, a.address);
  run(2000, (t) => {
    if (t === 1700) {
      a.fx.queueEvents(toB, 1, 1700, 0);
      a.fx.queueEvents(toB, 1, 1701, 255);
      a.station.onEventsWaiting(toB, 1700);
    }
  });
  const midi = a.fx.sentOf("midi");
  assert.deepEqual(
    midi.map((d) => d.address),
    [b.address],
    "one unicast packet",
  );
  assert.deepEqual(
    b.fx.delivered.filter((d) => d.id === fromA).map((d) => [d.port, d.dateMs]),
    [[0, 1700 + B_AHEAD + 21], [255, 1701 + B_AHEAD + 21]],
  );
});

Deno.test("createLanStation() pair: a woken station starts its serials at 1 again (§10 item 37)", () => {
  const { a, b, run } = network();
  run(1500);
  run(1600, (t) => {
    if (t === 1550) {
      const toB = remoteId(a, b.address);
      a.fx.queueEvents(toB, 1, 1550);
      a.station.onEventsWaiting(toB, 1550);
    }
  });
  a.station.onLocalClientCountChanged(0, 1601);
  a.station.onLocalClientCountChanged(1, 1602);
  run(3500, (t) => {
    if (t === 3000) {
      const toB = remoteId(a, b.address);
      a.fx.queueEvents(toB, 1, 3000);
      a.station.onEventsWaiting(toB, 3000);
    }
  });
  const serials = a.fx.sentOf("midi").map((d) =>
    d.packet.kind === "midi" ? d.packet.serial : -1
  );
  assert.deepEqual(serials, [1, 1]);
  const fromA = b.station.remotes().find((r) => r.address === a.address);
  assert.ok(fromA !== undefined);
  assert.equal(
    b.fx.delivered.filter((d) => d.id === fromA.id).length,
    1,
    "the event after the wake-up reached the new remote",
  );
});
