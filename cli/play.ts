// Command-line code prints to the terminal by design (STYLE.md §8).
// deno-lint-ignore-file no-console
/**
 * `midishare play`: plays a Standard MIDI File to the hardware ports or to
 * applications, through the player library.
 *
 * @module
 */

import { isMidiShareError, type MidiShareClient } from "@midishare/client";
import { openPlayer, type Player } from "@midishare/client/player";
import { type OptionValues, runCommand, UsageError } from "./_args.ts";
import { portOf, refnumsOf, toolClient } from "./_targets.ts";

const HELP = `Usage: midishare play [options] FILE.mid

Plays a Standard MIDI File (format 0 or 1) at the dates of its tempo map,
through an application named "play". Without --to it plays to MidiShare's
hardware ports (refnum 0), each event on the port of its track, or on --port.
Ends at the end of the file, or on Ctrl-C (notes left on get a Note Off). On a
terminal, a progress line shows the position. When the server is lost, says so
in one line on standard error and exits with code 1.

Options:
  --to DEST         play to this application (a refnum or an exact name);
                    repeat for several
  --port PORT       send every event on this MidiShare port: a number, or the
                    name of a driver's slot (such as a JACK port "synth:in")
  --start POS       start at POS: milliseconds ("12500"), or BAR[:BEAT[:UNIT]]
                    ("5:3" is bar 5, beat 3; units are ticks)
  --loop            play again from the start (or --start) until Ctrl-C
  --tempo-scale X   play X times as fast (0.1..10; default 1)
  --name NAME       the application's name (default "play")
  --socket PATH     the server's socket (default: this user's; started if needed)
  -h, --help        show this help`;

const SPEC = {
  name: "play",
  help: HELP,
  options: {
    to: { type: "string", multiple: true },
    port: { type: "string" },
    start: { type: "string" },
    loop: { type: "boolean" },
    "tempo-scale": { type: "number", min: 0.1, max: 10, default: 1 },
    name: { type: "string", default: "play" },
    socket: { type: "string" },
  },
  positionals: { max: Infinity },
} as const;

/** Runs the tool; returns the exit code. */
export function run(args: string[]): Promise<number> {
  return runCommand(SPEC, args, async ({ values, positionals }) => {
    if (positionals.length !== 1) {
      throw new UsageError(
        `Expected 1 argument (FILE.mid), got ${positionals.length}`,
      );
    }
    const start = parseStart(values.start);
    if (start === undefined) {
      throw new UsageError(
        `Invalid --start "${values.start}": expected milliseconds or ` +
          "BAR[:BEAT[:UNIT]]",
      );
    }
    return await play(positionals[0]!, start, values);
  });
}

/** Reads the file and plays it as `values` say; the exit code. */
async function play(
  path: string,
  start: Start,
  values: OptionValues<typeof SPEC.options>,
): Promise<number> {
  const scale = values["tempo-scale"];
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    console.error(`Cannot read "${path}": ${(error as Error).message}`);
    return 1;
  }
  const ms = toolClient("play", values.socket);
  try {
    const player = await openPlayer(ms, values.name);
    try {
      player.load(bytes);
      if (values.port !== undefined) {
        player.setPort(await portOf(ms, values.port));
      }
      const targets = await refnumsOf(ms, values.to);
      for (const to of targets) ms.MidiConnect(player.refNum, to, true);
      await ms.MidiShare(); // the connections are made
      player.setTempoScale(scale);
      if (values.loop) player.setLoop(true, { startTick: at(player, start) });
      player.setPositionTicks(at(player, start));
      console.log(
        `play: "${path}", ${
          (player.state().durationMs / 1000).toFixed(1)
        } s, ` +
          `refnum ${player.refNum} to ${
            values.to.length === 0 ? "the hardware ports" : targets.join(", ")
          } (Ctrl-C to stop)`,
      );
      return await playToEnd(ms, player);
    } catch (error) {
      await player.close();
      throw error;
    }
  } catch (error) {
    if (
      !(error instanceof RangeError || error instanceof SyntaxError ||
        isMidiShareError(error))
    ) throw error;
    console.error(error.message);
    return 1;
  } finally {
    await ms.close();
  }
}

/** A start position: ms, or bar and beat; undefined when it is not one. */
type Start = { ms: number } | { bar: number; beat: number; unit: number };

function parseStart(text: string | undefined): Start | undefined {
  if (text === undefined) return { ms: 0 };
  if (/^\d+(\.\d+)?$/.test(text)) return { ms: Number(text) };
  const m = /^(\d+)(?::(\d+)(?::(\d+))?)?$/.exec(text.replace(/^bar/, ""));
  if (m === null || Number(m[1]) < 1) return undefined;
  return {
    bar: Number(m[1]),
    beat: Number(m[2] ?? 1),
    unit: Number(m[3] ?? 0),
  };
}

/** The tick of a start position in the player's file. */
function at(player: Player, start: Start): number {
  const map = player.tempoMap!;
  return "ms" in start ? map.msToTicks(start.ms) : map.barBeatToTicks(start);
}

/** Plays until the end, Ctrl-C or the loss of the server; the exit code. */
async function playToEnd(
  ms: MidiShareClient,
  player: Player,
): Promise<number> {
  const interrupted = Promise.withResolvers<void>();
  const onInterrupt = () => interrupted.resolve();
  Deno.addSignalListener("SIGINT", onInterrupt);
  const progress = Deno.stdout.isTerminal()
    ? setInterval(() => showProgress(player), 100)
    : undefined;
  player.resume();
  try {
    const loss = await Promise.race([
      player.whenStopped().then(() => null),
      interrupted.promise.then(() => null),
      ms.lost,
    ]);
    if (loss !== null) {
      if (progress !== undefined) console.log();
      console.error(loss.message);
      return 1;
    }
    await player.close();
    return 0;
  } finally {
    clearInterval(progress);
    Deno.removeSignalListener("SIGINT", onInterrupt);
    if (progress !== undefined) {
      await Deno.stdout.write(new TextEncoder().encode("\r\x1b[K"));
    }
  }
}

function showProgress(player: Player): void {
  const s = player.state();
  const clock = (ms: number) =>
    `${Math.floor(ms / 60000)}:${
      ((ms % 60000) / 1000).toFixed(1).padStart(4, "0")
    }`;
  const bpm = (60_000_000 / s.usPerQuarter).toFixed(0);
  const line =
    `\r${clock(s.ms)} / ${clock(s.durationMs)}  bar ${s.barBeat.bar}` +
    ` beat ${s.barBeat.beat}  ${bpm} bpm${s.isLooping ? "  loop" : ""}\x1b[K`;
  Deno.stdout.writeSync(new TextEncoder().encode(line));
}
