/**
 * The TCP connections of a WAN station (spec §5.2 to §5.7, §7.4): at most one per
 * peer address, each with the peer's name, its HostID schedule (every 100 ms, then
 * 200 ms after completion, paused while events are sent), its completion check
 * (10 s after registration, bound to the connection, D21) and its stream framer;
 * and the rule that picks one of two connections opened from both ends (D32).
 *
 * Runs in the Inet driver; not real-time safe.
 *
 * @module
 */

import { addMs, isDue } from "@midishare/kernel/api";
import {
  createHostIdSchedule,
  type HostIdSchedule,
  WAN_COMPLETE_PATTERN,
  WAN_HANDSHAKE_PATTERN,
} from "./host_id_schedule.ts";
import { parseIpv4 } from "./lan_addresses.ts";
import { encodeHostId } from "./packet_encoder.ts";
import type { ConnectionId, WanEffects } from "./station_effects.ts";
import {
  createTcpReassembler,
  type FramingProblem,
  type TcpReassembler,
} from "./tcp_reassembler.ts";

/** Delay of the completion check after registration, ms (spec §5.4). */
export const COMPLETION_CHECK_MS = 10_000;

/** One registered connection. */
export interface WanConnection {
  /** The program's handle. */
  readonly id: ConnectionId;
  /** The peer's dotted address. */
  readonly address: string;
  /** The remote application's name for this peer (spec §1.4). */
  readonly name: string;
  /** The host as typed after `-s`, or the address for an incoming connection. */
  readonly host: string;
  /** Whether this station opened it (`-s`), rather than accepted it. */
  readonly isOutgoing: boolean;
  /** HostID packets to the peer. */
  readonly schedule: HostIdSchedule;
  /** Date of the completion check, or null once done. */
  completionDate: number | null;
  /** The framer of the bytes received. */
  readonly framer: TcpReassembler;
}

/** Options of {@link WanConnections}. */
export interface WanConnectionsOptions {
  /** The effects (HostID datagrams, closing connections). */
  readonly effects: WanEffects;
  /** The name sent in HostID packets. */
  readonly hostName: string;
  /** This station's address, for the rule of §5.7. */
  readonly localAddress: string;
  /** Takes each packet framed on a connection. */
  readonly onPacket: (c: WanConnection, packet: Uint8Array) => void;
  /** Takes each framing problem of a connection. */
  readonly onProblem: (c: WanConnection, problem: FramingProblem) => void;
}

/** The registered connections; see the module documentation. */
export class WanConnections {
  readonly #o: WanConnectionsOptions;
  readonly #byId = new Map<ConnectionId, WanConnection>();
  readonly #byAddress = new Map<string, WanConnection>();

  /** @param options Effects, names and packet sinks. */
  constructor(options: WanConnectionsOptions) {
    this.#o = options;
  }

  /** Ids in registration order. */
  ids(): ConnectionId[] {
    return [...this.#byId.keys()];
  }

  /** The connections in registration order. */
  values(): WanConnection[] {
    return [...this.#byId.values()];
  }

  /** The connection with the peer at `address`, or undefined. */
  get(address: string): WanConnection | undefined {
    return this.#byAddress.get(address);
  }

  /** The connection `id`, or undefined. */
  byId(id: ConnectionId): WanConnection | undefined {
    return this.#byId.get(id);
  }

  /**
   * Registers a connection at `now`: HostID at once then every 100 ms, completion
   * check at `now + 10000` (§5.2 step 5, §5.3 step 3).
   */
  register(
    fields: Pick<
      WanConnection,
      "id" | "address" | "name" | "host" | "isOutgoing"
    >,
    now: number,
  ): WanConnection {
    const o = this.#o;
    const schedule = createHostIdSchedule();
    schedule.start(now, WAN_HANDSHAKE_PATTERN);
    const c: WanConnection = {
      ...fields,
      schedule,
      completionDate: addMs(now, COMPLETION_CHECK_MS),
      framer: createTcpReassembler({
        onPacket: (packet) => {
          if (this.#byAddress.get(c.address) === c) o.onPacket(c, packet);
        },
        onProblem: (problem) => o.onProblem(c, problem),
      }),
    };
    this.#byId.set(c.id, c);
    this.#byAddress.set(c.address, c);
    this.#pollHostId(c, now);
    return c;
  }

  /**
   * Whether a new connection with the peer of `existing`, opened from the other
   * end, replaces it: the one opened by the numerically lower address stays (5.7).
   */
  keepsNewer(existing: WanConnection): boolean {
    const local = parseIpv4(this.#o.localAddress) ?? Infinity;
    const peer = parseIpv4(existing.address) ?? Infinity;
    return existing.isOutgoing ? peer < local : local < peer;
  }

  /**
   * Puts connection `id` in place of `existing`, closing it without a refusal
   * (D32); the completion check carries over.
   */
  replace(
    existing: WanConnection,
    fields: { id: ConnectionId; name: string; isOutgoing: boolean },
    now: number,
  ): WanConnection {
    this.#byId.delete(existing.id);
    this.#byAddress.delete(existing.address);
    this.#o.effects.closeTcp(existing.id);
    const c = this.register({
      ...fields,
      address: existing.address,
      host: existing.host,
    }, now);
    c.completionDate = existing.completionDate;
    return c;
  }

  /** Forgets and closes the connection with `address`; returns it. */
  close(address: string): WanConnection | undefined {
    const c = this.#byAddress.get(address);
    if (c === undefined) return undefined;
    this.#byAddress.delete(address);
    this.#byId.delete(c.id);
    this.#o.effects.closeTcp(c.id);
    return c;
  }

  /** Sends the HostID packets due at `now`; returns the completion checks due. */
  poll(now: number): WanConnection[] {
    const due: WanConnection[] = [];
    for (const c of this.#byId.values()) {
      this.#pollHostId(c, now);
      if (c.completionDate !== null && isDue(c.completionDate, now)) {
        c.completionDate = null;
        due.push(c);
      }
    }
    return due;
  }

  /** HostID to `address` one at once, then every 200 ms (5.4, 5.5). */
  restartHostIds(address: string, now: number): void {
    const c = this.#byAddress.get(address);
    if (c === undefined) return;
    c.schedule.start(now, WAN_COMPLETE_PATTERN);
    this.#pollHostId(c, now);
  }

  /** Stops HostID to `address` while events are being sent (5.5). */
  pauseHostIds(address: string): void {
    this.#byAddress.get(address)?.schedule.stop();
  }

  /** Adds every date waited for (HostID, completion checks). */
  addDates(add: (date: number | null) => void): void {
    for (const c of this.#byId.values()) {
      add(c.schedule.nextDate);
      add(c.completionDate);
    }
  }

  #pollHostId(c: WanConnection, now: number): void {
    if (!c.schedule.poll(now)) return;
    this.#o.effects.sendDatagram(
      c.address,
      encodeHostId(now, this.#o.hostName),
    );
  }
}
