/**
 * Names and addresses of WAN peers (spec inet.md §1.4, §5.2, §11): a host typed after
 * `-s` resolved to its IPv4 address (`/etc/hosts` first, since `Deno.resolveDns` does
 * not read it, then DNS), and the reverse name of an address (`/etc/hosts`, then a
 * PTR query), falling back to the dotted text.
 *
 * Runs in the Inet driver process. Not real-time safe: reads files, asks DNS.
 *
 * @module
 */

import { parseIpv4 } from "./core/mod.ts";

/** Longest wait for one DNS answer, ms. */
const DNS_TIMEOUT_MS = 1000;
const HOSTS_FILE = "/etc/hosts";

/** A resolved host: its address and the name its remote application takes. */
export interface ResolvedHost {
  /** The dotted IPv4 address. */
  readonly address: string;
  /** The typed name, or for a typed address its reverse name or the address. */
  readonly name: string;
}

/**
 * Resolves `host`, a name or a dotted address (spec §5.2 step 2, §1.4).
 *
 * @param host As typed after `-s`.
 * @returns The address and name, or null when the name resolves to no IPv4 address.
 */
export async function resolveHost(host: string): Promise<ResolvedHost | null> {
  if (parseIpv4(host) !== null) {
    return { address: host, name: await reverseName(host) ?? host };
  }
  const fromFile = (await readHosts()).find((e) => e.names.includes(host));
  if (fromFile !== undefined) return { address: fromFile.address, name: host };
  try {
    const [address] = await Deno.resolveDns(host, "A", {
      signal: AbortSignal.timeout(DNS_TIMEOUT_MS),
    });
    return address === undefined ? null : { address, name: host };
  } catch {
    return null; // unknown host: the station logs it
  }
}

/**
 * The name of the peer at `address` (spec §1.4): its first name in `/etc/hosts`,
 * else its PTR record, else null.
 *
 * @param address A dotted IPv4 address.
 * @returns The name without a final dot, or null.
 */
export async function reverseName(address: string): Promise<string | null> {
  const fromFile = (await readHosts()).find((e) => e.address === address);
  if (fromFile !== undefined) return fromFile.names[0] ?? null;
  const query = address.split(".").reverse().join(".") + ".in-addr.arpa";
  try {
    const [name] = await Deno.resolveDns(query, "PTR", {
      signal: AbortSignal.timeout(DNS_TIMEOUT_MS),
    });
    return name === undefined ? null : name.replace(/\.$/, "");
  } catch {
    return null; // no reverse name: the dotted text stands for the peer
  }
}

interface HostsEntry {
  readonly address: string;
  readonly names: readonly string[];
}

/** The IPv4 entries of `/etc/hosts`; none when it cannot be read. */
async function readHosts(): Promise<HostsEntry[]> {
  let text: string;
  try {
    text = await Deno.readTextFile(HOSTS_FILE);
  } catch {
    return [];
  }
  const entries: HostsEntry[] = [];
  for (const line of text.split("\n")) {
    const [address, ...names] = line.replace(/#.*/, "").trim().split(/\s+/);
    if (address !== undefined && parseIpv4(address) !== null) {
      entries.push({ address, names });
    }
  }
  return entries;
}
