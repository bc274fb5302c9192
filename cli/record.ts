// Command-line code prints to the terminal by design (STYLE.md §8).
// deno-lint-ignore-file no-console
/**
 * `midishare record`: records what an application receives into a Standard MIDI
 * File, dates kept to the millisecond.
 *
 * @module
 */

import {
  createKernel,
  isMidiShareError,
  type KernelClient,
  type MidiEv,
  type MidiSeq,
  type MidiShareClient,
  typeTempo,
  typeTimeSign,
} from "@midishare/client";
import { writeMidiFile } from "@midishare/client/midi_file";
import { type OptionValues, runCommand, UsageError } from "./_args.ts";
import { openApplication, refnumsOf, toolClient } from "./_targets.ts";

const HELP = `Usage: midishare record [options] FILE.mid

Opens an application named "record" and records every event it receives into
FILE.mid, a format-0 Standard MIDI File of 500 ticks a quarter at 120 quarters
a minute: one tick per millisecond, so every date is kept exactly. Time 0 is
the start of the recording. Without --from it records MidiShare's inputs
(refnum 0, the hardware ports); other applications may also connect to it.
Stops on Ctrl-C or after --duration, then writes the file. When the server is
lost, writes what it has, says so on standard error and exits with code 1.

Options:
  --from SOURCE     record this application (a refnum or an exact name) instead
                    of the hardware inputs; repeat for several
  --duration MS     stop after MS milliseconds
  --name NAME       the application's name (default "record")
  --socket PATH     the server's socket (default: this user's; started if needed)
  -h, --help        show this help`;

const SPEC = {
  name: "record",
  help: HELP,
  options: {
    from: { type: "string", multiple: true },
    // At most what a timer can wait: a longer one would fire at once.
    duration: {
      type: "integer",
      min: 0,
      max: 2 ** 31 - 1,
      expect: "a number of milliseconds from 0 to 2147483647",
    },
    name: { type: "string", default: "record" },
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
    return await openAndRecord(positionals[0]!, values);
  });
}

/** Opens the application, connects the sources and records; the exit code. */
async function openAndRecord(
  path: string,
  values: OptionValues<typeof SPEC.options>,
): Promise<number> {
  const ms = toolClient("record", values.socket);
  try {
    const ref = await openApplication(ms, values.name);
    return await record(ms, ref, {
      path,
      sources: await refnumsOf(ms, values.from),
      durationMs: values.duration ?? null,
    });
  } catch (error) {
    if (!(error instanceof RangeError || isMidiShareError(error))) throw error;
    console.error(error.message);
    return 1;
  } finally {
    await ms.close();
  }
}

/**
 * Records into a sequence until told to stop, then writes the file. The sequence
 * lives in an in-process MidiShare of its own, so it outlives the connection
 * (losing the server or closing the application empties this client's pool).
 */
async function record(
  ms: MidiShareClient,
  ref: number,
  options: { path: string; sources: number[]; durationMs: number | null },
): Promise<number> {
  const store = createKernel({ clock: "manual" });
  store.MidiOpen("record");
  const seq = store.MidiNewSeq()!;
  const start = ms.MidiGetTime();
  addHeader(store, seq);
  let count = 0;
  ms.MidiSetRcvAlarm(ref, () => {
    for (let e = ms.MidiGetEv(ref); e !== null; e = ms.MidiGetEv(ref)) {
      const copy = copyEvent(ms, e, store);
      copy.date = Math.max(0, (e.date - start) | 0);
      store.MidiAddSeq(seq, copy);
      ms.MidiFreeEv(e);
      count++;
    }
  });
  for (const src of options.sources) ms.MidiConnect(src, ref, true);
  await ms.MidiShare(); // connected
  console.log(
    `record: refnum ${ref}, from ${
      options.sources.join(", ")
    } into "${options.path}" ` +
      `(${
        options.durationMs === null
          ? "Ctrl-C to stop"
          : `${options.durationMs} ms`
      })`,
  );
  const stop = Promise.withResolvers<void>();
  const onInterrupt = () => stop.resolve();
  Deno.addSignalListener("SIGINT", onInterrupt);
  const timer = options.durationMs === null
    ? undefined
    : setTimeout(() => stop.resolve(), options.durationMs);
  const loss = await Promise.race([stop.promise.then(() => null), ms.lost]);
  clearTimeout(timer);
  Deno.removeSignalListener("SIGINT", onInterrupt);
  if (loss === null) ms.MidiClose(ref);
  const lengthMs = loss === null ? (ms.MidiGetTime() - start) >>> 0 : 0;
  await Deno.writeFile(options.path, writeMidiFile(store, { tracks: [seq] }));
  console.log(
    `record: ${count} events${
      loss === null ? ` in ${(lengthMs / 1000).toFixed(1)} s` : ""
    } written to "${options.path}"`,
  );
  if (loss !== null) {
    console.error(loss.message);
    return 1;
  }
  return 0;
}

/** A copy of `e` made in `store`'s pool, grown as needed. */
function copyEvent(
  ms: MidiShareClient,
  e: MidiEv,
  store: KernelClient,
): MidiEv {
  const count = ms.MidiCountFields(e);
  if (store.MidiFreeSpace() < 4 + count / 12) {
    store.MidiGrowSpace(Math.max(4096, store.MidiTotalSpace()));
  }
  const copy = store.MidiNewEv(e.evType);
  if (copy === null) throw new RangeError("Cannot record: out of memory");
  copy.chan = e.chan;
  copy.port = e.port;
  copy.refNum = e.refNum;
  // A new variable-length event has no field yet: its bytes are added.
  const isVariable = store.MidiCountFields(copy) === 0;
  for (let i = 0; i < count; i++) {
    if (isVariable) store.MidiAddField(copy, ms.MidiGetField(e, i));
    else store.MidiSetField(copy, i, ms.MidiGetField(e, i));
  }
  return copy;
}

/** The tempo (120 a minute, one tick per ms at 500 ticks a quarter) and 4/4. */
function addHeader(ms: KernelClient, seq: MidiSeq): void {
  const tempo = ms.MidiNewEv(typeTempo)!;
  ms.MidiSetField(tempo, 0, 500_000);
  ms.MidiAddSeq(seq, tempo);
  const signature = ms.MidiNewEv(typeTimeSign)!;
  [4, 2, 24, 8].forEach((v, i) => ms.MidiSetField(signature, i, v));
  ms.MidiAddSeq(seq, signature);
}
