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
import { truncateName } from "./remote.ts";
import type { DataPathFactory } from "./remote_data_path.ts";
import { RemoteSet } from "./remote_set.ts";
import { type ApplicationInputs, StationCore } from "./station_core.ts";
import {
  createStationDiagnostics,
  type StationDiagnostics,
} from "./station_diagnostics.ts";
import type { RemoteId, StationEffects } from "./station_effects.ts";
import { createTimeoutCheck } from "./timeout_check.ts";
import { routeDatagram } from "./datagram_router.ts";

/** Expiry of a new remote, ms after its first HostID (spec §4.5). */
export const CREATE_EXPIRY_MS = 1500;
/** Expiry after each later HostID, ms (spec §4.5). */
export const REFRESH_EXPIRY_MS = 500;
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

/**
 * The inputs of a LAN station, besides the {@link ApplicationInputs}. Every date is
 * the local MidiShare time.
 */
export interface LanStation extends ApplicationInputs {
  /** The controller state. */
  readonly state: LanStationState;
  /** Runs what is due at `now`: HostID, timeout check, collections. */
  tick(now: number): void;
  /** The number of client applications (not the driver's own) changed (§4.3). */
  onLocalClientCountChanged(count: number, now: number): void;
  /** A datagram arrived from `address` (any source port) at `receivedAt`. */
  onDatagram(address: string, bytes: Uint8Array, receivedAt: number): void;
  /** A datagram to `address` could not be sent (spec §4.8). */
  onSendFailed(address: string, reason: string, now: number): void;
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

class LanStationImpl extends StationCore implements LanStation {
  readonly #o: LanStationOptions;
  readonly #hostName: string;
  readonly #memory: ConnectionMemory;
  readonly #schedule = createHostIdSchedule();
  #state: LanStationState = "asleep";
  #diagnostics: StationDiagnostics = createStationDiagnostics();
  readonly #timeouts = createTimeoutCheck();
  #isUdpOpen = false;

  constructor(options: LanStationOptions) {
    const memory = createConnectionMemory({
      restores: options.config.restoresConnections,
    });
    super(options.effects, newRemoteSet(options, memory, 1));
    this.#o = options;
    this.#memory = memory;
    this.#hostName = truncateName(options.hostName.replaceAll("\0", ""), 255);
  }

  get state(): LanStationState {
    return this.#state;
  }

  protected get isActive(): boolean {
    return this.#state === "awake";
  }

  tick(now: number): void {
    if (!this.enter(now)) return;
    if (this.#schedule.poll(now)) {
      this.#broadcast(encodeHostId(now, this.#hostName));
    }
    this.#timeouts.poll(
      now,
      (date) => this.remoteSet.expire(date),
      () => this.remoteSet.size > 0,
    );
    this.remoteSet.collectDue(now);
    this.reschedule();
  }

  onLocalClientCountChanged(count: number, now: number): void {
    this.now = now;
    if (this.#state === "asleep" && count > 0) this.#wake(now);
    else if (this.#state === "awake" && count === 0) this.#sleep();
    this.reschedule();
  }

  onDatagram(address: string, bytes: Uint8Array, receivedAt: number): void {
    if (!this.enter(receivedAt)) return;
    routeDatagram(decodePacket(bytes), {
      address,
      now: receivedAt,
      diagnostics: this.#diagnostics,
      log: (text) => this.fx.log(text, false),
      hostId: (p) => this.#hostId(address, p.timeMs, p.name, receivedAt),
      bye: () => {
        const remote = this.remoteSet.get(address);
        if (remote !== undefined) this.remoteSet.remove(remote);
      },
      echo: () => this.fx.sendDatagram(address, encodeEchoReply(bytes)),
      midi: (p) => this.remoteSet.midi(address, "udp", p, receivedAt),
    });
    this.reschedule();
  }

  onSendFailed(address: string, reason: string, now: number): void {
    if (!this.enter(now)) return;
    const remote = this.remoteSet.get(address);
    const object = remote?.name ?? address;
    this.fx.log(
      alertText(
        this.#o.config.driverName,
        object,
        "socket send failed",
        reason,
      ),
      false,
    );
    if (remote !== undefined) this.remoteSet.remove(remote);
    this.reschedule();
  }

  onDriverApplicationFailed(reason: string): void {
    if (this.#state !== "awake") return;
    this.#fatal("cannot wake up", "MidiShare client open failed", reason);
  }

  quit(now: number): void {
    if (this.#state === "stopped") return;
    this.now = now;
    if (this.#state === "awake") this.#sleep();
    this.#state = "stopped";
    this.reschedule();
    this.fx.exit(0);
  }

  protected addDates(add: (date: number | null) => void): void {
    add(this.#schedule.nextDate);
    add(this.#timeouts.nextDate);
  }

  protected afterApplicationFailure(): void {}

  /** A HostID (spec §4.5); the timeout check runs while any remote exists (4.6). */
  #hostId(address: string, time: number, name: string, r: number): void {
    this.remoteSet.hostId({
      address,
      receivedAt: r,
      remoteTime: time,
      name: name === "" ? address : name,
      isSelf: this.#o.addresses.localAddresses.includes(address),
      createExpiryMs: CREATE_EXPIRY_MS,
      refreshExpiryMs: REFRESH_EXPIRY_MS,
    });
    if (this.remoteSet.size > 0) this.#timeouts.arm(r);
  }

  /** The wake-up steps of spec §4.3, from a clean state (D8). */
  #wake(now: number): void {
    const error = this.fx.openUdp();
    if (error !== null) {
      return this.#fatal("cannot wake up", "socket open failed", error);
    }
    this.#isUdpOpen = true;
    this.#state = "awake";
    const nextId = this.remoteSet.nextId;
    this.remoteSet = newRemoteSet(this.#o, this.#memory, nextId);
    this.#diagnostics = createStationDiagnostics();
    this.#timeouts.stop();
    const { driverName } = this.#o.config;
    this.fx.openDriverApplication(driverName);
    const a = this.#o.addresses;
    this.fx.log(
      `${driverName}: awake, local address ${a.localAddress},` +
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
    this.#timeouts.stop();
    if (this.#isUdpOpen) {
      this.#broadcast(encodeBye());
      this.fx.closeUdp();
      this.#isUdpOpen = false;
    }
    this.remoteSet.removeAll();
    if (this.#state === "awake") this.fx.closeDriverApplication();
    this.#state = "asleep";
  }

  /** A fatal error (7.1, D18): log, sleep steps, `exit(1)`. */
  #fatal(object: string, reason: string, detail: string): void {
    const { driverName } = this.#o.config;
    this.fx.log(alertText(driverName, object, reason, detail), false);
    this.#sleep();
    this.#state = "stopped";
    this.reschedule();
    this.fx.exit(1);
  }

  #broadcast(packet: Uint8Array): void {
    this.fx.sendDatagram(this.#o.addresses.broadcastAddress, packet);
  }
}

/** The remotes of one wake-up; LAN arrivals and departures are logged (7.9). */
function newRemoteSet(
  o: LanStationOptions,
  memory: ConnectionMemory,
  firstId: RemoteId,
): RemoteSet {
  const fx = o.effects;
  return new RemoteSet({
    effects: fx,
    mode: "lan",
    groupingMs: o.config.groupingMs,
    maxLatencyMs: o.config.maxLatencyMs,
    driverName: o.config.driverName,
    memory,
    createDataPath: o.createDataPath ?? createInetDataPath,
    maxRemotes: o.maxRemotes ?? DEFAULT_MAX_REMOTES,
    // LAN sends port-255 events in the UDP stream (4.10): nothing comes here.
    sendSpecial: () => {},
    hooks: {
      opened: (remote) =>
        fx.log(`${remote.name} : peer arrived [${remote.address}].`, true),
      removed: (remote) => {
        if (!remote.isOpen) return;
        fx.log(`${remote.name} : peer left [${remote.address}].`, true);
      },
      outputChanged: () => {},
    },
  }, firstId);
}
