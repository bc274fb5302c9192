// Integration: hostile request rings. A client speaking the protocol by hand
// (`_ring_intruder.ts`) attaches a ring and writes garbage into it: the server closes
// that client, says why in its log, and keeps serving a bystander. Its memory file
// cannot be resized under the server's mapping either.

import assert from "node:assert/strict";
import {
  type Agent,
  gather,
  type ServerProcess,
  startAgent,
  startServer,
  waitFor,
} from "./_harness.ts";
import { field, runIntruder } from "./_rings.ts";

const typeKeyOn = 1;
const EPERM = 1;

/** What each hostile case writes into its ring, and the reason the server logs. */
const CASES: [name: string, what: string, reason: RegExp][] = [
  ["tail-unaligned", "a tail moved by 6 bytes", /its tail moved by 6 bytes/],
  [
    "tail-too-far",
    "a tail moved past the ring's size",
    /its tail moved by 262148 bytes/,
  ],
  [
    "frame-too-long",
    "a frame longer than a ring takes",
    /a frame of 16388 bytes at byte 0/,
  ],
  [
    "malformed-call",
    "a MidiSendIm frame whose event is cut short",
    /Truncated frame: the event runs past its end/,
  ],
  [
    "one-way-with-sequence",
    "a one-way call with a reply sequence",
    /takes no reply sequence/,
  ],
  ...[1, 2, 3].flatMap((seed): [string, string, RegExp][] => [
    [`random:${seed}`, `random bytes (seed ${seed})`, /./],
    [
      `random-frames:${seed}`,
      `call frames of random bytes (seed ${seed})`,
      /./,
    ],
  ]),
];

/** A normal client with two connected applications of its own. */
async function startBystander(server: ServerProcess) {
  const agent = startAgent(server.socketPath, "bystander");
  const a = await agent.call("MidiOpen", "bystander") as number;
  const b = await agent.call("MidiOpen", "bystander-in") as number;
  await agent.run("collect", { ref: b });
  await agent.call("MidiConnect", a, b, true);
  return { agent, a, sent: 0 };
}

/** The bystander's calls are answered and its events delivered. */
async function assertBystanderWorks(
  bystander: { agent: Agent; a: number; sent: number },
): Promise<void> {
  const { agent, a } = bystander;
  assert.equal(await agent.call("MidiGetName", a), "bystander");
  const pitch = ++bystander.sent;
  await agent.run("send", { ref: a, type: typeKeyOn, fields: [pitch, 64] });
  const got = await gather<{ fields: number[] }>(agent, "received", 1);
  assert.deepEqual(got.map((e) => e.fields[0]), [pitch]);
}

/** Whether process `pid` still runs. */
async function isRunning(pid: number): Promise<boolean> {
  const stat = await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => "");
  return stat !== "" && !/^\d+ \(.*\) Z /s.test(stat);
}

Deno.test("a request ring that breaks the protocol closes its client, and only it", async (t) => {
  await using server = await startServer();
  const bystander = await startBystander(server);
  await using _bystander = bystander.agent;
  for (const [name, what, reason] of CASES) {
    await t.step(`${what} in the ring`, async () => {
      const logStart = server.log().length;
      const run = await runIntruder(server.socketPath, name);
      const client = field<number>(run, "client");
      assert.equal(field<boolean>(run, "isAttached"), true);
      assert.equal(field<boolean>(run, "firstEnded"), true, "first socket");
      assert.equal(field<boolean>(run, "secondEnded"), true, "kernel socket");
      // Logged before the server closed the socket; read from its pipe by now.
      const closing = new RegExp(
        `client ${client}: closing the connection: its request ring broke the protocol: (.*)`,
      );
      const broke = await waitFor(
        () => closing.exec(server.log().slice(logStart)) ?? undefined,
        `the reason to close client ${client} in the log`,
      );
      assert.match(broke[1]!, reason);
      assert.ok(await isRunning(server.child.pid), "the server died");
      await assertBystanderWorks(bystander);
    });
  }
});

Deno.test("the memory file of a ring cannot be resized under the server", async () => {
  await using server = await startServer();
  const bystander = await startBystander(server);
  await using _bystander = bystander.agent;
  const run = await runIntruder(server.socketPath, "truncate");
  assert.equal(run.code, 0, run.stderr);
  assert.ok(field<number>(run, "fd") >= 0, "the memory file did not open");
  assert.deepEqual(field(run, "shrink"), { rc: -1, errno: EPERM });
  assert.deepEqual(field(run, "grow"), { rc: -1, errno: EPERM });
  // The ring still works after the attempts: a call in it, seen by a request.
  assert.equal(field<string>(run, "name"), "sealed");
  assert.doesNotMatch(server.log(), /broke the protocol/);
  assert.ok(await isRunning(server.child.pid), "the server died");
  await assertBystanderWorks(bystander);
});

Deno.test("a client that asks for a ring again once attached keeps its ring and its answers", async () => {
  await using server = await startServer();
  const run = await runIntruder(server.socketPath, "reopen");
  assert.equal(run.code, 0, run.stderr);
  assert.equal(field<boolean>(run, "isAttached"), true);
  assert.equal(field<string>(run, "reopened"), "null");
  assert.equal(field<string>(run, "name"), "intruder");
});
