// Integration: what happens when a client dies, the server dies, or a peer sends
// bytes that are not the protocol.

import assert from "node:assert/strict";
import { gather, startAgent, startServer, waitFor } from "./_harness.ts";
import { FRAME_KINDS } from "@midishare/transport/gen/frames_gen";
import {
  PROTOCOL_MAGIC,
  PROTOCOL_VERSION,
  WireReader,
  WireWriter,
} from "@midishare/transport/wire";
import { Random, testSeed } from "../testing/random.ts";
import { createClient } from "@midishare/client";

const typeKeyOn = 1, typeSysEx = 17;
const MIDICloseAppl = 2;

interface Status {
  pendingItems: number;
  pool: { used: number };
  refnums: { refNum: number; name: string; connectedTo: number[] }[];
}

Deno.test("a client killed with SIGKILL is cleaned up at once", async () => {
  await using server = await startServer();
  await using watcher = startAgent(server.socketPath, "watcher");
  const w = await watcher.call("MidiOpen", "watcher") as number;
  await watcher.run("watchAlarms", { ref: w });
  const baseline = await watcher.run("status") as Status;
  const victim = startAgent(server.socketPath, "victim");
  const v = await victim.call("MidiOpen", "victim") as number;
  await victim.call("MidiConnect", v, w, true);
  await victim.call("MidiConnect", w, v, true);
  const { time } = await victim.run("time") as { time: number };
  // Pending events (one a 100 kB SysEx) and tasks far in the future.
  await victim.run("sendMany", {
    ref: v,
    type: typeKeyOn,
    date: time + 60_000,
    count: 50,
  });
  await victim.call("MidiGrowSpace", 20_000);
  await victim.run("send", {
    ref: v,
    type: typeSysEx,
    bytes: 100_000,
    date: time + 60_000,
  });
  for (let i = 0; i < 5; i++) {
    await victim.run("task", { ref: v, date: time + 60_000 + i });
  }
  await watcher.run("alarms"); // forget the alarms so far
  const loaded = await watcher.run("status") as Status;
  assert.ok(loaded.pendingItems >= 56, `pending ${loaded.pendingItems}`);
  assert.ok(loaded.pool.used > baseline.pool.used);

  victim.kill("SIGKILL");
  await victim.done();
  const alarms = await gather<{ ref: number; code: number }>(
    watcher,
    "alarms",
    1,
  );
  assert.deepEqual(alarms, [{ ref: w, code: (v << 16) | MIDICloseAppl }]);
  const after = await watcher.run("status") as Status;
  assert.equal(after.pendingItems, baseline.pendingItems);
  assert.equal(after.pool.used, baseline.pool.used);
  assert.deepEqual(after.refnums.map((r) => r.refNum), [0, w, 127]);
  assert.deepEqual(after.refnums.find((r) => r.refNum === w)?.connectedTo, []);
});

Deno.test("a server killed with SIGKILL fails pending and later calls with UNREACHABLE", async () => {
  await using server = await startServer();
  await using agent = startAgent(server.socketPath, "agent");
  await using other = startAgent(server.socketPath, "other");
  const ref = await agent.call("MidiOpen", "agent") as number;
  const otherRef = await other.call("MidiOpen", "other") as number;
  await agent.run("watchAlarms", { ref });
  // Freeze the server so that the next calls of both clients wait, then kill it.
  server.child.kill("SIGSTOP");
  // The signal is delivered asynchronously: wait until every thread has stopped.
  await waitFor(async () => {
    const tasks = `/proc/${server.child.pid}/task`;
    for await (const task of Deno.readDir(tasks)) {
      const stat = await Deno.readTextFile(`${tasks}/${task.name}/stat`);
      if (!/^\d+ \(.*\) [tT] /s.test(stat)) return false;
    }
    return true;
  }, "the server to stop");
  const pending = Promise.all(
    [
      agent.call("MidiGetName", ref),
      other.call("MidiGetNamedAppl", "agent"),
      other.call("MidiIsConnected", otherRef, ref),
    ].map((call) => assert.rejects(call, { code: "UNREACHABLE" })),
  );
  await new Promise((resolve) => setTimeout(resolve, 100));
  server.child.kill("SIGKILL");
  await pending;
  assert.equal(await other.call("MidiShare"), false);
  await assert.rejects(agent.call("MidiGetName", ref), { code: "UNREACHABLE" });
  await assert.rejects(agent.call("MidiOpen", "again"), {
    code: "UNREACHABLE",
  });
  assert.equal(await agent.call("MidiShare"), false);
  assert.deepEqual(await agent.run("alarms"), [{
    ref,
    code: (ref << 16) | MIDICloseAppl,
  }]);
  const state = await agent.run("state") as { state: string; appls: number };
  assert.equal(state.state, "exception");
  // Client-side calls keep working on local state.
  assert.equal(await agent.call("MidiGetVersion"), 195);
});

/** A raw connection to the server, for protocol tests. */
async function rawConnect(path: string): Promise<Deno.UnixConn> {
  return await Deno.connect({ transport: "unix", path });
}

function helloFrame(
  version = PROTOCOL_VERSION,
  magic = PROTOCOL_MAGIC,
): Uint8Array {
  const w = new WireWriter();
  const start = w.beginFrame(FRAME_KINDS.hello);
  w.u32(magic);
  w.u16(version);
  w.u32(Deno.pid);
  w.str("raw");
  w.endFrame(start);
  return w.bytes.slice(0, w.length);
}

/**
 * Reads until the server closes the connection, or until `timeoutMs` passes (a
 * random frame may be a valid call, after which the server rightly waits for
 * more); returns everything it sent.
 */
async function readToEnd(
  conn: Deno.UnixConn,
  timeoutMs = 5000,
): Promise<Uint8Array> {
  const chunks: number[] = [];
  const buf = new Uint8Array(4096);
  let open = true;
  const close = () => {
    if (open) conn.close();
    open = false;
  };
  // Closing the connection is what ends a read that would otherwise wait forever.
  const timer = setTimeout(close, timeoutMs);
  try {
    while (true) {
      const n = await conn.read(buf).catch(() => null);
      if (n === null) break;
      chunks.push(...buf.subarray(0, n));
    }
  } finally {
    clearTimeout(timer);
    close();
  }
  return new Uint8Array(chunks);
}

function frames(bytes: Uint8Array): { kind: number; r: WireReader }[] {
  const view = new DataView(bytes.buffer);
  const out = [];
  for (let pos = 0; pos + 4 <= bytes.length;) {
    const size = view.getUint32(pos, true);
    const r = new WireReader(bytes, view, pos + 4, pos + 4 + size);
    out.push({ kind: r.u8(), r });
    pos += 4 + size;
  }
  return out;
}

Deno.test("the server refuses a client of another protocol version, saying why", async () => {
  await using server = await startServer();
  const conn = await rawConnect(server.socketPath);
  await conn.write(helloFrame(100));
  const [refusal] = frames(await readToEnd(conn));
  assert.equal(refusal?.kind, FRAME_KINDS.refuse);
  assert.match(
    refusal!.r.str(),
    new RegExp(
      `Protocol version 100 refused: this server speaks version ${PROTOCOL_VERSION}`,
    ),
  );
  await waitFor(
    () => /Protocol version 100 refused/.test(server.log()),
    "the log line",
  );
});

Deno.test("a client refuses a server of another protocol version, saying why", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/fake.sock`;
  const listener = Deno.listen({ transport: "unix", path });
  const serving = (async () => {
    const conn = await listener.accept();
    await conn.read(new Uint8Array(256));
    const w = new WireWriter();
    const start = w.beginFrame(FRAME_KINDS.welcome);
    w.u32(PROTOCOL_MAGIC);
    w.u16(PROTOCOL_VERSION + 1);
    w.endFrame(start);
    await conn.write(w.bytes.subarray(0, w.length));
    await conn.read(new Uint8Array(256)).catch(() => null);
    conn.close();
  })();
  const client = createClient({ socketPath: path, autoStart: false });
  await assert.rejects(
    client.MidiOpen("x"),
    (error: Error & { code?: string }) => {
      assert.equal(error.code, "UNREACHABLE");
      assert.match(error.message, /another protocol/);
      return true;
    },
  );
  await serving;
  listener.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("malformed frames close only their sender's connection", async (t) => {
  await using server = await startServer();
  await using good = startAgent(server.socketPath, "good");
  await using peer = startAgent(server.socketPath, "peer");
  const a = await good.call("MidiOpen", "good") as number;
  const b = await peer.call("MidiOpen", "peer") as number;
  await peer.run("collect", { ref: b });
  await good.call("MidiConnect", a, b, true);
  const baseline = await good.run("status") as Status;
  const random = new Random(testSeed());

  const cases: [string, () => Uint8Array, RegExp][] = [
    ["random bytes before HELLO", () => {
      const bytes = new Uint8Array(64);
      for (let i = 0; i < bytes.length; i++) bytes[i] = random.int(256);
      bytes.set([8, 0, 0, 0, 0x77], 0); // a small frame of an unknown kind
      return bytes;
    }, /before HELLO/],
    ["an oversized frame", () => {
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setUint32(0, 64 << 20, true);
      return bytes;
    }, /limit is/],
    ["a truncated call", () => {
      const w = new WireWriter();
      const start = w.beginFrame(FRAME_KINDS.call);
      w.u16(4); // MidiOpen
      w.u32(1);
      w.u16(200); // a name of 200 bytes that is not there
      w.endFrame(start);
      return concat(helloFrame(), w.bytes.slice(0, w.length));
    }, /Truncated frame/],
    ["an unknown call id", () => {
      const w = new WireWriter();
      const start = w.beginFrame(FRAME_KINDS.call);
      w.u16(60_000);
      w.u32(0);
      w.endFrame(start);
      return concat(helloFrame(), w.bytes.slice(0, w.length));
    }, /unknown call id 60000/],
    ["a one-way call with a reply sequence", () => {
      const w = new WireWriter();
      const start = w.beginFrame(FRAME_KINDS.call);
      w.u16(21); // MidiConnect
      w.u32(7);
      w.i16(1);
      w.i16(1);
      w.bool(true);
      w.endFrame(start);
      return concat(helloFrame(), w.bytes.slice(0, w.length));
    }, /takes no reply sequence/],
    ["trailing bytes after a SysEx event", () => {
      const w = new WireWriter();
      const start = w.beginFrame(FRAME_KINDS.call);
      w.u16(23); // MidiSend
      w.u32(0);
      w.u32(0); // date
      w.u8(typeSysEx);
      w.u8(a);
      w.u8(0);
      w.u8(0);
      w.u32(3);
      w.raw(new Uint8Array([1, 2, 3, 9, 9]));
      w.endFrame(start);
      return concat(helloFrame(), w.bytes.slice(0, w.length));
    }, /bytes after the arguments/],
    [
      "a wrong magic number",
      () => helloFrame(PROTOCOL_VERSION, 0x12345678),
      /wrong magic/,
    ],
  ];
  for (const [name, bytes, logLine] of cases) {
    await t.step(`${name} (seed ${random.seed})`, async () => {
      const conn = await rawConnect(server.socketPath);
      await conn.write(bytes());
      await readToEnd(conn);
      await waitFor(
        () => logLine.test(server.log()),
        `the log line ${logLine}`,
      );
    });
  }
  await t.step(
    "every other client is unaffected and nothing leaked",
    async () => {
      const { time } = await good.run("time") as { time: number };
      await good.run("sendMany", {
        ref: a,
        type: typeKeyOn,
        date: time + 20,
        count: 10,
      });
      const got = await gather<{ fields: number[] }>(peer, "received", 10);
      assert.deepEqual(got.map((e) => e.fields[0]), [
        0,
        1,
        2,
        3,
        4,
        5,
        6,
        7,
        8,
        9,
      ]);
      const after = await good.run("status") as Status;
      assert.equal(after.pool.used, baseline.pool.used);
      assert.deepEqual(
        after.refnums.map((r) => r.name),
        baseline.refnums.map((r) => r.name),
      );
    },
  );
});

Deno.test("random frames after a valid HELLO never crash the server", async () => {
  await using server = await startServer();
  await using good = startAgent(server.socketPath, "good");
  const a = await good.call("MidiOpen", "good") as number;
  const random = new Random(testSeed());
  for (let round = 0; round < 40; round++) {
    const conn = await rawConnect(server.socketPath);
    const w = new WireWriter();
    for (let f = 0; f < 1 + random.int(4); f++) {
      const start = w.beginFrame(
        random.int(4) === 0 ? random.int(256) : FRAME_KINDS.call,
      );
      w.u16(random.int(40));
      w.u32(random.int(3));
      for (let i = random.int(40); i > 0; i--) w.u8(random.int(256));
      w.endFrame(start);
    }
    await conn.write(concat(helloFrame(), w.bytes.slice(0, w.length)));
    await readToEnd(conn, 200);
  }
  // Random frames may be valid calls (any client may rename any refnum), so only
  // ask that the server still answers and still knows the application.
  const name = await good.call("MidiGetName", a);
  assert.equal(typeof name, "string", `seed ${random.seed}`);
  const status = await good.run("status") as Status;
  assert.ok(status.refnums.some((r) => r.refNum === a), `seed ${random.seed}`);
});

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
