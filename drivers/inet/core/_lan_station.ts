/**
 * The controller of a LAN station ({@link LanStation}): sleep and wake-up, HostID
 * broadcasts, the timeout check and its inputs (spec §4, §7.1).
 *
 * Runs in the Inet driver; not real-time safe.
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
import { decodePacket } from "./packet_decoder.ts";
import { encodeBye, encodeEchoReply, encodeHostId } from "./packet_encoder.ts";
import { truncateName } from "./remote.ts";
import {
  CREATE_EXPIRY_MS,
  createLanRemoteSet,
  REFRESH_EXPIRY_MS,
} from "./lan_remote_set.ts";
import type {
  LanStation,
  LanStationOptions,
  LanStationState,
} from "./lan_station.ts";
import { StationCore } from "./station_core.ts";
import {
  createStationDiagnostics,
  type StationDiagnostics,
} from "./station_diagnostics.ts";
import { createTimeoutCheck } from "./timeout_check.ts";
import { routeDatagram } from "./datagram_router.ts";

/** The {@link LanStation} returned by `createLanStation`. */
export class LanStationImpl extends StationCore implements LanStation {
  readonly #o: LanStationOptions;
  readonly #hostName: string;
  readonly #memory: ConnectionMemory;
  readonly #schedule = createHostIdSchedule();
  #state: LanStationState = "asleep";
  #diagnostics: StationDiagnostics = createStationDiagnostics();
  readonly #timeouts = createTimeoutCheck();
  #isUdpOpen = false;

  /** @param options Configuration, host name, addresses, effects and data path. */
  constructor(options: LanStationOptions) {
    const memory = createConnectionMemory({
      restores: options.config.restoresConnections,
    });
    super(options.effects, createLanRemoteSet(options, memory, 1));
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
    this.remoteSet = createLanRemoteSet(this.#o, this.#memory, nextId);
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
