/**
 * Network roles of applications: what the network drivers' applications are, so that
 * the server counts them neither as users of MidiShare (an on-demand server quits
 * when only they are left) nor as client applications for a LAN driver's sleep rule
 * (spec inet.md §4.3, §9 "open point"), and `midishare status` shows the remote
 * applications as peers of their driver.
 *
 * Pure data, usable from any thread.
 *
 * @module
 */

/**
 * The role of an application:
 * - `"none"`: an ordinary application (every application starts so);
 * - `"driver"`: the own application of a network driver (`msLANDriver`, ...);
 * - `"peer"`: a remote application, standing for one peer of a network driver.
 */
export type NetworkRole = "none" | "driver" | "peer";

/** Every role, indexed by its wire value (0 none, 1 driver, 2 peer). */
export const NETWORK_ROLES: readonly NetworkRole[] = Object.freeze([
  "none",
  "driver",
  "peer",
]);

/**
 * The wire value of a role.
 *
 * @param role The role.
 * @returns 0 for `"none"`, 1 for `"driver"`, 2 for `"peer"`.
 * @throws {TypeError} When `role` is not one of them.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { networkRoleValue } from "./network_role.ts";
 *
 * assert.equal(networkRoleValue("peer"), 2);
 * ```
 */
export function networkRoleValue(role: NetworkRole): number {
  const value = NETWORK_ROLES.indexOf(role);
  if (value < 0) {
    throw new TypeError(
      `Invalid network role "${String(role)}": expected none, driver or peer`,
    );
  }
  return value;
}
