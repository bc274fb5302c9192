/**
 * Test networks made of Linux network namespaces, built as root and torn down on
 * dispose even when the test fails: a LAN of stations on one bridge
 * ({@link createLan}), and the parts other topologies are built from
 * ({@link createLab}, used by `_wan_router.ts`). Each station has its own network
 * namespace, its own host name (every command runs in a fresh UTS namespace), its
 * own `MIDISHARE_SOCKET` path (Unix socket paths are shared across network
 * namespaces, so tests reach a station's server from outside) and runs real
 * servers and commands. Private to `tests/`.
 *
 * Names: namespaces are `msnet-<pid>-<suffix>-<role>`, links and bridges carry the
 * same random suffix and are created inside their namespaces, never in the test's
 * own; a lab removes namespaces left behind by a test process that no longer runs.
 *
 * Stations are in `_station.ts`; whether these tests can run, in `_netns_gate.ts`.
 *
 * @module
 */

// A namespace that cannot be deleted is reported, not thrown: cleanup goes on.
// deno-lint-ignore-file no-console

import { terminate } from "./_harness.ts";
import {
  createStation,
  DEFAULT_PROCESS_MS,
  type NetnsProcessOptions,
  type Spawner,
  type Station,
  type StationSpec,
} from "./_station.ts";

const PREFIX = "msnet";

/** Runs a short command; returns its standard output or throws with its stderr. */
export async function run(command: string, args: string[]): Promise<string> {
  const out = await new Deno.Command(command, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  if (!out.success) {
    throw new Error(
      `Command failed: ${command} ${args.join(" ")}: ${
        text.decode(out.stderr).trim()
      }`,
    );
  }
  return text.decode(out.stdout);
}

/**
 * Namespaces and processes of one test, removed together on dispose: the building
 * blocks of a topology.
 */
export interface Lab extends AsyncDisposable {
  /** The random part of every name. */
  readonly suffix: string;
  /** A private directory for socket paths and files. */
  readonly dir: string;
  /** Creates the namespace `msnet-<pid>-<suffix>-<role>` with loopback up. */
  addNamespace(role: string): Promise<string>;
  /** Runs a short command in namespace `netns` (no UTS namespace). */
  exec(netns: string, command: string, args: string[]): Promise<string>;
  /** Sets `/proc/sys/<key>` (dotted, as sysctl names it) in namespace `netns`. */
  sysctl(netns: string, key: string, value: string): Promise<void>;
  /** Starts a process that the lab kills at its timeout and on dispose. */
  spawn: Spawner;
  /** A station in namespace `spec.netns` (already addressed by the caller). */
  station(spec: StationSpec): Station;
  /** Every namespace created so far. */
  readonly namespaces: readonly string[];
}

/** The broadcast address of `address`/`prefixLength`. */
export function broadcastOf(address: string, prefixLength: number): string {
  const value = address.split(".").reduce((a, b) => a * 256 + Number(b), 0);
  const host = prefixLength >= 32 ? 0 : 2 ** (32 - prefixLength) - 1;
  const b = (value - (value % (host + 1))) + host;
  return [24, 16, 8, 0].map((s) => Math.floor(b / 2 ** s) % 256).join(".");
}

/** Namespaces whose creating test process is gone (killed mid-test): removed. */
async function sweepStale(): Promise<void> {
  const list = await run("ip", ["netns", "list"]);
  for (const line of list.split("\n")) {
    const name = line.split(" ")[0] ?? "";
    const match = new RegExp(`^${PREFIX}-(\\d+)-`).exec(name);
    if (match === null) continue;
    if (await exists(`/proc/${match[1]}`)) continue;
    await removeNamespace(name);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Kills whatever still runs in `netns`, then deletes it (its links go with it). */
async function removeNamespace(netns: string): Promise<void> {
  const pids = await run("ip", ["netns", "pids", netns]).catch(() => "");
  for (const pid of pids.split(/\s+/).filter((p) => p !== "")) {
    try {
      Deno.kill(Number(pid), "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  await run("ip", ["netns", "del", netns]).catch((error) => {
    console.error(`Cannot delete namespace "${netns}": ${error.message}`);
  });
}

/** Creates an empty lab; build a topology with its methods. */
export async function createLab(): Promise<Lab> {
  await sweepStale();
  const suffix = crypto.randomUUID().slice(0, 4);
  const dir = await Deno.makeTempDir({ prefix: `midishare-netns-${suffix}-` });
  const namespaces: string[] = [];
  const children = new Set<Deno.ChildProcess>();

  const spawn = (argv: string[], options: NetnsProcessOptions = {}) => {
    const [command, ...args] = argv;
    const child = new Deno.Command(command!, {
      args,
      stdin: options.stdin ?? "null",
      stdout: options.stdout ?? "piped",
      stderr: options.stderr ?? "piped",
      env: { NO_COLOR: "1", ...(options.env ?? {}) },
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    }).spawn();
    children.add(child);
    // A hung process fails its test instead of hanging the suite.
    const timer = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch {
        // Already gone.
      }
    }, options.timeoutMs ?? DEFAULT_PROCESS_MS);
    child.status.finally(() => {
      clearTimeout(timer);
      children.delete(child);
    });
    return child;
  };

  const exec = (netns: string, command: string, args: string[]) =>
    run("ip", ["netns", "exec", netns, command, ...args]);

  const lab: Lab = {
    suffix,
    dir,
    namespaces,
    async addNamespace(role) {
      const name = `${PREFIX}-${Deno.pid}-${suffix}-${role}`;
      await run("ip", ["netns", "add", name]);
      namespaces.push(name);
      await run("ip", ["-n", name, "link", "set", "lo", "up"]);
      return name;
    },
    exec,
    async sysctl(netns, key, value) {
      await exec(netns, "sh", [
        "-c",
        `echo ${value} > /proc/sys/${key.replaceAll(".", "/")}`,
      ]);
    },
    spawn,
    station: (spec) => createStation(spec, `${dir}/${spec.name}.sock`, spawn),
    async [Symbol.asyncDispose]() {
      try {
        await Promise.all([...children].map(stopChild));
      } finally {
        for (const netns of namespaces.reverse()) await removeNamespace(netns);
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      }
    },
  };
  return lab;
}

/** Ends `child` and releases the output streams nobody read. */
async function stopChild(child: Deno.ChildProcess): Promise<void> {
  await terminate(child, 2_000);
  for (const name of ["stdout", "stderr"] as const) {
    try {
      await child[name].cancel();
    } catch {
      // Not piped, or read by the test: it ended with the process.
    }
  }
}

/** A LAN: stations on one bridge, in one subnet where broadcast reaches all. */
export interface LanNetwork extends AsyncDisposable {
  readonly lab: Lab;
  /** The namespace holding the bridge. */
  readonly hub: string;
  readonly stations: readonly Station[];
  /** The station named `name`. */
  station(name: string): Station;
}

/**
 * Builds a LAN: one namespace per station, each joined by a veth pair to a bridge in
 * a hub namespace; station i gets `<subnet>.<i + 2>/24`.
 *
 * @param options.stations station host names (default `sta1`, `sta2`, `sta3`) or
 * how many
 * @param options.subnet the first three bytes of the /24 (default `10.77.0`)
 */
export async function createLan(
  options: { stations?: string[] | number; subnet?: string } = {},
): Promise<LanNetwork> {
  const wanted = options.stations ?? 3;
  const names = typeof wanted === "number"
    ? Array.from({ length: wanted }, (_, i) => `sta${i + 1}`)
    : wanted;
  const subnet = options.subnet ?? "10.77.0";
  const lab = await createLab();
  try {
    const { suffix } = lab;
    const hub = await lab.addNamespace("hub");
    const bridge = `br-${suffix}`;
    await run("ip", ["-n", hub, "link", "add", bridge, "type", "bridge"]);
    await run("ip", ["-n", hub, "link", "set", bridge, "up"]);
    const stations: Station[] = [];
    for (const [i, name] of names.entries()) {
      const netns = await lab.addNamespace(`s${i + 1}`);
      const inner = `e${i + 1}-${suffix}`;
      const outer = `h${i + 1}-${suffix}`;
      await run("ip", [
        ...["link", "add", "name", inner, "netns", netns, "type", "veth"],
        ...["peer", "name", outer, "netns", hub],
      ]);
      await run("ip", ["-n", hub, "link", "set", outer, "master", bridge]);
      await run("ip", ["-n", hub, "link", "set", outer, "up"]);
      const address = `${subnet}.${i + 2}`;
      await run("ip", [
        ...["-n", netns, "addr", "add", `${address}/24`],
        ...["brd", "+", "dev", inner],
      ]);
      await run("ip", ["-n", netns, "link", "set", inner, "up"]);
      stations.push(lab.station({
        name,
        netns,
        address,
        prefixLength: 24,
        broadcast: broadcastOf(address, 24),
      }));
    }
    return {
      lab,
      hub,
      stations,
      station(name) {
        const found = stations.find((s) => s.name === name);
        if (found === undefined) {
          throw new RangeError(`No station named "${name}"`);
        }
        return found;
      },
      [Symbol.asyncDispose]: () => lab[Symbol.asyncDispose](),
    };
  } catch (error) {
    await lab[Symbol.asyncDispose]();
    throw error;
  }
}
