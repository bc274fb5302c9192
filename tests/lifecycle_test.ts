// Integration: the server's life: started by its first clients, stopped by itself or
// by a signal, its socket directory, and many clients at once.

import assert from "node:assert/strict";
import {
  type Agent,
  gather,
  isListening,
  startAgent,
  startServer,
  tempSocketDir,
  waitFor,
} from "./_harness.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const typeKeyOn = 1;

/** Environment that makes agents start a server that quits 300 ms after use. */
function autoStartEnv(): Record<string, string> {
  return {
    AGENT_AUTOSTART: "1",
    MIDISHARE_SERVER_COMMAND: JSON.stringify([
      Deno.execPath(),
      "run",
      "-A",
      MAIN,
      "serve",
      "--linger",
      "300",
      "--midi-api",
      "off",
    ]),
  };
}

async function stopAll(agents: Agent[]): Promise<void> {
  for (const agent of agents) agent.kill("SIGKILL");
  await Promise.all(agents.map((a) => a.done()));
}

Deno.test("the first client starts a server, which quits after the last application", async () => {
  const dir = await tempSocketDir();
  const socketPath = `${dir}/ms.sock`;
  const agent = startAgent(socketPath, "first", autoStartEnv());
  try {
    assert.equal(await isListening(socketPath), false);
    const ref = await agent.call("MidiOpen", "first") as number;
    assert.ok(ref >= 1);
    assert.equal(await isListening(socketPath), true);
    await agent.call("MidiClose", ref);
    // Ask something so the close is known to have reached the server.
    await agent.call("MidiCountAppls");
    await waitFor(
      async () => !(await isListening(socketPath)),
      "the server to quit",
    );
    const log = await Deno.readTextFile(`${socketPath}.log`);
    assert.match(log, /stopping: no application left/);
    // The socket closes before the client reads the end of its connection.
    await waitFor(
      async () =>
        (await agent.run("state") as { state: string }).state === "passive",
      "the client to see the server gone",
    );
    // The next call starts a new server.
    assert.ok(await agent.call("MidiOpen", "again") as number >= 1);
  } finally {
    await stopAll([agent]);
    await waitFor(
      async () => !(await isListening(socketPath)),
      "the server to quit",
    );
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ten clients starting at once start exactly one server", async () => {
  const dir = await tempSocketDir();
  const socketPath = `${dir}/ms.sock`;
  const agents = Array.from(
    { length: 10 },
    (_, i) => startAgent(socketPath, `c${i}`, autoStartEnv()),
  );
  try {
    const refs = await Promise.all(
      agents.map((a, i) => a.call("MidiOpen", `c${i}`)),
    );
    assert.deepEqual([...refs].sort((x, y) => (x as number) - (y as number)), [
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      9,
      10,
    ]);
    const log = await Deno.readTextFile(`${socketPath}.log`);
    assert.equal(log.match(/listening on/g)?.length, 1, log);
    assert.doesNotMatch(log, /already runs/);
  } finally {
    await stopAll(agents);
    await waitFor(
      async () => !(await isListening(socketPath)),
      "the server to quit",
    );
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("`deno task start` runs a server that stays up until it is told to stop", async () => {
  const server = await startServer({ viaStartTask: true });
  await using agent = startAgent(server.socketPath, "visitor");
  const ref = await agent.call("MidiOpen", "visitor") as number;
  await agent.call("MidiClose", ref);
  await agent.call("MidiCountAppls");
  // Longer than the 3 s an auto-started server lingers after its last application.
  await new Promise((resolve) => setTimeout(resolve, 3500));
  assert.equal(await isListening(server.socketPath), true);
  const status = await server.stop();
  assert.equal(status.code, 0);
  assert.equal(await Deno.stat(server.socketPath).catch(() => null), null);
  assert.match(server.log(), /stopping: signal received/);
});

Deno.test("SIGTERM stops the server cleanly and tells its clients", async () => {
  const server = await startServer();
  await using withAppl = startAgent(server.socketPath, "with");
  await using without = startAgent(server.socketPath, "without");
  await withAppl.call("MidiOpen", "with");
  assert.equal(await without.call("MidiShare"), true);
  const status = await server.stop();
  assert.equal(status.code, 0);
  assert.equal(await Deno.stat(server.socketPath).catch(() => null), null);
  assert.match(server.log(), /stopping: signal received/);
  const a = await waitFor(async () => {
    const s = await withAppl.run("state") as { state: string };
    return s.state !== "active" && s;
  }, "the client to notice");
  assert.equal(a.state, "exception");
  await assert.rejects(
    withAppl.call("MidiGetName", 0),
    (e: Error & { code?: string }) => {
      assert.equal(e.code, "UNREACHABLE");
      assert.match(e.message, /stopped: signal received/);
      return true;
    },
  );
  const b = await waitFor(async () => {
    const s = await without.run("state") as { state: string };
    return s.state !== "active" && s;
  }, "the other client to notice");
  assert.equal(b.state, "passive");
});

Deno.test("the socket directory is private to its user", async (t) => {
  const runtime = await Deno.makeTempDir();
  const env = { ...autoStartEnv(), XDG_RUNTIME_DIR: runtime };
  const agent = startAgent("", "private", env);
  const socketPath = `${runtime}/midishare/midishare.sock`;
  try {
    await t.step("created with mode 0700, the socket 0600", async () => {
      await agent.call("MidiOpen", "private");
      const dir = await Deno.stat(`${runtime}/midishare`);
      assert.equal(dir.mode! & 0o777, 0o700);
      const sock = await Deno.stat(socketPath);
      assert.equal(sock.mode! & 0o077, 0);
    });
    await t.step({
      name: "another user's directory is refused",
      // Only root can give a directory to another user.
      ignore: Deno.uid() !== 0,
      fn: async () => {
        const other = await Deno.makeTempDir();
        await Deno.mkdir(`${other}/midishare`, { mode: 0o700 });
        await Deno.chown(`${other}/midishare`, 65534, 65534);
        const intruder = startAgent("", "intruder", {
          ...env,
          XDG_RUNTIME_DIR: other,
        });
        await assert.rejects(
          intruder.call("MidiOpen", "x"),
          /belongs to user 65534/,
        );
        await stopAll([intruder]);
        await Deno.remove(other, { recursive: true });
      },
    });
  } finally {
    await stopAll([agent]);
    await waitFor(
      async () => !(await isListening(socketPath)),
      "the server to quit",
    );
    await Deno.remove(runtime, { recursive: true });
  }
});

Deno.test("64 client processes use the server at once", async () => {
  await using server = await startServer();
  await using sink = startAgent(server.socketPath, "sink");
  const s = await sink.call("MidiOpen", "sink") as number;
  await sink.run("collect", { ref: s });
  const agents = Array.from(
    { length: 64 },
    (_, i) => startAgent(server.socketPath, `c${i}`),
  );
  try {
    const refs = await Promise.all(agents.map(async (a, i) => {
      const ref = await a.call("MidiOpen", `c${i}`) as number;
      await a.call("MidiConnect", ref, s, true);
      await a.call("MidiIsConnected", ref, s);
      await a.run("send", { ref, type: typeKeyOn, fields: [i], in: 50 });
      return ref;
    }));
    assert.equal(new Set(refs).size, 64);
    const got = await gather<{ fields: number[]; refNum: number }>(
      sink,
      "received",
      64,
      30_000,
    );
    assert.deepEqual(
      got.map((e) => e.fields[0]).sort((x, y) => x! - y!),
      refs.map((_, i) => i),
    );
    assert.equal(await sink.call("MidiCountAppls"), 66);
  } finally {
    await stopAll(agents);
  }
});
