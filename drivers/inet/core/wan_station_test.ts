// The WAN station core (spec §5, §7.2, §7.4): §10 items 43 to 54 at the logic level,
// with a hand-driven clock and every effect recorded.

import assert from "node:assert/strict";
import {
  fakeDataPaths,
  RecordingEffects,
  runClock,
} from "./_station_test_util.ts";
import {
  encodeBye,
  encodeHostId,
  encodeMidiPacket,
  encodeTcpBye,
  encodeTcpCnxRefused,
} from "./packet_encoder.ts";
import type { DataPathFactory } from "./remote_data_path.ts";
import { createWanStation } from "./wan_station.ts";

const SELF = "10.0.0.1";
const PEER = "10.0.0.2";

function setup(
  options: {
    hosts?: string[];
    maxClients?: number;
    createDataPath?: DataPathFactory;
  } = {},
) {
  const fx = new RecordingEffects();
  const data = fakeDataPaths();
  const station = createWanStation({
    config: {
      maxLatencyMs: 1500,
      groupingMs: 200,
      driverName: "msWANDriver",
      restoresConnections: true,
      hosts: options.hosts ?? [],
      maxClients: options.maxClients ?? 32,
    },
    hostName: "studio",
    localAddress: SELF,
    effects: fx,
    createDataPath: options.createDataPath ?? data.create,
  });
  return { fx, data, station };
}

/** The peer's HostID received at `now` (its clock is ours + 7000). */
function hostId(now: number): Uint8Array {
  return encodeHostId((now + 7000) >>> 0, "ignored name");
}

/** Starts with `-s piano` and connects it at `at`; returns the connection id. */
function connectOutgoing(
  s: ReturnType<typeof setup>,
  at = 20,
): number {
  s.fx.now = 0;
  s.station.start(0);
  s.station.onHostResolved("piano", PEER, "piano", 5);
  const id = s.fx.nextConnectionId - 1;
  s.fx.now = at;
  s.station.onTcpConnected(id, at);
  return id;
}

/** Feeds the peer's HostID every 100 ms from `from` until the remote opens. */
function handshake(
  s: ReturnType<typeof setup>,
  from: number,
  until: number,
): void {
  runClock(s.fx, s.station, from, until, (now) => {
    if ((now - from) % 100 === 0) s.station.onDatagram(PEER, hostId(now), now);
  });
}

Deno.test("createWanStation() opens UDP, the application and TCP on start (§10 item 43)", async (t) => {
  await t.step("UDP, driver application, listener with backlog -m", () => {
    const { fx, station } = setup({ maxClients: 8 });
    station.start(0);
    assert.equal(station.state, "running");
    assert.deepEqual(fx.calls, [
      "openUdp",
      "openDriver msWANDriver",
      "listen 8",
    ]);
  });
  await t.step("port in use: fatal, status 1", () => {
    const { fx, station } = setup();
    fx.listenResult = "EADDRINUSE";
    station.start(0);
    assert.equal(station.state, "stopped");
    assert.deepEqual(fx.logs, [
      "msWANDriver: cannot wake up, TCP server open failed EADDRINUSE",
    ]);
    assert.deepEqual(fx.exits, [1]);
  });
  await t.step("UDP port in use: fatal, status 1", () => {
    const { fx, station } = setup();
    fx.openUdpResult = "EADDRINUSE";
    station.start(0);
    assert.deepEqual(fx.calls, ["openUdp", "exit 1"]);
  });
});

Deno.test("createWanStation() connects to a -s host and completes (§10 item 44)", async (t) => {
  const s = setup({ hosts: ["piano"] });
  const id = connectOutgoing(s);
  await t.step("messages in order", () => {
    assert.deepEqual(s.fx.logs, [
      "Looking for piano...",
      "Connecting to piano...",
      "Checking latency time...",
    ]);
    assert.deepEqual(s.fx.callsOf("connectTcp"), [`connectTcp ${PEER} ${id}`]);
  });
  await t.step("HostID every 100 ms to the peer before completion", () => {
    runClock(s.fx, s.station, 21, 500);
    const h = s.fx.sentOf("hostId");
    assert.deepEqual(h.map((d) => d.at), [20, 120, 220, 320, 420]);
    assert.ok(h.every((d) => d.address === PEER));
  });
  await t.step(
    "the remote opens at the 22nd HostID heard; completion logged",
    () => {
      s.fx.datagrams.length = 0;
      handshake(s, 501, 2701);
      assert.deepEqual(s.fx.callsOf("openRemote"), ["openRemote 1 piano"]);
      assert.deepEqual(s.station.remotes().map((r) => r.state), ["open"]);
      assert.equal(
        s.fx.logs[3],
        `[date] piano : connection complete [${PEER}].`,
      );
    },
  );
  await t.step("then HostID at once and every 200 ms", () => {
    // The 22nd HostID arrived at 501 + 21·100 = 2601.
    const after = s.fx.sentOf("hostId").filter((d) => d.at >= 2601);
    assert.deepEqual(after.map((d) => d.at).slice(0, 1), [2601]);
    s.fx.datagrams.length = 0;
    runClock(s.fx, s.station, 2702, 3300);
    assert.deepEqual(s.fx.sentOf("hostId").map((d) => d.at), [
      2801,
      3001,
      3201,
    ]);
  });
  await t.step("paused while events are being sent, resumed when idle", () => {
    s.station.onRemoteApplicationOpened(1);
    s.fx.datagrams.length = 0;
    s.fx.queueEvents(1, 1, 3301);
    s.station.onEventsWaiting(1, 3301);
    runClock(s.fx, s.station, 3301, 4300, (now) => {
      if (now === 3550 || now === 3700) s.fx.queueEvents(1, 1, now);
    });
    // Collections at 3501 (1 event), 3701 (2), 3901 (none: idle, HostID resumes).
    assert.deepEqual(s.data.paths[0]?.collections, [3501, 3701, 3901]);
    assert.deepEqual(s.fx.sentOf("hostId").map((d) => d.at), [3901, 4101]);
  });
});

Deno.test("createWanStation() names the remote as the program resolved it (§10 item 45)", () => {
  const s = setup({ hosts: ["10.0.0.2"] });
  s.station.start(0);
  s.station.onHostResolved("10.0.0.2", PEER, "piano.example.org", 1);
  assert.deepEqual(s.fx.logs.slice(-1), ["Connecting to piano.example.org..."]);
  s.station.onTcpConnected(s.fx.nextConnectionId - 1, 2);
  s.station.onDatagram(PEER, hostId(3), 3);
  assert.equal(s.station.remotes()[0]?.name, "piano.example.org");
});

Deno.test("createWanStation() ignores HostID from an address without TCP connection (§10 item 46)", () => {
  const s = setup();
  s.station.start(0);
  for (let n = 0; n < 30; n++) {
    s.station.onDatagram(PEER, hostId(n * 100), n * 100);
  }
  assert.deepEqual(s.station.remotes(), []);
  assert.deepEqual(s.fx.sentOf("hostId"), []);
});

Deno.test("createWanStation() refuses incoming connections (§10 item 47)", async (t) => {
  await t.step("beyond the maximum: reason 1, then closed", () => {
    const s = setup({ maxClients: 1 });
    s.station.start(0);
    s.station.onTcpAccepted(7, PEER, "piano", 10);
    handshake(s, 11, 2200);
    assert.equal(s.station.remotes()[0]?.state, "open");
    s.station.onTcpAccepted(8, "10.0.0.3", "drums", 2300);
    assert.deepEqual(s.fx.calls.slice(-2), [
      "sendTcp 8 tcpCnxRefused",
      "closeTcp 8",
    ]);
    const refusal = s.fx.tcp.at(-1)?.packet;
    assert.ok(refusal?.kind === "tcpCnxRefused" && refusal.reason === 1);
    assert.equal(
      s.fx.logs.at(-1),
      "[date] drums : connection refused: too much clients.",
    );
  });
  await t.step("pending connections do not count", () => {
    const s = setup({ maxClients: 1 });
    s.station.start(0);
    s.station.onTcpAccepted(7, PEER, "piano", 10);
    s.station.onTcpAccepted(8, "10.0.0.3", "drums", 20);
    assert.deepEqual(s.station.connections(), [7, 8]);
  });
  await t.step("a second connection from a connected address: reason 2", () => {
    const s = setup();
    s.station.start(0);
    s.station.onTcpAccepted(7, PEER, "piano", 10);
    s.station.onDatagram(PEER, hostId(11), 11);
    s.station.onTcpAccepted(8, PEER, "piano", 20);
    assert.deepEqual(s.fx.calls.slice(-2), [
      "sendTcp 8 tcpCnxRefused",
      "closeTcp 8",
    ]);
    const refusal = s.fx.tcp.at(-1)?.packet;
    assert.ok(refusal?.kind === "tcpCnxRefused" && refusal.reason === 2);
    assert.equal(
      s.fx.logs.at(-1),
      "[date] piano : connection refused: already connected.",
    );
    assert.deepEqual(s.station.connections(), [7]);
    assert.equal(s.station.remotes().length, 1, "the first peer stays");
  });
  await t.step(
    "also before any HostID (several peers behind one address)",
    () => {
      const s = setup();
      s.station.start(0);
      s.station.onTcpAccepted(7, PEER, "piano", 10);
      s.station.onTcpAccepted(8, PEER, "piano", 20);
      assert.deepEqual(s.fx.calls.slice(-2), [
        "sendTcp 8 tcpCnxRefused",
        "closeTcp 8",
      ]);
    },
  );
});

Deno.test("createWanStation() fails completion at 10 s (§10 item 48)", async (t) => {
  await t.step(
    "outgoing, remote pending: message, remote removed, TCP closed",
    () => {
      const s = setup({ hosts: ["piano"] });
      const id = connectOutgoing(s, 20);
      s.station.onDatagram(PEER, hostId(100), 100); // one HostID: pending
      runClock(s.fx, s.station, 21, 10_019);
      assert.equal(s.station.remotes().length, 1, "not yet at 10019");
      runClock(s.fx, s.station, 10_020, 10_020);
      assert.deepEqual(s.station.remotes(), []);
      assert.deepEqual(s.fx.callsOf("closeTcp"), [`closeTcp ${id}`]);
      assert.equal(
        s.fx.logs.at(-1),
        "msWANDriver: cannot connect to host, host is not responding correctly",
      );
      s.fx.datagrams.length = 0;
      runClock(s.fx, s.station, 10_021, 11_000);
      assert.deepEqual(s.fx.sentOf("hostId"), [], "no more HostID");
    },
  );
  await t.step("incoming, remote pending: removed and closed silently", () => {
    const s = setup();
    s.station.start(0);
    s.station.onTcpAccepted(7, PEER, "piano", 0);
    s.station.onDatagram(PEER, hostId(100), 100);
    const logs = s.fx.logs.length;
    runClock(s.fx, s.station, 1, 10_000);
    assert.deepEqual(s.fx.callsOf("closeTcp"), ["closeTcp 7"]);
    assert.equal(s.fx.logs.length, logs);
  });
  await t.step("no HostID at all: silent close", () => {
    const s = setup({ hosts: ["piano"] });
    const id = connectOutgoing(s, 20);
    const logs = s.fx.logs.length;
    runClock(s.fx, s.station, 21, 10_020);
    assert.deepEqual(s.fx.callsOf("closeTcp"), [`closeTcp ${id}`]);
    assert.equal(s.fx.logs.length, logs);
  });
  await t.step("open in time: nothing", () => {
    const s = setup({ hosts: ["piano"] });
    connectOutgoing(s, 20);
    handshake(s, 21, 12_000);
    assert.deepEqual(s.fx.callsOf("closeTcp"), []);
    assert.equal(s.station.remotes()[0]?.state, "open");
  });
});

Deno.test("createWanStation() sends TCPBye on quit (§10 item 50)", async (t) => {
  const s = setup({ hosts: ["piano"] });
  const id = connectOutgoing(s, 20);
  handshake(s, 21, 2200);
  s.station.onTcpAccepted(9, "10.0.0.3", "drums", 2201); // no remote: no TCPBye
  const path = s.data.paths[0]!;
  path.lateCount = 3;
  path.missingCount = 70_000;
  s.fx.calls.length = 0;
  s.station.quit(2300);
  await t.step(
    "one TCPBye per connection with a remote, then everything closed",
    () => {
      assert.deepEqual(s.fx.calls, [
        `sendTcp ${id} tcpBye`,
        "closeUdp",
        "closeRemote 1",
        "closeDriver",
        "closeListener",
        `closeTcp ${id}`,
        "closeTcp 9",
        "exit 0",
      ]);
      assert.equal(s.station.state, "stopped");
    },
  );
  await t.step("version 100, latency, late and missing counters", () => {
    const bye = s.fx.tcp.at(-1)?.packet;
    assert.deepEqual(bye, {
      kind: "tcpBye",
      version: 1,
      byteLength: 16,
      protocolVersion: 100,
      maxLatencyMs: 1500,
      lateCount: 3,
      missingCount: 70_000,
    });
  });
  await t.step("no UDP Bye in WAN mode", () => {
    assert.deepEqual(s.fx.sentOf("bye"), []);
  });
});

Deno.test("createWanStation() logs a TCPBye report and removes the peer (§10 item 50)", () => {
  const s = setup();
  s.station.start(0);
  s.station.onTcpAccepted(7, PEER, "piano", 0);
  handshake(s, 1, 2200);
  s.station.onTcpData(
    7,
    encodeTcpBye({ maxLatencyMs: 1500, lateCount: 2, missingCount: 5 }),
    2300,
  );
  assert.deepEqual(s.fx.logs.slice(-2), [
    `${
      " ".repeat(20)
    }piano : remote connection report: v:100 maxLat:1500 over:2 missing:5`,
    "[date] piano : connection closed.",
  ]);
  assert.deepEqual(s.station.remotes(), []);
  assert.deepEqual(s.fx.callsOf("closeTcp"), ["closeTcp 7"]);
  assert.deepEqual(s.fx.callsOf("closeRemote"), ["closeRemote 1"]);
  // An original's 14-byte TCPBye: the missing count is unknown.
  const t = setup();
  t.station.start(0);
  t.station.onTcpAccepted(7, PEER, "piano", 0);
  t.station.onTcpData(
    7,
    encodeTcpBye({ maxLatencyMs: 10, lateCount: 0, missingCount: 0 }).subarray(
      0,
      14,
    ),
    5,
  );
  assert.ok(t.fx.logs.some((l) => l.endsWith("missing:unknown")));
});

Deno.test("createWanStation() removes a peer whose TCP connection closes (§10 item 51)", () => {
  const s = setup();
  s.station.start(0);
  s.station.onTcpAccepted(7, PEER, "piano", 0);
  handshake(s, 1, 2200);
  s.station.onTcpClosed(7, 2300);
  assert.deepEqual(s.station.remotes(), []);
  assert.deepEqual(s.station.connections(), []);
  assert.equal(s.fx.logs.at(-1), "[date] piano : connection closed.");
  assert.deepEqual(s.fx.callsOf("closeRemote"), ["closeRemote 1"]);
});

Deno.test("createWanStation() removes the peer on a refusal received (§10 item 52)", () => {
  const s = setup({ hosts: ["piano"] });
  const id = connectOutgoing(s, 20);
  s.station.onDatagram(PEER, hostId(30), 30);
  s.station.onTcpData(id, encodeTcpCnxRefused(2), 40);
  assert.deepEqual(s.station.remotes(), []);
  assert.deepEqual(s.fx.logs.slice(-2), [
    "[date] piano : connection closed.",
    "cannot connect to host: piano, connection refused (too much clients, already connected or server error)",
  ]);
  assert.deepEqual(s.fx.callsOf("closeTcp"), [`closeTcp ${id}`]);
});

Deno.test("createWanStation() honours a UDP Bye (§10 item 53)", () => {
  const s = setup();
  s.station.start(0);
  s.station.onTcpAccepted(7, PEER, "piano", 0);
  handshake(s, 1, 2200);
  s.station.onDatagram(PEER, encodeBye(), 2300);
  assert.deepEqual(s.station.remotes(), []);
  assert.deepEqual(s.fx.callsOf("closeTcp"), ["closeTcp 7"]);
});

Deno.test("createWanStation() does not reconnect after a drop (§10 item 54)", () => {
  const s = setup({ hosts: ["piano"] });
  const id = connectOutgoing(s, 20);
  handshake(s, 21, 2200);
  s.station.onTcpClosed(id, 2300);
  runClock(s.fx, s.station, 2301, 20_000, (now) => {
    if (now % 100 === 0) s.station.onDatagram(PEER, hostId(now), now);
  });
  assert.equal(s.fx.callsOf("connectTcp").length, 1);
  assert.equal(s.fx.callsOf("resolve").length, 1);
  assert.deepEqual(
    s.station.remotes(),
    [],
    "HostID without connection ignored",
  );
});

Deno.test("createWanStation() logs failures of the -s list and goes on (§5.2)", () => {
  const s = setup({ hosts: ["nowhere", "piano", "again", "down"] });
  s.station.start(0);
  s.station.onHostResolveFailed("nowhere", 1);
  s.station.onHostResolved("piano", PEER, "piano", 2);
  s.station.onTcpConnected(s.fx.nextConnectionId - 1, 3);
  s.station.onHostResolved("again", PEER, "again", 4); // same address
  s.station.onHostResolved("down", "10.0.0.9", "down", 5);
  s.station.onTcpConnectFailed(s.fx.nextConnectionId - 1, "ECONNREFUSED", 6);
  assert.deepEqual(s.fx.logs, [
    "Looking for nowhere...",
    "msWANDriver: unknown host, nowhere",
    "Looking for piano...",
    "Connecting to piano...",
    "Checking latency time...",
    "Looking for again...",
    "msWANDriver: remote host is already opened, again",
    "Looking for down...",
    "Connecting to down...",
    "msWANDriver: cannot connect to host, down",
  ]);
  assert.deepEqual(s.station.connections(), [100]);
});

Deno.test("createWanStation() removes a peer whose send failed", () => {
  const s = setup();
  s.station.start(0);
  s.station.onTcpAccepted(7, PEER, "piano", 0);
  handshake(s, 1, 2200);
  s.station.onSendFailed(PEER, "ENETUNREACH", 2300);
  assert.equal(
    s.fx.logs.at(-1),
    "msWANDriver: piano, socket send failed ENETUNREACH",
  );
  assert.deepEqual(s.station.remotes(), []);
  assert.deepEqual(s.fx.callsOf("closeTcp"), ["closeTcp 7"]);
});

Deno.test("createWanStation() samples the clock on UDP Midi dates once open (§5.4, D25)", () => {
  const s = setup();
  s.station.start(0);
  s.station.onTcpAccepted(7, PEER, "piano", 0);
  const midi = (date: number, serial: number) =>
    encodeMidiPacket({ serial, dateMs: date, offset: 0 }, new Uint8Array(0));
  s.station.onDatagram(PEER, hostId(1), 1);
  s.station.onDatagram(PEER, midi(7010, 1), 10); // pending: not a sample
  handshake(s, 101, 2200);
  assert.equal(s.station.remotes()[0]?.state, "open");
  assert.equal(s.data.paths[0]?.received.length, 1);
  s.station.onDatagram(PEER, midi(9000, 2), 2300);
  s.station.onTcpData(7, midi(9001, 1), 2301);
  assert.deepEqual(s.data.paths[0]?.received.map((r) => r.kind), [
    "udp",
    "udp",
    "tcp",
  ]);
});
