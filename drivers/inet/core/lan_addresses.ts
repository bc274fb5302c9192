/**
 * The local and broadcast IPv4 addresses of a LAN station (spec §4.2, D7, D24): the
 * interface named by an option, else the one the host name resolves to, else the first
 * one other than loopback; broadcast `address | ~netmask`; the original /24 rule as a
 * fallback when no interface information is available.
 *
 * Pure functions. Runs in the Inet driver at wake-up; not real-time safe.
 *
 * @module
 */

/** One address of a network interface (the shape of `Deno.networkInterfaces()`). */
export interface InterfaceAddress {
  /** Interface name, e.g. `eth0`. */
  readonly name: string;
  /** `IPv4` or `IPv6`; only IPv4 is used. */
  readonly family: string;
  /** Dotted address. */
  readonly address: string;
  /** Dotted netmask. */
  readonly netmask: string;
}

/**
 * The outcome of {@link chooseLanAddresses}:
 * - `"chosen"`: the addresses to use;
 * - `"failed"`: no usable address; the driver stops with the fatal alert
 *   "Inet controler, cannot get local broadcast address" and `reason` (7.9).
 */
export type LanAddressChoice =
  | {
    readonly kind: "chosen";
    /** The station's address: the source of its own HostID packets. */
    readonly localAddress: string;
    /** Where HostID and Bye packets are broadcast. */
    readonly broadcastAddress: string;
    /** Every local IPv4 address, for self detection (D24). */
    readonly localAddresses: readonly string[];
    /** The interface used, or null with the /24 fallback. */
    readonly interfaceName: string | null;
  }
  | { readonly kind: "failed"; readonly reason: string };

/**
 * Parses a dotted IPv4 address into an unsigned 32-bit number.
 *
 * @param text The dotted address.
 * @returns The address, or null when `text` is not four numbers 0..255.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseIpv4 } from "./lan_addresses.ts";
 *
 * assert.equal(parseIpv4("192.168.1.20"), 0xc0a80114);
 * assert.equal(parseIpv4("192.168.1"), null);
 * ```
 */
export function parseIpv4(text: string): number | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = value * 256 + Number(part);
  }
  return value;
}

/**
 * Formats an unsigned 32-bit number as a dotted IPv4 address.
 *
 * @param value The address.
 * @returns The dotted text.
 */
export function formatIpv4(value: number): string {
  const v = value >>> 0;
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/**
 * The broadcast address of a network: `address | ~netmask`.
 *
 * @param address The interface address, dotted.
 * @param netmask The netmask, dotted.
 * @returns The dotted broadcast address.
 * @throws {SyntaxError} When either is not a dotted IPv4 address.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { broadcastAddress } from "./lan_addresses.ts";
 *
 * assert.equal(broadcastAddress("10.1.2.3", "255.255.0.0"), "10.1.255.255");
 * ```
 * @see spec inet.md §4.2
 */
export function broadcastAddress(address: string, netmask: string): string {
  const a = parseIpv4(address), m = parseIpv4(netmask);
  if (a === null || m === null) {
    throw new SyntaxError(
      `Cannot compute a broadcast address from "${address}" and "${netmask}"`,
    );
  }
  return formatIpv4((a | ~m) >>> 0);
}

/**
 * The original rule (D7): the address with its last byte set to 255.
 *
 * @param address The station's dotted address.
 * @returns The dotted /24 broadcast address.
 * @throws {SyntaxError} When `address` is not a dotted IPv4 address.
 * @see spec inet.md §4.2
 */
export function slash24Broadcast(address: string): string {
  return broadcastAddress(address, "255.255.255.0");
}

/**
 * Chooses the station's addresses (spec §4.2, New).
 *
 * @param interfaces The machine's interface addresses; empty when unknown.
 * @param options `interfaceName` from `--interface`, and `hostAddress`, the address
 *   the host name resolves to (or null).
 * @returns The choice, or why there is none.
 * @example A host name that resolves to loopback is ignored
 * ```ts
 * import assert from "node:assert/strict";
 * import { chooseLanAddresses } from "./lan_addresses.ts";
 *
 * const choice = chooseLanAddresses([
 *   { name: "lo", family: "IPv4", address: "127.0.0.1", netmask: "255.0.0.0" },
 *   { name: "eth0", family: "IPv4", address: "10.0.5.7", netmask: "255.255.252.0" },
 * ], { interfaceName: null, hostAddress: "127.0.1.1" });
 * assert.ok(choice.kind === "chosen");
 * assert.equal(choice.broadcastAddress, "10.0.7.255");
 * ```
 * @see spec inet.md §4.2
 */
export function chooseLanAddresses(
  interfaces: readonly InterfaceAddress[],
  options: {
    readonly interfaceName: string | null;
    readonly hostAddress: string | null;
  },
): LanAddressChoice {
  const ipv4 = interfaces.filter((i) =>
    i.family === "IPv4" && parseIpv4(i.address) !== null &&
    parseIpv4(i.netmask) !== null
  );
  const localAddresses = [...new Set(ipv4.map((i) => i.address))];
  const candidates = ipv4.filter((i) => !i.address.startsWith("127."));
  const { interfaceName, hostAddress } = options;
  let chosen: InterfaceAddress | undefined;
  if (interfaceName !== null) {
    chosen = candidates.find((i) => i.name === interfaceName);
    if (chosen === undefined) {
      return {
        kind: "failed",
        reason: `no IPv4 address on interface "${interfaceName}"`,
      };
    }
  } else {
    chosen = candidates.find((i) => i.address === hostAddress) ?? candidates[0];
  }
  if (chosen !== undefined) {
    return {
      kind: "chosen",
      localAddress: chosen.address,
      broadcastAddress: broadcastAddress(chosen.address, chosen.netmask),
      localAddresses,
      interfaceName: chosen.name,
    };
  }
  if (hostAddress !== null && parseIpv4(hostAddress) !== null) {
    return {
      kind: "chosen",
      localAddress: hostAddress,
      broadcastAddress: slash24Broadcast(hostAddress),
      localAddresses: [...new Set([...localAddresses, hostAddress])],
      interfaceName: null,
    };
  }
  return { kind: "failed", reason: "no IPv4 interface and no host address" };
}
