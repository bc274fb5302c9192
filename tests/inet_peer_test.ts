// The independent Python station (tests/inet_peer.py): its codec against the bytes
// of the spec, then two of them finding each other by broadcast on a LAN and over
// the lossy WAN router, exchanging a KeyOn and a 3000-byte SysEx.

import assert from "node:assert/strict";
import { sysexChecksum } from "./_harness.ts";
import { createLan } from "./_netns.ts";
import { netnsTest, python3, pythonTest } from "./_netns_gate.ts";
import type { Station } from "./_station.ts";
import {
  type PeerLine,
  type PyStation,
  startPyStation,
} from "./_py_station.ts";
import { createWan } from "./_wan_router.ts";

const PEER = new URL("./inet_peer.py", import.meta.url).pathname;

Deno.test(
  pythonTest("inet_peer.py --self-test passes its codec tests", async () => {
    const out = await new Deno.Command(python3()!, {
      args: [PEER, "--self-test"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const report = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, report);
    const ran = Number(/Ran (\d+) tests/.exec(report)?.[1] ?? 0);
    assert.ok(ran >= 30, `only ${ran} tests ran:\n${report}`);
  }),
);

const KEY_ON = { type: 1, port: 0, chan: 3, fields: [60, 100] };
const SYSEX = { type: 17, port: 0, chan: 0, sysexLength: 3000 };

/** The events `receiver` decoded from `sender` (after line index `from`). */
async function received(
  receiver: PyStation,
  sender: Station,
  count: number,
  from: number,
): Promise<PeerLine[]> {
  const events = () =>
    receiver.lines().slice(from).filter((l) =>
      l.kind === "event" && l.from === sender.address
    );
  await receiver.waitFor(
    () => events().length >= count,
    `${count} events from ${sender.name}`,
    { from },
  );
  return events();
}

function assertKeyOnAndSysex(events: PeerLine[], stream: string[]): void {
  assert.equal(events.length, 2, JSON.stringify(events));
  const [keyOn, sysex] = events as [PeerLine, PeerLine];
  assert.deepEqual(
    [keyOn.type, keyOn.chan, keyOn.fields, keyOn.stream],
    [1, 3, [60, 100], stream[0]],
  );
  assert.deepEqual(
    [sysex.type, sysex.fieldCount, sysex.checksum, sysex.stream],
    [17, 3000, sysexChecksum(3000), stream[1]],
  );
}

Deno.test(
  netnsTest(
    "inet_peer.py stations find each other by broadcast and exchange a KeyOn and a 3000-byte SysEx",
    async () => {
      await using lan = await createLan({ stations: ["pyalpha", "pybeta"] });
      const [a, b] = lan.stations as [Station, Station];
      const pyA = await startPyStation(a, ["--mode", "lan", "--trace"]);
      const pyB = await startPyStation(b, ["--mode", "lan", "--trace"]);
      for (const [py, other] of [[pyA, b], [pyB, a]] as const) {
        await py.waitOpen(py.station.address); // itself, at once
        const open = await py.waitOpen(other.address);
        assert.equal(open.name, other.name);
      }
      for (const [from, to, peer] of [[pyA, b, pyB], [pyB, a, pyA]] as const) {
        const mark = peer.lines().length;
        const sentAt = from.lines().length;
        await from.command("send", {
          to: to.address,
          events: [KEY_ON, SYSEX],
        });
        const events = await received(peer, from.station, 2, 0);
        assertKeyOnAndSysex(events.slice(-2), ["udp", "udp"]);
        // One collection: both events carry its date plus the same delays.
        assert.equal(events.at(-1)!.date, events.at(-2)!.date);
        // 9 + 3007 bytes in three LAN packets (spec §3.7).
        const sent = from.lines().slice(sentAt).filter((l) =>
          l.kind === "packet" && l.dir === "out"
        );
        assert.deepEqual(
          sent.map((p) => [p.serial, p.date === 0, p.count, p.offset]),
          [[1, false, 1468, 0], [2, true, 1468, 1468], [3, true, 80, 80]],
        );
        const got = await peer.waitFor(
          (l) => l.kind === "packet" && l.dir === "in" && l.serial === 3,
          "the third packet",
          { from: mark },
        );
        assert.equal(got.peer, from.station.address);
      }
      assert.equal((await pyA.quit()).code, 0);
      await pyB.waitFor(
        (l) =>
          l.kind === "remote" && l.state === "removed" && l.reason === "Bye",
        "the Bye of pyalpha",
      );
      assert.equal((await pyB.quit()).code, 0);
    },
    { withPython: true },
  ),
);

Deno.test(
  netnsTest(
    "inet_peer.py stations connect over the lossy WAN router, send port 255 by TCP and part with a TCPBye",
    async () => {
      await using wan = await createWan({
        impairment: { delayMs: 20, jitterMs: 5, lossPercent: 0 },
      });
      const { a, b, router } = wan;
      const pyB = await startPyStation(b, ["--mode", "wan", "--trace"]);
      const pyA = await startPyStation(a, [
        ...["--mode", "wan", "--trace", "--connect", b.address],
      ]);
      // Each names the other by the address it sees: the real one.
      assert.equal((await pyA.waitOpen(b.address)).name, b.address);
      assert.equal((await pyB.waitOpen(a.address)).name, a.address);

      const mark = pyB.lines().length;
      await pyA.command("send", {
        to: b.address,
        events: [KEY_ON, { ...SYSEX, port: 255 }],
      });
      // TCP is not delayed by the router: the SysEx may come first.
      const events = (await received(pyB, a, 2, mark)).sort((x, y) =>
        String(y.stream).localeCompare(String(x.stream))
      );
      assertKeyOnAndSysex(events, ["udp", "tcp"]);
      assert.equal(events[1]!.port, 255);
      // WAN limits: 3007 bytes as 480-byte packets on the TCP stream.
      const tcpPackets = pyB.lines().slice(mark).filter((l) =>
        l.kind === "packet" && l.stream === "tcp"
      );
      assert.deepEqual(
        tcpPackets.map((p) => p.count),
        [480, 480, 480, 480, 480, 480, 127],
      );
      const counts = await router.counts();
      assert.ok(counts.in > 40, `HostIDs and Midi went through the relay`);

      assert.equal((await pyA.quit()).code, 0);
      const bye = await pyB.waitFor((l) => l.kind === "tcpbye", "the TCPBye");
      assert.deepEqual(
        [bye.from, bye.version, bye.maxLat, bye.missing],
        [a.address, 100, 1500, 0],
      );
      assert.equal((await pyB.quit()).code, 0);
    },
    { withPython: true },
  ),
);
