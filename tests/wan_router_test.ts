// The WAN router of tests/_wan_router.ts at the packet level, with plain UDP and TCP
// sockets: UDP is delayed, dropped, duplicated and reordered exactly as the seed
// predicts, TCP passes intact, and each station sees the other at its real address.

import assert from "node:assert/strict";
import { netnsTest } from "./_netns_gate.ts";
import { type ProbeReceipt, startProbe } from "./_udp_probe.ts";
import { createWan, type Impairment, planImpairment } from "./_wan_router.ts";

const UDP_PORT = "4951";
const TCP_PORT = "4952";

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

Deno.test(
  netnsTest(
    "createWan() delays and drops UDP as its seed predicts, passes TCP and keeps both addresses",
    async () => {
      const count = 1000;
      const lossy = { delayMs: 50, jitterMs: 10, lossPercent: 1 };
      await using wan = await createWan({ impairment: lossy });
      const { a, b, router } = wan;
      const seed = router.seed;
      const context = `seed ${seed}`;

      // 1 % loss, 50 ± 10 ms, A to B; meanwhile 1 MB of TCP, A to B.
      const udp = await startProbe(b, ["recv", "--port", UDP_PORT]);
      const tcp = await startProbe(b, ["tcp-recv", "--port", TCP_PORT]);
      const tcpSender = await startProbe(a, [
        ...["tcp-send", "--to", b.address, "--port", TCP_PORT],
        ...["--bytes", String(1 << 20), "--seed", String(seed)],
      ]);
      const udpSender = await startProbe(a, [
        ...["send", "--to", b.address, "--port", UDP_PORT],
        ...["--count", String(count), "--interval-ms", "1", "--size", "64"],
      ]);
      assert.equal((await udpSender.child.status).code, 0);
      const got = await udp.result<ProbeReceipt>("the UDP datagrams");
      const sent = await tcpSender.result<{ sha256: string }>("the TCP sender");
      const received = await tcp.result<
        { from: string; bytes: number; sha256: string }
      >("the TCP receiver");

      const plan = planImpairment({ ...lossy, seed }, count);
      assert.deepEqual(got.from, [a.address], context);
      const missing = [];
      const seen = new Set(got.seqs);
      for (let i = 0; i < count; i++) if (!seen.has(i)) missing.push(i);
      assert.deepEqual(missing, plan.dropped, context);
      assert.ok(got.count >= count * 0.95, `${got.count} arrived; ${context}`);
      // In order (fifo), no datagram earlier than its own drawn delay allows.
      assert.deepEqual(got.seqs, [...got.seqs].sort((x, y) => x - y), context);
      got.seqs.forEach((seq, i) => {
        const drawn = plan.delaysMs[seq]!;
        assert.ok(
          got.delaysMs[i]! >= drawn - 0.01,
          `datagram ${seq}: ${
            got.delaysMs[i]
          } ms, drawn ${drawn} ms; ${context}`,
        );
      });
      // Loose statistical bounds: most waits stay near the 40..60 ms drawn.
      const p50 = percentile(got.delaysMs, 0.5);
      assert.ok(p50 >= 40 && p50 <= 80, `p50 ${p50} ms; ${context}`);
      const counts = await router.counts();
      // Every datagram went through the relay, and nothing else (no TCP).
      assert.equal(counts.in, count, JSON.stringify(counts));
      assert.equal(counts.dropped, plan.dropped.length);

      assert.equal(received.from, a.address);
      assert.equal(received.bytes, 1 << 20);
      assert.equal(received.sha256, sent.sha256);

      // B to A: duplicates and reordering, no loss, and A sees B's address.
      const shuffled: Impairment & { seed: number } = {
        delayMs: 5,
        jitterMs: 0,
        lossPercent: 0,
        duplicatePercent: 5,
        reorderPercent: 5,
        reorderMs: 20,
        seed: seed ^ 0x5a5a5a5a,
      };
      const reverseCount = 300;
      await router.impair(shuffled);
      const back = await startProbe(a, ["recv", "--port", UDP_PORT]);
      const backSender = await startProbe(b, [
        ...["send", "--to", a.address, "--port", UDP_PORT],
        ...["--count", String(reverseCount), "--interval-ms", "1"],
      ]);
      assert.equal((await backSender.child.status).code, 0);
      const gotBack = await back.result<ProbeReceipt>("the datagrams from B");
      const backPlan = planImpairment(shuffled, reverseCount);
      const backContext = `seed ${shuffled.seed}`;
      assert.deepEqual(gotBack.from, [b.address], backContext);
      assert.equal(
        gotBack.count,
        reverseCount + backPlan.duplicated.length,
        backContext,
      );
      const twice = [...new Set(gotBack.seqs)].filter((s) =>
        gotBack.seqs.indexOf(s) !== gotBack.seqs.lastIndexOf(s)
      ).sort((x, y) => x - y);
      assert.deepEqual(twice, backPlan.duplicated, backContext);
      // A held-back datagram arrives after later ones.
      const late = gotBack.seqs.filter((s, i) =>
        gotBack.seqs.slice(0, i).some((earlier) => earlier > s)
      );
      // (The last ones have nothing left to overtake them.)
      for (
        const seq of backPlan.reordered.filter((s) => s < reverseCount - 40)
      ) {
        assert.ok(late.includes(seq), `${seq} not overtaken; ${backContext}`);
      }
    },
    { withPython: true },
  ),
);

Deno.test(
  netnsTest(
    "createWan() with udpPort impairs only UDP to that port",
    async () => {
      await using wan = await createWan({
        impairment: { delayMs: 100, seed: 7 },
        udpPort: 4951,
      });
      const { a, b, router } = wan;
      for (const port of ["4951", "4953"]) {
        const udp = await startProbe(b, ["recv", "--port", port]);
        const sender = await startProbe(a, [
          ...["send", "--to", b.address, "--port", port, "--count", "20"],
        ]);
        assert.equal((await sender.child.status).code, 0);
        const got = await udp.result<ProbeReceipt>(`datagrams to ${port}`);
        assert.equal(got.count, 20);
        assert.deepEqual(got.from, [a.address]);
        const delayed = got.delaysMs.filter((d) => d >= 100).length;
        assert.equal(delayed, port === "4951" ? 20 : 0, `port ${port}`);
      }
      assert.equal((await router.counts()).in, 20);
    },
    { withPython: true },
  ),
);
