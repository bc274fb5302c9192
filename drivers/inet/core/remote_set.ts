/**
 * The remotes of a station and the life cycle they share in LAN and WAN mode (spec
 * §4.5, §5.4, §6.1, §7.3, §7.5, §7.8): creation and refresh by HostID, clock samples,
 * locking and opening, the remote application, Midi reception, the output side
 * (idle ⇄ grouping), removal, and the connection memory.
 *
 * Mode-specific rules (timeouts, connections, HostID pacing) stay in the LAN and WAN
 * stations, which are told of openings, removals and output changes through hooks.
 * Runs in the Inet driver; not real-time safe (a remote allocates when created).
 * The options are in `remote_set_options.ts`, a new remote is made by
 * `_create_remote.ts`.
 *
 * @module
 */

import { addMs, isBefore, isDue } from "@midishare/kernel/api";
import { createRemote } from "./_create_remote.ts";
import type { Reconnection } from "./connection_memory.ts";
import type { InputStreamKind } from "./remote_data_path.ts";
import type { MidiPacket } from "./packets.ts";
import { alertText } from "./log_lines.ts";
import type { Remote } from "./remote.ts";
import type { HostIdArrival, RemoteSetOptions } from "./remote_set_options.ts";
import type { LocalApplication, RemoteId } from "./station_effects.ts";

export type {
  HostIdArrival,
  RemoteSetHooks,
  RemoteSetOptions,
} from "./remote_set_options.ts";

/**
 * The remotes of one station: see the module documentation. A LAN station makes a
 * new set at every wake-up (D8).
 */
export class RemoteSet {
  readonly #o: RemoteSetOptions;
  readonly #byAddress = new Map<string, Remote>();
  readonly #byId = new Map<RemoteId, Remote>();
  #nextId: RemoteId;
  #isFullLogged = false;

  /**
   * Creates an empty set.
   *
   * @param options Effects, parameters and hooks.
   * @param firstId The first remote id to allocate (ids stay unique across sets).
   */
  constructor(options: RemoteSetOptions, firstId: RemoteId) {
    this.#o = options;
    this.#nextId = firstId;
  }

  /** The next id this set would allocate. */
  get nextId(): RemoteId {
    return this.#nextId;
  }

  /** Number of remotes, pending and open. */
  get size(): number {
    return this.#byAddress.size;
  }

  /** Number of open remotes. */
  get openCount(): number {
    let n = 0;
    for (const r of this.#byAddress.values()) if (r.isOpen) n++;
    return n;
  }

  /** The remotes, in creation order. */
  values(): IterableIterator<Remote> {
    return this.#byAddress.values();
  }

  /** The remote for `address`, or undefined. */
  get(address: string): Remote | undefined {
    return this.#byAddress.get(address);
  }

  /** The remote with handle `id`, or undefined. */
  byId(id: RemoteId): Remote | undefined {
    return this.#byId.get(id);
  }

  /**
   * Creates or refreshes the remote of a HostID (spec §4.5, §7.3).
   *
   * @param arrival The packet's sender, dates and the mode's rules.
   * @returns The remote, or null when the set is full.
   */
  hostId(arrival: HostIdArrival): Remote | null {
    const { address, receivedAt: r, remoteTime } = arrival;
    const known = this.#byAddress.get(address);
    if (known !== undefined) {
      known.expiry = addMs(r, arrival.refreshExpiryMs);
      if (known.clock.sample(r, remoteTime)) this.#open(known, r);
      return known;
    }
    if (this.#byAddress.size >= this.#o.maxRemotes) {
      if (!this.#isFullLogged) {
        this.#isFullLogged = true;
        this.#alert("cannot create a remote", "memory allocation failed");
      }
      return null;
    }
    this.#isFullLogged = false;
    const remote = this.#create(arrival);
    if (remote.isSelf) this.#open(remote, r);
    return remote;
  }

  /**
   * Feeds a Midi packet from `address` (spec §3.8); ignored without a remote.
   * WAN: the date of a head packet on UDP from an open remote is a clock sample
   * (§5.4; TCP dates are not used, D25).
   */
  midi(
    address: string,
    kind: InputStreamKind,
    packet: MidiPacket,
    receivedAt: number,
  ): void {
    const remote = this.#byAddress.get(address);
    if (remote === undefined) return;
    this.midiFor(remote, kind, packet, receivedAt);
  }

  /** Like {@link midi} for a known remote (WAN TCP packets). */
  midiFor(
    remote: Remote,
    kind: InputStreamKind,
    packet: MidiPacket,
    receivedAt: number,
  ): void {
    if (
      this.#o.mode === "wan" && remote.isOpen && kind === "udp" &&
      packet.dateMs !== 0
    ) remote.clock.sample(receivedAt, packet.dateMs);
    remote.dataPath.receive(kind, packet, receivedAt);
  }

  /** The remote application of `id` has opened: deliveries start, memory restores. */
  applicationOpened(id: RemoteId): void {
    const remote = this.#byId.get(id);
    if (remote === undefined || !remote.isOpen || remote.hasApplication) return;
    remote.hasApplication = true;
    this.#reconnect(this.#o.memory.open(id, remote.address));
  }

  /** The remote application of `id` could not open: log and remove (spec §4.5). */
  applicationFailed(id: RemoteId, reason: string): void {
    const remote = this.#byId.get(id);
    if (remote === undefined) return;
    this.#alert(
      "cannot create a remote",
      "MidiShare client open failed",
      reason,
    );
    this.remove(remote);
  }

  /** MidiShare reports connection changes of remote `id`'s application (§7.8). */
  connectionsChanged(id: RemoteId, apps: readonly LocalApplication[]): void {
    if (this.#byId.get(id)?.hasApplication) this.#o.memory.update(id, apps);
  }

  /** A local application called `name` has opened (§7.8). */
  localApplicationOpened(name: string): void {
    this.#reconnect(this.#o.memory.applicationOpened(name));
  }

  /** Events arrived in the FIFO of `id`'s application at `now`: idle → grouping. */
  eventsWaiting(id: RemoteId, now: number): void {
    const remote = this.#byId.get(id);
    if (remote === undefined || !remote.hasApplication || remote.isGrouping) {
      return;
    }
    remote.isGrouping = true;
    remote.nextCollection = addMs(now, this.#o.groupingMs);
    this.#o.hooks.outputChanged(remote, true, now);
  }

  /** Runs the collections due at `now` (spec §6.1). */
  collectDue(now: number): void {
    for (const remote of [...this.#byAddress.values()]) {
      if (!remote.isGrouping || !isDue(remote.nextCollection, now)) continue;
      if (remote.dataPath.collect(now) > 0) {
        remote.nextCollection = addMs(now, this.#o.groupingMs);
      } else {
        remote.isGrouping = false;
        this.#o.hooks.outputChanged(remote, false, now);
      }
    }
  }

  /** The earliest collection date, or null; `now` orders dates across the wrap. */
  nextCollection(now: number): number | null {
    let next: number | null = null;
    for (const r of this.#byAddress.values()) {
      if (r.isGrouping) next = earliest(next, r.nextCollection, now);
    }
    return next;
  }

  /** Removes every remote whose expiry is before `date` (spec §4.6). */
  expire(date: number): void {
    for (const remote of [...this.#byAddress.values()]) {
      if (isBefore(remote.expiry, date)) this.remove(remote);
    }
  }

  /** Removes `remote`: closes its application, saves its connections (§7.3). */
  remove(remote: Remote): void {
    if (this.#byAddress.get(remote.address) !== remote) return;
    this.#byAddress.delete(remote.address);
    this.#byId.delete(remote.id);
    if (remote.hasApplication) this.#o.memory.close(remote.id);
    if (remote.isOpen) this.#o.effects.closeRemoteApplication(remote.id);
    remote.isGrouping = false;
    this.#o.hooks.removed(remote);
  }

  /** Removes every remote. */
  removeAll(): void {
    for (const remote of [...this.#byAddress.values()]) this.remove(remote);
  }

  #create(arrival: HostIdArrival): Remote {
    const remote = createRemote(this.#o, arrival, this.#nextId++);
    this.#byAddress.set(remote.address, remote);
    this.#byId.set(remote.id, remote);
    return remote;
  }

  #open(remote: Remote, now: number): void {
    remote.isOpen = true;
    this.#o.effects.openRemoteApplication(remote.id, remote.name);
    this.#o.hooks.opened(remote, now);
  }

  #reconnect(list: readonly Reconnection[]): void {
    for (const c of list) {
      this.#o.effects.connectApplication(c.id, c.name, c.direction);
    }
  }

  #alert(object: string, reason: string, detail = ""): void {
    this.#o.effects.log(
      alertText(this.#o.driverName, object, reason, detail),
      false,
    );
  }
}

/**
 * The earlier of `current` and `date`, seen from `now` (wrap-safe), or `date`
 * when `current` is null.
 *
 * @param current The earliest date so far, or null.
 * @param date A candidate date.
 * @param now The present, to order dates on the circle.
 * @returns The earlier date.
 */
export function earliest(
  current: number | null,
  date: number,
  now: number,
): number {
  if (current === null) return date;
  return ((date - now) | 0) < ((current - now) | 0) ? date : current;
}
