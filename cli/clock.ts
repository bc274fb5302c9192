// Command-line code prints to the terminal by design (STYLE.md §8).
// deno-lint-ignore-file no-console
/**
 * `midishare clock`: a MIDI clock and metronome source: Start (or Song Position
 * and Continue), 24 clocks a quarter note at their exact dates, Stop, and a
 * click on every beat.
 *
 * @module
 */

import {
  isMidiShareError,
  type MidiEvRef,
  type MidiShareClient,
  typeClock,
  typeContinue,
  typeNote,
  typeSongPos,
  typeStart,
  typeStop,
} from "@midishare/client";
import {
  clockDate,
  CLOCKS_PER_QUARTER,
  type ClockSegment,
  parseTempo,
  retempo,
  songPosition,
} from "./_clock_schedule.ts";
import { type OptionValues, runCommand, UsageError } from "./_args.ts";
import { openApplication, portOf, refnumsOf, toolClient } from "./_targets.ts";

const HELP = `Usage: midishare clock [options]

Sends MIDI clock, 24 a quarter note, each at its exact date rounded to the
millisecond (the dates never drift), after a Start (or a Song Position and a
Continue), and a Stop at the end; and a click on every beat. Without --to it
sends to MidiShare's hardware ports. Runs until Ctrl-C, --duration or --bars.
On a terminal, keys control it: space stops and continues, + and - change the
tempo by 1, q quits.

Options:
  --tempo BPM        quarter notes a minute, 1..1000, up to 3 decimals
                     (default 120)
  --to DEST          send to this application (a refnum or an exact name)
                     instead of the hardware ports; repeat for several
  --port PORT        the MidiShare port (a number or a slot's name; default 0)
  --position N       start at song position N (sixteenth notes from the start)
  --beats N          beats a bar; the first of each bar is accented (default 4)
  --click-chan N     the clicks' channel, 1..16 (default 10)
  --click-note N     the note of a beat (default 37)
  --accent-note N    the note of the first beat of a bar (default 36)
  --no-click         no clicks
  --no-clock         clicks only: no clock, start or stop
  --duration MS      stop after MS milliseconds
  --bars N           stop after N bars
  --name NAME        the application's name (default "clock")
  --socket PATH      the server's socket (default: this user's; started if needed)
  -h, --help         show this help`;

/** What the clock sends; see HELP. */
interface ClockOptions {
  milliBpm: number;
  position: number;
  beats: number;
  clickChan: number;
  clickNote: number;
  accentNote: number;
  hasClick: boolean;
  hasClock: boolean;
  durationMs: number | null;
  bars: number | null;
}

const SPEC = {
  name: "clock",
  help: HELP,
  options: {
    tempo: { type: "string", default: "120" },
    to: { type: "string", multiple: true },
    port: { type: "string", default: "0" },
    position: { type: "integer", min: 0, max: 16383, default: 0 },
    beats: { type: "integer", min: 1, max: 64, default: 4 },
    "click-chan": { type: "integer", min: 1, max: 16, default: 10 },
    "click-note": { type: "integer", min: 0, max: 127, default: 37 },
    "accent-note": { type: "integer", min: 0, max: 127, default: 36 },
    "no-click": { type: "boolean" },
    "no-clock": { type: "boolean" },
    duration: { type: "integer", min: 1, max: 2 ** 31 },
    bars: { type: "integer", min: 1, max: 1_000_000 },
    name: { type: "string", default: "clock" },
    socket: { type: "string" },
  },
} as const;

type Values = OptionValues<typeof SPEC.options>;

/** Runs the tool; returns the exit code. */
export function run(args: string[]): Promise<number> {
  return runCommand(
    SPEC,
    args,
    ({ values }) => startClock(values, clockOptions(values)),
  );
}

/**
 * What the command line asks the clock to send.
 * @throws {UsageError} for a tempo that is not one
 */
function clockOptions(values: Values): ClockOptions {
  const milliBpm = parseTempo(values.tempo);
  if (milliBpm === null) {
    throw new UsageError(
      `Invalid --tempo "${values.tempo}": expected a number from 1 to 1000 ` +
        "with up to 3 decimals",
    );
  }
  return {
    milliBpm,
    position: values.position,
    beats: values.beats,
    clickChan: values["click-chan"] - 1,
    clickNote: values["click-note"],
    accentNote: values["accent-note"],
    hasClick: !values["no-click"],
    hasClock: !values["no-clock"],
    durationMs: values.duration ?? null,
    bars: values.bars ?? null,
  };
}

/** Opens the application, connects it and runs the clock; the exit code. */
async function startClock(
  values: Values,
  options: ClockOptions,
): Promise<number> {
  const ms = toolClient("clock", values.socket);
  try {
    const ref = await openApplication(ms, values.name);
    const port = await portOf(ms, values.port);
    const targets = await refnumsOf(ms, values.to);
    for (const to of targets) ms.MidiConnect(ref, to, true);
    await ms.MidiShare(); // connected
    console.log(
      `clock: refnum ${ref}, ${values.tempo} bpm to ${
        values.to.length === 0 ? "the hardware ports" : targets.join(", ")
      }, port ${port} (Ctrl-C to stop)`,
    );
    return await runClock(ms, ref, port, options);
  } catch (error) {
    if (!(error instanceof RangeError || isMidiShareError(error))) throw error;
    console.error(error.message);
    return 1;
  } finally {
    await ms.close();
  }
}

/** How far ahead events are sent, and how often. */
const LOOKAHEAD_MS = 100;
const PERIOD_MS = 25;
/** From a command to its first event. */
const START_DELAY_MS = 20;

/** Sends until the end, Ctrl-C, q or the loss of the server; the exit code. */
async function runClock(
  ms: MidiShareClient,
  ref: number,
  port: number,
  o: ClockOptions,
): Promise<number> {
  const send = (type: number, date: number, fields: number[] = []) => {
    const e = ms.MidiNewEv(type);
    if (e === null) return;
    fields.forEach((v, i) => ms.MidiSetField(e, i, v));
    e.port = port;
    e.chan = o.clickChan;
    ms.MidiSendAt(ref, e, date);
    last = date;
  };
  const done = Promise.withResolvers<void>();
  const task: MidiEvRef = { value: null };
  let last = ms.MidiGetTime();
  let next = o.position * 6;
  let segment: ClockSegment = { date: 0, index: next, milliBpm: o.milliBpm };
  let isRunning = false;
  const endIndex = o.bars === null
    ? Infinity
    : next + o.bars * o.beats * CLOCKS_PER_QUARTER;
  let endDate = Infinity;
  let durationMs = o.durationMs; // counted from the first start

  /** Sends every clock (and click) dated before `horizon`. */
  const fill = (horizon: number) => {
    while (isRunning) {
      const date = clockDate(segment, next);
      if (date >= horizon) return;
      if (next >= endIndex || date >= endDate) {
        stop();
        done.resolve();
        return;
      }
      if (o.hasClock) send(typeClock, date);
      if (o.hasClick && next % CLOCKS_PER_QUARTER === 0) {
        const isAccent = (next / CLOCKS_PER_QUARTER) % o.beats === 0;
        send(typeNote, date, [
          isAccent ? o.accentNote : o.clickNote,
          isAccent ? 120 : 90,
          30,
        ]);
      }
      next++;
    }
  };
  const tick = (date: number) => {
    task.value = null;
    if (!isRunning) return;
    const now = ms.MidiGetTime();
    fill((((now - date) | 0) > 0 ? now : date) + LOOKAHEAD_MS);
    if (isRunning) task.value = ms.MidiTask(tick, date + PERIOD_MS, ref);
  };
  const start = () => {
    if (isRunning) return;
    // Continue from the next sixteenth: a song position counts sixteenths.
    next = Math.ceil(next / 6) * 6;
    const date = ms.MidiGetTime() + START_DELAY_MS;
    segment = { date, index: next, milliBpm: segment.milliBpm };
    if (durationMs !== null) [endDate, durationMs] = [date + durationMs, null];
    if (o.hasClock) {
      if (next === 0) send(typeStart, date);
      else {
        const position = songPosition(next);
        send(typeSongPos, date, [position & 0x7f, position >> 7]);
        send(typeContinue, date);
      }
    }
    isRunning = true;
    tick(date - START_DELAY_MS);
  };
  const stop = () => {
    if (!isRunning) return;
    isRunning = false;
    ms.MidiForgetTask(task);
    if (o.hasClock) send(typeStop, clockDate(segment, next));
  };
  const setTempo = (milliBpm: number) => {
    segment = retempo(segment, next, milliBpm);
    console.log(`clock: ${milliBpm / 1000} bpm`);
  };

  const onInterrupt = () => done.resolve();
  Deno.addSignalListener("SIGINT", onInterrupt);
  const keys = readKeys((key) => {
    if (key === " ") isRunning ? stop() : start();
    else if (key === "+" || key === "=") {
      setTempo(Math.min(1_000_000, segment.milliBpm + 1000));
    } else if (key === "-") setTempo(Math.max(1000, segment.milliBpm - 1000));
    else if (key === "q" || key === "\x03") done.resolve();
  });
  start();
  try {
    const loss = await Promise.race([done.promise.then(() => null), ms.lost]);
    if (loss !== null) {
      console.error(loss.message);
      return 1;
    }
    stop();
    await untilPast(ms, ref, last);
    ms.MidiClose(ref);
    return 0;
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
    keys.stop();
  }
}

/** Resolves once `date` is past (what was sent has gone out). */
function untilPast(
  ms: MidiShareClient,
  ref: number,
  date: number,
): Promise<void> {
  return new Promise((resolve) => {
    if (ms.MidiTask(() => resolve(), date + 1, ref) === null) resolve();
  });
}

/** Calls `onKey` for each key typed, when standard input is a terminal. */
function readKeys(onKey: (key: string) => void): { stop(): void } {
  if (!Deno.stdin.isTerminal()) return { stop() {} };
  Deno.stdin.setRaw(true, { cbreak: true });
  const reader = Deno.stdin.readable.getReader();
  (async () => {
    const decoder = new TextDecoder();
    while (true) {
      const { value, done } = await reader.read();
      if (done) return;
      for (const key of decoder.decode(value)) onKey(key);
    }
  })().catch(() => {}); // Standard input closed: no more keys, nothing to do.
  return {
    stop() {
      reader.cancel().catch(() => {}); // Already closed.
      Deno.stdin.setRaw(false);
    },
  };
}
