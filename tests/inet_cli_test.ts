// Integration: `midishare inet` on this machine, without network namespaces: its
// command line (spec inet.md §10 items 1 to 7, 43), the refusal of a second instance,
// the daemon, and the marking of network applications in a real server.

import assert from "node:assert/strict";
import { createClient } from "@midishare/client";
import { startServer, tempSocketDir, terminate, waitFor } from "./_harness.ts";
import { readLines } from "./_line_reader.ts";
import { usageText, VERSION_LINE } from "../drivers/inet/mod.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const MAIN = `${ROOT}main.ts`;

/** Runs `main.ts inet <args>` to its end. */
async function inet(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; out: string; err: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "inet", ...args],
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const text = new TextDecoder();
  return { code, out: text.decode(stdout), err: text.decode(stderr) };
}

/** Starts `main.ts inet <args>` on `socketPath`, its lines read as they come. */
function spawnInet(socketPath: string, args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "inet", ...args],
    env: { NO_COLOR: "1", MIDISHARE_SOCKET: socketPath },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  return { child, reader: readLines(child) };
}

/** A port no one uses on this machine now, UDP and TCP alike. */
function freePort(): number {
  for (let i = 0; i < 50; i++) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    try {
      Deno.listenDatagram({ transport: "udp", hostname: "0.0.0.0", port })
        .close();
      Deno.listen({ hostname: "0.0.0.0", port }).close();
      return port;
    } catch {
      // In use: try another.
    }
  }
  throw new Error("No free port found");
}

async function applicationNames(socketPath: string): Promise<string[]> {
  const ms = createClient({ socketPath, autoStart: false });
  try {
    const status = await ms.serverStatus();
    return (status.refnums as { name: string; kind: string }[])
      .filter((r) => r.kind === "application").map((r) => r.name);
  } finally {
    await ms.close();
  }
}

Deno.test("inet --help prints the usage text and -v the version", async () => {
  const help = await inet(["--help"]);
  assert.equal(help.code, 0);
  assert.equal(help.out, usageText("midishare inet"));
  const version = await inet(["-v"]);
  assert.deepEqual([version.code, version.out], [0, `${VERSION_LINE}\n`]);
});

Deno.test("inet usage errors print the usage on standard error and exit 1", async () => {
  const bad = [
    ["-h"],
    ["-p4950"],
    ["-latency", "3"],
    ["stray"],
    ["-p"],
    ["-p", "abc"],
    ["-log", "-d"],
    ["-p", "70000"],
    ["-g", "0"],
  ];
  for (const args of bad) {
    const { code, out, err } = await inet(args);
    assert.equal(code, 1, args.join(" "));
    assert.equal(out, "", args.join(" "));
    assert.match(err, /Usage: midishare inet/, args.join(" "));
  }
});

Deno.test("inet -s runs a WAN driver: banner, its application marked, a second instance refused, SIGTERM quits", async () => {
  await using server = await startServer();
  const port = freePort();
  const first = spawnInet(server.socketPath, ["-s", "-p", String(port)]);
  const name = `msWANDriver:${port}`;
  try {
    await first.reader.waitLine((l) => l === "type 'q' to quit", "banner");
    assert.match(
      first.reader.lines[0]!,
      /^\[\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d\] MidiShare Internet driver v\. 1\.13 is running$/,
    );
    assert.deepEqual(first.reader.lines.slice(1, 4), [
      `${" ".repeat(20)}Basic scan detection active and redirected to stderr`,
      `${" ".repeat(20)}TCP server mode on: 32 clients allowed`,
      `${
        " ".repeat(20)
      }UDP port: ${port} maximum latency allowed: 1500 grouping time: 200`,
    ]);
    await waitFor(
      async () => (await applicationNames(server.socketPath)).includes(name),
      `${name} in the server`,
    );
    const ms = createClient({
      socketPath: server.socketPath,
      autoStart: false,
    });
    const status = await ms.serverStatus();
    await ms.close();
    const entry = (status.refnums as { name: string; networkRole?: string }[])
      .find((r) => r.name === name);
    assert.equal(entry?.networkRole, "driver");

    const second = await inet(["-s", "-p", String(port)], {
      MIDISHARE_SOCKET: server.socketPath,
    });
    assert.equal(second.code, 1);
    assert.match(
      second.out,
      new RegExp(`Cannot launch ${name}: ${name} is already running`),
    );
  } finally {
    const status = await terminate(first.child);
    assert.equal(status.code, 0, first.reader.stderr());
  }
  assert.ok(!(await applicationNames(server.socketPath)).includes(name));
});

Deno.test("inet exits 1 with a message when its port is in use (UDP, then TCP)", async () => {
  await using server = await startServer();
  const port = freePort();
  const env = { MIDISHARE_SOCKET: server.socketPath };
  {
    const udp = Deno.listenDatagram({
      transport: "udp",
      hostname: "0.0.0.0",
      port,
    });
    const { code, out } = await inet(["-s", "-p", String(port)], env).finally(
      () => udp.close(),
    );
    assert.equal(code, 1);
    assert.match(out, /msWANDriver:\d+: cannot wake up, socket open failed/);
  }
  {
    using _tcp = Deno.listen({ hostname: "0.0.0.0", port });
    const { code, out } = await inet(["-s", "-p", String(port)], env);
    assert.equal(code, 1);
    assert.match(out, /cannot wake up, TCP server open failed/);
  }
});

Deno.test("inet q on standard input quits in order; without a server it waits for one", async () => {
  const dir = await tempSocketDir();
  const socketPath = `${dir}/ms.sock`;
  const port = freePort();
  const driver = spawnInet(socketPath, ["-s", "-p", String(port)]);
  try {
    await driver.reader.waitLine(
      (l) => l.includes("no MidiShare server answers"),
      "the wait for a server",
    );
    await using _server = await startServer({ socketPath });
    await driver.reader.waitLine(
      (l) => l.includes("MidiShare server found"),
      "the server found",
    );
    await waitFor(
      async () =>
        (await applicationNames(socketPath)).includes(`msWANDriver:${port}`),
      "the driver's application",
    );
    const writer = driver.child.stdin.getWriter();
    await writer.write(new TextEncoder().encode("q\n"));
    await writer.close();
    assert.equal((await driver.child.status).code, 0);
  } finally {
    await terminate(driver.child);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

/** The pid of the process whose environment holds `entry`, or null. */
async function pidWithEnv(entry: string): Promise<number | null> {
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const env = await Deno.readTextFile(`/proc/${e.name}/environ`);
      if (env.split("\0").includes(entry)) return Number(e.name);
    } catch {
      // Gone, or not ours to read.
    }
  }
  return null;
}

Deno.test("inet -d runs as a daemon: nothing on standard output, the banner in its log file", async () => {
  await using server = await startServer();
  const dir = await tempSocketDir();
  const log = `${dir}/inet.log`;
  const port = freePort();
  const { code, out, err } = await inet(
    ["-d", "-log", log, "-s", "-p", String(port)],
    { MIDISHARE_SOCKET: server.socketPath },
  );
  let pid: number | null = null;
  try {
    assert.deepEqual([code, out, err], [0, "", ""]);
    const daemon = await waitFor(
      async () =>
        (await pidWithEnv(`MIDISHARE_INET_DAEMON_LOG=${log}`)) ?? undefined,
      "the daemon process",
    );
    pid = daemon;
    const text = await waitFor(async () => {
      const t = await Deno.readTextFile(log).catch(() => "");
      return t.includes("UDP port") ? t : undefined;
    }, "the banner in the log file");
    assert.match(text, /MidiShare Internet driver v\. 1\.13 is running/);
    assert.doesNotMatch(text, /type 'q' to quit/);
    await waitFor(
      async () =>
        (await applicationNames(server.socketPath)).includes(
          `msWANDriver:${port}`,
        ),
      "the daemon's application",
    );
    Deno.kill(daemon, "SIGTERM");
    await waitFor(
      async () =>
        (await pidWithEnv(`MIDISHARE_INET_DAEMON_LOG=${log}`)) === null,
      "the daemon to quit on SIGTERM",
    );
    pid = null;
  } finally {
    if (pid !== null) Deno.kill(pid, "SIGKILL");
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});

Deno.test("status lists a network driver's peers under it; an on-demand server does not stay for them", async () => {
  const dir = await tempSocketDir();
  const socketPath = `${dir}/ms.sock`;
  const server = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      MAIN,
      "serve",
      "--socket",
      socketPath,
      "--linger",
      "300",
      "--midi-api",
      "off",
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const ms = createClient({ socketPath, autoStart: false });
  try {
    await waitFor(() => ms.MidiShare(), "the server");
    const driver = await ms.MidiOpen("msLANDriver");
    const peer = await ms.MidiOpen("studio");
    const user = await ms.MidiOpen("player");
    ms.setNetworkRole(driver, "driver");
    ms.setNetworkRole(peer, "peer");
    await ms.MidiShare();
    const { stdout } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", MAIN, "status", "--socket", socketPath],
      stdout: "piped",
      stderr: "null",
    }).output();
    const text = new TextDecoder().decode(stdout);
    assert.match(
      text,
      new RegExp(
        `${driver}  msLANDriver  \\(client \\d+, network driver\\)\\n    peer +${peer}  studio`,
      ),
    );
    assert.match(text, new RegExp(` ${user}  player  \\(client \\d+\\)`));
    ms.MidiClose(user);
    const status = await server.status;
    assert.equal(
      status.code,
      0,
      "the server quits once only network applications are left",
    );
  } finally {
    await ms.close();
    await terminate(server);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
