// Integration: real client processes exchanging events through a real server over a
// real Unix socket.

import assert from "node:assert/strict";
import {
  type Agent,
  gather,
  type ServerProcess,
  startAgent,
  startServer,
  sysexChecksum,
  waitFor,
} from "./_harness.ts";

interface Received {
  date: number;
  arrival: number;
  fields: number[];
  ref: number;
  refNum: number;
  type: number;
}

const typeKeyOn = 1, typeSysEx = 17;

/**
 * Two client processes: "sender" with application `a` connected to "receiver" with
 * application `b`, whose events are collected; each pool grown by the cells given.
 */
async function senderAndReceiver(
  server: ServerProcess,
  cells: { sender?: number; receiver?: number } = {},
): Promise<
  { sender: Agent; receiver: Agent; a: number; b: number } & AsyncDisposable
> {
  const sender = startAgent(server.socketPath, "sender");
  const receiver = startAgent(server.socketPath, "receiver");
  const a = await sender.call("MidiOpen", "sender") as number;
  const b = await receiver.call("MidiOpen", "receiver") as number;
  if (cells.sender) await sender.call("MidiGrowSpace", cells.sender);
  if (cells.receiver) await receiver.call("MidiGrowSpace", cells.receiver);
  await receiver.run("collect", { ref: b });
  await sender.call("MidiConnect", a, b, true);
  return {
    sender,
    receiver,
    a,
    b,
    async [Symbol.asyncDispose]() {
      await Promise.all([
        sender[Symbol.asyncDispose](),
        receiver[Symbol.asyncDispose](),
      ]);
    },
  };
}

Deno.test("two client processes exchange events at their exact dates", async () => {
  await using server = await startServer();
  await using pair = await senderAndReceiver(server);
  const { sender, receiver, a, b } = pair;
  assert.equal(await receiver.call("MidiIsConnected", a, b), true);
  const { time } = await sender.run("time") as { time: number };
  const start = time + 200;
  await sender.run("sendMany", {
    ref: a,
    type: typeKeyOn,
    date: start,
    count: 100,
    step: 3,
  });
  const got = await gather<Received>(receiver, "received", 100);
  assert.deepEqual(
    got.map((e) => e.date),
    Array.from({ length: 100 }, (_, i) => start + 3 * i),
  );
  assert.deepEqual(
    got.map((e) => e.fields[0]),
    Array.from({ length: 100 }, (_, i) => i),
  );
  assert.ok(got.every((e) => e.refNum === a));
  // Each arrives at or after its date (the client's clock follows the server's).
  assert.ok(
    got.every((e) => e.arrival >= e.date),
    JSON.stringify(got.slice(0, 3)),
  );
});

Deno.test("MidiSendAt from several clients keeps equal dates in server arrival order", async () => {
  await using server = await startServer();
  await using one = startAgent(server.socketPath, "one");
  await using two = startAgent(server.socketPath, "two");
  await using sink = startAgent(server.socketPath, "sink");
  const r1 = await one.call("MidiOpen", "one") as number;
  const r2 = await two.call("MidiOpen", "two") as number;
  const rs = await sink.call("MidiOpen", "sink") as number;
  await sink.run("collect", { ref: rs });
  await one.call("MidiConnect", r1, rs, true);
  await one.call("MidiConnect", r2, rs, true);
  const { time } = await one.run("time") as { time: number };
  const date = time + 300;
  // Strictly alternating arrivals: each send is confirmed (a request after it) first.
  for (let i = 0; i < 10; i++) {
    const [agent, ref] = i % 2 === 0 ? [one, r1] : [two, r2];
    await agent.run("send", { ref, type: typeKeyOn, fields: [i], date });
    await agent.call("MidiGetName", ref);
  }
  const got = await gather<Received>(sink, "received", 10);
  assert.deepEqual(got.map((e) => e.fields[0]), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.ok(got.every((e) => e.date === date));
});

Deno.test("tasks run in their own client at their date", async () => {
  await using server = await startServer();
  await using agent = startAgent(server.socketPath, "tasks");
  await using other = startAgent(server.socketPath, "other");
  const ref = await agent.call("MidiOpen", "tasks") as number;
  await other.call("MidiOpen", "other");
  const { time } = await agent.run("time") as { time: number };
  for (const [i, d] of [[0, 150], [1, 50], [2, 100]] as const) {
    await agent.run("task", { ref, date: time + d, tag: i });
  }
  const ran = await gather<
    { date: number; tag: number; time: number; ref: number }
  >(
    agent,
    "tasks",
    3,
  );
  assert.deepEqual(ran.map((t) => t.tag), [1, 2, 0]);
  assert.deepEqual(ran.map((t) => t.date), [time + 50, time + 100, time + 150]);
  assert.ok(ran.every((t) => t.ref === ref && t.time >= t.date));
  assert.deepEqual(await other.run("tasks"), []);
});

Deno.test("MidiGetTime in a client agrees with the server's clock within 1 ms", async () => {
  await using server = await startServer();
  await using agent = startAgent(server.socketPath, "clock");
  await agent.call("MidiOpen", "clock");
  // Each sample brackets the server's answer between two local readings. A loaded
  // machine can delay one answer, so the median sample is what must agree.
  const errors: number[] = [];
  for (let i = 0; i < 21; i++) {
    const { before, server: at, after } = await agent.run("serverTime") as {
      before: number;
      server: number;
      after: number;
    };
    errors.push(at < before ? at - before : at > after ? at - after : 0);
  }
  errors.sort((x, y) => x - y);
  const median = errors[10]!;
  assert.ok(
    Math.abs(median) <= 1,
    `median error ${median} ms (all: ${errors})`,
  );
});

Deno.test("a request that wakes an idle server is handled at the current date", async () => {
  await using server = await startServer();
  await using agent = startAgent(server.socketPath, "late");
  const ref = await agent.call("MidiOpen", "late") as number;
  await agent.call("MidiConnect", ref, ref, 1);
  await agent.run("collect", { ref });
  for (let round = 0; round < 3; round++) {
    // Past the 100 idle ticks after which the kernel sleeps until a request.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const { before, server: at, after } = await agent.run("serverTime") as {
      before: number;
      server: number;
      after: number;
    };
    assert.ok(
      at >= before - 1 && at <= after + 1,
      `round ${round}: server time ${at} outside [${before}, ${after}]`,
    );
    await new Promise((resolve) => setTimeout(resolve, 400));
    const sentAt = await agent.run("send", { ref, type: typeKeyOn }) as number;
    const [got] = await gather<{ date: number; arrival: number }>(
      agent,
      "received",
      1,
    );
    // Dated by the server between the send and the arrival, not at the sleep's start.
    assert.ok(
      got!.date >= sentAt - 1 && got!.date <= got!.arrival,
      `round ${round}: MidiSendIm at ${sentAt} dated ${got!.date}, arrived at ${
        got!.arrival
      }`,
    );
  }
});

Deno.test("a SysEx of 1 MiB crosses from one client process to another in one event", async () => {
  await using server = await startServer();
  await using pair = await senderAndReceiver(server, {
    sender: 100_000,
    receiver: 100_000,
  });
  const { sender, receiver, a } = pair;
  const size = 1 << 20;
  await sender.run("send", { ref: a, type: typeSysEx, bytes: size });
  const [event] = await gather<Received>(receiver, "received", 1);
  assert.equal(event!.type, typeSysEx);
  assert.deepEqual(event!.fields, [size, sysexChecksum(size)]);
});

Deno.test("a burst larger than the output ring waits for room instead of being lost", async () => {
  await using server = await startServer();
  await using sender = startAgent(server.socketPath, "sender");
  await using receiver = startAgent(server.socketPath, "receiver");
  const a = await sender.call("MidiOpen", "sender") as number;
  await sender.call("MidiGrowSpace", 100_000);
  await receiver.call("MidiGrowSpace", 2_000_000);
  // 20 copies of 1 MiB in one tick: more than the 16 MiB output ring holds.
  const refs: number[] = [];
  for (let i = 0; i < 20; i++) {
    const b = await receiver.call("MidiOpen", `receiver ${i}`) as number;
    await receiver.run("collect", { ref: b });
    await sender.call("MidiConnect", a, b, true);
    refs.push(b);
  }
  const size = 1 << 20;
  await sender.run("send", { ref: a, type: typeSysEx, bytes: size });
  const got = await gather<Received>(receiver, "received", 20, 30_000);
  const sum = sysexChecksum(size);
  assert.deepEqual(got.map((e) => e.ref).sort((x, y) => x - y), refs);
  assert.ok(got.every((e) => e.fields[0] === size && e.fields[1] === sum));
  assert.doesNotMatch(server.log(), /dropped/);
});

Deno.test("a SysEx too large for one frame is refused in the client, which stays connected", async () => {
  await using server = await startServer();
  await using pair = await senderAndReceiver(server, { sender: 400_000 });
  const { sender, receiver, a } = pair;
  await assert.rejects(
    sender.run("send", { ref: a, type: typeSysEx, bytes: 4 << 20 }),
    /Cannot send the event: it takes \d+ bytes, more than the 4194304/,
  );
  await sender.run("send", { ref: a, type: typeKeyOn, fields: [7] });
  const got = await gather<Received>(receiver, "received", 1);
  assert.deepEqual(got.map((e) => e.fields[0]), [7]);
  assert.equal(
    (await sender.run("state") as { state: string }).state,
    "active",
  );
  assert.doesNotMatch(server.log(), /frame of/);
});

Deno.test("a filter changed after it was installed takes effect across processes", async () => {
  await using server = await startServer();
  await using pair = await senderAndReceiver(server);
  const { sender, receiver, a, b } = pair;
  await receiver.run("filter", {
    ref: b,
    ports: [0],
    types: [typeKeyOn],
    chans: [],
  });
  await sender.run("send", { ref: a, type: typeKeyOn, chan: 5, fields: [1] });
  await sender.call("MidiGetName", a); // the send reached the server
  await receiver.run("filter", { ref: b, chans: [5] });
  await sender.run("send", { ref: a, type: typeKeyOn, chan: 5, fields: [2] });
  const got = await gather<Received>(receiver, "received", 1);
  assert.deepEqual(got.map((e) => e.fields[0]), [2]);
});

Deno.test("MidiForgetTask cancels a task whose trigger is already on the way", async () => {
  await using server = await startServer();
  await using agent = startAgent(server.socketPath, "forget");
  const ref = await agent.call("MidiOpen", "forget") as number;
  // A task at the next tick, forgotten after the client is blocked past its date:
  // the server's trigger arrives, the client must not run it.
  const ran = await agent.run("forgetRace", { ref }) as {
    ran: boolean;
    boxEmpty: boolean;
  };
  assert.deepEqual(ran, { ran: false, boxEmpty: true });
  assert.deepEqual(await agent.run("tasks"), []);
});

Deno.test("a deferred task joins its client's DTask list at its date and runs only when asked", async () => {
  await using server = await startServer();
  await using agent = startAgent(server.socketPath, "dtasks");
  const ref = await agent.call("MidiOpen", "dtasks") as number;
  const { time } = await agent.run("time") as { time: number };
  await agent.run("dtask", { ref, date: time + 30, tag: "later" });
  assert.equal(await agent.call("MidiCountDTasks", ref), 0);
  await waitFor(
    async () => await agent.call("MidiCountDTasks", ref) === 1,
    "the DTask to be ready",
  );
  assert.deepEqual(await agent.run("tasks"), []);
  await agent.call("MidiExec1DTask", ref);
  const [ran] = await agent.run("tasks") as { date: number; tag: string }[];
  assert.deepEqual(ran && [ran.date, ran.tag], [time + 30, "later"]);
  assert.equal(await agent.call("MidiCountDTasks", ref), 0);
});
