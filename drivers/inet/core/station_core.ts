/**
 * What the LAN and WAN station cores share: the inputs about MidiShare applications
 * (spec §1.5, §4.5, §6.1, §7.8), the date of the last input, and the wake-up request
 * made from every date the station waits for.
 *
 * Runs in the Inet driver; not real-time safe.
 *
 * @module
 */

import { type RemoteInfo, remoteInfo } from "./remote.ts";
import { earliest, type RemoteSet } from "./remote_set.ts";
import type {
  LocalApplication,
  RemoteId,
  StationEffects,
} from "./station_effects.ts";

/** The inputs about MidiShare applications, the same in both modes. */
export interface ApplicationInputs {
  /** The remotes, pending and open, in creation order. */
  remotes(): RemoteInfo[];
  /** The driver application could not open: fatal (spec §4.3, §5.1). */
  onDriverApplicationFailed(reason: string): void;
  /** The application of remote `id` has opened: deliveries and restore start. */
  onRemoteApplicationOpened(id: RemoteId): void;
  /** The application of remote `id` could not open: logged, remote removed. */
  onRemoteApplicationFailed(id: RemoteId, reason: string): void;
  /** Events arrived at `now` in the FIFO of remote `id`'s application (6.1). */
  onEventsWaiting(id: RemoteId, now: number): void;
  /** Connections of remote `id`'s application changed (7.8). */
  onLocalConnectionsChanged(
    id: RemoteId,
    applications: readonly LocalApplication[],
  ): void;
  /** A local application called `name` opened (7.8). */
  onApplicationOpened(name: string): void;
}

/**
 * The shared part of a station core; the LAN and WAN stations extend it. Not
 * exported from the module: programs see only {@link ApplicationInputs}.
 */
export abstract class StationCore implements ApplicationInputs {
  /** The effects. */
  protected readonly fx: StationEffects;
  /** The remotes (a LAN station replaces the set at every wake-up). */
  protected remoteSet: RemoteSet;
  /** The date of the last input. */
  protected now = 0;
  #wakeRequest: number | null = null;

  /**
   * @param fx The effects.
   * @param remoteSet The first set of remotes.
   */
  constructor(fx: StationEffects, remoteSet: RemoteSet) {
    this.fx = fx;
    this.remoteSet = remoteSet;
  }

  /** Whether the station takes inputs (LAN awake, WAN running). */
  protected abstract get isActive(): boolean;

  /** Adds the dates the mode waits for (HostID, checks) with `add`. */
  protected abstract addDates(add: (date: number | null) => void): void;

  /** A remote was removed because its application failed to open. */
  protected abstract afterApplicationFailure(address: string): void;

  abstract onDriverApplicationFailed(reason: string): void;

  remotes(): RemoteInfo[] {
    return [...this.remoteSet.values()].map(remoteInfo);
  }

  onRemoteApplicationOpened(id: RemoteId): void {
    if (this.isActive) this.remoteSet.applicationOpened(id);
  }

  onRemoteApplicationFailed(id: RemoteId, reason: string): void {
    if (!this.isActive) return;
    const remote = this.remoteSet.byId(id);
    this.remoteSet.applicationFailed(id, reason);
    if (remote !== undefined) this.afterApplicationFailure(remote.address);
    this.reschedule();
  }

  onEventsWaiting(id: RemoteId, now: number): void {
    if (!this.enter(now)) return;
    this.remoteSet.eventsWaiting(id, now);
    this.reschedule();
  }

  onLocalConnectionsChanged(
    id: RemoteId,
    applications: readonly LocalApplication[],
  ): void {
    if (this.isActive) this.remoteSet.connectionsChanged(id, applications);
  }

  onApplicationOpened(name: string): void {
    if (this.isActive) this.remoteSet.localApplicationOpened(name);
  }

  /** Takes the date of an input; false when the station takes no input. */
  protected enter(now: number): boolean {
    if (!this.isActive) return false;
    this.now = now;
    return true;
  }

  /** Asks for a tick at the earliest date waited for, when it changed. */
  protected reschedule(): void {
    let next: number | null = null;
    if (this.isActive) {
      const add = (date: number | null): void => {
        if (date !== null) next = earliest(next, date, this.now);
      };
      this.addDates(add);
      add(this.remoteSet.nextCollection(this.now));
    }
    if (next !== this.#wakeRequest) {
      this.#wakeRequest = next;
      this.fx.wakeAt(next);
    }
  }
}
