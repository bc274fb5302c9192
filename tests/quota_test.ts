/**
 * The server's memory is shared fairly and its losses are counted: a client over its
 * quota of server cells loses only its own events, the overload policy bounds
 * lateness with counted drops, and what did not fit a client's own pool shows in
 * `midishare status`.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  type Agent,
  freeze,
  gather,
  startAgent,
  startServer,
  sysexChecksum,
  waitFor,
} from "./_harness.ts";

interface Counters {
  quotaLosses: number;
  lateDrops: number;
  slowDrops: number;
  lostCopies: number;
}

interface Status {
  pool: { cells: number; used: number };
  clientQuota: number;
  maxLatenessMs: number;
  worstDispatchLatenessMs: number;
  refnums: {
    refNum: number;
    name: string;
    client: number;
    counters: Counters;
  }[];
  clients: (Counters & {
    client: number;
    heldCells: number;
    truncatedFields: number;
  })[];
}

interface Received {
  date: number;
  arrival: number;
  fields: number[];
}

const typeKeyOn = 1;
const typePrivate = 19;
const typeSysEx = 17;

/** The counters of application `ref` in a status. */
function countersOf(status: Status, ref: number): Counters {
  const entry = status.refnums.find((r) => r.refNum === ref);
  assert.ok(entry, `refnum ${ref} in the status`);
  return entry.counters;
}

/** Opens `name` on `agent` and records what it receives. */
async function receiver(agent: Agent, name: string): Promise<number> {
  const ref = await agent.call("MidiOpen", name) as number;
  await agent.run("collect", { ref });
  return ref;
}

Deno.test("a client that floods far-future events loses only its own, and the others' still flow", async () => {
  await using server = await startServer();
  await using flooder = startAgent(server.socketPath, "flooder");
  await using a = startAgent(server.socketPath, "a");
  await using b = startAgent(server.socketPath, "b");
  const f = await flooder.call("MidiOpen", "flooder") as number;
  const src = await a.call("MidiOpen", "a") as number;
  const dst = await receiver(b, "b");
  await a.call("MidiConnect", src, dst, true);
  const before = await a.run("status") as Status;

  // More two-cell private events, an hour ahead, than the whole pool holds.
  const count = Math.ceil(before.pool.cells / 2) + 50_000;
  const { time } = await flooder.run("time") as { time: number };
  await flooder.run("sendMany", {
    ref: f,
    type: typePrivate,
    date: time + 3_600_000,
    step: 0,
    count,
  });
  await flooder.call("MidiGetName", f); // every event has reached the server

  const { time: now } = await a.run("time") as { time: number };
  await a.run("sendMany", {
    ref: src,
    type: typeKeyOn,
    date: now + 50,
    count: 100,
  });
  const got = await gather<Received>(b, "received", 100, 20_000);
  assert.equal(got.length, 100);

  const status = await a.run("status") as Status;
  const quota = status.clientQuota;
  assert.ok(quota > 0 && quota < status.pool.cells);
  const kept = Math.floor(quota / 2);
  assert.equal(countersOf(status, f).quotaLosses, count - kept);
  assert.equal(countersOf(status, src).quotaLosses, 0);
  const client = status.clients.find((c) => c.heldCells === kept * 2);
  assert.ok(client, "the flooder holds its whole quota");
  assert.equal(client.quotaLosses, count - kept);
  await waitFor(
    () =>
      /flooder.*events lost to its quota of \d+ server cells/.test(
        server.log(),
      ),
    "the log line of the flooder's losses",
  );

  // Leaving gives every cell back.
  flooder.kill();
  await flooder.done();
  await waitFor(async () => {
    const after = await a.run("status") as Status;
    return after.pool.used === before.pool.used;
  }, "the flooder's cells to come back");
});

Deno.test("a 4 MiB SysEx passes when both sides grew their pools, and is counted lost by a default pool", async () => {
  await using server = await startServer();
  await using sender = startAgent(server.socketPath, "sender");
  await using grown = startAgent(server.socketPath, "grown");
  await using small = startAgent(server.socketPath, "small");
  const size = 4_194_292; // the largest event a socket carries
  const cells = 2 + Math.floor(size / 12); // spec §3.6: 349 526
  const src = await sender.call("MidiOpen", "sender") as number;
  const big = await receiver(grown, "grown");
  const lossy = await receiver(small, "small");
  assert.equal(await sender.call("MidiGrowSpace", cells), cells);
  assert.equal(await grown.call("MidiGrowSpace", cells), cells);
  await sender.call("MidiConnect", src, big, true);
  await sender.call("MidiConnect", src, lossy, true);
  await sender.run("send", { ref: src, type: typeSysEx, bytes: size });

  const [got] = await gather<Received>(grown, "received", 1, 60_000);
  assert.deepEqual(got!.fields, [size, sysexChecksum(size)]);
  const status = await waitFor(
    async () => {
      const s = await sender.run("status") as Status;
      return countersOf(s, lossy).lostCopies === 1 && s;
    },
    "the small receiver's loss in the status",
    30_000,
  );
  assert.equal(countersOf(status, big).lostCopies, 0);
  assert.equal(countersOf(status, src).quotaLosses, 0);
  assert.deepEqual(await small.run("losses"), {
    lostCopies: 1,
    lostCopiesByRefNum: { [lossy]: 1 },
    truncatedFields: 0,
  });
  assert.deepEqual(await small.run("received"), []);
});

Deno.test("a MidiAddField that does not fit the pool is counted for its client in the status", async () => {
  await using server = await startServer();
  await using agent = startAgent(server.socketPath, "adder");
  await agent.call("MidiOpen", "adder");
  const bytes = 250_000; // more than the 15 000 cells of a default pool hold
  const { count, losses } = await agent.run("addFields", { bytes }) as {
    count: number;
    losses: { truncatedFields: number };
  };
  assert.ok(count < bytes, `the SysEx stopped at ${count} bytes`);
  assert.equal(losses.truncatedFields, bytes - count);
  const status = await waitFor(async () => {
    const s = await agent.run("status") as Status;
    return s.clients.some((c) => c.truncatedFields > 0) && s;
  }, "the truncated fields in the status");
  assert.deepEqual(
    status.clients.map((c) => c.truncatedFields),
    [bytes - count],
  );
});

Deno.test("an overloaded kernel drops the events of ticks later than its bound and counts them for the sender", async () => {
  // Every tick that dispatches something costs 3 ms: the kernel falls behind its
  // clock by about 2 ms per event, past the 500 ms bound after some 250 events.
  const bound = 500;
  await using server = await startServer({
    args: ["--test-tick-cost", "3", "--max-lateness", String(bound)],
  });
  await using a = startAgent(server.socketPath, "sender");
  await using b = startAgent(server.socketPath, "receiver");
  const src = await a.call("MidiOpen", "sender") as number;
  const dst = await receiver(b, "receiver");
  await a.call("MidiConnect", src, dst, true);
  const count = 1500;
  const { time } = await a.run("time") as { time: number };
  await a.run("sendMany", {
    ref: src,
    type: typeKeyOn,
    date: time + 50,
    count,
  });

  // Every event is delivered or counted, once the kernel is past the last date (a
  // receiver starved for longer than the bound on a loaded machine has deliveries
  // dropped too: counted for it).
  const got: Received[] = [];
  const status = await waitFor(
    async () => {
      got.push(...await b.run("received") as Received[]);
      const s = await a.run("status") as Status;
      return got.length + countersOf(s, src).lateDrops +
              countersOf(s, dst).slowDrops === count && s;
    },
    "every event delivered or dropped",
    60_000,
  );
  assert.ok(countersOf(status, src).lateDrops > 0, "late events were dropped");
  assert.ok(got.length > 0, "the events of timely ticks were delivered");
  assert.equal(status.maxLatenessMs, bound);
  // No event left the kernel more than the bound after its date (the server's own
  // measure: how long after its due time each tick that dispatched events started).
  assert.ok(status.worstDispatchLatenessMs <= bound);
  await waitFor(
    () =>
      /sender.*events dropped, due in ticks more than 500 ms late/.test(
        server.log(),
      ),
    "the log line of the late drops",
  );
});

Deno.test("events for a client that does not read its socket are dropped after the bound and counted for it", async () => {
  const bound = 200;
  await using server = await startServer({
    args: ["--max-lateness", String(bound)],
  });
  await using a = startAgent(server.socketPath, "sender");
  await using b = startAgent(server.socketPath, "stuck");
  const src = await a.call("MidiOpen", "sender") as number;
  const dst = await receiver(b, "stuck");
  await a.call("MidiConnect", src, dst, true);
  const count = 3000;
  await freeze(b.child);
  try {
    // Over 1 MiB in 3 s, far more than the socket buffers hold: once they are full,
    // what waits longer than the bound is dropped.
    const { time } = await a.run("time") as { time: number };
    await a.run("sendMany", {
      ref: src,
      type: typeSysEx,
      bytes: 400,
      date: time + 20,
      count,
    });
    await waitFor(
      async () => {
        const s = await a.run("status") as Status;
        return countersOf(s, dst).slowDrops > 0;
      },
      "deliveries to the stuck client to be dropped",
      30_000,
    );
  } finally {
    b.child.kill("SIGCONT");
  }
  const got: Received[] = [];
  const status = await waitFor(
    async () => {
      got.push(...await b.run("received") as Received[]);
      const s = await a.run("status") as Status;
      // (A loaded machine may also make ticks later than the bound: counted too.)
      return got.length + countersOf(s, dst).slowDrops +
              countersOf(s, src).lateDrops === count && s;
    },
    "every event delivered or dropped",
    60_000,
  );
  assert.ok(got.length > 0);
  assert.ok(countersOf(status, dst).slowDrops > 0);
  await waitFor(
    () =>
      /stuck.*deliveries dropped, its socket having had output waiting/.test(
        server.log(),
      ),
    "the log line of the dropped deliveries",
  );
});
