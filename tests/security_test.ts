// Integration: who may pose as the server. A socket planted by another user in the
// default directory, a symlink in its place, an explicit socket directory that is
// shared, and a file that is not a socket at the socket path.

import assert from "node:assert/strict";
import {
  isListening,
  startAgent,
  tempSocketDir,
  terminate,
  waitFor,
} from "./_harness.ts";
import { createUsers, skipWithoutRoot, type UserWorld } from "./_users.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** The agent command of `world` that opens one application, as its first line. */
function openOnce(name: string): string {
  return `${
    JSON.stringify({ id: 1, op: "call", name: "MidiOpen", args: [name] })
  }\n`;
}

/** The answer of an agent run by {@link openOnce}. */
function answer(stdout: string): { ok: boolean; error?: string } {
  const line = stdout.split("\n")[0] ?? "";
  assert.ok(line !== "", `no answer from the agent`);
  return JSON.parse(line);
}

/** Starts `tests/_fake_server.ts` as `user` on `path`; resolves once it listens. */
async function plantSocket(
  world: UserWorld,
  user: UserWorld["users"][number],
  path: string,
  record: string,
): Promise<AsyncDisposable> {
  const child = world.spawn(user, [
    "run",
    "-A",
    "--no-lock",
    "tests/_fake_server.ts",
    path,
    record,
  ]);
  await child.stdin.close();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let errText = "";
  const errors = (async () => {
    for await (
      const chunk of child.stderr.pipeThrough(new TextDecoderStream())
    ) errText += chunk;
  })();
  const dispose = async () => {
    await terminate(child, 2000);
    await reader.cancel();
    await errors;
  };
  try {
    await waitFor(
      async () => {
        const { value, done } = await reader.read();
        if (done) throw new Error(`the fake server exited: ${errText}`);
        text += value;
        return text.includes("ready");
      },
      "the planted socket",
      30_000,
    );
  } catch (error) {
    await dispose();
    throw error;
  }
  return { [Symbol.asyncDispose]: dispose };
}

const PLANTED =
  "a client and `status` refuse a socket another user planted in the default directory";
Deno.test({
  name: PLANTED,
  ignore: skipWithoutRoot(PLANTED),
  fn: async () => {
    await using world = await createUsers(2);
    const [victim, attacker] = world.users as [
      UserWorld["users"][number],
      UserWorld["users"][number],
    ];
    const path = `/tmp/midishare-${victim.uid}/midishare.sock`;
    const record = `${attacker.home}/record`;
    await using _fake = await plantSocket(world, attacker, path, record);
    const refusal = new RegExp(
      `Cannot use socket directory "/tmp/midishare-${victim.uid}": it belongs to user ${attacker.uid}`,
    );

    const status = await world.run(victim, [
      "run",
      "-A",
      "--no-lock",
      "main.ts",
      "status",
    ], { timeoutMs: 30_000 });
    assert.notEqual(status.code, 0, status.stdout);
    assert.match(status.stdout + status.stderr, refusal);

    const client = await world.run(victim, [
      "run",
      "-A",
      "--no-lock",
      "tests/_agent.ts",
      "",
      "victim-client",
    ], {
      env: { AGENT_AUTOSTART: "1" },
      stdin: openOnce("victim-app"),
      untilLine: true,
      timeoutMs: 30_000,
    });
    const opened = answer(client.stdout);
    assert.equal(opened.ok, false);
    assert.match(opened.error!, refusal);

    assert.equal(
      await Deno.readTextFile(record),
      "",
      "the planted socket received a connection",
    );
  },
});

const SYMLINK =
  "a symlink at /tmp/midishare-<uid> is refused and its target left alone";
Deno.test({
  name: SYMLINK,
  ignore: skipWithoutRoot(SYMLINK),
  fn: async () => {
    await using world = await createUsers(2);
    const [victim, attacker] = world.users as [
      UserWorld["users"][number],
      UserWorld["users"][number],
    ];
    // A directory of the victim's that others may read.
    const target = `${victim.home}/shared`;
    await Deno.mkdir(target);
    await Deno.chmod(target, 0o755);
    await Deno.chown(target, victim.uid, victim.gid);
    const link = `/tmp/midishare-${victim.uid}`;
    const made = await world.exec(attacker, ["ln", "-s", target, link]);
    assert.equal(made.code, 0, made.stderr);

    const client = await world.run(victim, [
      "run",
      "-A",
      "--no-lock",
      "tests/_agent.ts",
      "",
      "victim-client",
    ], {
      env: { AGENT_AUTOSTART: "1" },
      stdin: openOnce("victim-app"),
      untilLine: true,
      timeoutMs: 30_000,
    });
    const opened = answer(client.stdout);
    assert.equal(opened.ok, false);
    assert.match(
      opened.error!,
      new RegExp(
        `Cannot use socket directory "${link}": it is a symbolic link`,
      ),
    );
    const status = await world.run(victim, [
      "run",
      "-A",
      "--no-lock",
      "main.ts",
      "status",
    ], { timeoutMs: 30_000 });
    assert.notEqual(status.code, 0);
    assert.match(status.stdout + status.stderr, /is a symbolic link/);

    assert.equal((await Deno.stat(target)).mode! & 0o7777, 0o755);
    const entries = await Array.fromAsync(Deno.readDir(target));
    assert.deepEqual(entries.map((e) => e.name), []);
  },
});

/** Environment that makes agents start a server that quits 300 ms after use. */
function autoStartEnv(socketPath: string): Record<string, string> {
  return {
    AGENT_AUTOSTART: "1",
    MIDISHARE_SOCKET: socketPath,
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

Deno.test("MIDISHARE_SOCKET in an existing directory never changes its mode", async (t) => {
  await t.step(
    "a directory of this user that others cannot write is used as it is",
    async () => {
      const dir = await tempSocketDir();
      await Deno.chmod(dir, 0o755);
      const socketPath = `${dir}/x.sock`;
      const agent = startAgent("", "explicit", autoStartEnv(socketPath));
      try {
        assert.ok(await agent.call("MidiOpen", "explicit") as number >= 1);
        assert.equal((await Deno.stat(dir)).mode! & 0o7777, 0o755);
        assert.equal((await Deno.lstat(socketPath)).mode! & 0o077, 0);
      } finally {
        agent.kill("SIGKILL");
        await agent.done();
        await waitFor(
          async () => !(await isListening(socketPath)),
          "the server to quit",
        );
        await Deno.remove(dir, { recursive: true });
      }
    },
  );
  await t.step(
    "a directory everyone may write (sticky, like /tmp) is refused",
    async () => {
      const dir = await tempSocketDir();
      await Deno.chmod(dir, 0o1777);
      const agent = startAgent("", "shared", autoStartEnv(`${dir}/x.sock`));
      try {
        await assert.rejects(
          agent.call("MidiOpen", "shared"),
          new RegExp(
            `Cannot use socket directory "${dir}": other users may write in it \\(mode 1777\\)`,
          ),
        );
        assert.equal((await Deno.stat(dir)).mode! & 0o7777, 0o1777);
        const entries = await Array.fromAsync(Deno.readDir(dir));
        assert.deepEqual(entries.map((e) => e.name), []);
      } finally {
        agent.kill("SIGKILL");
        await agent.done();
        await Deno.remove(dir, { recursive: true });
      }
    },
  );
});

/** Runs `main.ts serve` with `args`, bounded; returns its exit code and output. */
async function serveOnce(
  args: string[],
): Promise<{ code: number; output: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "serve", "--midi-api", "off", ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const timer = setTimeout(() => terminate(child, 2000), 20_000);
  try {
    const out = await child.output();
    const decoder = new TextDecoder();
    return {
      code: out.code,
      output: decoder.decode(out.stdout) + decoder.decode(out.stderr),
    };
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("`serve --socket` removes nothing but a stale socket", async (t) => {
  const dir = await tempSocketDir();
  try {
    await t.step("a regular file is left alone and serve fails", async () => {
      const path = `${dir}/notes.txt`;
      await Deno.writeTextFile(path, "precious");
      const { code, output } = await serveOnce(["--socket", path]);
      assert.notEqual(code, 0);
      assert.match(
        output,
        new RegExp(
          `Cannot use socket "${path}": it is a regular file, not a socket`,
        ),
      );
      assert.equal(await Deno.readTextFile(path), "precious");
    });
    await t.step("a symbolic link is left alone and serve fails", async () => {
      const path = `${dir}/link.sock`;
      await Deno.writeTextFile(`${dir}/target`, "precious");
      await Deno.symlink(`${dir}/target`, path);
      const { code, output } = await serveOnce(["--socket", path]);
      assert.notEqual(code, 0);
      assert.match(output, /it is a symbolic link, not a socket/);
      assert.ok((await Deno.lstat(path)).isSymlink);
      assert.equal(await Deno.readTextFile(`${dir}/target`), "precious");
    });
    await t.step("a stale socket nobody answers on is replaced", async () => {
      const path = `${dir}/stale.sock`;
      // A listener killed with SIGKILL leaves its socket file behind.
      const holder = new Deno.Command(Deno.execPath(), {
        args: [
          "eval",
          `Deno.listen({ transport: "unix", path: ${JSON.stringify(path)} });
           console.log("ready");
           setInterval(() => {}, 1000);`,
        ],
        stdin: "null",
        stdout: "piped",
        stderr: "null",
      }).spawn();
      const reader = holder.stdout.getReader();
      await reader.read();
      holder.kill("SIGKILL");
      await holder.status;
      await reader.cancel();
      assert.ok((await Deno.lstat(path)).isSocket);
      const server = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", MAIN, "serve", "--persist", "--midi-api", "off"]
          .concat(["--socket", path]),
        stdin: "null",
        stdout: "null",
        stderr: "null",
      }).spawn();
      try {
        await waitFor(() => isListening(path), "the server", 20_000);
      } finally {
        await terminate(server);
      }
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
