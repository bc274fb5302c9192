// Command-line code prints to the terminal by design (STYLE.md §8).
// deno-lint-ignore-file no-console
/**
 * `midishare display`: a live monitor that opens an application and prints every
 * event it receives (like `aseqdump`).
 *
 * @module
 */

import {
  createClient,
  isMidiShareError,
  MIDIerrIndex,
  type MidiShareClient,
} from "@midishare/client";
import { integerArgument, runCommand } from "./_args.ts";
import { eventLine } from "./_format.ts";

const HELP = `Usage: midishare display [options] [SOURCE...]

Opens an application and prints every event it receives, one line each: date,
sender, port, channel, type and fields. Without SOURCE it listens to MidiShare's
inputs (refnum 0, the hardware ports); otherwise to each SOURCE (a refnum or an
exact name). Stops on Ctrl-C; when the server is lost, says so in one line on
standard error and exits with code 1.

Options:
  --name NAME     the application's name (default "display")
  --count N       stop after N events (N at least 1)
  --socket PATH   the server's socket (default: this user's; started if needed)
  -h, --help      show this help

Exit code: 0 when stopped, 1 when the server is lost or a SOURCE does not exist,
2 for a bad command line.`;

const SPEC = {
  name: "display",
  help: HELP,
  options: {
    name: { type: "string", default: "display" },
    count: { type: "integer", min: 1 },
    socket: { type: "string" },
  },
  positionals: { max: Infinity },
} as const;

/** Runs the monitor; returns the exit code. */
export function run(args: string[]): Promise<number> {
  return runCommand(SPEC, args, async ({ values, positionals }) => {
    // A refnum is checked before anything starts: only the names need the server.
    for (const text of positionals) {
      if (/^\d+$/.test(text)) integerArgument("refnum", text, 0, 127);
    }
    const ms = createClient({
      name: "display",
      ...(values.socket === undefined ? {} : { socketPath: values.socket }),
    });
    try {
      return await monitor(ms, values.name, positionals, values.count);
    } catch (error) {
      // The server went away (or could not start) before the monitor was set up.
      if (!isMidiShareError(error)) throw error;
      console.error(error.message);
      return 1;
    }
  });
}

/** Opens the application, connects the sources and prints until told to stop. */
async function monitor(
  ms: MidiShareClient,
  name: string,
  positionals: string[],
  limit = Infinity,
): Promise<number> {
  const ref = await ms.MidiOpen(name);
  if (ref < 0) {
    console.error("Cannot open the display application: no free refnum");
    return 1;
  }
  const sources: number[] = [];
  for (const text of positionals.length === 0 ? ["0"] : positionals) {
    const src = /^\d+$/.test(text)
      ? Number(text)
      : await ms.MidiGetNamedAppl(text);
    if (src === MIDIerrIndex || (await ms.MidiGetName(src)) === null) {
      console.error(`No application or driver "${text}"`);
      ms.MidiClose(ref);
      await ms.close();
      return 1;
    }
    ms.MidiConnect(src, ref, true);
    sources.push(src);
  }
  const names = new Map<number, string>();
  const nameOf = async (r: number) => {
    if (!names.has(r)) names.set(r, (await ms.MidiGetName(r)) ?? `refnum ${r}`);
  };
  await Promise.all(sources.map(nameOf));
  // Learn the names of applications as they open or are renamed.
  ms.MidiSetApplAlarm(ref, (_ref, code) => {
    const change = code & 0xffff;
    if (change === 1 || change === 3 || change === 12) {
      names.delete(code >> 16);
      nameOf(code >> 16);
    }
  });
  console.log(
    `display: refnum ${ref}, listening to ${
      sources.join(", ")
    } (Ctrl-C to stop)`,
  );
  const done = Promise.withResolvers<void>();
  let seen = 0;
  ms.MidiSetRcvAlarm(ref, () => {
    for (let e = ms.MidiGetEv(ref); e !== null; e = ms.MidiGetEv(ref)) {
      const from = e.refNum & 0x7f;
      if (!names.has(from)) nameOf(from);
      console.log(eventLine(ms, e, names.get(from) ?? `refnum ${from}`));
      ms.MidiFreeEv(e);
      if (++seen >= limit) done.resolve();
    }
  });
  const stop = () => done.resolve();
  Deno.addSignalListener("SIGINT", stop);
  const loss = await Promise.race([
    done.promise.then(() => null),
    ms.lost,
  ]);
  Deno.removeSignalListener("SIGINT", stop);
  if (loss !== null) {
    console.error(loss.message);
    return 1;
  }
  ms.MidiClose(ref);
  await ms.close();
  return 0;
}
