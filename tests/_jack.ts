/**
 * Helpers of the hardware-port tests: whether RtMidi and JACK are there, a private
 * JACK server with no sound card (`jackd -d dummy` under its own server name), and
 * third-party JACK clients. Private to `tests/`.
 *
 * @module
 */

// Tests say why they skip, on the console, as STYLE.md §6 asks.
// deno-lint-ignore-file no-console

import { loadRtMidi } from "../drivers/rtmidi/mod.ts";
import { terminate, waitFor } from "./_harness.ts";

const REQUIRED = Deno.env.get("MIDISHARE_REQUIRE_RTMIDI") === "1";

function which(command: string): boolean {
  try {
    return new Deno.Command("sh", {
      args: ["-c", `command -v ${command}`],
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    return false;
  }
}

function missing(): string | null {
  const loaded = loadRtMidi();
  if (loaded.library === null) {
    return `RtMidi cannot be loaded (${loaded.reason})`;
  }
  loaded.library.close();
  for (
    const tool of [
      "jackd",
      "jack_lsp",
      "jack_midi_dump",
      "jack_midiseq",
      "jack_connect",
    ]
  ) {
    if (!which(tool)) return `${tool} is not installed (Debian package jackd2)`;
  }
  return null;
}

const why = missing();
if (why !== null && !REQUIRED) {
  console.log(
    `hardware-port tests skipped: ${why}; install librtmidi6 and jackd2`,
  );
}

/** `Deno.test` options for a hardware-port test: skipped without RtMidi and JACK, or failing when they are required. */
export function hardwareTest(
  name: string,
  fn: () => Promise<void>,
): Deno.TestDefinition {
  return gatedTest(name, fn, why);
}

/**
 * Like {@link hardwareTest}, for the RtMidi benchmark, which also builds a small JACK
 * client: it needs a C compiler and the JACK headers (Debian libjack-jackd2-dev).
 */
export function hardwareBenchTest(
  name: string,
  fn: () => Promise<void>,
): Deno.TestDefinition {
  let lack = why;
  if (lack === null && !which("cc")) lack = "no C compiler (cc)";
  if (lack === null && !isFile("/usr/include/jack/midiport.h")) {
    lack = "no JACK headers (Debian package libjack-jackd2-dev)";
  }
  if (lack !== null && why === null && !REQUIRED) {
    console.log(`RtMidi benchmark test skipped: ${lack}`);
  }
  return gatedTest(name, fn, lack);
}

function gatedTest(
  name: string,
  fn: () => Promise<void>,
  lack: string | null,
): Deno.TestDefinition {
  return {
    name,
    ignore: lack !== null && !REQUIRED,
    fn: lack === null ? fn : () => {
      throw new Error(
        `RtMidi and JACK are required (MIDISHARE_REQUIRE_RTMIDI=1): ${lack}`,
      );
    },
  };
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** A JACK server with the dummy back end, private to one test. */
export interface JackServer extends AsyncDisposable {
  /** Its server name. */
  name: string;
  /** Environment that makes JACK clients use it. */
  env: Record<string, string>;
}

/**
 * Starts `jackd -d dummy` (no sound card) under its own server name and waits for
 * it. Each test file that starts one passes a `name` of its own, as files run in
 * parallel; `rtmidi_messages_test.ts` uses the default.
 */
export async function startJack(name = "midishare-test"): Promise<JackServer> {
  // Fixed names: JACK keeps a registry slot per server name and runs out of them
  // when servers keep getting new ones. The tests of one file run one after another.
  const env = { JACK_DEFAULT_SERVER: name, JACK_NO_AUDIO_RESERVATION: "1" };
  const child = new Deno.Command("jackd", {
    // Real-time scheduling where allowed: a JACK server starved by the other tests
    // running in parallel has xruns, and JACK drops the MIDI of a missed cycle.
    args: [
      Deno.uid() === 0 ? "-R" : "--no-realtime",
      "-n",
      name,
      "-d",
      "dummy",
      "-r",
      "48000",
      "-p",
      "128",
    ],
    env,
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  await waitFor(
    () => ports(env).then((p) => p.includes("system:playback_1")),
    "jackd",
    15_000,
  );
  return {
    name,
    env,
    async [Symbol.asyncDispose]() {
      await terminate(child);
    },
  };
}

/** The JACK ports of a server. */
export async function ports(env: Record<string, string>): Promise<string[]> {
  const { stdout, success } = await new Deno.Command("jack_lsp", {
    env,
    stdout: "piped",
    stderr: "null",
    signal: AbortSignal.timeout(30_000),
  }).output();
  return success
    ? new TextDecoder().decode(stdout).split("\n").filter((l) => l !== "")
    : [];
}

/** A running third-party JACK client whose output is collected. */
export interface JackClient extends AsyncDisposable {
  /** What it printed so far. */
  output(): string;
  /** Stops it (SIGTERM) and waits. */
  stop(): Promise<void>;
}

/** Starts a JACK tool (`jack_midi_dump`, `jack_midiseq`, ...) on a server. */
export function startJackClient(
  env: Record<string, string>,
  command: string,
  args: string[],
): JackClient {
  const child = new Deno.Command(command, {
    args,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  let text = "";
  const reading = (async () => {
    for await (
      const chunk of child.stdout.pipeThrough(new TextDecoderStream())
    ) text += chunk;
  })();
  let stopped: Promise<void> | null = null;
  const stop = () => {
    stopped ??= (async () => {
      await terminate(child);
      await reading;
    })();
    return stopped;
  };
  return { output: () => text, stop, [Symbol.asyncDispose]: stop };
}

/** Starts a JACK client with {@link startJackClient} and waits until `port` exists. */
export async function startJackClientWithPort(
  env: Record<string, string>,
  command: string,
  args: string[],
  port: string,
): Promise<JackClient> {
  const client = startJackClient(env, command, args);
  try {
    await waitFor(async () => (await ports(env)).includes(port), port);
  } catch (error) {
    await client[Symbol.asyncDispose]();
    throw error;
  }
  return client;
}
