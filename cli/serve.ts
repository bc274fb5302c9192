/**
 * `midishare serve`: runs the MidiShare server in the foreground.
 *
 * @module
 */

import { runCommand } from "./_args.ts";
import { runServer } from "../workers/server.ts";
import {
  DEFAULT_LISTENER_LIMITS,
  MIN_CONNECTION_MEMORY_BYTES,
} from "../workers/connection_budget.ts";
import { MIN_LOG_MAX_BYTES } from "../workers/log_file.ts";

const HELP = `Usage: midishare serve [options]

Runs the MidiShare server in the foreground. Clients start one by themselves
when none runs; run it yourself to see its log or keep it up.

Options:
  --socket PATH   listen on PATH instead of $XDG_RUNTIME_DIR/midishare/midishare.sock
  --persist       keep running when no application is open (for a service)
  --linger MS     quit MS milliseconds after the last application closed (3000)
  --log-file PATH append the log to PATH instead of standard error
  --log-max-size SIZE
                  when the log file would pass SIZE, rename it PATH.1
                  (replacing the last one) and start anew (1MiB)
  --midi-api API  hardware ports: auto (ALSA where the sequencer exists, else
                  JACK), alsa, jack, or off (default auto)
  --virtual-ports N
                  create N virtual input and output ports other programs can
                  connect to ("MidiShare in 1", "MidiShare out 1", ...)
  --connection-memory SIZE
                  what all connection buffers (unfinished frames, output
                  waiting for slow readers) may hold together; past it the
                  connection holding the most is closed (256MiB, at least 16MiB)
  --handshake-timeout MS
                  close a connection that sent no HELLO within MS ms (5000)
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
  -h, --help      show this help

Exit code: 0 when stopped by a signal or idle, 1 when it cannot listen, 2 for a
bad command line.`;

const SPEC = {
  name: "serve",
  help: HELP,
  options: {
    socket: { type: "string" },
    persist: { type: "boolean" },
    linger: {
      type: "number",
      min: 0,
      default: 3000,
      expect: "a number of milliseconds",
    },
    "log-file": { type: "string" },
    "midi-api": {
      type: "string",
      choices: ["auto", "alsa", "jack", "off"],
      default: "auto",
    },
    "virtual-ports": { type: "integer", min: 0, max: 16, default: 0 },
    "connection-memory": {
      type: "size",
      min: MIN_CONNECTION_MEMORY_BYTES,
      default: DEFAULT_LISTENER_LIMITS.connectionMemoryBytes,
      expect: "a size of at least 16MiB",
    },
    "handshake-timeout": {
      type: "number",
      min: 1,
      default: DEFAULT_LISTENER_LIMITS.handshakeTimeoutMs,
      expect: "a number of milliseconds of at least 1",
    },
    "log-max-size": {
      type: "size",
      min: MIN_LOG_MAX_BYTES,
      expect: "a size of at least 4096 bytes",
    },
    "client-quota": {
      type: "integer",
      min: 0,
      expect: "a number of cells (0 for no quota)",
    },
    "max-lateness": {
      type: "number",
      min: 0,
      expect: "a number of milliseconds (0 for no drops)",
    },
    // Tests only (not in the help): each tick that dispatches something also
    // spins this many ms, to make the kernel fall behind on purpose.
    "test-tick-cost": { type: "number", min: 0 },
    quiet: { type: "boolean" },
    verbose: { type: "boolean" },
  },
} as const;

/** Runs the server; returns the exit code. */
export function run(args: string[]): Promise<number> {
  // `serve` takes no positional arguments, so a "--" can only be the habit of
  // `deno task start -- --midi-api jack`, which deno passes through: skip it.
  const options = args.filter((arg) => arg !== "--");
  return runCommand(SPEC, options, async ({ values }) => {
    const logMax = values["log-max-size"];
    const logFile = values["log-file"];
    return await runServer({
      ...(logMax === undefined ? {} : { logMaxBytes: logMax }),
      connectionMemoryBytes: values["connection-memory"],
      handshakeTimeoutMs: values["handshake-timeout"],
      ...(values.socket === undefined ? {} : { socketPath: values.socket }),
      ...(logFile === undefined ? {} : { logFile }),
      isPersistent: values.persist,
      midiApi: values["midi-api"] as "auto" | "alsa" | "jack" | "off",
      virtualPorts: values["virtual-ports"],
      lingerMs: values.linger,
      ...(values["client-quota"] === undefined
        ? {}
        : { clientQuota: values["client-quota"] }),
      ...(values["max-lateness"] === undefined
        ? {}
        : { maxLatenessMs: values["max-lateness"] }),
      ...(values["test-tick-cost"] === undefined
        ? {}
        : { testTickCostMs: values["test-tick-cost"] }),
      logLevel: values.quiet ? "quiet" : values.verbose ? "verbose" : "normal",
    });
  });
}
