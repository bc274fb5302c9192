/**
 * `MidiTask` on the server side (spec §7.15): a task event of the server pool, charged
 * to its client's quota, scheduled in the sorter.
 *
 * Runs in the kernel worker, or in-process under a manual clock. Real-time safe: no
 * allocation, no throw; a full pool or quota is a counted loss.
 *
 * @module
 */

import { CELL_WORDS, NIL } from "../memory/cell_pool.ts";
import { typeDProcess, typeProcess } from "../api/constants.ts";
import { B_REFNUM, W_DATE } from "../memory/event_layout.ts";
import { newEvent, setField } from "../memory/event_store.ts";
import type { KernelState } from "./kernel_state.ts";
import { TASK_ID_SLOT, TASK_SERIAL_SLOT } from "./router.ts";
import { C_HELD, C_QUOTA_LOSSES, R_QUOTA_LOSSES } from "./server_accounts.ts";

/**
 * Schedules a task (type 128 or 129) of `ref` at `date`, known to the client by
 * `taskId` and `taskSerial`; takes the parameters of `MidiTask` positionally, as the
 * per-event functions of the kernel do.
 *
 * @returns false when asleep, `ref` is not `client`'s, `type` is no task type, or the
 *   server pool is full or the client's quota used up (both counted as a loss).
 */
export function scheduleTask(
  s: KernelState,
  client: number,
  type: number,
  ref: number,
  date: number,
  taskId: number,
  taskSerial: number,
): boolean {
  if (!s.isAwake || !s.refs.isOwnedBy(ref, client)) return false;
  if (type !== typeProcess && type !== typeDProcess) return false;
  const accounts = s.accounts, pool = s.pool;
  if (!accounts.charge(client, 2)) {
    s.lostCount++;
    accounts.addClient(client, C_QUOTA_LOSSES, 1);
    accounts.addRef(ref, R_QUOTA_LOSSES, 1);
    return false;
  }
  const cell = newEvent(pool, type);
  if (cell === NIL) {
    accounts.addClient(client, C_HELD, -2);
    s.lostCount++;
    return false;
  }
  accounts.tag(pool, cell, client);
  const base = cell * CELL_WORDS;
  const w = pool.words;
  w[base + W_DATE] = date;
  setField(pool, cell, TASK_ID_SLOT, taskId);
  setField(pool, cell, TASK_SERIAL_SLOT, taskSerial);
  pool.bytes[base * 4 + B_REFNUM] = ref;
  s.sorter.push(cell);
  return true;
}
