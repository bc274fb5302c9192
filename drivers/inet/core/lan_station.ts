/**
 * The LAN station core (spec §4, §7.1): asleep until a client application exists,
 * then broadcasting HostID, discovering peers, timing out silent ones, exchanging
 * events, and going back to sleep with a Bye when the last client closes.
 *
 * Socket-free: every input is a method call with the local MidiShare date, every
 * output an effect ({@link StationEffects}). Each wake-up starts from a clean state
 * (D8); only the connection memory (§7.8) lives for the whole process. Runs in the
 * Inet driver; not real-time safe.
 *
 * @module
 */

import { addMs, isBefore, isDue } from "../../../kernel/dates.ts";
import {
  type ConnectionMemory,
  createConnectionMemory,
} from "./connection_memory.ts";
import {
  createHostIdSchedule,
  LAN_HOST_ID_PATTERN,
} from "./host_id_schedule.ts";
import { alertText } from "./log_lines.ts";
import { createInetDataPath } from "./inet_data_path.ts";
import { decodePacket } from "./packet_decoder.ts";
import { encodeBye, encodeEchoReply, encodeHostId } from "./packet_encoder.ts";
import { type RemoteInfo, remoteInfo, truncateName } from "./remote.ts";
import type { DataPathFactory } from "./remote_data_path.ts";
import { earliest, RemoteSet } from "./remote_set.ts";
import {
  createStationDiagnostics,
  type StationDiagnostics,
} from "./station_diagnostics.ts";
import type {
  LocalApplication,
  RemoteId,
  StationEffects,
} from "./station_effects.ts";
import { routeDatagram } from "./datagram_router.ts";

/** Expiry of a new remote, ms after its first HostID (spec §4.5). */
export const CREATE_EXPIRY_MS = 1500;
/** Expiry after each later HostID, ms (spec §4.5). */
export const REFRESH_EXPIRY_MS = 500;
/** Period of the LAN timeout check, ms (spec §4.6). */
export const TIMEOUT_CHECK_MS = 500;
/** Default bound on remotes at once (floods of HostID from many addresses). */
export const DEFAULT_MAX_REMOTES = 4096;

/** Options of {@link createLanStation}. */
export interface LanStationOptions {
  /** The parsed configuration (port is the program's business). */
  readonly config: {
    readonly maxLatencyMs: number;
    readonly groupingMs: number;
    readonly driverName: string;
    readonly restoresConnections: boolean;
  };
  /** The name announced in HostID packets (`Deno.hostname()`), ≤ 255 bytes kept. */
  readonly hostName: string;
  /** The addresses chosen by `chooseLanAddresses` (spec §4.2). */
  readonly addresses: {
    readonly localAddress: string;
    readonly broadcastAddress: string;
    readonly localAddresses: readonly string[];
  };
  /** The effects. */
  readonly effects: StationEffects;
  /** Creates the event path of each remote (default {@link createInetDataPath}). */
  readonly createDataPath?: DataPathFactory;
  /** Most remotes at once (default {@link DEFAULT_MAX_REMOTES}). */
  readonly maxRemotes?: number;
}

/** `asleep`, `awake`, or `stopped` after a quit or a fatal error (spec §7.1). */
export type LanStationState = "asleep" | "awake" | "stopped";

/** The inputs of a LAN station. Every date is the local MidiShare time. */
export interface LanStation {
  /** The controller state. */
  readonly state: LanStationState;
  /** The remotes, pending and open, in creation order. */
  remotes(): RemoteInfo[];
  /** Runs what is due at `now`: HostID, timeout check, collections. */
  tick(now: number): void;
  /** The number of client applications (not the driver's own) changed (§4.3). */
  onLocalClientCountChanged(count: number, now: number): void;
  /** A datagram arrived from `address` (any source port) at `receivedAt`. */
  onDatagram(address: string, bytes: Uint8Array, receivedAt: number): void;
  /** A datagram to `address` could not be sent (spec §4.8). */
  onSendFailed(address: string, reason: string, now: number): void;
  /** The driver application could not open: fatal (spec §4.3). */
  onDriverApplicationFailed(reason: string): void;
  /** The application of remote `id` has opened. */
  onRemoteApplicationOpened(id: RemoteId): void;
  /** The application of remote `id` could not open (spec §4.5). */
  onRemoteApplicationFailed(id: RemoteId, reason: string): void;
  /** Events arrived in the FIFO of remote `id`'s application (spec §6.1). */
  onEventsWaiting(id: RemoteId, now: number): void;
  /** Connections of remote `id`'s application changed (spec §7.8). */
  onLocalConnectionsChanged(
    id: RemoteId,
    applications: readonly LocalApplication[],
  ): void;
  /** A local application called `name` opened (spec §7.8). */
  onApplicationOpened(name: string): void;
  /** Orderly quit (`q`, SIGINT, SIGTERM): sleep steps, then `exit(0)`. */
  quit(now: number): void;
}

/**
 * Creates a LAN station, asleep.
 *
 * @param options Configuration, host name, addresses, effects and data path.
 * @returns The station.
 * @example Wake up and broadcast the first HostID
 * ```ts
 * import assert from "node:assert/strict";
 * import { createLanStation } from "./lan_station.ts";
 * import type { StationEffects } from "./station_effects.ts";
 *
 * const sent: string[] = [];
 * const effects = new Proxy({}, {
 *   get: (_, name) => (...args: unknown[]) => {
 *     if (name === "sendDatagram") sent.push(String(args[0]));
 *     return name === "openUdp" ? null : undefined;
 *   },
 * }) as StationEffects;
 * const station = createLanStation({
 *   config: { maxLatencyMs: 10, groupingMs: 10, driverName: "msLANDriver",
 *     restoresConnections: true },
 *   hostName: "studio",
 *   addresses: { localAddress: "10.0.0.1", broadcastAddress: "10.0.0.255",
 *     localAddresses: ["10.0.0.1"] },
 *   effects,
 * });
 * station.onLocalClientCountChanged(1, 0);
 * assert.equal(station.state, "awake");
 * assert.deepEqual(sent, ["10.0.0.255"]);
 * ```
 * @see spec inet.md §4, §7.1
 */
export function createLanStation(options: LanStationOptions): LanStation {
  return new LanStationImpl(options);
}

class LanStationImpl implements LanStation {
  readonly #o: LanStationOptions;
  readonly #fx: StationEffects;
  readonly #hostName: string;
  readonly #memory: ConnectionMemory;
  readonly #schedule = createHostIdSchedule();
  #state: LanStationState = "asleep";
  #remotes: RemoteSet;
  #diagnostics: StationDiagnostics = createStationDiagnostics();
  #checkDate: number | null = null;
  #isUdpOpen = false;
  #now = 0;
  #wakeRequest: number | null = null;

  constructor(options: LanStationOptions) {
    this.#o = options;
    this.#fx = options.effects;
    this.#hostName = truncateName(options.hostName.replaceAll("\0", ""), 255);
    this.#memory = createConnectionMemory({
      restores: options.config.restoresConnections,
    });
    this.#remotes = this.#newRemoteSet(1);
  }

  get state(): LanStationState {
    return this.#state;
  }

  remotes(): RemoteInfo[] {
    return [...this.#remotes.values()].map(remoteInfo);
  }

  tick(now: number): void {
    if (this.#state !== "awake") return;
    this.#now = now;
    if (this.#schedule.poll(now)) {
      this.#broadcast(encodeHostId(now, this.#hostName));
    }
    if (this.#checkDate !== null && isDue(this.#checkDate, now)) {
      this.#remotes.expire(now);
      this.#checkDate = this.#remotes.size === 0
        ? null
        : nextPeriod(this.#checkDate, TIMEOUT_CHECK_MS, now);
    }
    this.#remotes.collectDue(now);
    this.#reschedule();
  }

  onLocalClientCountChanged(count: number, now: number): void {
    this.#now = now;
    if (this.#state === "asleep" && count > 0) this.#wake(now);
    else if (this.#state === "awake" && count === 0) this.#sleep();
    this.#reschedule();
  }

  onDatagram(address: string, bytes: Uint8Array, receivedAt: number): void {
    if (this.#state !== "awake") return;
    this.#now = receivedAt;
    routeDatagram(decodePacket(bytes), {
      address,
      now: receivedAt,
      diagnostics: this.#diagnostics,
      log: (text) => this.#fx.log(text, false),
      hostId: (p) => {
        const hadNone = this.#remotes.size === 0;
        this.#remotes.hostId({
          address,
          receivedAt,
          remoteTime: p.timeMs,
          name: p.name === "" ? address : p.name,
          isSelf: this.#o.addresses.localAddresses.includes(address),
          createExpiryMs: CREATE_EXPIRY_MS,
          refreshExpiryMs: REFRESH_EXPIRY_MS,
        });
        if (hadNone && this.#remotes.size > 0 && this.#checkDate === null) {
          this.#checkDate = addMs(receivedAt, TIMEOUT_CHECK_MS);
        }
      },
      bye: () => {
        const remote = this.#remotes.get(address);
        if (remote !== undefined) this.#remotes.remove(remote);
      },
      echo: () => this.#fx.sendDatagram(address, encodeEchoReply(bytes)),
      midi: (p) => this.#remotes.midi(address, "udp", p, receivedAt),
    });
    this.#reschedule();
  }

  onSendFailed(address: string, reason: string, now: number): void {
    if (this.#state !== "awake") return;
    this.#now = now;
    const remote = this.#remotes.get(address);
    const object = remote?.name ?? address;
    this.#fx.log(
      alertText(
        this.#o.config.driverName,
        object,
        "socket send failed",
        reason,
      ),
      false,
    );
    if (remote !== undefined) this.#remotes.remove(remote);
    this.#reschedule();
  }

  onDriverApplicationFailed(reason: string): void {
    if (this.#state !== "awake") return;
    this.#fatal("cannot wake up", "MidiShare client open failed", reason);
  }

  onRemoteApplicationOpened(id: RemoteId): void {
    if (this.#state === "awake") this.#remotes.applicationOpened(id);
  }

  onRemoteApplicationFailed(id: RemoteId, reason: string): void {
    if (this.#state !== "awake") return;
    this.#remotes.applicationFailed(id, reason);
    this.#reschedule();
  }

  onEventsWaiting(id: RemoteId, now: number): void {
    if (this.#state !== "awake") return;
    this.#now = now;
    this.#remotes.eventsWaiting(id, now);
    this.#reschedule();
  }

  onLocalConnectionsChanged(
    id: RemoteId,
    applications: readonly LocalApplication[],
  ): void {
    if (this.#state === "awake") {
      this.#remotes.connectionsChanged(id, applications);
    }
  }

  onApplicationOpened(name: string): void {
    if (this.#state === "awake") this.#remotes.localApplicationOpened(name);
  }

  quit(now: number): void {
    if (this.#state === "stopped") return;
    this.#now = now;
    if (this.#state === "awake") this.#sleep();
    this.#state = "stopped";
    this.#reschedule();
    this.#fx.exit(0);
  }

  #wake(now: number): void {
    const error = this.#fx.openUdp();
    if (error !== null) {
      this.#fatal("cannot wake up", "socket open failed", error);
      return;
    }
    this.#isUdpOpen = true;
    this.#state = "awake";
    this.#remotes = this.#newRemoteSet(this.#remotes.nextId);
    this.#diagnostics = createStationDiagnostics();
    this.#checkDate = null;
    this.#fx.openDriverApplication(this.#o.config.driverName);
    const a = this.#o.addresses;
    this.#fx.log(
      `${this.#o.config.driverName}: awake, local address ${a.localAddress},` +
        ` broadcast address ${a.broadcastAddress}`,
      true,
    );
    this.#schedule.start(now, LAN_HOST_ID_PATTERN);
    if (this.#schedule.poll(now)) {
      this.#broadcast(encodeHostId(now, this.#hostName));
    }
  }

  /** The sleep steps of spec §4.3. */
  #sleep(): void {
    this.#schedule.stop();
    this.#checkDate = null;
    if (this.#isUdpOpen) {
      this.#broadcast(encodeBye());
      this.#fx.closeUdp();
      this.#isUdpOpen = false;
    }
    this.#remotes.removeAll();
    if (this.#state === "awake") this.#fx.closeDriverApplication();
    this.#state = "asleep";
  }

  #fatal(object: string, reason: string, detail: string): void {
    this.#fx.log(
      alertText(this.#o.config.driverName, object, reason, detail),
      false,
    );
    this.#sleep();
    this.#state = "stopped";
    this.#reschedule();
    this.#fx.exit(1);
  }

  #broadcast(packet: Uint8Array): void {
    this.#fx.sendDatagram(this.#o.addresses.broadcastAddress, packet);
  }

  #reschedule(): void {
    let next: number | null = null;
    if (this.#state === "awake") {
      const now = this.#now;
      const hostId = this.#schedule.nextDate;
      if (hostId !== null) next = earliest(next, hostId, now);
      if (this.#checkDate !== null) next = earliest(next, this.#checkDate, now);
      const collection = this.#remotes.nextCollection(now);
      if (collection !== null) next = earliest(next, collection, now);
    }
    if (next !== this.#wakeRequest) {
      this.#wakeRequest = next;
      this.#fx.wakeAt(next);
    }
  }

  #newRemoteSet(firstId: RemoteId): RemoteSet {
    const o = this.#o;
    return new RemoteSet({
      effects: this.#fx,
      mode: "lan",
      groupingMs: o.config.groupingMs,
      maxLatencyMs: o.config.maxLatencyMs,
      driverName: o.config.driverName,
      memory: this.#memory,
      createDataPath: o.createDataPath ?? createInetDataPath,
      maxRemotes: o.maxRemotes ?? DEFAULT_MAX_REMOTES,
      // LAN sends port-255 events in the UDP stream (4.10): nothing comes here.
      sendSpecial: () => {},
      hooks: {
        opened: (remote) =>
          this.#fx.log(
            `${remote.name} : peer arrived [${remote.address}].`,
            true,
          ),
        removed: (remote) => {
          if (remote.isOpen) {
            this.#fx.log(
              `${remote.name} : peer left [${remote.address}].`,
              true,
            );
          }
        },
        outputChanged: () => {},
      },
    }, firstId);
  }
}

/** `date + period·k`, the first such date after `now` (k ≥ 1). */
function nextPeriod(date: number, periodMs: number, now: number): number {
  let next = addMs(date, periodMs);
  while (!isBefore(now, next)) next = addMs(next, periodMs);
  return next;
}
