/**
 * What the Inet driver reads from the server's status snapshot (`ServerStatus`): how
 * many client applications other than network applications exist (the LAN sleep
 * rule, spec inet.md §4.3, §11), and which local applications are connected with a
 * remote application (the connection memory, §7.8).
 *
 * Pure functions. Run in the Inet driver process; not real-time safe.
 *
 * @module
 */

import type { ServerStatus } from "@midishare/client";
import type { LocalApplication } from "./core/mod.ts";

/** One refnum of the snapshot, as far as the driver reads it. */
interface StatusEntry {
  readonly refNum: number;
  readonly name: string;
  readonly kind: string;
  readonly client: number;
  readonly networkRole?: string;
  readonly connectedTo: readonly number[];
}

function entries(status: ServerStatus): StatusEntry[] {
  const list = status.refnums;
  return Array.isArray(list) ? list as StatusEntry[] : [];
}

/**
 * The client applications of spec §4.3: every application but refnum 0, the network
 * applications of any driver (`networkRole`), and those of the client that owns
 * `ownRefs` (the driver's own, including one opened but not marked yet).
 *
 * @param status The snapshot.
 * @param ownRefs Refnums this driver opened.
 * @returns How many there are.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { countClientApplications } from "./server_status.ts";
 *
 * const app = (refNum: number, client: number, networkRole?: string) =>
 *   ({ refNum, name: "x", kind: "application", client, networkRole, connectedTo: [] });
 * const status = { refnums: [app(0, 0), app(1, 5, "driver"), app(2, 5), app(3, 7)] };
 * assert.equal(countClientApplications(status, new Set([1])), 1);
 * ```
 */
export function countClientApplications(
  status: ServerStatus,
  ownRefs: ReadonlySet<number>,
): number {
  const all = entries(status);
  const own = all.find((e) => ownRefs.has(e.refNum))?.client;
  let count = 0;
  for (const e of all) {
    if (e.kind !== "application" || e.refNum === 0) continue;
    if (e.networkRole !== undefined || e.client === own) continue;
    count++;
  }
  return count;
}

/**
 * The applications connected with remote application `remoteRef`, in both
 * directions, each with its name (spec §7.8): every application but `remoteRef`
 * itself, so that names whose connections were removed leave the memory.
 *
 * @param status The snapshot.
 * @param remoteRef The remote application's refnum.
 * @returns One entry per application, or an empty list when `remoteRef` is not open.
 */
export function remoteConnections(
  status: ServerStatus,
  remoteRef: number,
): LocalApplication[] {
  const all = entries(status);
  const remote = all.find((e) => e.refNum === remoteRef);
  if (remote === undefined) return [];
  const out: LocalApplication[] = [];
  for (const e of all) {
    if (e.kind !== "application" || e.refNum === remoteRef) continue;
    out.push({
      name: e.name,
      sendsToRemote: e.connectedTo.includes(remoteRef),
      hearsRemote: remote.connectedTo.includes(e.refNum),
    });
  }
  return out;
}
