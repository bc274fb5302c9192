// Integration: the RtMidi benchmark (`scripts/bench/rtmidi_loop.ts`) runs on its
// own JACK server and reports both loops and the output lateness.

import assert from "node:assert/strict";
import { hardwareBenchTest } from "./_jack.ts";

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
