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

const ROOT = new URL("../", import.meta.url).pathname;
const MIDIOpenAppl = 1, MIDICloseAppl = 2, MIDIChgName = 3, MIDIChgConnect = 4;

/**
 * Runs `source` as a program file of its own outside this checkout, with its
 * configuration, as the README says; kills it after `timeoutMs`.
 */
async function runScript(
  source: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ code: number; out: string; err: string }> {
  const dir = await Deno.makeTempDir({ prefix: "midishare-script-" });
  try {
    await Deno.writeTextFile(`${dir}/program.ts`, source);
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", `${ROOT}deno.json`, `${dir}/program.ts`],
      cwd: dir,
      env: { NO_COLOR: "1", ...env },
      stdin: "null",
      signal: AbortSignal.timeout(timeoutMs),
    }).output();
    const text = new TextDecoder();
    return { code, out: text.decode(stdout), err: text.decode(stderr) };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the README's program prints its note, then ends by itself", async () => {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  const section = readme.slice(
    readme.indexOf("## Using MidiShare from a program"),
  );
  const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(example !== undefined, "the README has no program example");
  await using server = await startServer();
  const { code, out, err } = await runScript(example, {
    MIDISHARE_SOCKET: server.socketPath,
  });
  assert.equal(code, 0, err);
  assert.match(out, /^note 60 at \d+$/m);
});

Deno.test("a program whose applications are closed ends, after its last calls reached the server", async () => {
  const dir = await tempSocketDir();
  const socketPath = `${dir}/ms.sock`;
  // A server started on demand, which lingers after its last application.
  const env = { ...autoStartEnv(), MIDISHARE_SOCKET: socketPath };
  const stays = startAgent(socketPath, "stays", env);
  try {
    const s = await stays.call("MidiOpen", "stays") as number;
    await stays.run("collect", { ref: s });
    await stays.run("watchAlarms", { ref: s });
    const { code, err } = await runScript(
      `import {
  MidiClose, MidiConnect, MidiGetNamedAppl, MidiGetTime, MidiNewEv, MidiOpen,
  MidiSendAt, MidiSetField, MidiSetName, MidiTask, typeKeyOn,
} from "@midishare/client";

const me = await MidiOpen("leaving");
const stays = await MidiGetNamedAppl("stays");
MidiConnect(me, stays, true);
const note = MidiNewEv(typeKeyOn)!;
MidiSetField(note, 0, 64);
MidiSetField(note, 1, 100);
const date = MidiGetTime() + 200;
MidiSendAt(me, note, date);
// MidiClose discards what its application still has scheduled (spec 7.2): close
// after the note's date. The rename and the close are the program's last calls.
MidiTask(() => {
  MidiSetName(stays, "told");
  MidiClose(me);
}, date + 1, me);
`,
      env,
    );
    assert.equal(code, 0, err);
    const [note] = await gather<{ fields: number[]; refNum: number }>(
      stays,
      "received",
      1,
    );
    assert.deepEqual(note?.fields, [64, 100]);
    assert.equal(await stays.call("MidiGetName", s), "told");
    const alarms = await gather<{ code: number }>(stays, "alarms", 4);
    assert.deepEqual(alarms.map((a) => a.code & 0xffff), [
      MIDIOpenAppl,
      MIDIChgConnect,
      MIDIChgName,
      MIDICloseAppl,
    ]);
  } finally {
    await stopAll([stays]);
    await waitFor(
      async () => !(await isListening(socketPath)),
      "the server to quit",
    );
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a resolved call shows every earlier call of its client in the counts, also to other clients", async () => {
  await using server = await startServer();
  await using a = startAgent(server.socketPath, "a");
  await using b = startAgent(server.socketPath, "b");
  assert.equal(await a.call("MidiShare"), true);
  assert.equal(await b.call("MidiShare"), true);
  type Step = { value: unknown; appls: number; drivers: number };
  const counts = (steps: Step[]) => steps.map((s) => [s.appls, s.drivers]);
  const seenByB = async () => {
    const [step] = await b.run("calls", { calls: [["MidiGetName", 0]] }) as [
      Step,
    ];
    return [step.appls, step.drivers];
  };
  for (let i = 0; i < 20; i++) {
    // From dormant: the first open wakes MidiShare (0 and 127), the last close
    // puts it to sleep.
    const opened = await a.run("calls", {
      calls: [["MidiOpen", "x"], ["MidiOpen", "y"]],
    }) as Step[];
    assert.deepEqual(counts(opened), [[2, 1], [3, 1]], `round ${i}`);
    assert.deepEqual(await seenByB(), [3, 1], `round ${i}`);
    const drivers = await a.run("calls", {
      calls: [
        ["MidiRegisterDriver", { name: "d", version: 100 }, {}],
        ["MidiClose", opened[0]!.value],
        ["MidiShare"],
      ],
    }) as Step[];
    assert.deepEqual(counts(drivers).slice(0, 1), [[3, 2]], `round ${i}`);
    assert.deepEqual(counts(drivers).slice(2), [[2, 2]], `round ${i}`);
    assert.deepEqual(await seenByB(), [2, 2], `round ${i}`);
    const closed = await a.run("calls", {
      calls: [
        ["MidiUnregisterDriver", drivers[0]!.value],
        ["MidiShare"],
        ["MidiClose", opened[1]!.value],
        ["MidiShare"],
      ],
    }) as Step[];
    assert.deepEqual(counts(closed)[1], [2, 1], `round ${i}`);
    assert.deepEqual(counts(closed)[3], [0, 0], `round ${i}`);
    assert.deepEqual(await seenByB(), [0, 0], `round ${i}`);
  }
});

Deno.test("a client that only sends learns that its server is lost, and comes back with a new server", async () => {
  await using first = await startServer();
  await using sender = startAgent(first.socketPath, "sender");
  const ref = await sender.call("MidiOpen", "sender") as number;
  await sender.run("watchAlarms", { ref });
  // An event still to come, and no call waiting for the server.
  await sender.run("send", {
    ref,
    type: typeKeyOn,
    fields: [60, 100],
    in: 5000,
  });
  first.child.kill("SIGKILL");
  await first.child.status;
  assert.deepEqual(await gather(sender, "alarms", 1), [{
    ref,
    code: (ref << 16) | MIDICloseAppl,
  }]);
  assert.match(await sender.run("lost") as string, /MidiShare server/);
  assert.equal(await sender.call("MidiShare"), false);
  await assert.rejects(sender.call("MidiOpen", "x"), { code: "UNREACHABLE" });
  // No server yet (the agent never starts one): passive, ready to try again.
  assert.equal(await sender.call("reconnect"), false);
  assert.equal(
    (await sender.run("state") as { state: string }).state,
    "passive",
  );
  await using second = await startServer({ socketPath: first.socketPath });
  assert.equal(await sender.call("reconnect"), true);
  const again = await sender.call("MidiOpen", "sender") as number;
  await using receiver = startAgent(second.socketPath, "receiver");
  const r = await receiver.call("MidiOpen", "receiver") as number;
  await receiver.run("collect", { ref: r });
  await sender.call("MidiConnect", again, r, true);
  await sender.run("send", { ref: again, type: typeKeyOn, fields: [62, 90] });
  const [got] = await gather<{ fields: number[] }>(receiver, "received", 1);
  assert.deepEqual(got?.fields, [62, 90]);
});

Deno.test("a server that cannot start fails its client at once, quoting the log it wrote", async () => {
  const dir = await tempSocketDir();
  const socketPath = `${dir}/ms.sock`;
  // The server refuses its command line before it opens its log: its standard
  // error must reach the log all the same.
  const agent = startAgent(socketPath, "early", {
    AGENT_AUTOSTART: "1",
    MIDISHARE_SERVER_COMMAND: JSON.stringify([
      Deno.execPath(),
      "run",
      "-A",
      MAIN,
      "serve",
      "--no-such-option",
    ]),
  });
  try {
    const started = Date.now();
    const error = await agent.call("MidiOpen", "early").then(
      () => assert.fail("MidiOpen succeeded"),
      (e: Error) => e,
    );
    assert.ok(Date.now() - started < 20_000, "it waited for the timeout");
    const log = await Deno.readTextFile(`${socketPath}.log`);
    assert.match(log, /starting a MidiShare server: .* serve --no-such-option/);
    assert.match(log, /Unknown option "--no-such-option"/);
    assert.match(
      error.message,
      new RegExp(
        `exited with status 2 before it listened; the end of its log ${socketPath}\\.log:`,
      ),
    );
    assert.match(error.message, /Unknown option "--no-such-option"/);
  } finally {
    await stopAll([agent]);
    await Deno.remove(dir, { recursive: true });
  }
});
