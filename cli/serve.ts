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
  --midi-api API  hardware ports: auto (ALSA where the sequencer exists, else
                  JACK), alsa, jack, or off (default auto)
  --virtual-ports N
                  create N virtual input and output ports other programs can
                  connect to ("MidiShare in 1", "MidiShare out 1", ...)
  --client-quota CELLS
                  server cells one client may hold: its scheduled events, tasks
                  and events on their way in; beyond it its events are lost and
                  counted (default 393216, three eighths of the server pool,
                  room for a 4 MiB SysEx; 0 for no quota)
  --max-lateness MS
                  overload bound: a tick running more than MS late routes none
                  of its events, and a client whose socket has had output
                  waiting longer gets none; both counted (default 1000; 0 for
                  no drops)
  --quiet         print warnings only
  --verbose       print more (connections, idle state)
  -h, --help      show this help`;

/** Runs the server; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      // `serve` takes no positional arguments, so a "--" can only be the habit of
      // `deno task start -- --midi-api jack`, which deno passes through: skip it.
      args: args.filter((arg) => arg !== "--"),
      options: {
        socket: { type: "string" },
        persist: { type: "boolean" },
        linger: { type: "string" },
        "log-file": { type: "string" },
        "midi-api": { type: "string", default: "auto" },
        "virtual-ports": { type: "string", default: "0" },
        "client-quota": { type: "string" },
        "max-lateness": { type: "string" },
        // Tests only: each tick that dispatches something also spins MS ms.
        "test-tick-cost": { type: "string" },
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
  const midiApi = values["midi-api"]!;
  if (!["auto", "alsa", "jack", "off"].includes(midiApi)) {
    console.error(
      `Invalid --midi-api "${midiApi}": expected auto, alsa, jack or off`,
    );
    return 2;
  }
  const virtualPorts = Number(values["virtual-ports"]);
  if (
    !Number.isInteger(virtualPorts) || virtualPorts < 0 || virtualPorts > 16
  ) {
    console.error(
      `Invalid --virtual-ports "${values["virtual-ports"]}": expected 0..16`,
    );
    return 2;
  }
  const counts: Record<string, number | undefined> = {};
  for (const name of ["client-quota", "max-lateness", "test-tick-cost"]) {
    const text = values[name as "client-quota"];
    if (text === undefined) continue;
    const n = Number(text);
    if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(n)) {
      console.error(`Invalid --${name} "${text}": expected a number >= 0`);
      return 2;
    }
    counts[name] = n;
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
    midiApi: midiApi as "auto" | "alsa" | "jack" | "off",
    virtualPorts,
    lingerMs: linger,
    ...(counts["client-quota"] === undefined
      ? {}
      : { clientQuota: Math.floor(counts["client-quota"]) }),
    ...(counts["max-lateness"] === undefined
      ? {}
      : { maxLatenessMs: counts["max-lateness"] }),
    ...(counts["test-tick-cost"] === undefined
      ? {}
      : { testTickCostMs: counts["test-tick-cost"] }),
    logLevel: values.quiet ? "quiet" : values.verbose ? "verbose" : "normal",
  });
}
