// The Inet driver (`main.ts inet`) on a WAN between network namespaces: -s
// connections over a router with TCP for port 255, refusals, mutual -s and a
// lossy link (spec inet.md §10).
// Timing figures are printed: they vary with the machine's load.
// deno-lint-ignore-file no-console

import assert from "node:assert/strict";
import { sysexChecksum, waitFor } from "./_harness.ts";
import { netnsTest, python3 } from "./_netns_gate.ts";
import { createWan } from "./_wan_router.ts";
import {
  renderingErrors,
  sendKeyOns,
  sendSysEx,
  startInetStation,
} from "./_inet_station.ts";
import { checkTiming, connectBothWays, logged, stats } from "./_inet_checks.ts";

Deno.test(
  netnsTest(
    "inet WAN: -s connects over the router, events arrive at date + g + M, a 60 000-byte SysEx on port 255 goes intact by TCP, -m refuses, and a quit sends its report",
    async () => {
      await using wan = await createWan({ impairment: { delayMs: 5 } });
      await using sa = await startInetStation(wan.a);
      await using sb = await startInetStation(wan.b);
      const ua = await sa.openUser("userA");
      const ub = await sb.openUser("userB");
      const da = sa.startDriver(["-s", "-m", "1"]);
      await logged(da, "TCP server mode on: 1 clients allowed", 20_000);
      const db = sb.startDriver(["-s", wan.a.address]);
      const looking = await logged(
        db,
        `Looking for ${wan.a.address}...`,
        20_000,
      );
      const connecting = await logged(db, /^Connecting to .+\.\.\.$/);
      const checking = await logged(db, "Checking latency time...");
      assert.ok(looking < connecting && connecting < checking);
      await logged(db, `: connection complete [${wan.a.address}].`, 15_000);
      await logged(da, `: connection complete [${wan.b.address}].`, 15_000);
      const aInB = db.reader.lines.find((l) => l.includes("complete"))!
        .replace(/^\[[^\]]*\] /, "").split(" : ")[0]!;
      const bInA = da.reader.lines.find((l) => l.includes("complete"))!
        .replace(/^\[[^\]]*\] /, "").split(" : ")[0]!;
      await connectBothWays(sb, ub.ref, aInB);
      await connectBothWays(sa, ua.ref, bInA);

      const first = sb.ms.MidiGetTime() + 100;
      const sent = sendKeyOns(sb.ms, ub.ref, {
        count: 50,
        first,
        spacingMs: 10,
      });
      sendSysEx(sb.ms, ub.ref, { size: 60_000, date: first + 20, port: 255 });
      await waitFor(() => ua.received.length === 51, "the events", 10_000);
      const sysex = ua.received.find((r) => r.type === 17)!;
      assert.deepEqual(
        [sysex.port, sysex.fieldCount, sysex.checksum],
        [255, 60_000, sysexChecksum(60_000)],
      );
      const errors = renderingErrors(sb, sent, sa, ua.received, 1700);
      console.log(
        `WAN, 5 ms each way: ${stats(errors)} (anchor transit included)`,
      );
      await checkTiming("WAN rendering", () => {
        for (const e of errors) {
          assert.ok(e >= 3 && e <= 40, `rendering error ${e} ms`);
        }
      });

      // -m 1: a second connection is refused with reason 1 and closed (§5.3, D20).
      const probe = await wan.b.output(python3()!, [
        "-c",
        [
          "import socket",
          `s = socket.create_connection(("${wan.a.address}", 4951), timeout=5)`,
          "data = b''",
          "while True:",
          "    chunk = s.recv(64)",
          "    if not chunk: break",
          "    data += chunk",
          "print(data.hex())",
        ].join("\n"),
      ]);
      assert.equal(probe.stdout.trim(), "100101070001", probe.stderr);
      await logged(da, "connection refused: too much clients.");

      // Orderly quit: TCPBye with the report (§5.6).
      assert.equal(await db.quit(), 0);
      await logged(
        da,
        `${bInA} : remote connection report: v:100 maxLat:1500 over:0 missing:0`,
      );
      await logged(da, `${bInA} : connection closed.`);
      await waitFor(async () => !(await sa.has(bInA)), "B's application gone");
      assert.equal(await da.quit(), 0);
    },
  ),
);

Deno.test(
  netnsTest(
    "inet WAN: two stations that list each other keep one TCP connection (D32)",
    async () => {
      await using wan = await createWan({ impairment: { delayMs: 2 } });
      await using sa = await startInetStation(wan.a);
      await using sb = await startInetStation(wan.b);
      const da = sa.startDriver(["-s", wan.b.address]);
      const db = sb.startDriver(["-s", wan.a.address]);
      await logged(da, `: connection complete [${wan.b.address}].`, 25_000);
      await logged(db, `: connection complete [${wan.a.address}].`, 25_000);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      for (const s of [wan.a, wan.b]) {
        const { stdout } = await s.output("ss", [
          ...["-Htn", "state", "established"],
          "( sport = :4951 or dport = :4951 )",
        ]);
        const lines = stdout.trim().split("\n").filter((l) => l !== "");
        assert.equal(lines.length, 1, `${s.name}: ${stdout}`);
      }
      assert.equal(await da.quit(), 0);
      assert.equal(await db.quit(), 0);
    },
  ),
);

Deno.test(
  netnsTest(
    "inet WAN over a lossy link: lost packets are counted, every event that arrives plays at its date",
    async () => {
      await using wan = await createWan({
        impairment: { delayMs: 10, lossPercent: 10 },
        udpPort: 4951,
      });
      await using sa = await startInetStation(wan.a);
      await using sb = await startInetStation(wan.b);
      const ua = await sa.openUser("userA");
      const ub = await sb.openUser("userB");
      const args = ["-g", "20", "-lat", "100"];
      const da = sa.startDriver(["-s", ...args]);
      await logged(da, "UDP port", 20_000);
      const db = sb.startDriver(["-s", wan.a.address, ...args]);
      await logged(da, `: connection complete [${wan.b.address}].`, 20_000);
      const bInA = await waitFor(
        () =>
          da.reader.lines.find((l) => l.includes("complete"))
            ?.replace(/^\[[^\]]*\] /, "").split(" : ")[0],
        "the name",
      );
      await connectBothWays(sa, ua.ref, bInA);
      const aInB = await waitFor(
        () =>
          db.reader.lines.find((l) => l.includes("complete"))
            ?.replace(/^\[[^\]]*\] /, "").split(" : ")[0],
        "the name",
      );
      await connectBothWays(sb, ub.ref, aInB);
      const count = 1000;
      const sent = sendKeyOns(sb.ms, ub.ref, {
        count,
        first: sb.ms.MidiGetTime() + 100,
        spacingMs: 2,
      });
      await new Promise((resolve) =>
        setTimeout(resolve, 100 + 2 * count + 1500)
      );
      const errors = renderingErrors(sb, sent, sa, ua.received, 120);
      console.log(
        `lossy WAN: ${ua.received.length} of ${count} events arrived; ${
          stats(errors)
        } (router ${JSON.stringify(await wan.router.counts())})`,
      );
      assert.ok(ua.received.length < count, "some packets were lost");
      assert.ok(ua.received.length > count / 2, "most packets arrived");
      const sorted = [...errors].sort((x, y) => x - y);
      const median = sorted[Math.floor(sorted.length / 2)]!;
      await checkTiming("lossy rendering", () => {
        for (const e of errors) {
          assert.ok(
            Math.abs(e - median) <= 2,
            `error ${e} vs median ${median}`,
          );
        }
      });
      // A's quit reports what A found missing from B (§5.6); B logs it.
      assert.equal(await da.quit(), 0);
      const line = db.reader.lines[
        await logged(db, "remote connection report")
      ]!;
      const missing = Number(/missing:(\d+)/.exec(line)?.[1]);
      assert.ok(missing >= 1, line);
      assert.match(line, /maxLat:100 over:0 /);
      assert.equal(await db.quit(), 0);
    },
  ),
);
