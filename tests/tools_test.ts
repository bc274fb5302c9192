// Integration: the status, connect and display tools against a real server.

import assert from "node:assert/strict";
import {
  freeze,
  socketsOn,
  startAgent,
  startServer,
  tempSocketDir,
  waitFor,
} from "./_harness.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

async function tool(
  ...args: string[]
): Promise<{ code: number; out: string; err: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env: { NO_COLOR: "1" },
    stdin: "null",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const text = new TextDecoder();
  return { code, out: text.decode(stdout), err: text.decode(stderr) };
}

Deno.test("every tool answers --help", async () => {
  for (const name of ["serve", "status", "connect", "display", "demo"]) {
    const { code, out } = await tool(name, "--help");
    assert.equal(code, 0, name);
    assert.match(out, new RegExp(`Usage: midishare ${name}`));
  }
  const { code, out } = await tool("--help");
  assert.equal(code, 0);
  assert.match(out, /serve[\s\S]*status[\s\S]*connect[\s\S]*display/);
});

Deno.test("status says when no server runs, and never starts one", async () => {
  const dir = await tempSocketDir();
  const { code, out } = await tool("status", "--socket", `${dir}/none.sock`);
  assert.equal(code, 1);
  assert.match(out, /not running/);
  assert.equal(await Deno.stat(`${dir}/none.sock`).catch(() => null), null);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("status --json prints JSON when no server runs", async () => {
  const dir = await tempSocketDir();
  const { code, out, err } = await tool(
    "status",
    "--json",
    "--socket",
    `${dir}/none.sock`,
  );
  assert.equal(code, 1);
  assert.equal(err, "");
  assert.deepEqual(JSON.parse(out), {
    running: false,
    socket: `${dir}/none.sock`,
  });
  await Deno.remove(dir, { recursive: true });
});

Deno.test("status and connect list, make and break connections by name and refnum", async () => {
  await using server = await startServer();
  await using agent = startAgent(server.socketPath, "apps");
  const a = await agent.call("MidiOpen", "synth in") as number;
  const b = await agent.call("MidiOpen", "sequencer") as number;
  const made = await tool(
    "connect",
    "--socket",
    server.socketPath,
    "sequencer",
    String(a),
  );
  assert.equal(made.code, 0, made.err);
  assert.equal(await agent.call("MidiIsConnected", b, a), true);
  const listed = await tool("status", "--socket", server.socketPath);
  assert.equal(listed.code, 0);
  assert.match(listed.out, new RegExp(`${a}\\s+synth in`));
  assert.match(listed.out, new RegExp(`${b} "sequencer" -> ${a} "synth in"`));
  const json = JSON.parse(
    (await tool("status", "--json", "--socket", server.socketPath)).out,
  );
  assert.equal(json.running, true);
  assert.equal(
    json.refnums.find((r: { refNum: number }) => r.refNum === b).connectedTo[0],
    a,
  );
  const broken = await tool(
    "connect",
    "-d",
    "--socket",
    server.socketPath,
    String(b),
    "synth in",
  );
  assert.equal(broken.code, 0, broken.err);
  assert.equal(await agent.call("MidiIsConnected", b, a), false);
  const again = await tool(
    "connect",
    "-d",
    "--socket",
    server.socketPath,
    String(b),
    "synth in",
  );
  assert.equal(again.code, 1);
  assert.equal(again.out, "");
  assert.match(
    again.err,
    /^Cannot disconnect \d+ from \d+: they are not connected\n$/,
  );
  const bad = await tool(
    "connect",
    "--socket",
    server.socketPath,
    "nobody",
    "sequencer",
  );
  assert.equal(bad.code, 1);
  assert.match(bad.err, /No application or driver is named "nobody"/);
});

Deno.test("connect --slot maps a port to a driver's slot", async () => {
  await using server = await startServer();
  await using agent = startAgent(server.socketPath, "driver");
  await agent.call("MidiOpen", "app");
  const d = await agent.call("MidiRegisterDriver", {
    name: "synths",
    version: 100,
  }, {}) as number;
  const slot = await agent.call("MidiAddSlot", d, "Synth A", 2);
  const made = await tool(
    "connect",
    "--slot",
    "--socket",
    server.socketPath,
    "7",
    "synths",
    "Synth A",
  );
  assert.equal(made.code, 0, made.err);
  assert.equal(await agent.call("MidiIsSlotConnected", 7, slot), true);
  const status = await tool("status", "--socket", server.socketPath);
  assert.match(status.out, /slot 0: Synth A \(out\), ports 7/);
  const unmapped = await tool(
    "connect",
    "-d",
    "--slot",
    "--socket",
    server.socketPath,
    "7",
    "synths",
    "0",
  );
  assert.equal(unmapped.code, 0, unmapped.err);
  assert.equal(await agent.call("MidiIsSlotConnected", 7, slot), false);
  const again = await tool(
    "connect",
    "-d",
    "--slot",
    "--socket",
    server.socketPath,
    "7",
    "synths",
    "0",
  );
  assert.equal(again.code, 1);
  assert.match(again.err, /it is not mapped/);
});

Deno.test("display prints the events its application receives", async () => {
  await using server = await startServer();
  await using agent = startAgent(server.socketPath, "player");
  const a = await agent.call("MidiOpen", "player") as number;
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      MAIN,
      "display",
      "--socket",
      server.socketPath,
      "--count",
      "2",
      "player",
    ],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).spawn();
  // Connected, not only open: display connects after a few round trips of its own.
  await waitFor(async () => {
    const d = await agent.call("MidiGetNamedAppl", "display") as number;
    return d > 0 && await agent.call("MidiIsConnected", a, d) === true;
  }, "display");
  await agent.run("send", { ref: a, type: 0, fields: [60, 100, 250], chan: 2 });
  await agent.run("send", { ref: a, type: 4, fields: [7, 90] });
  const { code, stdout } = await child.output();
  const out = new TextDecoder().decode(stdout);
  assert.equal(code, 0);
  assert.match(out, /player\s+port\s+0\s+ch\s+2\s+Note\s+60 100 250/);
  assert.match(out, /CtrlChange\s+7 90/);
});

/** Starts a tool with its output piped; it is killed after `timeoutMs`. */
function spawnTool(args: string[], timeoutMs = 30_000): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(timeoutMs),
  }).spawn();
}

/** Exit code, standard output and the lines of standard error of a tool. */
async function ended(
  child: Deno.ChildProcess,
): Promise<{ code: number; out: string; errLines: string[] }> {
  const { code, stdout, stderr } = await child.output();
  const text = new TextDecoder();
  const err = text.decode(stderr).trim();
  return {
    code,
    out: text.decode(stdout),
    errLines: err === "" ? [] : err.split("\n"),
  };
}

Deno.test("display says in one line that the server is lost, and exits with 1", async () => {
  await using server = await startServer();
  await using agent = startAgent(server.socketPath, "player");
  await agent.call("MidiOpen", "player");
  const display = spawnTool(["display", "--socket", server.socketPath]);
  await waitFor(
    async () => await agent.call("MidiGetNamedAppl", "display") as number > 0,
    "display",
    30_000,
  );
  server.child.kill("SIGKILL");
  const { code, errLines } = await ended(display);
  assert.equal(code, 1);
  assert.equal(errLines.length, 1, errLines.join("\n"));
  assert.match(errLines[0]!, /MidiShare server/);
});

Deno.test("status and connect say in one line that the server is lost before it answers, and exit with 1", async () => {
  await using server = await startServer();
  // A frozen server takes connections but answers nothing: both tools wait in
  // the middle of their call when it dies.
  await freeze(server.child);
  const before = await socketsOn(server.socketPath);
  const status = spawnTool(["status", "--socket", server.socketPath]);
  const connect = spawnTool([
    "connect",
    "--socket",
    server.socketPath,
    "a",
    "b",
  ]);
  await waitFor(
    async () => await socketsOn(server.socketPath) === before + 2,
    "both tools to connect",
    30_000,
  );
  server.child.kill("SIGKILL");
  for (
    const [name, child] of [["status", status], ["connect", connect]] as const
  ) {
    const { code, out, errLines } = await ended(child);
    assert.equal(code, 1, name);
    assert.equal(out, "", name);
    assert.equal(errLines.length, 1, `${name}: ${errLines.join("\n")}`);
    assert.match(errLines[0]!, /MidiShare server/, name);
  }
});
