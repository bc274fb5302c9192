// Integration: RtMidi ports on a real JACK server with no sound card: ports that
// vanish, virtual ports other JACK programs connect to, a JACK server that stops
// and comes back, and no JACK server at all. Its JACK server has a name of its own,
// as test files run in parallel.

import assert from "node:assert/strict";
import { gather, startAgent, startServer, waitFor } from "./_harness.ts";
import {
  hardwareTest,
  ports,
  startJack,
  startJackClient,
  startJackClientWithPort,
} from "./_jack.ts";
import {
  dumped,
  MIDIAddSlot,
  MIDIRemoveSlot,
  openApp,
  portOf,
  type Received,
  slots,
  startServerOnJack,
  typeKeyOn,
} from "./_rtmidi_test_util.ts";

Deno.test(
  hardwareTest("a port that vanishes costs nothing but that port", async () => {
    await using jack = await startJack("midishare-test-ports");
    await using dump = startJackClient(jack.env, "jack_midi_dump", ["dump"]);
    const gone = startJackClient(jack.env, "jack_midi_dump", ["gone"]);
    await waitFor(async () => {
      const p = await ports(jack.env);
      return p.includes("dump:input") && p.includes("gone:input");
    }, "two dump clients");
    await using server = await startServerOnJack(jack);
    await using agent = startAgent(server.socketPath, "player");
    const app = await openApp(agent, "player");
    await agent.run("watchAlarms", { ref: app });
    const keptPort = await portOf(agent, "dump:input");
    const gonePort = await portOf(agent, "gone:input");
    const { ref: driver } = await slots(agent);
    await agent.run("alarms");
    const { time } = await agent.run("time") as { time: number };
    for (let i = 0; i < 10; i++) {
      await agent.run("send", {
        ref: app,
        type: typeKeyOn,
        fields: [i, 1],
        port: gonePort,
        date: time + 300 + i,
      });
      await agent.run("send", {
        ref: app,
        type: typeKeyOn,
        fields: [i, 2],
        port: keptPort,
        date: time + 300 + i,
      });
    }
    await gone.stop();
    await agent.call("rescanPorts");
    const alarms = await gather<{ ref: number; code: number }>(
      agent,
      "alarms",
      1,
    );
    assert.ok(alarms.some((a) => a.code === ((driver << 16) | MIDIRemoveSlot)));
    assert.equal(
      (await slots(agent)).slots.some((s) => s.name === "gone:input"),
      false,
    );
    const kept = await waitFor(() => {
      const m = dumped(dump.output());
      return m.length >= 10 && m;
    }, "the events of the remaining port");
    assert.deepEqual(
      kept.map((m) => m.bytes),
      Array.from({ length: 10 }, (_, i) => [0x90, i, 2]),
    );
    assert.match(server.log(), /"gone:input" vanished/);
    // The port comes back: a new slot, on the MidiShare port it had.
    await using again = await startJackClientWithPort(
      jack.env,
      "jack_midi_dump",
      ["gone"],
      "gone:input",
    );
    await agent.call("rescanPorts");
    assert.equal(await portOf(agent, "gone:input"), gonePort);
    assert.ok(
      (await agent.run("alarms") as { code: number }[]).some((a) =>
        a.code === ((driver << 16) | MIDIAddSlot)
      ),
    );
    void again;
  }),
);

Deno.test(
  hardwareTest(
    "--virtual-ports creates ports other JACK programs connect to",
    async () => {
      await using jack = await startJack("midishare-test-ports");
      await using server = await startServerOnJack(
        jack,
        "--virtual-ports",
        "2",
      );
      await using agent = startAgent(server.socketPath, "virtual");
      const app = await openApp(agent, "virtual");
      await agent.run("collect", { ref: app });
      const names = (await slots(agent)).slots.map((s) => s.name);
      assert.deepEqual(names.slice(0, 4), [
        "MidiShare in 1",
        "MidiShare out 1",
        "MidiShare in 2",
        "MidiShare out 2",
      ]);
      const jackPorts = await ports(jack.env);
      const virtualIn = jackPorts.find((p) => p.endsWith(":in 2"))!;
      assert.ok(virtualIn !== undefined, jackPorts.join(", "));
      await using seq = await startJackClientWithPort(
        jack.env,
        "jack_midiseq",
        [
          "seq",
          "4800",
          "0",
          "62",
          "2400",
        ],
        "seq:out",
      );
      const connected = await new Deno.Command("jack_connect", {
        args: ["seq:out", virtualIn],
        env: jack.env,
        signal: AbortSignal.timeout(30_000),
      }).output();
      assert.ok(connected.success);
      const got = await gather<Received>(agent, "received", 2);
      assert.ok(got.every((e) => e.fields[0] === 62 && e.port === 1));
      void seq;
    },
  ),
);

Deno.test(
  hardwareTest(
    "a JACK server that stops and comes back costs only its ports",
    async () => {
      const jack = await startJack("midishare-test-ports");
      await using server = await startServerOnJack(
        jack,
        "--virtual-ports",
        "1",
      );
      await using agent = startAgent(server.socketPath, "survivor");
      const app = await openApp(agent, "survivor");
      const port = await portOf(agent, "MidiShare out 1");
      await jack[Symbol.asyncDispose]();
      await agent.call("rescanPorts");
      await waitFor(
        async () => (await slots(agent)).slots.length === 0,
        "the slots to go with the JACK server",
      );
      // MidiShare runs on: the application still sends, to no port.
      await agent.run("send", { ref: app, type: typeKeyOn, fields: [60, 1] });
      assert.equal(await agent.call("MidiGetName", app), "survivor");
      await using again = await startJack("midishare-test-ports");
      await agent.call("rescanPorts");
      assert.equal(await portOf(agent, "MidiShare out 1"), port);
      assert.equal(
        server.log().match(/the JACK server stopped/g)?.length,
        1,
        server.log(),
      );
      void again;
    },
  ),
);

Deno.test(
  hardwareTest(
    "without a JACK server the driver waits quietly and lets the kernel sleep",
    async () => {
      await using server = await startServer({
        args: ["--midi-api", "jack"],
        env: { JACK_DEFAULT_SERVER: "midishare-test-absent" },
      });
      await using agent = startAgent(server.socketPath, "quiet");
      await agent.call("MidiOpen", "quiet");
      await agent.call("rescanPorts");
      await agent.call("rescanPorts");
      // Awake with nothing to poll, the kernel sleeps between requests instead of
      // waking every millisecond (it still wakes once a second for the rescans).
      type Status = { kernelWakeups: number };
      const before = (await agent.run("status") as Status).kernelWakeups;
      await new Promise((r) => setTimeout(r, 1500));
      const after = (await agent.run("status") as Status).kernelWakeups;
      assert.ok(after - before < 200, `${after - before} wake-ups in 1.5 s`);
      const log = server.log();
      // libjack prints this on every failed connection: JACK is never tried while no
      // server shows.
      assert.doesNotMatch(log, /Cannot connect to server/);
      assert.equal(log.match(/no MIDI ports yet/g)?.length, 1, log);
    },
  ),
);
