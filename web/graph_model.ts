/**
 * The graph of the patchbay page, made from a `ServerStatus` snapshot: every refnum
 * with its slots and taps, and every connection.
 *
 * @module
 */

import type { ServerStatus } from "@midishare/client";
import type { Graph, GraphNode, GraphSlot } from "./protocol.ts";

/** A refnum as `ServerStatus` lists it. */
interface StatusEntry {
  refNum: number;
  name: string;
  kind: string;
  client: number;
  connectedTo: number[];
  slots?: GraphSlot[];
  taps?: number[];
  networkRole?: unknown;
}

/**
 * Whether a refnum stands for a peer of the network driver: `ServerStatus` gives
 * the role the driver marked it with (`networkRole: "peer"`; its own application
 * is `"driver"`).
 */
export function isNetworkPeer(entry: { networkRole?: unknown }): boolean {
  return entry.networkRole === "peer";
}

/**
 * The graph of a snapshot.
 *
 * @param status what `serverStatus()` returned
 * @param webRefs the refnums the web server opened itself
 * @returns nodes in ascending refnum order and sorted connections
 * @throws {TypeError} when the snapshot has no list of refnums
 */
export function graphOf(
  status: ServerStatus,
  webRefs: ReadonlySet<number>,
): Graph {
  const entries = status.refnums;
  if (!Array.isArray(entries)) {
    throw new TypeError("Cannot read the server status: no list of refnums");
  }
  const nodes: GraphNode[] = [];
  const connections: [number, number][] = [];
  for (const entry of entries as StatusEntry[]) {
    nodes.push({
      refNum: entry.refNum,
      name: entry.name,
      kind: entry.kind === "driver" ? "driver" : "application",
      client: entry.client,
      isNetwork: isNetworkPeer(entry),
      isWeb: webRefs.has(entry.refNum),
      taps: entry.taps ?? [],
      slots: entry.slots ?? [],
    });
    for (const dst of entry.connectedTo) connections.push([entry.refNum, dst]);
  }
  nodes.sort((a, b) => a.refNum - b.refNum);
  connections.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { isAwake: status.isAwake === true, nodes, connections };
}
