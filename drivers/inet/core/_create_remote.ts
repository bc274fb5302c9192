/**
 * Makes a new remote of a `RemoteSet` from the HostID that announced it:
 * its clock estimator, its event path and its initial state (spec §4.5, §7.3).
 *
 * Runs in the Inet driver; not real-time safe: allocates.
 *
 * @module
 */

import { addMs } from "@midishare/kernel/api";
import { createClockEstimator } from "./clock_estimator.ts";
import {
  MAX_APPLICATION_NAME_BYTES,
  type Remote,
  truncateName,
} from "./remote.ts";
import type { HostIdArrival, RemoteSetOptions } from "./remote_set_options.ts";
import type { RemoteId } from "./station_effects.ts";

/**
 * Creates the remote of `arrival` with handle `id`, not open yet; the self
 * remote's clock starts locked.
 *
 * @param o The set's options.
 * @param arrival The HostID's sender, dates and the mode's rules.
 * @param id The remote's handle.
 * @returns The remote, not yet in any set.
 */
export function createRemote(
  o: RemoteSetOptions,
  arrival: HostIdArrival,
  id: RemoteId,
): Remote {
  const address = arrival.address;
  const clock = createClockEstimator({
    firstLocal: arrival.receivedAt,
    firstRemote: arrival.remoteTime,
    maxLatencyMs: o.maxLatencyMs,
    isLocked: arrival.isSelf,
  });
  // The closures run only after `remote` is initialised below.
  const dataPath = o.createDataPath({
    mode: o.mode,
    groupingMs: o.groupingMs,
    maxLatencyMs: o.maxLatencyMs,
    clock,
    takeEvents: (visit) => o.effects.takeEvents(id, visit),
    sendUdp: (packet) => o.effects.sendDatagram(address, packet),
    sendSpecial: (packet) => {
      o.sendSpecial(remote, packet);
    },
    deliver: (event, dateMs) => {
      // Events of a remote that is not open yet are dropped (D34).
      if (remote.hasApplication) o.effects.deliverEvent(id, event, dateMs);
    },
    log: (text) => o.effects.log(text, false),
  });
  const remote: Remote = {
    id,
    address,
    name: truncateName(arrival.name, MAX_APPLICATION_NAME_BYTES),
    isSelf: arrival.isSelf,
    clock,
    dataPath,
    createdAt: arrival.receivedAt,
    isOpen: false,
    hasApplication: false,
    expiry: addMs(arrival.receivedAt, arrival.createExpiryMs),
    isGrouping: false,
    nextCollection: 0,
  };
  return remote;
}
