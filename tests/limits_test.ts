// Integration: the server's limits under abuse. Running out of descriptors, peers
// that never finish their handshake or their frame, and clients that never read.
// The probes are in `_stress.ts`.

import assert from "node:assert/strict";
import { startAgent, startServer, waitFor } from "./_harness.ts";
import {
  halfFrame,
  helloFrame,
  limitDescriptors,
  openConnections,
  openDescriptors,
  residentBytes,
  withDeadline,
} from "./_stress.ts";
import { FRAME_KINDS } from "@midishare/transport/gen/frames_gen";
import { createClient } from "@midishare/client";

const typeSysEx = 17;
const MIB = 1024 * 1024;

/** Opens an application with a client of this process, within a deadline. */
async function openWithNewClient(socketPath: string, name: string) {
  const client = createClient({ socketPath, autoStart: false, name });
  try {
    const ref = await withDeadline(
      client.MidiOpen(name),
      15_000,
      `MidiOpen("${name}") by a new client`,
    );
    assert.ok(ref >= 1);
  } finally {
    await client.close();
  }
}

Deno.test("the server keeps accepting after running out of descriptors", async (t) => {
  await using server = await startServer();
  await using early = startAgent(server.socketPath, "early");
  const e = await early.call("MidiOpen", "early") as number;
  const pid = server.child.pid;
  await limitDescriptors(pid, await openDescriptors(pid) + 24);
  const outOfDescriptors = /Too many open files/;

  await t.step(
    "a new client gets in once the idle connections close",
    async () => {
      {
        await using _idle = await openConnections(server.socketPath, 60);
        await waitFor(
          () => outOfDescriptors.test(server.log()),
          "the listener to run out of descriptors",
        );
      }
      await openWithNewClient(server.socketPath, "after");
    },
  );
  await t.step(
    "a new client gets in while idle connections stay: they are shed",
    async () => {
      await using idle = await openConnections(server.socketPath, 60);
      await openWithNewClient(server.socketPath, "during");
      assert.ok(idle.closedByServer() > 0, "no idle connection was shed");
    },
  );
  // One log line per episode, not one per failed accept.
  const episodes =
    server.log().split("\n").filter((line) =>
      /cannot accept connections: Too many open files/.test(line)
    ).length;
  assert.ok(episodes >= 1 && episodes <= 2, server.log());
  assert.equal(await early.call("MidiGetName", e), "early");
});

Deno.test("a connection that sends no HELLO is closed after the handshake deadline", async () => {
  await using server = await startServer();
  await using idle = await openConnections(server.socketPath, 3);
  await waitFor(
    () => idle.closedByServer() === 3,
    "the server to close the idle connections",
    15_000,
  );
  assert.match(server.log(), /no HELLO within 5000 ms/);
});

Deno.test("half-sent frames do not grow the server beyond its budget", async (t) => {
  await using server = await startServer({
    args: ["--connection-memory", "32MiB"],
  });
  const pid = server.child.pid;
  await using good = startAgent(server.socketPath, "good");
  const g = await good.call("MidiOpen", "good") as number;
  const baseline = await residentBytes(pid);

  await t.step(
    "a large frame before HELLO closes the connection at once",
    async () => {
      await using conns = await openConnections(
        server.socketPath,
        100,
        halfFrame(FRAME_KINDS.hello, 4 * MIB, 2 * MIB),
      );
      await waitFor(
        () => conns.closedByServer() === conns.conns.length,
        "the server to close them",
        30_000,
      );
      assert.match(server.log(), /frame of 4194304 bytes before HELLO/);
    },
  );
  await t.step("half frames after HELLO stay within the budget", async () => {
    const first = new Uint8Array([
      ...helloFrame("half"),
      ...halfFrame(FRAME_KINDS.call, 4 * MIB, 3 * MIB),
    ]);
    await using conns = await openConnections(server.socketPath, 80, first);
    await waitFor(
      () => /connection memory budget/.test(server.log()),
      "the budget to close a connection",
      30_000,
    );
    const grown = (await residentBytes(pid)) - baseline;
    assert.ok(
      grown < 160 * MIB,
      `the server grew by ${Math.round(grown / MIB)} MiB`,
    );
    assert.ok(conns.closedByServer() > 0);
  });
  assert.equal(await good.call("MidiGetName", g), "good");
});

Deno.test("slow consumers share one memory budget and a bystander keeps working", async () => {
  await using server = await startServer({
    args: ["--connection-memory", "32MiB"],
  });
  const pid = server.child.pid;
  await using sender = startAgent(server.socketPath, "sender");
  await using bystander = startAgent(server.socketPath, "bystander");
  const s = await sender.call("MidiOpen", "sender") as number;
  await sender.call("MidiGrowSpace", 100_000);
  const b = await bystander.call("MidiOpen", "bystander") as number;
  const slow = Array.from(
    { length: 6 },
    (_, i) => startAgent(server.socketPath, `slow${i}`),
  );
  try {
    for (const [i, agent] of slow.entries()) {
      const ref = await agent.call("MidiOpen", `slow${i}`) as number;
      await sender.call("MidiConnect", s, ref, true);
      agent.kill("SIGSTOP"); // it never reads its socket again
    }
    const baseline = await residentBytes(pid);
    let peak = baseline;
    let isFlooding = true;
    const sampling = (async () => {
      while (isFlooding) {
        peak = Math.max(peak, await residentBytes(pid));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      for (let i = 0; i < 60; i++) {
        await sender.run("send", { ref: s, type: typeSysEx, bytes: 512 << 10 });
        // The bystander's calls keep being answered during the flood.
        if (i % 10 === 0) {
          await withDeadline(
            bystander.call("MidiGetName", b),
            15_000,
            "an answer to the bystander",
          );
        }
      }
      await waitFor(
        () =>
          (server.log().match(/connection memory budget/g)?.length ?? 0) >= 1,
        "the budget to close slow consumers",
        30_000,
      );
      await sender.call("MidiCountAppls");
    } finally {
      isFlooding = false;
      await sampling;
    }
    const grown = peak - baseline;
    assert.ok(
      grown < 160 * MIB,
      `the server grew by ${Math.round(grown / MIB)} MiB`,
    );
    assert.equal(await bystander.call("MidiGetName", b), "bystander");
  } finally {
    for (const agent of slow) agent.kill("SIGKILL");
    await Promise.all(slow.map((a) => a.done()));
  }
});
