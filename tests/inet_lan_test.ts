// The Inet driver (`main.ts inet`) on a LAN between network namespaces: stations
// that find each other by real broadcast, exchange events at their exact dates,
// sleep and wake, leave with a Bye or by timeout and come back with their
// connections (spec inet.md §10).
// Timing figures are printed: they vary with the machine's load.
// deno-lint-ignore-file no-console

import assert from "node:assert/strict";
import { sysexChecksum, waitFor } from "./_harness.ts";
import { createLan } from "./_netns.ts";
import { netnsTest } from "./_netns_gate.ts";
import type { Station } from "./_station.ts";
import {
  renderingErrors,
  sendKeyOns,
  sendSysEx,
  startInetStation,
} from "./_inet_station.ts";
import {
  assertSteady,
  checkTiming,
  connectBothWays,
  isUdpBound,
  logged,
  stats,
} from "./_inet_checks.ts";

Deno.test(
  netnsTest(
    "inet LAN: three stations find each other by broadcast within about a second of their first client, see themselves, exchange events at their exact dates and a 3000-byte SysEx, and hear a Bye",
    async () => {
      await using lan = await createLan({
        stations: ["alpha", "beta", "gamma"],
      });
      const [a, b, c] = lan.stations as [Station, Station, Station];
      await using sa = await startInetStation(a);
      await using sb = await startInetStation(b);
      await using sc = await startInetStation(c);
      const all = [sa, sb, sc];
      const drivers = all.map((s) => s.startDriver());
      for (const d of drivers) await logged(d, "type 'q' to quit", 20_000);
      // Asleep: no socket, no application (§4.3, §10 item 31).
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const s of all) {
        assert.equal(await isUdpBound(s.station, 4950), false);
        assert.equal(await s.has("msLANDriver"), false);
      }
      const started = Date.now();
      const users = await Promise.all(all.map((s) => s.openUser("user")));
      for (const [i, d] of drivers.entries()) {
        for (const other of all) {
          const { name, address } = other.station;
          await logged(d, `${name} : peer arrived [${address}].`, 5_000);
          await all[i]!.refOf(name); // its remote application, itself included
        }
      }
      const discoveryMs = Date.now() - started;
      console.log(`three LAN stations discovered in ${discoveryMs} ms`);
      await checkTiming("discovery", () => {
        assert.ok(discoveryMs < 2_500, `discovery took ${discoveryMs} ms`);
      });

      // Events both ways between alpha and beta (§6.4: date + g + M).
      const [ua, ub] = users as [typeof users[0], typeof users[0]];
      await connectBothWays(sa, ua.ref, "beta");
      await connectBothWays(sb, ub.ref, "alpha");
      const first = sa.ms.MidiGetTime() + 100;
      const sentA = sendKeyOns(sa.ms, ua.ref, {
        count: 300,
        first,
        spacingMs: 2,
      });
      sendSysEx(sa.ms, ua.ref, { size: 3000, date: first + 700 });
      const sentB = sendKeyOns(sb.ms, ub.ref, {
        count: 100,
        first: sb.ms.MidiGetTime() + 100,
        spacingMs: 5,
      });
      await waitFor(
        () => ub.received.length === 301 && ua.received.length === 100,
        "every event",
        10_000,
      );
      const sysex = ub.received.find((r) => r.type === 17)!;
      assert.deepEqual(
        [sysex.fieldCount, sysex.checksum],
        [3000, sysexChecksum(3000)],
      );
      const errorsAB = renderingErrors(sa, sentA, sb, ub.received, 20);
      const errorsBA = renderingErrors(sb, sentB, sa, ua.received, 20);
      console.log(`alpha to beta: ${stats(errorsAB)}`);
      console.log(`beta to alpha: ${stats(errorsBA)}`);
      await checkTiming("rendering", () => {
        assertSteady(errorsAB, "alpha to beta");
        assertSteady(errorsBA, "beta to alpha");
      });
      const sysexError = sysex.date + sb.origin() - sa.origin() -
        (first + 700) - 20;
      await checkTiming("SysEx date", () => {
        assert.ok(Math.abs(sysexError) <= 10, `SysEx at ${sysexError} ms`);
      });

      // Bye: gamma quits; the others remove it at once, before any timeout (§4.7).
      assert.equal(await drivers[2]!.quit(), 0);
      const quitAt = Date.now();
      for (const d of drivers.slice(0, 2)) {
        await logged(d, `gamma : peer left [${c.address}].`, 2_000);
      }
      const byeMs = Date.now() - quitAt;
      await checkTiming("Bye", () => {
        assert.ok(byeMs < 450, `gamma removed after ${byeMs} ms`);
      });
      assert.equal(await sa.has("gamma"), false);
      assert.equal(await sc.has("msLANDriver"), false);
    },
  ),
);

Deno.test(
  netnsTest(
    "inet LAN: a station sleeps and wakes twice (D8), and one killed with SIGKILL is removed by timeout and comes back with its connections (§7.8)",
    async () => {
      await using lan = await createLan({ stations: ["alpha", "beta"] });
      const [a, b] = lan.stations as [Station, Station];
      await using sa = await startInetStation(a);
      await using sb = await startInetStation(b);
      const ub = await sb.openUser("userB");
      let da = sa.startDriver();
      const db = sb.startDriver();
      await logged(db, "beta : peer arrived", 20_000);
      await logged(da, "type 'q' to quit", 20_000);
      for (let round = 1; round <= 2; round++) {
        const from = db.reader.lines.length;
        const ua = await sa.openUser("userA");
        await logged(db, `alpha : peer arrived [${a.address}].`, 5_000, from);
        await sa.refOf("beta");
        assert.equal(await isUdpBound(a, 4950), true);
        sa.ms.MidiClose(ua.ref);
        await logged(db, `alpha : peer left [${a.address}].`, 2_000, from);
        await waitFor(
          async () => !(await sa.has("msLANDriver")) && !(await sa.has("beta")),
          `alpha asleep (round ${round})`,
        );
        await waitFor(
          async () => !(await isUdpBound(a, 4950)),
          "alpha's socket closed",
        );
      }
      // Connections of beta's user with alpha, then alpha's driver killed.
      const ua = await sa.openUser("userA");
      await logged(db, `alpha : peer arrived`, 5_000);
      const alpha = await connectBothWays(sb, ub.ref, "alpha");
      await waitFor(
        async () => await sb.ms.MidiIsConnected(alpha, ub.ref),
        "the connection",
      );
      // The memory follows connections through application alarms: let it see them.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const from = db.reader.lines.length;
      da.child.kill("SIGKILL");
      await da.child.status;
      const killedAt = Date.now();
      await logged(db, `alpha : peer left [${a.address}].`, 3_000, from);
      const goneMs = Date.now() - killedAt;
      await checkTiming("timeout", () => {
        assert.ok(
          goneMs >= 400 && goneMs <= 1_600,
          `removed after ${goneMs} ms`,
        );
      });
      da = sa.startDriver();
      await logged(db, `alpha : peer arrived [${a.address}].`, 20_000, from);
      const again = await sb.refOf("alpha");
      await waitFor(
        async () =>
          await sb.ms.MidiIsConnected(again, ub.ref) &&
          await sb.ms.MidiIsConnected(ub.ref, again),
        "the connections restored",
        5_000,
      );
      // A program connected with alpha quits and starts again (§10 item 60); another
      // application keeps beta's driver awake meanwhile.
      await sb.openUser("keeper");
      sb.ms.MidiClose(ub.ref);
      const ub2 = await sb.openUser("userB");
      await waitFor(
        async () =>
          await sb.ms.MidiIsConnected(again, ub2.ref) &&
          await sb.ms.MidiIsConnected(ub2.ref, again),
        "userB reconnected when it opened again",
        5_000,
      );
      sa.ms.MidiClose(ua.ref);
      assert.equal(await da.quit(), 0);
    },
  ),
);
