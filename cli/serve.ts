// Command-line code prints to the terminal by design (STYLE.md §8).
// deno-lint-ignore-file no-console
/**
 * `midishare serve`: runs the MidiShare server in the foreground.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { runServer } from "../workers/server.ts";

const HELP = `Usage: midishare serve [options]

Runs the MidiShare server in the foreground. Clients start one by themselves
when none runs; run it yourself to see its log or keep it up.

Options:
  --socket PATH   listen on PATH instead of $XDG_RUNTIME_DIR/midishare/midishare.sock
  --persist       keep running when no application is open (for a service)
  --linger MS     quit MS milliseconds after the last application closed (3000)
  --log-file PATH append the log to PATH instead of standard error
  --quiet         print warnings only
  --verbose       print more (connections, idle state)
  -h, --help      show this help`;

/** Runs the server; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        socket: { type: "string" },
        persist: { type: "boolean" },
        linger: { type: "string" },
        "log-file": { type: "string" },
        quiet: { type: "boolean" },
        verbose: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const linger = values.linger === undefined ? 3000 : Number(values.linger);
  if (!Number.isFinite(linger) || linger < 0) {
    console.error(`Invalid --linger "${values.linger}": expected milliseconds`);
    return 2;
  }
  return await runServer({
    ...(values.socket === undefined ? {} : { socketPath: values.socket }),
    ...(values["log-file"] === undefined
      ? {}
      : { logFile: values["log-file"] }),
    isPersistent: values.persist === true,
    lingerMs: linger,
    logLevel: values.quiet ? "quiet" : values.verbose ? "verbose" : "normal",
  });
}
