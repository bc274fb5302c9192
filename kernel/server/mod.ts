/**
 * The server half of the kernel: refnums and applications, connections, drivers and
 * slots, the filters the server applies, the sorter that keeps events and tasks until
 * their date, the router that delivers them, synchronisation, and the tick.
 *
 * Runs in the server's kernel worker (or in the caller's thread for the in-process
 * composition of `../local/`). Real-time safe on the per-event path: no allocation,
 * no await, no locks. May import `../api/` and `../memory/`; never `../client/`.
 *
 * @example Open an application and schedule nothing
 * ```ts
 * import assert from "node:assert/strict";
 * import { createServerKernel } from "./mod.ts";
 *
 * const kernel = createServerKernel();
 * assert.equal(kernel.MidiCountAppls(), 0);
 * ```
 *
 * @module
 */

export { createServerKernel, ServerKernel } from "./server_kernel.ts";
export type {
  RefnumChange,
  ServerKernelOptions,
  SharedRingHooks,
} from "./server_kernel_options.ts";
export { MAX_CLIENTS } from "./router.ts";
export {
  ACCOUNTS_BYTES,
  C_HELD,
  C_LATE_DROPS,
  C_LOST_COPIES,
  C_OUTPUT_SINCE,
  C_QUOTA_LOSSES,
  C_SLOW_DROPS,
  C_TRUNCATED_FIELDS,
  ChargedPool,
  MAX_ACCOUNTS,
  R_LATE_DROPS,
  R_LOST_COPIES,
  R_QUOTA_LOSSES,
  R_SLOW_DROPS,
  ServerAccounts,
  wallStamp,
} from "./server_accounts.ts";
