/**
 * The station's own addresses, read from the system (spec inet.md §4.2, D7, D24):
 * the IPv4 interfaces of `Deno.networkInterfaces()` and, when there is a choice to
 * make, the address the host name resolves to; the core's `chooseLanAddresses`
 * decides.
 *
 * Runs in the Inet driver process at start-up. Not real-time safe.
 *
 * @module
 */

import {
  chooseLanAddresses,
  type InterfaceAddress,
  type LanAddressChoice,
} from "./core/mod.ts";
import { resolveHost } from "./host_names.ts";

/**
 * Chooses the local and broadcast addresses of this machine.
 *
 * @param interfaceName The interface named by `--interface`, or null.
 * @returns The choice, or why there is none.
 */
export async function localAddresses(
  interfaceName: string | null,
): Promise<LanAddressChoice> {
  let interfaces: InterfaceAddress[] = [];
  try {
    interfaces = Deno.networkInterfaces();
  } catch {
    // No interface information: the /24 rule of the host name's address (D7).
  }
  const candidates = interfaces.filter((i) =>
    i.family === "IPv4" && !i.address.startsWith("127.")
  );
  let hostAddress: string | null = null;
  // The host name only breaks a tie; a DNS query can take a second.
  if (interfaceName === null && candidates.length !== 1) {
    hostAddress = (await resolveHost(Deno.hostname()))?.address ?? null;
  }
  return chooseLanAddresses(interfaces, { interfaceName, hostAddress });
}
