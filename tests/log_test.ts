// Integration: the server's log under abuse. Names made to forge log lines or to
// make them long, and a log that must not grow without bound.

import assert from "node:assert/strict";
import { startAgent, startServer, waitFor } from "./_harness.ts";
import { helloFrame, openConnections } from "./_stress.ts";

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;

Deno.test("names cannot forge log lines or make them long", async () => {
  const dir = await Deno.makeTempDir();
  const logFile = `${dir}/server.log`;
  try {
    const server = await startServer({ args: ["--log-file", logFile] });
    try {
      const forged = "2000-01-01T00:00:00.000Z forged";
      await using evil = startAgent(server.socketPath, `evil\n${forged}`);
      await evil.call("MidiOpen", `app\r\n${forged}`.slice(0, 31));
      await using long = startAgent(server.socketPath, "x".repeat(60_000));
      await long.call("MidiOpen", "long");
      // A peer that is not our client library sends the longest HELLO there is.
      await using _raw = await openConnections(
        server.socketPath,
        1,
        helloFrame(`raw${`\n${forged}`.repeat(120)}`),
      );
      await waitFor(
        async () => (await Deno.readTextFile(logFile)).includes("raw\\n2000"),
        "the raw client's log line",
      );
      await evil.call("MidiCountAppls");
    } finally {
      await server.stop();
    }
    const lines = (await Deno.readTextFile(logFile)).split("\n");
    assert.equal(lines.pop(), "");
    for (const line of lines) {
      assert.match(line, TIMESTAMP);
      assert.ok(line.length < 400, `a line of ${line.length} characters`);
    }
    assert.ok(!lines.some((l) => l.startsWith("2000-01-01")));
    assert.ok(lines.some((l) => l.includes("evil\\n2000-01-01")));
    assert.ok(lines.some((l) => l.includes("app\\r\\n2000-01-01")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the server log rotates at its size limit", async () => {
  const dir = await Deno.makeTempDir();
  const logFile = `${dir}/server.log`;
  try {
    await using server = await startServer({
      args: ["--log-file", logFile, "--log-max-size", "4096"],
    });
    await using agent = startAgent(server.socketPath, "chatty");
    for (let i = 0; i < 100; i++) {
      const ref = await agent.call("MidiOpen", `application ${i}`) as number;
      await agent.call("MidiClose", ref);
    }
    await agent.call("MidiCountAppls");
    await waitFor(async () => {
      const text = await Deno.readTextFile(logFile);
      return text.includes('closed "application 99"');
    }, "the last line");
    const files = (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name)
      .sort();
    assert.deepEqual(files, ["server.log", "server.log.1"]);
    for (const name of files) {
      const { size } = await Deno.stat(`${dir}/${name}`);
      assert.ok(size <= 4096, `${name} has ${size} bytes`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
