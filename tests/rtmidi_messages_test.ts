// Integration: MIDI messages through RtMidi on a real JACK server with no sound
// card, against real third-party JACK MIDI clients: bytes and order out, types and
// fields in, SysEx both ways, typeNote as two messages.

import assert from "node:assert/strict";
import {
  gather,
  startAgent,
  startServer,
  sysexChecksum,
  terminate,
  waitFor,
} from "./_harness.ts";
import { alsaSequencerExists } from "../drivers/rtmidi/midi_systems.ts";
import { hardwareTest, startJack, startJackClientWithPort } from "./_jack.ts";
import {
  dumped,
  openApp,
  portOf,
  type Received,
  slots,
  startServerOnJack,
  typeActiveSens,
  typeClock,
  typeCtrl14b,
  typeCtrlChange,
  typeKeyOff,
  typeKeyOn,
  typeNote,
  typePitchWheel,
  typeProgChange,
  typeStart,
  typeSysEx,
} from "./_rtmidi_test_util.ts";

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
