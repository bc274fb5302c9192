// Integration: the request rings of clients allowed to use FFI. The ring is used by
// default and not with MIDISHARE_SHARED_RING=off, calls keep their order across the
// ring and the socket, and a killed client leaves no mapping and no descriptor in the
// server. Hostile rings are in `shared_ring_hostile_test.ts`.

import assert from "node:assert/strict";
import { createClient, type MidiShareClient } from "@midishare/client";
import {
  type Agent,
  gather,
  type ServerProcess,
  socketsOn,
  startAgent,
  startServer,
  waitFor,
} from "./_harness.ts";
import {
  attachedRings,
  clientIdOf,
  descriptors,
  mappedRings,
  newDescriptors,
  waitForDisconnect,
} from "./_rings.ts";

const typeKeyOn = 1, typeSysEx = 17;
/** SysEx data bytes past the largest frame a ring takes (16 KiB): the socket's. */
const SOCKET_SYSEX_BYTES = 17_000;

interface Received {
  type: number;
  fields: number[];
}

/** The client id the server gave process `pid`, once it logged it. */
function clientId(server: ServerProcess, pid: number): Promise<number> {
  return waitFor(
    () => clientIdOf(server.log(), pid),
    `the connection of process ${pid}`,
  );
}

/** Waits until `client` has attached its request ring. */
async function ringOf(server: ServerProcess, client: number): Promise<void> {
  await waitFor(
    async () => (await attachedRings(server.child.pid)).includes(client),
    `client ${client} to attach its request ring`,
  );
}

/** `from` sends key-ons 1..count to `to` of agent `receiver`, which gets them all. */
async function exchange(
  sender: Agent,
  from: number,
  receiver: Agent,
  to: number,
  count: number,
): Promise<void> {
  await receiver.run("collect", { ref: to });
  await sender.call("MidiConnect", from, to, true);
  for (let i = 1; i <= count; i++) {
    await sender.run("send", { ref: from, type: typeKeyOn, fields: [i, 64] });
  }
  const got = await gather<Received>(receiver, "received", count);
  assert.deepEqual(
    got.map((e) => e.fields[0]),
    Array.from({ length: count }, (_, i) => i + 1),
  );
}

Deno.test("a client with FFI sends through a request ring; MIDISHARE_SHARED_RING=off keeps to its socket", async () => {
  await using server = await startServer();
  await using off = startAgent(server.socketPath, "off", {
    MIDISHARE_SHARED_RING: "off",
  });
  const a = await off.call("MidiOpen", "off") as number;
  await off.call("MidiGetName", a);
  await using ringed = startAgent(server.socketPath, "ringed");
  const b = await ringed.call("MidiOpen", "ringed") as number;
  await ringed.call("MidiGetName", b);
  const ringedId = await clientId(server, ringed.child.pid);
  await ringOf(server, ringedId);

  // Both ways work, whichever path each sender takes.
  await exchange(off, a, ringed, b, 3);
  await exchange(ringed, b, off, a, 3);
  assert.equal(await off.call("MidiGetName", b), "ringed");
  assert.deepEqual(
    await mappedRings(server.child.pid),
    [ringedId],
    "the server maps a ring for the client that turned it off",
  );
});

/** In one synchronous run: what `ms` sends from `a`, and the answers it awaits. */
function burst(
  ms: MidiShareClient,
  a: number,
  other: number,
): { sent: string[]; answers: Promise<boolean[]> } {
  const sent: string[] = [];
  const answers: Promise<boolean>[] = [];
  for (let i = 0; i < 400; i++) {
    if (i % 50 === 25) {
      const size = SOCKET_SYSEX_BYTES + i;
      const e = ms.MidiNewEv(typeSysEx)!;
      for (let j = 0; j < size; j++) ms.MidiAddField(e, j & 0x7f);
      ms.MidiSendIm(a, e);
      sent.push(`sysex ${size}`);
    } else {
      const e = ms.MidiNewEv(typeKeyOn)!;
      ms.MidiSetField(e, 0, i & 0x7f);
      ms.MidiSetField(e, 1, (i >> 7) + 1);
      ms.MidiSendIm(a, e);
      sent.push(`key ${i & 0x7f} ${(i >> 7) + 1}`);
    }
    // One-way calls in the ring, then requests on the socket that must see them.
    if (i === 150) {
      ms.MidiConnect(a, other, true);
      answers.push(ms.MidiIsConnected(a, other));
    } else if (i === 300) {
      ms.MidiConnect(a, other, false);
      answers.push(ms.MidiIsConnected(a, other).then((is) => !is));
    }
  }
  return { sent, answers: Promise.all(answers) };
}

Deno.test("calls keep their order across the ring and the socket", async () => {
  await using server = await startServer();
  await using receiver = startAgent(server.socketPath, "receiver");
  const r = await receiver.call("MidiOpen", "receiver") as number;
  const other = await receiver.call("MidiOpen", "other") as number;
  await receiver.call("MidiGrowSpace", 100_000);
  await receiver.run("collect", { ref: r });
  const ms = createClient({
    socketPath: server.socketPath,
    autoStart: false,
    name: "burst",
  });
  try {
    const a = await ms.MidiOpen("burst");
    ms.MidiGrowSpace(100_000);
    ms.MidiConnect(a, r, true);
    assert.equal(await ms.MidiIsConnected(a, r), true);
    await ringOf(server, await clientId(server, Deno.pid));

    const { sent, answers } = burst(ms, a, other);
    const got = await gather<Received>(receiver, "received", sent.length);
    assert.deepEqual(
      got.map((e) =>
        e.type === typeSysEx
          ? `sysex ${e.fields[0]}`
          : `key ${e.fields[0]} ${e.fields[1]}`
      ),
      sent,
    );
    assert.deepEqual(await answers, [true, true], "MidiIsConnected answers");
  } finally {
    await ms.close();
  }
});

Deno.test("killed clients leave no request ring and no descriptor in the server", async () => {
  await using server = await startServer();
  const pid = server.child.pid;
  // The harness's probe of the socket is gone: only the listening socket is left.
  await waitFor(
    async () => await socketsOn(server.socketPath) === 1,
    "the server to close the harness's probe",
  );
  const before = await descriptors(pid);
  for (let round = 0; round < 2; round++) {
    const agents = Array.from(
      { length: 3 },
      (_, i) => startAgent(server.socketPath, `doomed${round}.${i}`),
    );
    for (const [i, agent] of agents.entries()) {
      const ref = await agent.call("MidiOpen", `doomed${i}`) as number;
      await agent.run("collect", { ref });
      await agent.call("MidiConnect", ref, ref, true);
      await agent.run("send", { ref, type: typeKeyOn, fields: [60, 64] });
      await gather(agent, "received", 1);
      await ringOf(server, await clientId(server, agent.child.pid));
    }
    for (const agent of agents) agent.kill("SIGKILL");
    for (const agent of agents) {
      await agent.done();
      await waitForDisconnect(server.log, agent.child.pid);
    }
    // The listener's close of a socket may end a moment after the log line.
    await waitFor(
      async () =>
        (await mappedRings(pid)).length === 0 &&
        (await descriptors(pid)).size === before.size,
      "the rings and descriptors of the killed clients to go",
      5_000,
    ).catch(async (error) => {
      throw new Error(
        `${error.message}: rings still mapped ${
          JSON.stringify(await mappedRings(pid))
        }, new descriptors ${
          JSON.stringify(newDescriptors(before, await descriptors(pid)))
        }`,
      );
    });
  }
});
