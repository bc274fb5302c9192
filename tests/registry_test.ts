// End to end, without the public registry: the packages as `deno publish` would
// upload them, served by a local JSR mirror (tests/_registry.ts); from an empty
// directory with an empty DENO_DIR, a script importing `jsr:@midishare/client` starts
// the server from the mirror and exchanges events with a second script (in a folder
// of its own whose deno.json maps "@midishare/client" to JSR), and `deno install` of
// the server package gives a `midishare` command that sees them and that the
// systemd unit runs.

import assert from "node:assert/strict";
import { startRegistry, unfurl } from "./_registry.ts";
import { isListening, terminate, waitFor } from "./_harness.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const DENO = Deno.execPath();
/** What a child process of this test may take at most (a first start downloads). */
const CHILD_MS = 120_000;

const LISTENER = `import {
  MidiClose,
  MidiFreeEv,
  MidiGetEv,
  MidiGetField,
  MidiOpen,
  MidiSetRcvAlarm,
} from "jsr:@midishare/client";

const ref = await MidiOpen("listener");
const pitches: number[] = [];
MidiSetRcvAlarm(ref, (r) => {
  for (let e = MidiGetEv(r); e; e = MidiGetEv(r)) {
    pitches.push(MidiGetField(e, 0));
    MidiFreeEv(e);
  }
  if (pitches.length < 3) return;
  console.log(\`received \${pitches.join(" ")}\`);
  MidiClose(r);
});
console.log("listening");
`;

const PLAYER = `import {
  MidiClose,
  MidiConnect,
  MidiGetNamedAppl,
  MidiGetTime,
  MidiNewEv,
  MidiOpen,
  MidiSendAt,
  MidiSetField,
  typeKeyOn,
} from "@midishare/client";

const ref = await MidiOpen("player");
const listener = await MidiGetNamedAppl("listener");
if (listener < 0) throw new Error("no listener");
MidiConnect(ref, listener, true);
const now = MidiGetTime();
for (const [i, pitch] of [60, 64, 67].entries()) {
  const e = MidiNewEv(typeKeyOn)!;
  MidiSetField(e, 0, pitch);
  MidiSetField(e, 1, 100);
  MidiSendAt(ref, e, now + 20 * (i + 1));
}
// Closing drops what is still scheduled: close after the last date.
setTimeout(() => MidiClose(ref), 300);
`;

/** The pids of processes serving `socketPath` (their command line names it). */
async function serversOn(socketPath: string): Promise<number[]> {
  const pids: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const cmdline = await Deno.readTextFile(`/proc/${entry.name}/cmdline`)
      .catch(() => "");
    const args = cmdline.split("\0");
    if (args.includes("serve") && args.includes(socketPath)) {
      pids.push(Number(entry.name));
    }
  }
  return pids;
}

function isAlive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

Deno.test("a script outside the checkout runs jsr:@midishare/client from a registry, which starts the server of the same version; deno install gives the midishare command", async (t) => {
  await using registry = await startRegistry();
  const tmp = await Deno.makeTempDir({ prefix: "midishare-registry-" });
  const app = `${tmp}/app`;
  const socketPath = `${tmp}/run/ms.sock`;
  await Deno.mkdir(app);
  await Deno.mkdir(`${tmp}/run`, { mode: 0o700 });
  await Deno.writeTextFile(`${app}/listener.ts`, LISTENER);
  await Deno.mkdir(`${app}/player`);
  await Deno.writeTextFile(`${app}/player/player.ts`, PLAYER);
  await Deno.writeTextFile(
    `${app}/player/deno.json`,
    JSON.stringify({
      imports: { "@midishare/client": "jsr:@midishare/client@^0.1.0" },
    }),
  );
  // Nothing of this machine's Deno setup or of the checkout: an empty DENO_DIR and
  // home, the mirror as the registry, a private socket.
  const home = `${tmp}/home`;
  const env = {
    PATH: `${DENO.slice(0, DENO.lastIndexOf("/"))}:/usr/bin:/bin`,
    HOME: home,
    DENO_DIR: `${tmp}/deno_dir`,
    JSR_URL: registry.url,
    MIDISHARE_SOCKET: socketPath,
    NO_COLOR: "1",
  };
  const command = (cmd: string, args: string[], piped = false, cwd = app) =>
    new Deno.Command(cmd, {
      args,
      cwd,
      env,
      clearEnv: true,
      stdin: "null",
      ...(piped ? { stdout: "piped", stderr: "piped" } : {}),
      signal: AbortSignal.timeout(CHILD_MS),
    });
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  let listener: Deno.ChildProcess | null = null;
  let listenerOut: Promise<string> | null = null;
  let listenerErr: Promise<string> | null = null;
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    let all = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      all += chunk;
    }
    return all;
  };
  try {
    await t.step(
      "deno info shows every module from the mirror, none from the checkout",
      async () => {
        for (
          const [cwd, script] of [[app, "listener.ts"], [
            `${app}/player`,
            "player.ts",
          ]]
        ) {
          const { code, stdout, stderr } = await command(
            DENO,
            [
              "info",
              "--json",
              script!,
            ],
            false,
            cwd,
          ).output();
          assert.equal(code, 0, text(stderr));
          const info = JSON.parse(text(stdout)) as {
            modules: { specifier: string }[];
          };
          const specifiers = info.modules.map((m) => m.specifier);
          const files = specifiers.filter((s) => s.startsWith("file:"));
          assert.deepEqual(files, [`file://${cwd}/${script}`]);
          assert.ok(!text(stdout).includes(`file://${ROOT}`));
          for (const name of ["client", "transport", "kernel"]) {
            assert.ok(
              specifiers.some((s) =>
                s.startsWith(`${registry.url}@midishare/${name}/0.1.0/`)
              ),
              `${script}: no module of @midishare/${name} from the mirror`,
            );
          }
        }
      },
    );

    let serverPid = 0;
    await t.step(
      "the first script starts the server from the mirror",
      async () => {
        listener = command(DENO, ["run", "-A", "listener.ts"], true).spawn();
        const [now, later] = listener.stdout.tee();
        listenerOut = collect(later);
        listenerErr = collect(listener.stderr);
        const reader = now.pipeThrough(new TextDecoderStream()).getReader();
        const first = await reader.read();
        await reader.cancel();
        assert.equal(first.value, "listening\n");
        const log = await Deno.readTextFile(`${socketPath}.log`);
        const version = registry.packages.find((p) => p.name === "midishare")!
          .version;
        assert.match(
          log,
          new RegExp(
            `starting a MidiShare server: ${DENO} run -A --unstable-net --no-config --no-lock jsr:@midishare/midishare@${version} serve --socket ${socketPath}`,
          ),
        );
        assert.match(log, /MidiShare server listening on/);
        serverPid = (await serversOn(socketPath))[0] ?? 0;
        assert.ok(serverPid > 0);
      },
    );

    await t.step(
      "deno install gives a midishare command that shows it",
      async () => {
        const install = await command(DENO, [
          "install",
          "-g",
          "-A",
          "--unstable-net",
          "--root",
          `${home}/.deno`,
          "-n",
          "midishare",
          "jsr:@midishare/midishare",
        ]).output();
        assert.equal(install.code, 0, text(install.stderr));
        const status = await command(`${home}/.deno/bin/midishare`, [
          "status",
          "--json",
        ]).output();
        assert.equal(status.code, 0, text(status.stderr));
        const json = JSON.parse(text(status.stdout));
        assert.equal(json.running, true);
        assert.equal(json.pid, serverPid);
        assert.ok(
          json.refnums.some((r: { name: string }) => r.name === "listener"),
        );
      },
    );

    await t.step(
      "a second script sends events to the first, both end",
      async () => {
        const player = await command(
          DENO,
          ["run", "-A", "player.ts"],
          false,
          `${app}/player`,
        ).output();
        assert.equal(player.code, 0, text(player.stderr));
        const { code } = await listener!.status;
        listener = null;
        assert.equal(code, 0, await listenerErr!);
        assert.match(await listenerOut!, /received 60 64 67/);
      },
    );

    await t.step(
      "the server quits by itself after the last application",
      async () => {
        await waitFor(
          () => !isAlive(serverPid),
          "the auto-started server to quit",
          30_000,
        );
        assert.equal(await isListening(socketPath), false);
        const log = await Deno.readTextFile(`${socketPath}.log`);
        assert.match(log, /stopping: no application left/);
      },
    );

    await t.step(
      "the systemd unit's command, run as the unit runs it, serves until SIGTERM",
      async () => {
        const unit = await Deno.readTextFile(
          `${ROOT}scripts/midishare.service`,
        );
        const setting = (key: string) =>
          new RegExp(`^${key}=(.*)$`, "m").exec(unit)?.[1]?.replaceAll(
            "%h",
            home,
          );
        const [exe, ...args] = setting("ExecStart")!.split(" ");
        const path = /^PATH=(.*)$/.exec(setting("Environment")!)![1]!;
        // Deno's installer keeps deno beside the commands it installs.
        await Deno.symlink(DENO, `${home}/.deno/bin/deno`);
        const runtime = `${tmp}/user-runtime`;
        await Deno.mkdir(runtime, { mode: 0o700 });
        // What a user manager gives its services, and this test's registry.
        const unitEnv = {
          HOME: home,
          PATH: path,
          XDG_RUNTIME_DIR: runtime,
          DENO_DIR: env.DENO_DIR,
          JSR_URL: env.JSR_URL,
          NO_COLOR: "1",
        };
        const service = new Deno.Command(exe!, {
          args,
          env: unitEnv,
          clearEnv: true,
          stdin: "null",
          stdout: "piped",
          stderr: "piped",
          signal: AbortSignal.timeout(CHILD_MS),
        }).spawn();
        const output = service.output();
        const socket = `${runtime}/midishare/midishare.sock`;
        try {
          await waitFor(
            () => isListening(socket),
            "the unit's server to listen",
            60_000,
          );
          const status = await new Deno.Command(exe!, {
            args: ["status", "--json"],
            env: unitEnv,
            clearEnv: true,
            stdin: "null",
            signal: AbortSignal.timeout(CHILD_MS),
          }).output();
          assert.equal(status.code, 0, text(status.stderr));
          const json = JSON.parse(text(status.stdout));
          assert.equal(json.pid, service.pid);
          assert.equal(json.socket, socket);
        } finally {
          await terminate(service);
        }
        const { code, stderr } = await output;
        assert.equal(code, 0, text(stderr));
        assert.match(text(stderr), /stopping: signal received/);
      },
    );

    const asked = registry.requests.map((r) => r.path);
    // `deno install` asks for the package's lock file, which it may lack.
    const missed = registry.requests.filter((r) =>
      r.status !== 200 && !r.path.endsWith("/deno.lock")
    );
    assert.deepEqual(missed, [], "the mirror lacked what Deno asked for");
    for (const name of ["client", "transport", "kernel", "midishare"]) {
      assert.ok(asked.includes(`/@midishare/${name}/meta.json`));
      assert.ok(asked.includes(`/@midishare/${name}/0.1.0_meta.json`));
    }
  } finally {
    const stray = listener as Deno.ChildProcess | null;
    if (stray !== null) {
      try {
        stray.kill("SIGKILL");
      } catch {
        // It ended already.
      }
      await stray.status;
    }
    // The auto-started server runs detached: stop it if it still serves. (The
    // unit's server is a child of its step, which stops it.)
    for (const pid of await serversOn(socketPath)) {
      try {
        Deno.kill(pid, "SIGKILL");
      } catch {
        // It ended meanwhile.
      }
    }
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("unfurl() rewrites imports of workspace packages only, as deno publish does", () => {
  const versions = new Map([["@midishare/kernel", "0.1.0"]]);
  assert.equal(
    unfurl(
      [
        'import { a } from "@midishare/kernel/api";',
        "export * from '@midishare/kernel';",
        'import type { B } from "@midishare/kernel/memory";',
        'const m = await import("@midishare/kernel/midi");',
        'import { c } from "@midishare/other";',
        'const SERVER = "@midishare/kernel";',
      ].join("\n"),
      versions,
    ),
    [
      'import { a } from "jsr:@midishare/kernel@^0.1.0/api";',
      "export * from 'jsr:@midishare/kernel@^0.1.0';",
      'import type { B } from "jsr:@midishare/kernel@^0.1.0/memory";',
      'const m = await import("jsr:@midishare/kernel@^0.1.0/midi");',
      'import { c } from "@midishare/other";',
      'const SERVER = "@midishare/kernel";',
    ].join("\n"),
  );
});
