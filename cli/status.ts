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
drivers with their refnums (a network driver's remote applications listed as
peers under the driver's own application), the drivers' slots and the ports
mapped to them, the connections, and what each client holds in the server pool
and lost: events over its quota, events dropped by the overload policy (late, or
to a client that reads too slowly), copies that did not fit its own pool, and
truncated MidiAddField calls. It never starts a server.

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
  networkRole?: "driver" | "peer";
  version?: number;
  connectedTo: number[];
  counters?: Counters;
  slots?: {
    slotRef: number;
    name: string;
    direction: number;
    ports: number[];
  }[];
}

/** Losses of an application or a client, as `ServerStatus` counts them. */
interface Counters {
  quotaLosses: number;
  lateDrops: number;
  slowDrops: number;
  lostCopies: number;
  truncatedFields?: number;
}

interface ClientEntry extends Counters {
  client: number;
  heldCells: number;
}

const DIRECTIONS = ["", "in", "out", "in/out"];

/** The non-zero counters in words, or "" when nothing was lost. */
function losses(c: Counters | undefined): string {
  if (c === undefined) return "";
  const parts = [
    [c.quotaLosses, "over quota"],
    [c.lateDrops, "dropped late"],
    [c.slowDrops, "dropped, reader too slow"],
    [c.lostCopies, "did not fit its pool"],
    [c.truncatedFields ?? 0, "MidiAddField truncated"],
  ].filter(([n]) => (n as number) > 0).map(([n, what]) => `${n} ${what}`);
  return parts.length === 0 ? "" : `  lost: ${parts.join(", ")}`;
}

/**
 * One line per application; a network driver's remote applications (its peers,
 * spec inet.md §1.4) are listed under the driver's own application.
 */
function printApplications(appls: Entry[]): void {
  const line = (r: Entry, indent: string, note: string) =>
    console.log(
      `${indent}${String(r.refNum).padStart(3)}  ${r.name}${
        r.client ? `  (client ${r.client}${note})` : ""
      }${losses(r.counters)}`,
    );
  const driverOf = (peer: Entry) =>
    appls.find((r) => r.networkRole === "driver" && r.client === peer.client);
  for (const r of appls) {
    if (r.networkRole === "peer" && driverOf(r) !== undefined) continue;
    if (r.networkRole === "driver") {
      line(r, "  ", ", network driver");
      const peers = appls.filter((p) =>
        p.networkRole === "peer" && p.client === r.client
      );
      for (const p of peers) line(p, "    peer ", "");
    } else {
      line(r, "  ", r.networkRole === "peer" ? ", network peer" : "");
    }
  }
}

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
    clients?: ClientEntry[];
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
  console.log(
    `  quota ${
      s.clientQuota ? `${s.clientQuota} cells per client` : "none"
    }, overload bound ${s.maxLatenessMs ? `${s.maxLatenessMs} ms` : "none"}`,
  );
  const appls = s.refnums.filter((r) => r.kind === "application");
  const drivers = s.refnums.filter((r) => r.kind === "driver");
  console.log(`Applications (${appls.length}):`);
  printApplications(appls);
  console.log(`Drivers (${drivers.length}):`);
  for (const r of drivers) {
    const version = r.version === undefined ? "" : `  version ${r.version}`;
    console.log(
      `  ${String(r.refNum).padStart(3)}  ${r.name}${version}${
        losses(r.counters)
      }`,
    );
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
  const clients = s.clients ?? [];
  console.log(`Clients (${clients.length}):`);
  for (const c of clients) {
    console.log(
      `  ${String(c.client).padStart(4)}  ${c.heldCells} server cells held${
        losses(c)
      }`,
    );
  }
}
