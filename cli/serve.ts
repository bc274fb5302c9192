// Command-line code prints to the terminal by design (STYLE.md §8).
// deno-lint-ignore-file no-console
/**
 * `midishare serve`: runs the MidiShare server in the foreground.
 *
 * @module
 */

import { parseArgs } from "node:util";
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
        "connection-memory": { type: "string" },
        "handshake-timeout": { type: "string" },
        "log-max-size": { type: "string" },
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
  const connectionMemory = values["connection-memory"] === undefined
    ? DEFAULT_LISTENER_LIMITS.connectionMemoryBytes
    : parseSize(values["connection-memory"]);
  if (
    Number.isNaN(connectionMemory) ||
    connectionMemory < MIN_CONNECTION_MEMORY_BYTES
  ) {
    console.error(
      `Invalid --connection-memory "${
        values["connection-memory"]
      }": expected a size of at least 16MiB`,
    );
    return 2;
  }
  const handshake = values["handshake-timeout"] === undefined
    ? DEFAULT_LISTENER_LIMITS.handshakeTimeoutMs
    : Number(values["handshake-timeout"]);
  if (!Number.isFinite(handshake) || handshake <= 0) {
    console.error(
      `Invalid --handshake-timeout "${
        values["handshake-timeout"]
      }": expected milliseconds`,
    );
    return 2;
  }
  const logMax = values["log-max-size"] === undefined
    ? undefined
    : parseSize(values["log-max-size"]);
  if (logMax !== undefined && !(logMax >= MIN_LOG_MAX_BYTES)) {
    console.error(
      `Invalid --log-max-size "${
        values["log-max-size"]
      }": expected a size of at least 4096 bytes`,
    );
    return 2;
  }
  return await runServer({
    ...(logMax === undefined ? {} : { logMaxBytes: logMax }),
    connectionMemoryBytes: connectionMemory,
    handshakeTimeoutMs: handshake,
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

const SIZE_UNITS: Record<string, number> = {
  "": 1,
  k: 1 << 10,
  kib: 1 << 10,
  m: 1 << 20,
  mib: 1 << 20,
  g: 1 << 30,
  gib: 1 << 30,
};

/** A size such as "4096", "64KiB", "32MiB" or "1G" in bytes; NaN when unreadable. */
function parseSize(text: string): number {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const unit = match === null ? undefined : SIZE_UNITS[match[2]!.toLowerCase()];
  return unit === undefined ? NaN : Number(match![1]) * unit;
}
