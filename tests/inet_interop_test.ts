// The Inet driver (`main.ts inet`) with the independent Python station on a LAN
// between network namespaces: each opens the other and both exchange events
// (spec inet.md §10).

import assert from "node:assert/strict";
import { sysexChecksum, waitFor } from "./_harness.ts";
import { createLan } from "./_netns.ts";
import { netnsTest } from "./_netns_gate.ts";
import { startPyStation } from "./_py_station.ts";
import type { Station } from "./_station.ts";
import { sendKeyOns, sendSysEx, startInetStation } from "./_inet_station.ts";
import { connectBothWays, logged } from "./_inet_checks.ts";

Deno.test(
  netnsTest(
    "inet LAN interoperates with the Python station: each opens the other and both exchange a KeyOn and a 3000-byte SysEx",
    async () => {
      await using lan = await createLan({ stations: ["pyalpha", "beta"] });
      const [a, b] = lan.stations as [Station, Station];
      await using sb = await startInetStation(b);
      const ub = await sb.openUser("userB");
      const db = sb.startDriver();
      await logged(db, "beta : peer arrived", 20_000);
      const py = await startPyStation(a, ["--mode", "lan"]);
      try {
        await py.waitOpen(b.address);
        const remote = await connectBothWays(sb, ub.ref, "pyalpha");
        assert.ok(remote > 0);
        // Python to the driver.
        await py.command("send", {
          to: b.address,
          events: [
            { type: 1, port: 0, chan: 3, fields: [60, 100] },
            { type: 17, port: 0, chan: 0, sysexLength: 3000 },
          ],
        });
        await waitFor(() => ub.received.length === 2, "python's events");
        const [keyOn, sysex] = ub.received;
        assert.deepEqual([keyOn!.type, keyOn!.chan, keyOn!.fields], [1, 3, [
          60,
          100,
        ]]);
        assert.deepEqual(
          [sysex!.type, sysex!.fieldCount, sysex!.checksum],
          [17, 3000, sysexChecksum(3000)],
        );
        // The driver to Python.
        const from = py.lines().length;
        const now = sb.ms.MidiGetTime();
        sendKeyOns(sb.ms, ub.ref, { count: 1, first: now + 50, spacingMs: 1 });
        sendSysEx(sb.ms, ub.ref, { size: 3000, date: now + 60 });
        const events = () =>
          py.lines().slice(from).filter((l) =>
            l.kind === "event" && l.from === b.address
          );
        await py.waitFor(() => events().length >= 2, "the driver's events");
        const [k, s] = events();
        assert.deepEqual([k!.type, k!.chan, k!.fields], [1, 3, [0, 0]]);
        assert.deepEqual(
          [s!.type, s!.fieldCount, s!.checksum],
          [17, 3000, sysexChecksum(3000)],
        );
      } finally {
        assert.equal((await py.quit()).code, 0);
      }
      await logged(db, `pyalpha : peer left [${a.address}].`, 3_000);
      assert.equal(await db.quit(), 0);
    },
  ),
);
