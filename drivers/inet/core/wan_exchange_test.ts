// Two WAN station cores joined by a simulated network (UDP and TCP), with the real
// data path: mutual -s converges on one TCP connection (§10 item 55), port-255 events
// travel on TCP with their own serials (item 49), a quit reaches the peer (item 50).

import assert from "node:assert/strict";
import { RecordingEffects } from "./_station_test_util.ts";
import type { ConnectionId } from "./station_effects.ts";
import { createWanStation, type WanStation } from "./wan_station.ts";

const NAMES: Record<string, string> = {
  "10.0.0.1": "alpha",
  "10.0.0.2": "beta",
};

interface Host {
  readonly address: string;
  readonly fx: NetEffects;
  station: WanStation;
  readonly clock: (t: number) => number;
}

/** A simulated network: every datagram, connection and close takes 1 ms. */
class Net {
  t = 0;
  readonly hosts = new Map<string, Host>();
  readonly #queue: { at: number; run: () => void }[] = [];
  /** Open links: connection id at one end → [host address, id] at the other. */
  readonly links = new Map<string, [string, ConnectionId]>();

  later(run: () => void): void {
    this.#queue.push({ at: this.t + 1, run });
  }

  step(): void {
    const due = this.#queue.filter((q) => q.at <= this.t);
    this.#queue.splice(
      0,
      this.#queue.length,
      ...this.#queue.filter((q) => q.at > this.t),
    );
    for (const q of due) q.run();
  }
}

class NetEffects extends RecordingEffects {
  constructor(readonly net: Net, readonly address: string, firstId: number) {
    super();
    this.nextConnectionId = firstId;
    this.network = (to, bytes) => {
      const copy = bytes.slice();
      net.later(() => {
        const h = net.hosts.get(to);
        h?.station.onDatagram(address, copy, h.clock(net.t));
      });
    };
  }

  override resolveHost(host: string): void {
    super.resolveHost(host);
    const address = Object.keys(NAMES).find((a) => NAMES[a] === host) ?? "";
    this.net.later(() => {
      const me = this.net.hosts.get(this.address)!;
      me.station.onHostResolved(host, address, host, me.clock(this.net.t));
    });
  }

  override connectTcp(address: string): ConnectionId {
    const id = super.connectTcp(address);
    this.net.later(() => {
      const me = this.net.hosts.get(this.address)!;
      const peer = this.net.hosts.get(address)!;
      const peerId = peer.fx.nextConnectionId++;
      this.net.links.set(`${this.address} ${id}`, [address, peerId]);
      this.net.links.set(`${address} ${peerId}`, [this.address, id]);
      peer.station.onTcpAccepted(
        peerId,
        this.address,
        NAMES[this.address]!,
        peer.clock(this.net.t),
      );
      me.station.onTcpConnected(id, me.clock(this.net.t));
    });
    return id;
  }

  override sendTcp(id: ConnectionId, bytes: Uint8Array): void {
    super.sendTcp(id, bytes);
    const link = this.net.links.get(`${this.address} ${id}`);
    if (link === undefined) return;
    const copy = bytes.slice();
    this.net.later(() => {
      const peer = this.net.hosts.get(link[0])!;
      peer.station.onTcpData(link[1], copy, peer.clock(this.net.t));
    });
  }

  override closeTcp(id: ConnectionId): void {
    super.closeTcp(id);
    const link = this.net.links.get(`${this.address} ${id}`);
    if (link === undefined) return;
    this.net.links.delete(`${this.address} ${id}`);
    this.net.links.delete(`${link[0]} ${link[1]}`);
    this.net.later(() => {
      const peer = this.net.hosts.get(link[0])!;
      peer.station.onTcpClosed(link[1], peer.clock(this.net.t));
    });
  }
}

function pair(hostsOf: Record<string, string[]>) {
  const net = new Net();
  let firstId = 100;
  for (
    const [address, ahead] of [["10.0.0.1", 0], ["10.0.0.2", 30_000]] as const
  ) {
    const fx = new NetEffects(net, address, firstId);
    firstId += 100;
    const station = createWanStation({
      config: {
        maxLatencyMs: 1500,
        groupingMs: 200,
        driverName: "msWANDriver",
        restoresConnections: true,
        hosts: hostsOf[address] ?? [],
        maxClients: 32,
      },
      hostName: NAMES[address]!,
      localAddress: address,
      effects: fx,
    });
    net.hosts.set(address, {
      address,
      fx,
      station,
      clock: (t) => (t + ahead) >>> 0,
    });
  }
  const answered = new Set<string>();
  const run = (until: number, each?: (t: number) => void) => {
    for (; net.t <= until; net.t++) {
      each?.(net.t);
      net.step();
      for (const h of net.hosts.values()) {
        h.fx.now = h.clock(net.t);
        for (const call of h.fx.callsOf("openRemote")) {
          if (answered.has(`${h.address} ${call}`)) continue;
          answered.add(`${h.address} ${call}`);
          h.station.onRemoteApplicationOpened(Number(call.split(" ")[1]));
        }
        const w = h.fx.wakeRequest;
        if (w !== null && ((w - h.clock(net.t)) | 0) <= 0) {
          h.station.tick(h.clock(net.t));
        }
      }
    }
  };
  for (const h of net.hosts.values()) h.station.start(h.clock(0));
  const a = net.hosts.get("10.0.0.1")!, b = net.hosts.get("10.0.0.2")!;
  return { net, a, b, run };
}

Deno.test("createWanStation() pair: mutual -s leaves exactly one TCP connection (§10 item 55, D32)", () => {
  const { net, a, b, run } = pair({
    "10.0.0.1": ["beta"],
    "10.0.0.2": ["alpha"],
  });
  run(5000);
  assert.equal(net.links.size, 2, "one link seen from both ends");
  assert.equal(a.station.connections().length, 1);
  assert.equal(b.station.connections().length, 1);
  const [aId] = a.station.connections();
  // The kept connection is the one alpha (the lower address) opened.
  assert.ok(
    aId !== undefined && aId < 200 && aId === 100,
    `alpha keeps ${aId}`,
  );
  assert.deepEqual(a.station.remotes().map((r) => [r.name, r.state]), [[
    "beta",
    "open",
  ]]);
  assert.deepEqual(b.station.remotes().map((r) => [r.name, r.state]), [[
    "alpha",
    "open",
  ]]);
  for (const h of [a, b]) {
    assert.ok(
      !h.fx.logs.some((l) => l.includes("connection closed")),
      "no drop",
    );
    assert.ok(!h.fx.logs.some((l) => l.includes("refused")), "no refusal");
    assert.equal(h.fx.callsOf("closeRemote").length, 0);
  }
});

Deno.test("createWanStation() pair: one -s side connects and completes", () => {
  const { net, a, b, run } = pair({ "10.0.0.2": ["alpha"] });
  run(3000);
  assert.equal(net.links.size, 2);
  assert.ok(
    b.fx.logs.some((l) =>
      l === "[date] alpha : connection complete [10.0.0.1]."
    ),
  );
  assert.ok(
    a.fx.logs.some((l) =>
      l === "[date] beta : connection complete [10.0.0.2]."
    ),
  );
});

Deno.test("createWanStation() pair: port-255 events travel on TCP with their own serials (§10 item 49)", () => {
  const { a, b, run } = pair({ "10.0.0.1": ["beta"] });
  run(3000);
  const toB = a.station.remotes()[0]!.id;
  const fromA = b.station.remotes()[0]!.id;
  run(4000, (t) => {
    if (t === 3100) {
      a.fx.queueEvents(toB, 1, 3100, 255);
      a.fx.queueEvents(toB, 1, 3100, 1);
      a.station.onEventsWaiting(toB, 3100);
    }
  });
  const tcpMidi = a.fx.tcp.filter((p) => p.packet.kind === "midi");
  const udpMidi = a.fx.sentOf("midi");
  assert.equal(tcpMidi.length, 1);
  assert.equal(udpMidi.length, 1);
  assert.ok(
    tcpMidi[0]?.packet.kind === "midi" && tcpMidi[0].packet.serial === 1,
  );
  assert.ok(
    udpMidi[0]?.packet.kind === "midi" && udpMidi[0].packet.serial === 1,
  );
  const got = b.fx.delivered.filter((d) => d.id === fromA).map((d) => d.port)
    .sort();
  assert.deepEqual(got, [1, 255]);
});

Deno.test("createWanStation() pair: a quit sends TCPBye and the peer logs the report (§10 item 50)", () => {
  const { net, a, b, run } = pair({ "10.0.0.1": ["beta"] });
  run(3000);
  a.station.quit(a.clock(3001));
  run(3100);
  assert.deepEqual(b.fx.logs.slice(-2), [
    `${
      " ".repeat(20)
    }alpha : remote connection report: v:100 maxLat:1500 over:0 missing:0`,
    "[date] alpha : connection closed.",
  ]);
  assert.deepEqual(b.station.remotes(), []);
  assert.equal(net.links.size, 0);
});
