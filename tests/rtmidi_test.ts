// Integration: hardware and virtual MIDI ports through RtMidi on a real JACK server
// with no sound card, against real third-party JACK MIDI clients.

import assert from "node:assert/strict";
import {
  type Agent,
  gather,
  type ServerProcess,
  startAgent,
  startServer,
  sysexChecksum,
  terminate,
  waitFor,
} from "./_harness.ts";
import { alsaSequencerExists } from "../drivers/rtmidi/midi_systems.ts";
import {
  loadRtMidi,
  RTMIDI_API_UNIX_JACK,
  RtMidiError,
} from "../drivers/rtmidi/mod.ts";
import { PortScanner } from "../drivers/rtmidi/port_scanner.ts";
import {
  hardwareBenchTest,
  hardwareTest,
  type JackServer,
  ports,
  startJack,
  startJackClient,
  startJackClientWithPort,
} from "./_jack.ts";

const typeKeyOn = 1, typeKeyOff = 2, typeCtrlChange = 4, typeProgChange = 5;
const typePitchWheel = 7, typeSysEx = 17, typeNote = 0, typeCtrl14b = 131;
const typeClock = 10, typeStart = 11, typeActiveSens = 15;
const MIDIRemoveSlot = 15, MIDIAddSlot = 14;

interface Slot {
  slotRef: number;
  name: string;
  direction: number;
  ports: number[];
}

interface Received {
  type: number;
  date: number;
  arrival: number;
  port: number;
  chan: number;
  refNum: number;
  fields: number[];
}

/** The RtMidi driver's slots, from the server's status. */
async function slots(agent: Agent): Promise<{ ref: number; slots: Slot[] }> {
  const status = await agent.run("status") as {
    refnums: { refNum: number; name: string; slots?: Slot[] }[];
  };
  const driver = status.refnums.find((r) => r.name === "RtMidi");
  return { ref: driver?.refNum ?? -1, slots: driver?.slots ?? [] };
}

/** The MidiShare port mapped to the slot named `name`, once it exists. */
async function portOf(agent: Agent, name: string): Promise<number> {
  return await waitFor(async () => {
    const slot = (await slots(agent)).slots.find((s) => s.name === name);
    return slot?.ports[0];
  }, `a slot for "${name}"`);
}

/** The MIDI messages `jack_midi_dump` printed, as byte lists, with their times. */
function dumped(text: string): { time: number; bytes: number[] }[] {
  const out = [];
  for (const line of text.split("\n")) {
    const m = /^\s*(\d+):\s+(.*)$/.exec(line);
    if (m === null) continue;
    const bytes = [];
    for (const token of m[2]!.split(/\s+/)) {
      if (!/^[0-9a-f]{2}$/.test(token)) break;
      bytes.push(parseInt(token, 16));
    }
    out.push({ time: Number(m[1]), bytes });
  }
  return out;
}

/** A server on `jack` with hardware ports through JACK and the options given. */
function startServerOnJack(
  jack: JackServer,
  ...options: string[]
): Promise<ServerProcess> {
  return startServer({
    args: ["--midi-api", "jack", ...options],
    env: jack.env,
  });
}

async function openApp(agent: Agent, name: string): Promise<number> {
  const ref = await agent.call("MidiOpen", name) as number;
  await agent.call("MidiConnect", ref, 0, true);
  await agent.call("MidiConnect", 0, ref, true);
  return ref;
}

Deno.test(
  hardwareTest(
    "events of a client reach jack_midi_dump through a slot, bytes and order exact",
    async () => {
      await using jack = await startJack();
      await using dump = await startJackClientWithPort(
        jack.env,
        "jack_midi_dump",
        ["dump"],
        "dump:input",
      );
      await using server = await startServerOnJack(jack);
      await using agent = startAgent(server.socketPath, "player");
      const app = await openApp(agent, "player");
      const port = await portOf(agent, "dump:input");
      const { time } = await agent.run("time") as { time: number };
      const send = (type: number, fields: number[], at: number, chan = 1) =>
        agent.run("send", {
          ref: app,
          type,
          fields,
          port,
          chan,
          date: time + at,
        });
      await send(typeKeyOn, [60, 100], 100);
      await send(typeCtrlChange, [7, 90], 110);
      await send(typeProgChange, [5], 120);
      await send(typePitchWheel, [0, 64], 130);
      await send(typeKeyOff, [60, 0], 140);
      await send(typeCtrl14b, [1, 0x1234], 150);
      await send(typeKeyOn, [0, 0], 160, 15); // velocity 0 stays a Note On
      const got = await waitFor(() => {
        const messages = dumped(dump.output());
        return messages.length >= 8 && messages;
      }, "8 messages at jack_midi_dump").catch((error) => {
        throw new Error(
          `${error.message}; it printed:\n${dump.output()}\nserver:\n${server.log()}`,
        );
      });
      assert.deepEqual(
        got.map((m) => m.bytes),
        [
          [0x91, 60, 100],
          [0xb1, 7, 90],
          [0xc1, 5],
          [0xe1, 0, 64],
          [0x81, 60, 0],
          [0xb1, 1, 0x24],
          [0xb1, 33, 0x34],
          [0x9f, 0, 0],
        ],
      );
    },
  ),
);

Deno.test(
  hardwareTest(
    "notes played by jack_midiseq reach a client with their types and fields",
    async () => {
      await using jack = await startJack();
      await using seq = await startJackClientWithPort(
        jack.env,
        "jack_midiseq",
        [
          "seq",
          "4800",
          "0",
          "60",
          "2400",
        ],
        "seq:out",
      );
      // Where the ALSA sequencer is missing (as on CI machines), the default choice
      // must find JACK by itself.
      const api = alsaSequencerExists() ? "jack" : "auto";
      await using server = await startServer({
        args: ["--midi-api", api],
        env: jack.env,
      });
      await using agent = startAgent(server.socketPath, "listener");
      const app = await openApp(agent, "listener");
      await agent.run("collect", { ref: app });
      const port = await portOf(agent, "seq:out");
      const { ref: driver } = await slots(agent);
      const got = await gather<Received>(agent, "received", 6);
      for (const e of got) {
        assert.ok(
          e.type === typeKeyOn || e.type === typeKeyOff,
          `type ${e.type}`,
        );
        assert.deepEqual([e.port, e.chan, e.refNum, e.fields], [
          port,
          0,
          driver,
          [60, 64],
        ]);
      }
      assert.ok(
        got.some((e) => e.type === typeKeyOn) &&
          got.some((e) => e.type === typeKeyOff),
      );
      assert.match(server.log(), /RtMidi driver: using JACK/);
      await seq.stop();
    },
  ),
);

Deno.test(
  hardwareTest(
    "a SysEx of 1 KiB goes out and comes in, and input Note On velocity 0 stays KeyOn",
    async () => {
      await using jack = await startJack();
      await using dump = await startJackClientWithPort(
        jack.env,
        "jack_midi_dump",
        ["dump"],
        "dump:input",
      );
      await using server = await startServerOnJack(jack);
      await using agent = startAgent(server.socketPath, "sysex");
      const app = await openApp(agent, "sysex");
      await agent.run("collect", { ref: app });
      const outPort = await portOf(agent, "dump:input");
      await agent.run("send", {
        ref: app,
        type: typeSysEx,
        bytes: 1024,
        port: outPort,
      });
      const [sysex] = await waitFor(() => {
        const m = dumped(dump.output()).filter((x) => x.bytes[0] === 0xf0);
        return m.length > 0 && m;
      }, "the SysEx at jack_midi_dump");
      assert.equal(sysex!.bytes.length, 1026);
      assert.deepEqual(sysex!.bytes.slice(0, 4), [0xf0, 0, 1, 2]);
      assert.equal(sysex!.bytes.at(-1), 0xf7);
      assert.ok(sysex!.bytes.slice(1, -1).every((b, i) => b === (i & 0x7f)));

      // A second RtMidi instance, in its own process, plays into MidiShare.
      const helper = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          new URL("./_rtmidi_helper.ts", import.meta.url).pathname,
        ],
        env: jack.env,
        stdin: "piped",
        stdout: "piped",
        stderr: "null",
      }).spawn();
      const lines = helper.stdout.pipeThrough(new TextDecoderStream())
        .getReader();
      await lines.read(); // "ready"
      // No rescanPorts here: the driver looks at the port lists every second.
      const inPort = await portOf(agent, "helper:helper out");
      const writer = helper.stdin.getWriter();
      const before = (await agent.run("time") as { time: number }).time;
      await writer.write(
        new TextEncoder().encode("sysex 1024\nnotes\nrealtime\n"),
      );
      const got = await gather<Received>(agent, "received", 6);
      // Stamped with the date they came in at, which is before they reached the client.
      for (const e of got) {
        assert.ok(
          e.date >= before && e.date <= e.arrival,
          `input dated ${e.date}, sent after ${before}, arrived at ${e.arrival}`,
        );
      }
      assert.deepEqual(got[0], {
        ...got[0],
        type: typeSysEx,
        port: inPort,
        fields: [1024, sysexChecksum(1024)],
      });
      assert.deepEqual(got.slice(1).map((e) => [e.type, e.chan, e.fields]), [
        [typeKeyOn, 3, [60, 100]],
        [typeKeyOn, 3, [60, 0]],
        [typeClock, 0, []],
        [typeStart, 0, []],
        [typeActiveSens, 0, []],
      ]);
      await writer.close();
      await terminate(helper);
      await lines.cancel();
    },
  ),
);

Deno.test(
  hardwareTest(
    "a typeNote goes out as Note On, then Note On velocity 0 after its duration",
    async () => {
      await using jack = await startJack();
      await using dump = await startJackClientWithPort(
        jack.env,
        "jack_midi_dump",
        [
          "-a",
          "dump",
        ],
        "dump:input",
      );
      await using server = await startServerOnJack(jack);
      await using agent = startAgent(server.socketPath, "notes");
      const app = await openApp(agent, "notes");
      const port = await portOf(agent, "dump:input");
      await agent.run("send", {
        ref: app,
        type: typeNote,
        fields: [64, 90, 300],
        port,
        chan: 2,
        in: 50,
      });
      const got = await waitFor(() => {
        const m = dumped(dump.output());
        return m.length >= 2 && m;
      }, "the note and its end");
      assert.deepEqual(
        got.map((m) => m.bytes),
        [[0x92, 64, 90], [0x92, 64, 0]],
      );
      // jack_midi_dump -a counts frames at 48 kHz: 300 ms are 14 400 frames. The JACK
      // period (128 frames) and the tick (48 frames) bound the error; allow 20 ms.
      const frames = got[1]!.time - got[0]!.time;
      assert.ok(
        Math.abs(frames - 14_400) <= 960,
        `${frames} frames between the note and its end`,
      );
    },
  ),
);

Deno.test(
  hardwareTest("a port that vanishes costs nothing but that port", async () => {
    await using jack = await startJack();
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
      await using jack = await startJack();
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

Deno.test("without the RtMidi library the server runs and says once that hardware ports are off", async () => {
  await using server = await startServer({
    args: ["--midi-api", "auto"],
    env: { MIDISHARE_RTMIDI_LIBRARY: "librtmidi-not-installed.so.9" },
  });
  await using agent = startAgent(server.socketPath, "plain");
  await agent.call("MidiOpen", "plain");
  assert.equal((await agent.call("MidiGetError") as number) & 1, 1); // MIDIerrDriverLoad
  assert.equal(await agent.call("MidiCountDrivers"), 1);
  const lines = server.log().split("\n").filter((l) =>
    l.includes("hardware MIDI ports are off")
  );
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /librtmidi6/);
});

Deno.test(
  hardwareTest(
    "a JACK server that stops and comes back costs only its ports",
    async () => {
      const jack = await startJack();
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
      await using again = await startJack();
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

Deno.test("the port scanner says why when the RtMidi library does not load", () => {
  const scanner = new PortScanner(
    "librtmidi-not-installed.so.9",
    "MidiShare-test",
  );
  try {
    assert.throws(
      () => scanner.scanNow(RTMIDI_API_UNIX_JACK),
      (error) =>
        error instanceof RtMidiError &&
        /cannot load librtmidi-not-installed\.so\.9/.test(error.message),
    );
  } finally {
    scanner.stop();
  }
});

Deno.test(
  hardwareTest(
    "the port scanner lists JACK ports in its own thread, waited for or picked up later",
    async () => {
      await using jack = await startJack();
      await using dump = await startJackClientWithPort(
        jack.env,
        "jack_midi_dump",
        ["scanned"],
        "scanned:input",
      );
      // The scanner's JACK clients live in this process: point libjack at the test's
      // server for as long as they exist.
      const before = Deno.env.get("JACK_DEFAULT_SERVER");
      Deno.env.set("JACK_DEFAULT_SERVER", jack.name);
      const loaded = loadRtMidi();
      assert.ok(loaded.library !== null);
      const scanner = new PortScanner(loaded.library.path, "MidiShare-test");
      try {
        const now = scanner.scanNow(RTMIDI_API_UNIX_JACK);
        assert.ok(now.destinations.includes("scanned:input"), String(now));
        assert.equal(scanner.take(), null, "an answer is given once");
        // The periodic way: ask, go on, pick the answer up when it is there.
        scanner.request(RTMIDI_API_UNIX_JACK);
        const later = await waitFor(
          () => scanner.take() ?? undefined,
          "the answer",
        );
        assert.deepEqual(later, now);
        // −1 frees the devices of the back end: no ports.
        assert.deepEqual(scanner.scanNow(-1), {
          sources: [],
          destinations: [],
        });
      } finally {
        scanner.stop();
        if (before === undefined) Deno.env.delete("JACK_DEFAULT_SERVER");
        else Deno.env.set("JACK_DEFAULT_SERVER", before);
      }
      void dump;
    },
  ),
);

// Last, after the other hardware tests: the benchmark runs its own JACK server.
Deno.test(
  hardwareBenchTest(
    "the RtMidi benchmark runs and reports both loops and the output lateness",
    async () => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          new URL("../scripts/bench/rtmidi_loop.ts", import.meta.url).pathname,
          "32",
        ],
        stdout: "piped",
        stderr: "piped",
        // A benchmark that hangs fails the test instead of the whole CI run.
        signal: AbortSignal.timeout(300_000),
      }).output();
      const text = new TextDecoder().decode(out.stdout);
      assert.ok(
        out.success,
        `the benchmark failed:\n${text}${new TextDecoder().decode(out.stderr)}`,
      );
      const r = JSON.parse(text.trim().split("\n").at(-1)!);
      for (const loop of [r.direct, r.midiShare]) {
        assert.ok(loop.averageMs > 0 && loop.p99Ms >= loop.p50Ms, text);
      }
      assert.equal(r.scheduledOutputLateness.count, 2000);
    },
  ),
);
