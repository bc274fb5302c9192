/**
 * The JSON snapshot of `ServerStatus`, shown by `midishare status` and the web page:
 * time, applications and drivers with their slots, connections, taps and counters,
 * the clients' accounts, and the server pool.
 *
 * Runs in the kernel worker, or in-process under a manual clock. Not real-time safe:
 * allocates the snapshot.
 *
 * @module
 */

import {
  MIDISHARE_VERSION,
  PORT_COUNT,
  REFNUM_COUNT,
} from "../api/constants.ts";
import { NETWORK_ROLES } from "../api/network_role.ts";
import type { KernelState } from "./kernel_state.ts";
import { KIND_DRIVER } from "./refnum_table.ts";
import { MAX_CLIENTS } from "./router.ts";
import {
  C_HELD,
  C_LATE_DROPS,
  C_LOST_COPIES,
  C_QUOTA_LOSSES,
  C_SLOW_DROPS,
  C_TRUNCATED_FIELDS,
  R_LATE_DROPS,
  R_LOST_COPIES,
  R_QUOTA_LOSSES,
  R_SLOW_DROPS,
} from "./server_accounts.ts";

/**
 * The snapshot of `s` as JSON, the facts of `describeServer` first.
 *
 * @param s The kernel's state.
 * @param describeServer Extra facts of the server process (pid, uptime, ...).
 * @returns The JSON text.
 */
export function serverStatus(
  s: KernelState,
  describeServer: () => Record<string, unknown>,
): string {
  const entries = [];
  for (let r = 0; r < REFNUM_COUNT; r++) {
    if (s.refs.isOpen(r)) entries.push(refnumEntry(s, r));
  }
  const clients = [];
  for (let c = 1; c < MAX_CLIENTS; c++) {
    const a = s.accounts;
    if (s.sinks[c] === undefined && a.client(c, C_HELD) === 0) continue;
    clients.push({
      client: c,
      heldCells: a.client(c, C_HELD),
      quotaLosses: a.client(c, C_QUOTA_LOSSES),
      lateDrops: a.client(c, C_LATE_DROPS),
      slowDrops: a.client(c, C_SLOW_DROPS),
      lostCopies: a.client(c, C_LOST_COPIES),
      truncatedFields: a.client(c, C_TRUNCATED_FIELDS),
    });
  }
  return JSON.stringify({
    ...describeServer(),
    version: MIDISHARE_VERSION,
    isAwake: s.isAwake,
    time: s.now,
    errorBits: s.errorBits,
    pendingItems: s.sorter.pendingCount,
    pool: { cells: s.pool.capacity, used: s.pool.used },
    clientQuota: s.accounts.quota,
    lostCount: s.lostCount,
    losses: {
      quotaLosses: s.accounts.total(C_QUOTA_LOSSES),
      lateDrops: s.accounts.total(C_LATE_DROPS),
      slowDrops: s.accounts.total(C_SLOW_DROPS),
    },
    eventCount: s.router.eventCount,
    refnums: entries,
    clients,
  });
}

/** The entry of open refnum `r`. */
function refnumEntry(s: KernelState, r: number): Record<string, unknown> {
  const refs = s.refs;
  const isDriver = refs.isDriverSide(r);
  const dests = [];
  for (let i = 0; i < s.cnx.destCount(r); i++) {
    dests.push(s.cnx.dest(r, i));
  }
  const slots = refs.kind[r] === KIND_DRIVER ? slotEntries(s, r) : [];
  const accounts = s.accounts;
  return {
    refNum: r,
    name: refs.names[r],
    kind: isDriver ? "driver" : "application",
    client: refs.owner[r],
    ...(refs.networkRole[r] !== 0
      ? { networkRole: NETWORK_ROLES[refs.networkRole[r]!] }
      : {}),
    ...(refs.kind[r] === KIND_DRIVER ? { version: refs.version[r] } : {}),
    connectedTo: dests.sort((a, b) => a - b),
    ...(slots.length > 0 ? { slots } : {}),
    ...tapsOf(s, r),
    counters: {
      quotaLosses: accounts.ref(r, R_QUOTA_LOSSES),
      lateDrops: accounts.ref(r, R_LATE_DROPS),
      slowDrops: accounts.ref(r, R_SLOW_DROPS),
      lostCopies: accounts.ref(r, R_LOST_COPIES),
    },
  };
}

/** The slots of driver `r` with their ports. */
function slotEntries(s: KernelState, r: number): Record<string, unknown>[] {
  const slots = [];
  for (let i = 1; i <= s.slots.count(r); i++) {
    const slot = s.slots.indexed(r, i);
    const infos = s.slots.infos(r, slot);
    const ports = [];
    for (let p = 0; p < PORT_COUNT; p++) {
      if (s.slots.isConnected(p, r, slot)) ports.push(p);
    }
    slots.push({
      slotRef: slot,
      name: infos.name,
      direction: infos.direction,
      ports,
    });
  }
  return slots;
}

/** `{ taps: [targets] }` when `watcher` taps something, else nothing. */
function tapsOf(s: KernelState, watcher: number): { taps?: number[] } {
  const targets = [];
  for (let t = 0; t < REFNUM_COUNT; t++) {
    if (s.taps.isConnected(t, watcher)) targets.push(t);
  }
  return targets.length > 0 ? { taps: targets } : {};
}
