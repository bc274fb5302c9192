// Integration: the clock and echo tools against a real server, and the usage of
// the music tools (play, record, clock, echo).

import assert from "node:assert/strict";
import { gather, startAgent, startServer, waitFor } from "./_harness.ts";
import { readLines } from "./_line_reader.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const typeNote = 0, typeKeyOn = 1, typeKeyOff = 2, typeCtrlChange = 4;
const typeClock = 10, typeStart = 11, typeStop = 13;

interface Received {
  type: number;
  date: number;
  chan: number;
  port: number;
  fields: number[];
}

async function tool(...args: string[]) {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env: { NO_COLOR: "1" },
    stdin: "null",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const text = new TextDecoder();
  return { code, out: text.decode(stdout), err: text.decode(stderr) };
}

Deno.test("play, record, clock and echo answer --help, and a bad option in one line with code 2", async () => {
  for (const name of ["play", "record", "clock", "echo"]) {
    const help = await tool(name, "--help");
    assert.equal(help.code, 0, name);
    assert.match(help.out, new RegExp(`^Usage: midishare ${name}`));
    const bad = await tool(name, "--nonsense");
    assert.equal(bad.code, 2, name);
    assert.equal(bad.err.trim().split("\n").length, 1, bad.err);
    assert.match(bad.err, new RegExp(`see "midishare ${name} --help"`));
  }
  const { out } = await tool("--help");
  assert.match(out, /play[\s\S]*record[\s\S]*clock[\s\S]*echo/);
});

Deno.test("clock sends Start, 24 clocks a quarter at their exact dates, clicks on the beats and Stop", async () => {
  await using server = await startServer();
  await using agent = startAgent(server.socketPath, "ear");
  const ear = await agent.call("MidiOpen", "ear") as number;
  await agent.run("collect", { ref: ear });
  // Two bars of 3/4 at 150 a minute: 144 clocks of 16.667 ms.
  const done = await tool(
    "clock",
    "--socket",
    server.socketPath,
    "--to",
    "ear",
    "--tempo",
    "150",
    "--beats",
    "3",
    "--bars",
    "2",
    "--port",
    "5",
  );
  assert.equal(done.code, 0, done.err);
  const got = await gather<Received>(agent, "received", 1 + 144 + 6 + 1);
  const start = got[0]!;
  assert.deepEqual([start.type, start.port], [typeStart, 5]);
  const clocks = got.filter((e) => e.type === typeClock);
  assert.equal(clocks.length, 144);
  clocks.forEach((e, i) => {
    const exact = i * 60_000 / (24 * 150);
    assert.ok(
      Math.abs(e.date - start.date - exact) <= 0.5,
      `clock ${i} at ${e.date - start.date} ms, exactly ${exact}`,
    );
  });
  const clicks = got.filter((e) => e.type === typeNote);
  assert.deepEqual(
    clicks.map((e) => [e.date - start.date, e.chan, ...e.fields]),
    [0, 1, 2, 3, 4, 5].map((beat) => [
      beat * 400,
      9,
      beat % 3 === 0 ? 36 : 37,
      beat % 3 === 0 ? 120 : 90,
      30,
    ]),
  );
  const stop = got.at(-1)!;
  assert.deepEqual([stop.type, stop.date - start.date], [typeStop, 2400]);
});

Deno.test("echo echoes each note a delay later, softer each time, and passes the rest through", async () => {
  await using server = await startServer();
  await using agent = startAgent(server.socketPath, "keys");
  const keys = await agent.call("MidiOpen", "keys") as number;
  const ear = await agent.call("MidiOpen", "ear") as number;
  await agent.run("collect", { ref: ear });
  const echo = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      MAIN,
      "echo",
      "--socket",
      server.socketPath,
      "--from",
      "keys",
      "--to",
      "ear",
      "--delay",
      "100",
      "--repeat",
      "3",
      "--decay",
      "50",
    ],
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).spawn();
  const lines = readLines(echo);
  await lines.waitLine((l) => l.startsWith("echo: refnum"), "echo to start", {
    timeoutMs: 30_000,
  });
  const { time } = await agent.run("time") as { time: number };
  const t = time + 200;
  const send = (type: number, date: number, fields: number[]) =>
    agent.run("send", { ref: keys, type, fields, chan: 3, date });
  await send(typeKeyOn, t, [60, 100]);
  await send(typeKeyOff, t + 50, [60, 64]);
  await send(typeNote, t + 1000, [64, 80, 30]);
  await send(typeCtrlChange, t + 1010, [7, 99]);
  const got = await gather<Received>(agent, "received", 2 * 4 + 4 + 1);
  const seen = got.map((e) => [e.type, e.date - t, e.chan, ...e.fields])
    .sort((a, b) => a[1]! - b[1]!);
  assert.deepEqual(seen, [
    [typeKeyOn, 0, 3, 60, 100],
    [typeKeyOff, 50, 3, 60, 64],
    [typeKeyOn, 100, 3, 60, 50],
    [typeKeyOff, 150, 3, 60, 64],
    [typeKeyOn, 200, 3, 60, 25],
    [typeKeyOff, 250, 3, 60, 64],
    [typeKeyOn, 300, 3, 60, 13],
    [typeKeyOff, 350, 3, 60, 64],
    [typeNote, 1000, 3, 64, 80, 30],
    [typeCtrlChange, 1010, 3, 7, 99],
    [typeNote, 1100, 3, 64, 40, 30],
    [typeNote, 1200, 3, 64, 20, 30],
    [typeNote, 1300, 3, 64, 10, 30],
  ]);
  echo.kill("SIGINT");
  assert.equal((await echo.status).code, 0);
  await lines.ended;
  await waitFor(
    async () => await agent.call("MidiGetNamedAppl", "echo") as number < 0,
    "echo to close",
  );
});
