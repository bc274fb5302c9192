// Command-line code prints to the terminal by design (STYLE.md §8).
// deno-lint-ignore-file no-console
/**
 * `midishare echo`: the design document's msEcho: every note it receives comes
 * back a number of times, each a delay later and softer. Each echo is one
 * `MidiSendAt` and one `MidiTask` at the echo's date, which sends the next one.
 *
 * @module
 */

import {
  isMidiShareError,
  type MidiEv,
  type MidiShareClient,
  typeKeyOff,
  typeKeyOn,
  typeNote,
} from "@midishare/client";
import { type OptionValues, runCommand } from "./_args.ts";
import { openApplication, refnumsOf, toolClient } from "./_targets.ts";

const HELP = `Usage: midishare echo [options]

Echoes every note it receives: each Note On, Note Off and note comes back
--repeat times, --delay ms apart, each echo's velocity --decay percent below
the one before (a Note On whose velocity reaches 0 stops echoing). Other events,
and the notes themselves, pass through unless --no-thru. Without --from it
listens to MidiShare's inputs, without --to it plays to the hardware ports
(refnum 0). Stops on Ctrl-C; when the server is lost, says so in one line on
standard error and exits with code 1.

Options:
  --delay MS       between a note and its first echo, and between echoes
                   (default 250)
  --repeat N       echoes of each note, 1..1000 (default 4)
  --decay PERCENT  velocity lost at each echo, 0..100 (default 20)
  --from SOURCE    listen to this application (a refnum or an exact name);
                   repeat for several
  --to DEST        play to this application; repeat for several
  --no-thru        send the echoes only
  --name NAME      the application's name (default "echo")
  --socket PATH    the server's socket (default: this user's; started if needed)
  -h, --help       show this help`;

/** The echo's settings. */
interface EchoOptions {
  delayMs: number;
  repeat: number;
  decay: number;
  isThru: boolean;
}

const SPEC = {
  name: "echo",
  help: HELP,
  options: {
    delay: { type: "integer", min: 1, max: 60_000, default: 250 },
    repeat: { type: "integer", min: 1, max: 1000, default: 4 },
    decay: { type: "integer", min: 0, max: 100, default: 20 },
    from: { type: "string", multiple: true },
    to: { type: "string", multiple: true },
    "no-thru": { type: "boolean" },
    name: { type: "string", default: "echo" },
    socket: { type: "string" },
  },
} as const;

/** Runs the tool; returns the exit code. */
export function run(args: string[]): Promise<number> {
  return runCommand(SPEC, args, ({ values }) =>
    startEcho(values, {
      delayMs: values.delay,
      repeat: values.repeat,
      decay: values.decay,
      isThru: !values["no-thru"],
    }));
}

/** Opens the application, connects it and echoes until stopped; the exit code. */
async function startEcho(
  values: OptionValues<typeof SPEC.options>,
  options: EchoOptions,
): Promise<number> {
  const ms = toolClient("echo", values.socket);
  try {
    const ref = await openApplication(ms, values.name);
    for (const src of await refnumsOf(ms, values.from)) {
      ms.MidiConnect(src, ref, true);
    }
    for (const dest of await refnumsOf(ms, values.to)) {
      ms.MidiConnect(ref, dest, true);
    }
    ms.MidiSetRcvAlarm(ref, () => receive(ms, ref, options));
    await ms.MidiShare(); // connected
    console.log(
      `echo: refnum ${ref}, ${options.repeat} echoes ${options.delayMs} ms ` +
        `apart, ${options.decay}% softer each (Ctrl-C to stop)`,
    );
    const stop = Promise.withResolvers<void>();
    const onInterrupt = () => stop.resolve();
    Deno.addSignalListener("SIGINT", onInterrupt);
    const loss = await Promise.race([stop.promise.then(() => null), ms.lost]);
    Deno.removeSignalListener("SIGINT", onInterrupt);
    if (loss !== null) {
      console.error(loss.message);
      return 1;
    }
    ms.MidiClose(ref);
    return 0;
  } catch (error) {
    if (!(error instanceof RangeError || isMidiShareError(error))) throw error;
    console.error(error.message);
    return 1;
  } finally {
    await ms.close();
  }
}

/** Whether `e` is echoed: a note, a Note On or a Note Off. */
function isNote(e: MidiEv): boolean {
  return e.evType === typeNote || e.evType === typeKeyOn ||
    e.evType === typeKeyOff;
}

/** Passes on what arrived and starts the echoes of its notes. */
function receive(ms: MidiShareClient, ref: number, o: EchoOptions): void {
  for (let e = ms.MidiGetEv(ref); e !== null; e = ms.MidiGetEv(ref)) {
    const model = isNote(e) ? ms.MidiCopyEv(e) : null;
    if (o.isThru) ms.MidiSendAt(ref, e, e.date);
    else ms.MidiFreeEv(e);
    if (model !== null) echoFrom(ms, ref, o, model, 0);
  }
}

/**
 * At the date of echo `k` of `model` (0: the note itself): sends echo k + 1 a
 * delay later, and a task at that date to do the same, until the last echo.
 */
function echoFrom(
  ms: MidiShareClient,
  ref: number,
  o: EchoOptions,
  model: MidiEv,
  k: number,
): void {
  const echo = k < o.repeat ? ms.MidiCopyEv(model) : null;
  const isOn = model.evType !== typeKeyOff &&
    ms.MidiGetField(model, 1) > 0;
  if (echo !== null && isOn) {
    const velocity = Math.round(
      ms.MidiGetField(model, 1) * ((100 - o.decay) / 100) ** (k + 1),
    );
    ms.MidiSetField(echo, 1, velocity);
    // A Note On of velocity 0 would end the note: the echoes stop instead.
    if (velocity === 0) {
      ms.MidiFreeEv(echo);
      ms.MidiFreeEv(model);
      return;
    }
  }
  if (echo === null) {
    ms.MidiFreeEv(model);
    return;
  }
  const date = model.date + (k + 1) * o.delayMs;
  ms.MidiSendAt(ref, echo, date);
  const task = ms.MidiTask(
    (_date, r, next) => echoFrom(ms, r, o, model, next as number),
    date,
    ref,
    k + 1,
  );
  if (task === null) ms.MidiFreeEv(model);
}
