// Integration: the RtMidi library and its port scanner: a server without the
// library, a scanner that says why it cannot load it, and a scanner that lists JACK
// ports in its own thread. Its JACK server has a name of its own, as test files run
// in parallel.

import assert from "node:assert/strict";
import { startAgent, startServer, waitFor } from "./_harness.ts";
import {
  loadRtMidi,
  RTMIDI_API_UNIX_JACK,
  RtMidiError,
} from "../drivers/rtmidi/mod.ts";
import { PortScanner } from "../drivers/rtmidi/port_scanner.ts";
import { hardwareTest, startJack, startJackClientWithPort } from "./_jack.ts";

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
      await using jack = await startJack("midishare-test-scanner");
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
