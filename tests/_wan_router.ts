/**
 * A WAN for the network driver's tests: two stations on two subnets with a router
 * namespace between them that forwards TCP untouched and passes UDP through a lossy
 * relay (`_impair_relay.py`): delay with jitter, loss, duplication, reordering, from
 * a printed seed. Private to `tests/`.
 *
 * How addresses are kept: the router forwards with the kernel (IP forwarding on, no
 * NAT). A policy rule sends UDP that arrives from either station link (`iif`,
 * `ipproto udp`, optionally `dport`) to a table whose only route is a TUN device;
 * the relay reads each packet from the TUN and writes it back unchanged at its
 * release time; written back, it enters the kernel as arriving from the TUN, which
 * the rule does not match, so the main table forwards it to its destination. Source
 * and destination addresses and ports are never rewritten: A always sees B at
 * 10.78.2.2 and B sees A at 10.78.1.2, by UDP and TCP alike, as WAN peers must
 * (spec §5.3: a peer is its address). Links and the TUN have an MTU of 9000 so no
 * datagram of the driver is fragmented on the way (a fragment has no port).
 *
 * @module
 */

// The seed is printed so that a failing run can be replayed.
// deno-lint-ignore-file no-console

import { Random, testSeed } from "../testing/random.ts";
import { readLines } from "./_line_reader.ts";
import { createLab, type Lab, run } from "./_netns.ts";
import { python3 } from "./_netns_gate.ts";
import type { Station } from "./_station.ts";

const RELAY = new URL("./_impair_relay.py", import.meta.url).pathname;
const MTU = "9000";
const UDP_TABLE = "100";

/** What the router does to UDP (the relay's settings; percentages 0..100). */
export interface Impairment {
  delayMs?: number;
  /** The delay is uniform in delayMs ± jitterMs. */
  jitterMs?: number;
  lossPercent?: number;
  duplicatePercent?: number;
  /** Share of packets held `reorderMs` longer, so that later ones overtake them. */
  reorderPercent?: number;
  reorderMs?: number;
  /** Whether jitter alone keeps each direction in order (default true). */
  fifo?: boolean;
  /** Restarts the generator. */
  seed?: number;
}

/** The relay's counters since it started. */
export interface RelayCounts {
  in: number;
  dropped: number;
  duplicated: number;
  reordered: number;
  out: number;
  /** Packets other than IPv4 UDP, discarded. */
  ignored: number;
  seed: number;
}

/** The router between the two stations. */
export interface WanRouter {
  readonly netns: string;
  /** The starting seed of the relay's generator. */
  readonly seed: number;
  /** Changes the impairment (a `seed` restarts the generator); returns the counters. */
  impair(changes: Impairment): Promise<RelayCounts>;
  /** The counters. */
  counts(): Promise<RelayCounts>;
}

/** Two stations and their router. */
export interface WanNetwork extends AsyncDisposable {
  readonly lab: Lab;
  /** Station A, 10.78.1.2/24 (router 10.78.1.1). */
  readonly a: Station;
  /** Station B, 10.78.2.2/24 (router 10.78.2.1). */
  readonly b: Station;
  readonly router: WanRouter;
}

/**
 * Builds the WAN: stations `names` (default `wana`, `wanb`) on 10.78.1.0/24 and
 * 10.78.2.0/24, and the router with `impairment` on UDP (to `udpPort` only, when
 * given). The seed comes from `impairment.seed`, else `MIDISHARE_SEED`, else the
 * clock, and is printed.
 */
export async function createWan(
  options: {
    names?: [string, string];
    impairment?: Impairment;
    udpPort?: number;
  } = {},
): Promise<WanNetwork> {
  const [nameA, nameB] = options.names ?? ["wana", "wanb"];
  const seed = options.impairment?.seed ?? testSeed();
  const lab = await createLab();
  try {
    const { suffix } = lab;
    const router = await lab.addNamespace("router");
    const stations: Station[] = [];
    const links: string[] = [];
    for (const [i, name] of [nameA, nameB].entries()) {
      const netns = await lab.addNamespace(`w${i + 1}`);
      const inner = `e${i + 1}-${suffix}`;
      const outer = `r${i + 1}-${suffix}`;
      const net = `10.78.${i + 1}`;
      await run("ip", [
        ...["link", "add", "name", inner, "netns", netns, "mtu", MTU],
        ...["type", "veth", "peer", "name", outer, "netns", router],
      ]);
      await run("ip", ["-n", router, "link", "set", outer, "mtu", MTU, "up"]);
      await run("ip", [
        "-n",
        router,
        "addr",
        "add",
        `${net}.1/24`,
        "dev",
        outer,
      ]);
      await run("ip", [
        "-n",
        netns,
        "addr",
        "add",
        `${net}.2/24`,
        "dev",
        inner,
      ]);
      await run("ip", ["-n", netns, "link", "set", inner, "up"]);
      await run("ip", [
        ...["-n", netns, "route", "add", "default", "via", `${net}.1`],
      ]);
      links.push(outer);
      stations.push(lab.station({
        name,
        netns,
        address: `${net}.2`,
        prefixLength: 24,
        broadcast: `${net}.255`,
      }));
    }
    const wanRouter = await startRouter(lab, router, links, {
      ...options.impairment,
      seed,
    }, options.udpPort);
    return {
      lab,
      a: stations[0]!,
      b: stations[1]!,
      router: wanRouter,
      [Symbol.asyncDispose]: () => lab[Symbol.asyncDispose](),
    };
  } catch (error) {
    await lab[Symbol.asyncDispose]();
    throw error;
  }
}

async function startRouter(
  lab: Lab,
  netns: string,
  links: string[],
  impairment: Impairment & { seed: number },
  udpPort: number | undefined,
): Promise<WanRouter> {
  const tun = `tun-${lab.suffix}`;
  const ip = (...args: string[]) => run("ip", ["-n", netns, ...args]);
  await ip("tuntap", "add", "dev", tun, "mode", "tun");
  // The TUN carries IPv4 UDP only; without IPv6 the router sends nothing of its own
  // into it.
  await lab.sysctl(netns, `net.ipv6.conf.${tun}.disable_ipv6`, "1");
  await ip("link", "set", tun, "mtu", MTU, "up");
  await ip("route", "add", "default", "dev", tun, "table", UDP_TABLE);
  for (const link of links) {
    await ip(
      ...["rule", "add", "iif", link, "ipproto", "udp"],
      ...(udpPort === undefined ? [] : ["dport", String(udpPort)]),
      ...["lookup", UDP_TABLE, "pref", "100"],
    );
  }
  // Packets written back into the TUN carry the stations' addresses, which a strict
  // reverse-path filter would refuse on that device.
  for (const device of ["all", "default", tun, ...links]) {
    await lab.sysctl(netns, `net.ipv4.conf.${device}.rp_filter`, "0");
  }
  await lab.sysctl(netns, "net.ipv4.ip_forward", "1");
  console.log(
    `WAN router ${netns}: impairment ${
      JSON.stringify(impairment)
    } (replay with MIDISHARE_SEED=${impairment.seed})`,
  );
  const child = lab.spawn(
    [
      ...["ip", "netns", "exec", netns, python3()!, RELAY, tun],
      JSON.stringify(impairment),
    ],
    { stdin: "piped", timeoutMs: 600_000 },
  );
  const reader = readLines(child);
  const writer = child.stdin.getWriter();
  let lastLine = 0;
  let queue: Promise<unknown> = Promise.resolve();
  const ask = (changes: Impairment) => {
    const answer = queue.then(async () => {
      const from = reader.lines.length;
      await writer.write(
        new TextEncoder().encode(`${JSON.stringify(changes)}\n`),
      );
      const found = await reader.waitLine(
        (l) => l.startsWith("{"),
        "the relay's counters",
        { from: Math.max(from, lastLine) },
      );
      lastLine = found.index + 1;
      return JSON.parse(found.line) as RelayCounts;
    });
    queue = answer.catch(() => {});
    return answer;
  };
  await reader.waitLine((l) => l === "ready", "the relay on the TUN");
  return {
    netns,
    seed: impairment.seed,
    impair: ask,
    counts: () => ask({}),
  };
}

/** What the relay will do to each of `count` packets, predicted from its settings. */
export interface ImpairmentPlan {
  /** Indices (in the relay's arrival order) of the dropped packets. */
  dropped: number[];
  duplicated: number[];
  reordered: number[];
  /** Each packet's own drawn delay (before any wait behind an earlier one), ms. */
  delaysMs: number[];
}

/**
 * Replays the relay's generator: the fate of the next `count` packets after the
 * generator was (re)started with `impairment.seed`.
 */
export function planImpairment(
  impairment: Impairment & { seed: number },
  count: number,
): ImpairmentPlan {
  const random = new Random(impairment.seed);
  const plan: ImpairmentPlan = {
    dropped: [],
    duplicated: [],
    reordered: [],
    delaysMs: [],
  };
  const delayMs = impairment.delayMs ?? 0;
  const jitterMs = impairment.jitterMs ?? 0;
  for (let i = 0; i < count; i++) {
    const [loss, dup, delay, reorder] = [0, 0, 0, 0, 0].map(() =>
      random.next()
    ) as [number, number, number, number, number];
    plan.delaysMs.push(Math.max(0, delayMs + (2 * delay - 1) * jitterMs));
    if (loss < (impairment.lossPercent ?? 0) / 100) {
      plan.dropped.push(i);
      continue;
    }
    if (reorder < (impairment.reorderPercent ?? 0) / 100) {
      plan.reordered.push(i);
    }
    if (dup < (impairment.duplicatePercent ?? 0) / 100) plan.duplicated.push(i);
  }
  return plan;
}
