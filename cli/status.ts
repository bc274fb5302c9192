// Command-line code prints to the terminal by design (STYLE.md §8).
// deno-lint-ignore-file no-console
/**
 * `midishare status`: whether a server runs, its time, applications, drivers and
 * slots, and connections.
 *
 * @module
 */

import { createClient, isMidiShareError } from "@midishare/client";
import { runCommand } from "./_args.ts";

const HELP = `Usage: midishare status [--socket PATH] [--json]

Shows whether the MidiShare server runs, its time, its applications and
drivers with their refnums, the drivers' slots and the ports mapped to them,
and the connections. It never starts a server.

Options:
  --socket PATH   the server's socket (default: this user's)
  --json          print the snapshot as JSON, with "running": true; when no
                  server answers, {"running": false, "socket": ..., "error": ...}
  -h, --help      show this help

Exit code: 0 when a server answers, 1 when none runs, when it is lost before it
answers (one line on standard error), or when its socket is refused (another user
could have put it there; the message says why); 2 for a bad command line.`;

const SPEC = {
  name: "status",
  help: HELP,
  options: {
    socket: { type: "string" },
    json: { type: "boolean" },
  },
} as const;

interface Entry {
  refNum: number;
  name: string;
  kind: string;
  client: number;
  version?: number;
  connectedTo: number[];
  slots?: {
    slotRef: number;
    name: string;
    direction: number;
    ports: number[];
  }[];
}

const DIRECTIONS = ["", "in", "out", "in/out"];

/** Runs the command; returns the exit code. */
export function run(args: string[]): Promise<number> {
  return runCommand(SPEC, args, async ({ values }) => {
    const ms = createClient({
      autoStart: false,
      name: "status",
      ...(values.socket === undefined ? {} : { socketPath: values.socket }),
    });
    let status;
    try {
      status = await ms.serverStatus();
    } catch (error) {
      if (!isMidiShareError(error)) throw error;
      let problem: string | null = error.message;
      if (error.cause instanceof Deno.errors.PermissionDenied) {
        // A socket that may not be the server's: say why it is not used.
        problem = `MidiShare server: not contacted: ${error.message}`;
      } else if (ms.state !== "exception") {
        problem = null; // simply no server
      } // else a server answered, then went away before it told its status
      if (problem !== null) console.error(problem);
      if (values.json) {
        console.log(JSON.stringify(
          {
            running: false,
            socket: ms.socketPath,
            ...(problem === null ? {} : { error: error.message }),
          },
          null,
          2,
        ));
      } else if (problem === null) {
        console.log(`MidiShare server: not running (socket ${ms.socketPath})`);
      }
      return 1;
    } finally {
      await ms.close();
    }
    if (values.json) {
      console.log(JSON.stringify({ running: true, ...status }, null, 2));
      return 0;
    }
    printStatus(status);
    return 0;
  });
}

function printStatus(status: unknown): void {
  const s = status as Record<string, unknown> & {
    refnums: Entry[];
    pool: { cells: number; used: number };
  };
  const names = new Map(s.refnums.map((r) => [r.refNum, r.name]));
  const label = (ref: number) => `${ref} "${names.get(ref) ?? "?"}"`;
  console.log(`MidiShare server: running, pid ${s.pid}, socket ${s.socket}`);
  console.log(
    `  version ${s.version}, up ${Math.round(Number(s.uptimeMs) / 1000)} s, ` +
      (s.isAwake ? `time ${s.time} ms` : "dormant (no application open)"),
  );
  console.log(
    `  pool ${s.pool.used}/${s.pool.cells} cells, ${s.pendingItems} pending, ` +
      `${s.lostCount} lost, error bits ${s.errorBits}`,
  );
  const appls = s.refnums.filter((r) => r.kind === "application");
  const drivers = s.refnums.filter((r) => r.kind === "driver");
  console.log(`Applications (${appls.length}):`);
  for (const r of appls) {
    console.log(
      `  ${String(r.refNum).padStart(3)}  ${r.name}${
        r.client ? `  (client ${r.client})` : ""
      }`,
    );
  }
  console.log(`Drivers (${drivers.length}):`);
  for (const r of drivers) {
    const version = r.version === undefined ? "" : `  version ${r.version}`;
    console.log(`  ${String(r.refNum).padStart(3)}  ${r.name}${version}`);
    for (const slot of r.slots ?? []) {
      const ports = slot.ports.length === 0
        ? "no port"
        : `ports ${slot.ports.join(", ")}`;
      console.log(
        `         slot ${slot.slotRef}: ${slot.name} (${
          DIRECTIONS[slot.direction]
        }), ${ports}`,
      );
    }
  }
  const connections = s.refnums.flatMap((r) =>
    r.connectedTo.map((d) => [r.refNum, d])
  );
  console.log(`Connections (${connections.length}):`);
  for (const [src, dst] of connections) {
    console.log(`  ${label(src!)} -> ${label(dst!)}`);
  }
}
