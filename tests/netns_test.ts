// The test network of tests/_netns.ts: stations in their own namespaces with their
// own host names, broadcast across the bridge, a real server per station, and
// nothing left behind, even when the test body fails.

import assert from "node:assert/strict";
import { startAgent } from "./_harness.ts";
import { createLan, run } from "./_netns.ts";
import { netnsTest } from "./_netns_gate.ts";
import type { Station } from "./_station.ts";
import { type ProbeReceipt, startProbe } from "./_udp_probe.ts";

async function ourNamespaces(): Promise<string[]> {
  const list = await run("ip", ["netns", "list"]);
  return list.split("\n").map((l) => l.split(" ")[0]!).filter((n) =>
    n.startsWith(`msnet-${Deno.pid}-`)
  );
}

Deno.test(
  netnsTest(
    "createLan() stations have their own host names and broadcast reaches every other station",
    async () => {
      const hostName = Deno.hostname();
      await using lan = await createLan({
        stations: ["alpha", "beta", "gamma"],
      });
      const [a, b, c] = lan.stations as [Station, Station, Station];
      assert.deepEqual([a.address, b.address, c.address], [
        "10.77.0.2",
        "10.77.0.3",
        "10.77.0.4",
      ]);
      assert.deepEqual(a.broadcast, "10.77.0.255");
      for (const s of lan.stations) {
        const out = await s.output("hostname");
        assert.deepEqual(out.stdout.trim(), s.name);
        const env = await s.output("sh", ["-c", 'echo "$MIDISHARE_SOCKET"']);
        assert.deepEqual(env.stdout.trim(), s.socketPath);
      }
      assert.deepEqual(Deno.hostname(), hostName, "the test's own host name");

      const port = "4950";
      const receivers = await Promise.all(
        [b, c].map((s) =>
          startProbe(s, ["recv", "--port", port, "--expect", "3"])
        ),
      );
      const sender = await startProbe(a, [
        ...["send", "--to", a.broadcast, "--port", port, "--count", "3"],
      ]);
      assert.deepEqual(
        (await sender.child.status).code,
        0,
        sender.reader.stderr(),
      );
      for (const r of receivers) {
        const got = await r.result<ProbeReceipt>("the broadcast datagrams");
        assert.deepEqual(got.count, 3);
        assert.deepEqual(got.from, [a.address]);
        assert.deepEqual(got.seqs, [0, 1, 2]);
      }
    },
    { withPython: true },
  ),
);

Deno.test(
  netnsTest(
    "Station.startServer() runs a server in the station that clients reach by its socket path",
    async () => {
      await using lan = await createLan({ stations: 2 });
      const [a, b] = lan.stations as [Station, Station];
      await using serverA = await a.startServer();
      await using serverB = await b.startServer();
      await using agentA = startAgent(serverA.socketPath, "onA");
      await using agentB = startAgent(serverB.socketPath, "onB");
      const refA = await agentA.call("MidiOpen", "onA");
      await agentB.call("MidiOpen", "onB");
      assert(typeof refA === "number" && refA > 0);
      // Two servers, two kernels: each sees only its own application.
      assert.deepEqual(await agentA.call("MidiCountAppls"), 2);
      assert.deepEqual(await agentB.call("MidiCountAppls"), 2);
      assert((await agentB.call("MidiGetNamedAppl", "onA") as number) < 0);
    },
  ),
);

Deno.test(
  netnsTest(
    "createLan() removes its namespaces and processes when the test body throws",
    async () => {
      let names: string[] = [];
      let pid = 0;
      await assert.rejects(async () => {
        await using lan = await createLan({ stations: 2 });
        names = [...lan.lab.namespaces];
        const child = lan.stations[0]!.spawn("sleep", ["60"], {
          stdout: "null",
          stderr: "null",
        });
        pid = child.pid;
        throw new Error("the body failed");
      }, /the body failed/);
      assert.deepEqual(names.length, 3);
      const left = await ourNamespaces();
      for (const name of names) assert(!left.includes(name), name);
      const alive = await Deno.stat(`/proc/${pid}`).then(
        () => true,
        () => false,
      );
      assert(!alive, `process ${pid} still runs`);
    },
  ),
);
