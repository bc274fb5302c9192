// Round trip of MIDI through MidiShare, measured by jack_midi_latency_test: its output
// goes to a MidiShare input slot, a MidiShare thru application sends each message back
// out through an output slot to its input. Against the same tool looped through the
// thinnest JACK pass-through (jack_thru.c), same JACK server, same run. Also the
// lateness of scheduled output (date to the moment the message reached RtMidi), from
// the driver's own figures. Prints one JSON line.
// deno-lint-ignore-file no-console
import { createClient, typeKeyOn } from "@midishare/client";
import {
  firstLine,
  round,
  spawnScript,
  stop,
  tempSocket,
  waitForSocket,
} from "./_util.ts";

const SAMPLES = Number(Deno.args[0] ?? 1024);
const env = { JACK_DEFAULT_SERVER: "midishare-bench" };

/**
 * Runs the latency tool; a run that lost a message at an xrun (the dummy driver has
 * them on a loaded machine) is tried again, up to three times.
 */
async function latency(args: string[]) {
  let last = "";
  for (let attempt = 0; attempt < 3; attempt++) {
    last = await run("jack_midi_latency_test", [
      "-s",
      String(SAMPLES),
      ...args,
    ]);
    if (/Average latency/.test(last)) return parse(last);
  }
  return parse(last);
}

async function run(cmd: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(cmd, {
    args,
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr);
}

async function jackPorts(): Promise<string[]> {
  return (await run("jack_lsp", [])).split("\n").filter((l) => l !== "");
}

/** Average, p99 (from the tool's 0.1 ms latency plot) and highest latency, in ms. */
function parse(text: string) {
  const avg = Number(/Average latency: ([\d.]+) ms/.exec(text)?.[1]);
  const high = Number(/Highest latency: ([\d.]+) ms/.exec(text)?.[1]);
  const plot = text.slice(text.indexOf("Latency Plot:"));
  const bins = [...plot.matchAll(/([\d.]+) - ([\d.]+) ms: (\d+)/g)].map((m) =>
    [Number(m[2]), Number(m[3])] as const
  );
  const total = bins.reduce((n, [, c]) => n + c, 0);
  let seen = 0, p99 = high, p50 = avg;
  for (const [upper, count] of bins) {
    const before = seen;
    seen += count;
    if (before < 0.5 * total && seen >= 0.5 * total) p50 = upper;
    if (before < 0.99 * total && seen >= 0.99 * total) p99 = upper;
  }
  if (!Number.isFinite(avg)) {
    throw new Error(`jack_midi_latency_test said:\n${text}`);
  }
  return {
    averageMs: avg,
    p50Ms: round(p50, 2),
    p99Ms: round(p99, 2),
    highestMs: high,
  };
}

const dir = await Deno.makeTempDir();
const cc = await new Deno.Command("cc", {
  args: [
    "-O2",
    "-o",
    `${dir}/jack_thru`,
    new URL("./jack_thru.c", import.meta.url).pathname,
    "-ljack",
  ],
}).output();
if (!cc.success) {
  throw new Error(
    `cannot build jack_thru: ${new TextDecoder().decode(cc.stderr)}`,
  );
}

// JACK's own real-time scheduling where allowed: the dummy driver has fewer xruns.
const PERIOD = 256;
const canRealtime = Deno.uid() === 0;
const jackd = new Deno.Command("jackd", {
  args: [
    canRealtime ? "-R" : "--no-realtime",
    "-n",
    env.JACK_DEFAULT_SERVER,
    "-d",
    "dummy",
    "-r",
    "48000",
    "-p",
    String(PERIOD),
  ],
  env,
  stdout: "null",
  stderr: "null",
}).spawn();
while (!(await jackPorts()).includes("system:playback_1")) {
  await new Promise((r) => setTimeout(r, 50));
}

// Baseline: the tool through a pass-through inside JACK's process callback.
const thru = new Deno.Command(`${dir}/jack_thru`, { env, stdout: "piped" })
  .spawn();
await firstLine(thru);
const direct = parse(
  await run("jack_midi_latency_test", [
    "-s",
    String(SAMPLES),
    "thru:in",
    "thru:out",
  ]),
);
await stop(thru);

// MidiShare: tool → virtual input slot → thru application → virtual output slot → tool.
const socket = await tempSocket();
const server = new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "-A",
    new URL("../../main.ts", import.meta.url).pathname,
    "serve",
    "--socket",
    socket,
    "--persist",
    "--quiet",
    "--midi-api",
    "jack",
    "--virtual-ports",
    "1",
  ],
  env,
  stdout: "null",
  stderr: "inherit",
}).spawn();
let ports: string[] = [];
while (!(ports = await jackPorts()).some((p) => p.endsWith(":out 1"))) {
  await new Promise((r) => setTimeout(r, 50));
}
await waitForSocket(socket);
const ms = createClient({ socketPath: socket, autoStart: false });
type Status = { rtmidi: { outputLateness: Record<string, number> } };

// Scheduled output first, alone: 2000 events at 1 kHz, each sent 100 ms ahead with
// MidiSendAt to the virtual output; the driver measures date → RtMidi.
const player = await ms.MidiOpen("player");
ms.MidiConnect(player, 0, true);
await ms.MidiIsConnected(player, 0);
const start = ms.MidiGetTime() + 200;
for (let i = 0; i < 2000; i += 50) {
  while (ms.MidiGetTime() < start + i - 100) {
    await new Promise((r) => setTimeout(r, 5));
  }
  for (let k = i; k < i + 50; k++) {
    const e = ms.MidiNewEv(typeKeyOn)!;
    ms.MidiSetField(e, 0, k & 0x7f);
    ms.MidiSetField(e, 1, 64);
    ms.MidiSendAt(player, e, start + k);
  }
}
while (ms.MidiGetTime() < start + 2020) {
  await new Promise((r) => setTimeout(r, 20));
}
const scheduled = (await ms.serverStatus() as Status).rtmidi.outputLateness;
ms.MidiClose(player);

const app = spawnScript("_thru_app.ts", [socket]);
await firstLine(app);
const into = ports.find((p) => p.endsWith(":in 1"))!,
  outOf = ports.find((p) => p.endsWith(":out 1"))!;
const midiShare = await latency([into, outOf]);
await ms.close();
await stop(app);
await stop(server);
await stop(jackd);
await Deno.remove(dir, { recursive: true });
console.log(JSON.stringify({
  samples: SAMPLES,
  jackPeriodFrames: PERIOD,
  jackRealtime: canRealtime,
  direct,
  midiShare,
  addedAverageMs: round(midiShare.averageMs - direct.averageMs, 2),
  addedP99Ms: round(midiShare.p99Ms - direct.p99Ms, 2),
  scheduledOutputLateness: scheduled,
}));
Deno.exit(0);
