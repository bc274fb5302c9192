// The raw UDP baseline of the network driver's benchmark runs (briefly) and leaves
// no namespace behind.

import assert from "node:assert/strict";
import { run } from "./_netns.ts";
import { netnsTest } from "./_netns_gate.ts";

const SCRIPT = new URL("../scripts/bench/inet_baseline.ts", import.meta.url)
  .pathname;

Deno.test(
  netnsTest(
    "inet_baseline.ts measures a UDP ping-pong and a UDP throughput between two namespaces",
    async () => {
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", SCRIPT, "--quick"],
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      const out = await child.output().finally(() => clearTimeout(timer));
      const text = new TextDecoder();
      assert.equal(out.code, 0, text.decode(out.stderr));
      const lines = text.decode(out.stdout).trim().split("\n");
      const result = JSON.parse(lines.at(-1)!);
      assert.equal(result.pingPongUs.rounds, 500);
      assert.ok(result.pingPongUs.p50 > 0 && result.pingPongUs.max >= 0);
      assert.equal(result.udpThroughput.sent, 5_000);
      assert.ok(result.udpThroughput.received > 0);
      assert.ok(result.udpThroughput.bytesPerSecond > 0);
      const left = await run("ip", ["netns", "list"]);
      assert.ok(!left.includes(`msnet-${child.pid}-`), left);
    },
  ),
);
