/**
 * The WAN station core (spec §5, §7.2, §7.4): awake from start to quit, TCP
 * connections set up per peer (outgoing from `-s`, incoming up to `-m`), HostID over
 * UDP to each connected peer, completion within 10 s, port-255 events and the
 * TCPBye/TCPCnxRefused packets on TCP, at most one connection per peer (D32).
 *
 * Socket-free: every input is a method call with the local MidiShare date, every
 * output an effect ({@link WanEffects}). Runs in the Inet driver; not real-time safe.
 *
 * @module
 */

import { isDue } from "../../../kernel/dates.ts";
import { createConnectionMemory } from "./connection_memory.ts";
import { routeDatagram } from "./datagram_router.ts";
import { WAN_COMPLETE_PATTERN } from "./host_id_schedule.ts";
import { createInetDataPath } from "./inet_data_path.ts";
import { parseIpv4 } from "./lan_addresses.ts";
import { alertText, reportLine } from "./log_lines.ts";
import { decodePacket } from "./packet_decoder.ts";
import {
  encodeEchoReply,
  encodeHostId,
  encodeTcpBye,
  encodeTcpCnxRefused,
} from "./packet_encoder.ts";
import type { WirePacket } from "./packets.ts";
import {
  type Remote,
  type RemoteInfo,
  remoteInfo,
  truncateName,
} from "./remote.ts";
import type { DataPathFactory } from "./remote_data_path.ts";
import { earliest, RemoteSet } from "./remote_set.ts";
import { createStationDiagnostics } from "./station_diagnostics.ts";
import type {
  ConnectionId,
  LocalApplication,
  RemoteId,
  WanEffects,
} from "./station_effects.ts";
import { registerConnection, type WanConnection } from "./wan_connection.ts";
import { createWanDialer, type WanDialer } from "./wan_dialer.ts";
import {
  REFUSED_ALREADY_CONNECTED,
  REFUSED_TOO_MANY_CLIENTS,
} from "./wire_constants.ts";

/** Options of {@link createWanStation}. */
export interface WanStationOptions {
  /** The parsed configuration. */
  readonly config: {
    readonly maxLatencyMs: number;
    readonly groupingMs: number;
    readonly driverName: string;
    readonly restoresConnections: boolean;
    /** Hosts to connect to at start, in order. */
    readonly hosts: readonly string[];
    /** Most open remotes before incoming connections are refused. */
    readonly maxClients: number;
  };
  /** The name sent in HostID packets (ignored by WAN receivers). */
  readonly hostName: string;
  /** This station's IPv4 address as peers see it, for the duplicate rule (§5.7). */
  readonly localAddress: string;
  /** The effects. */
  readonly effects: WanEffects;
  /** Creates the event path of each remote (default {@link createInetDataPath}). */
  readonly createDataPath?: DataPathFactory;
}

/** `idle` before {@link WanStation.start}, `running`, then `stopped`. */
export type WanStationState = "idle" | "running" | "stopped";

/**
 * The inputs of a WAN station. Every date is the local MidiShare time. Besides the
 * methods below it takes the application inputs of the LAN station:
 * `onRemoteApplicationOpened`, `onRemoteApplicationFailed`, `onEventsWaiting`,
 * `onLocalConnectionsChanged`, `onApplicationOpened`, `onDriverApplicationFailed`.
 */
export interface WanStation {
  /** The controller state. */
  readonly state: WanStationState;
  /** The remotes, pending and open. */
  remotes(): RemoteInfo[];
  /** Ids of the registered connections, in registration order. */
  connections(): ConnectionId[];
  /** Opens UDP, the driver application and the listener; dials the hosts (5.1). */
  start(now: number): void;
  /** Runs what is due at `now`: HostID, completion checks, collections. */
  tick(now: number): void;
  /** A UDP datagram arrived from `address` at `receivedAt`. */
  onDatagram(address: string, bytes: Uint8Array, receivedAt: number): void;
  /** A UDP datagram to `address` could not be sent (5.6). */
  onSendFailed(address: string, reason: string, now: number): void;
  /** `host` resolved to `address`; `name` is the remote application's (1.4). */
  onHostResolved(
    host: string,
    address: string,
    name: string,
    now: number,
  ): void;
  /** `host` could not be resolved. */
  onHostResolveFailed(host: string, now: number): void;
  /** The outgoing connection `id` is established. */
  onTcpConnected(id: ConnectionId, now: number): void;
  /** The outgoing connection `id` failed. */
  onTcpConnectFailed(id: ConnectionId, reason: string, now: number): void;
  /** A connection `id` from `address` was accepted; `name` per §1.4. */
  onTcpAccepted(
    id: ConnectionId,
    address: string,
    name: string,
    now: number,
  ): void;
  /** Bytes arrived on connection `id` at `receivedAt`. */
  onTcpData(id: ConnectionId, bytes: Uint8Array, receivedAt: number): void;
  /** Connection `id` ended (end of stream or read error). */
  onTcpClosed(id: ConnectionId, now: number): void;
  /** A write on connection `id` failed. */
  onTcpSendFailed(id: ConnectionId, reason: string, now: number): void;
  /** The driver application could not open: fatal. */
  onDriverApplicationFailed(reason: string): void;
  /** The application of remote `id` has opened. */
  onRemoteApplicationOpened(id: RemoteId): void;
  /** The application of remote `id` could not open. */
  onRemoteApplicationFailed(id: RemoteId, reason: string): void;
  /** Events arrived in the FIFO of remote `id`'s application. */
  onEventsWaiting(id: RemoteId, now: number): void;
  /** Connections of remote `id`'s application changed (§7.8). */
  onLocalConnectionsChanged(
    id: RemoteId,
    applications: readonly LocalApplication[],
  ): void;
  /** A local application called `name` opened (§7.8). */
  onApplicationOpened(name: string): void;
  /** Orderly quit: TCPBye on every connection, close all, `exit(0)` (§7.2). */
  quit(now: number): void;
}

/**
 * Creates a WAN station; call {@link WanStation.start} to run it.
 *
 * @param options Configuration, addresses, effects and data path.
 * @returns The station, idle.
 * @see spec inet.md §5, §7.2, §7.4
 */
export function createWanStation(options: WanStationOptions): WanStation {
  return new WanStationImpl(options);
}

class WanStationImpl implements WanStation {
  readonly #o: WanStationOptions;
  readonly #fx: WanEffects;
  readonly #name: string;
  readonly #hostName: string;
  readonly #remotes: RemoteSet;
  readonly #dialer: WanDialer;
  readonly #diagnostics = createStationDiagnostics();
  readonly #connections = new Map<ConnectionId, WanConnection>();
  readonly #byAddress = new Map<string, WanConnection>();
  #state: WanStationState = "idle";
  #now = 0;
  #wakeRequest: number | null = null;

  constructor(options: WanStationOptions) {
    this.#o = options;
    const fx = this.#fx = options.effects;
    this.#name = options.config.driverName;
    this.#hostName = truncateName(options.hostName.replaceAll("\0", ""), 255);
    this.#remotes = new RemoteSet({
      effects: fx,
      mode: "wan",
      groupingMs: options.config.groupingMs,
      maxLatencyMs: options.config.maxLatencyMs,
      driverName: this.#name,
      memory: createConnectionMemory({
        restores: options.config.restoresConnections,
      }),
      createDataPath: options.createDataPath ?? createInetDataPath,
      // Pending remotes exist only for registered connections.
      maxRemotes: Number.MAX_SAFE_INTEGER,
      sendSpecial: (remote, packet) => {
        const c = this.#byAddress.get(remote.address);
        if (c !== undefined) fx.sendTcp(c.id, packet);
      },
      hooks: {
        opened: (remote, now) => this.#completed(remote, now),
        removed: () => {},
        outputChanged: (remote, isGrouping, now) => {
          if (!isGrouping) this.#restartHostIds(remote.address, now);
          else this.#byAddress.get(remote.address)?.schedule.stop();
        },
      },
    }, 1);
    this.#dialer = createWanDialer({
      hosts: options.config.hosts,
      driverName: this.#name,
      effects: fx,
      isKnown: (address) =>
        this.#remotes.get(address) !== undefined ||
        this.#byAddress.has(address),
      connected: (c) =>
        this.#outgoingConnected(c.id, c.address, c.name, c.host),
    });
  }

  get state(): WanStationState {
    return this.#state;
  }

  remotes(): RemoteInfo[] {
    return [...this.#remotes.values()].map(remoteInfo);
  }

  connections(): ConnectionId[] {
    return [...this.#connections.keys()];
  }

  start(now: number): void {
    if (this.#state !== "idle") return;
    this.#now = now;
    const udpError = this.#fx.openUdp();
    if (udpError !== null) return this.#fatal("socket open failed", udpError);
    this.#state = "running";
    this.#fx.openDriverApplication(this.#name);
    const tcpError = this.#fx.listenTcp(this.#o.config.maxClients);
    if (tcpError !== null) {
      return this.#fatal("TCP server open failed", tcpError);
    }
    this.#dialer.start();
    this.#reschedule();
  }

  tick(now: number): void {
    if (!this.#enter(now)) return;
    for (const c of [...this.#connections.values()]) {
      if (c.schedule.poll(now)) this.#sendHostId(c.address, now);
      if (c.completionDate !== null && isDue(c.completionDate, now)) {
        c.completionDate = null;
        this.#checkCompletion(c);
      }
    }
    this.#remotes.collectDue(now);
    this.#reschedule();
  }

  onDatagram(address: string, bytes: Uint8Array, receivedAt: number): void {
    if (!this.#enter(receivedAt)) return;
    routeDatagram(decodePacket(bytes), {
      address,
      now: receivedAt,
      diagnostics: this.#diagnostics,
      log: (text) => this.#fx.log(text, false),
      hostId: (p) => {
        const c = this.#byAddress.get(address);
        if (c === undefined) return; // no TCP connection: ignored (5.1)
        this.#remotes.hostId({
          address,
          receivedAt,
          remoteTime: p.timeMs,
          name: c.name,
          isSelf: false,
          createExpiryMs: 0, // WAN remotes never expire (5.1)
          refreshExpiryMs: 0,
        });
      },
      bye: () => this.#drop(address, true),
      echo: () => this.#fx.sendDatagram(address, encodeEchoReply(bytes)),
      midi: (p) => this.#remotes.midi(address, "udp", p, receivedAt),
    });
    this.#reschedule();
  }

  onSendFailed(address: string, reason: string, now: number): void {
    if (this.#enter(now)) this.#sendFailed(address, reason);
  }

  onHostResolved(
    host: string,
    address: string,
    name: string,
    now: number,
  ): void {
    if (this.#enter(now)) this.#dialer.resolved(host, address, name);
  }

  onHostResolveFailed(host: string, now: number): void {
    if (this.#enter(now)) this.#dialer.resolveFailed(host);
  }

  onTcpConnected(id: ConnectionId, now: number): void {
    if (!this.#enter(now)) return;
    this.#dialer.connected(id);
    this.#reschedule();
  }

  onTcpConnectFailed(id: ConnectionId, _reason: string, now: number): void {
    if (this.#enter(now)) this.#dialer.connectFailed(id);
  }

  onTcpAccepted(
    id: ConnectionId,
    address: string,
    name: string,
    now: number,
  ): void {
    if (!this.#enter(now)) return this.#fx.closeTcp(id);
    const existing = this.#byAddress.get(address);
    if (existing?.isOutgoing) {
      // Both ends listed each other (5.7, D32).
      if (this.#keepsNewer(existing)) this.#replace(existing, id, name, false);
      else this.#fx.closeTcp(id);
    } else if (this.#remotes.openCount >= this.#o.config.maxClients) {
      this.#refuse(id, name, REFUSED_TOO_MANY_CLIENTS, "too much clients");
    } else if (existing !== undefined || this.#remotes.get(address)) {
      this.#refuse(id, name, REFUSED_ALREADY_CONNECTED, "already connected");
    } else this.#register(id, address, name, address, false);
    this.#reschedule();
  }

  onTcpData(id: ConnectionId, bytes: Uint8Array, receivedAt: number): void {
    const c = this.#connections.get(id);
    if (c === undefined || !this.#enter(receivedAt)) return;
    c.framer.push(bytes);
    this.#reschedule();
  }

  onTcpClosed(id: ConnectionId, now: number): void {
    const c = this.#connections.get(id);
    if (c === undefined || !this.#enter(now)) return;
    c.framer.close();
    this.#drop(c.address, true);
    this.#reschedule();
  }

  onTcpSendFailed(id: ConnectionId, reason: string, now: number): void {
    const c = this.#connections.get(id);
    if (c !== undefined && this.#enter(now)) {
      this.#sendFailed(c.address, reason);
    }
  }

  onDriverApplicationFailed(reason: string): void {
    if (this.#state !== "running") return;
    this.#fatal("MidiShare client open failed", reason);
  }

  onRemoteApplicationOpened(id: RemoteId): void {
    if (this.#state === "running") this.#remotes.applicationOpened(id);
  }

  onRemoteApplicationFailed(id: RemoteId, reason: string): void {
    if (this.#state !== "running") return;
    const remote = this.#remotes.byId(id);
    this.#remotes.applicationFailed(id, reason);
    if (remote !== undefined) this.#closeConnection(remote.address);
    this.#reschedule();
  }

  onEventsWaiting(id: RemoteId, now: number): void {
    if (!this.#enter(now)) return;
    this.#remotes.eventsWaiting(id, now);
    this.#reschedule();
  }

  onLocalConnectionsChanged(
    id: RemoteId,
    applications: readonly LocalApplication[],
  ): void {
    if (this.#state !== "running") return;
    this.#remotes.connectionsChanged(id, applications);
  }

  onApplicationOpened(name: string): void {
    if (this.#state === "running") this.#remotes.localApplicationOpened(name);
  }

  quit(now: number): void {
    if (!this.#enter(now)) return;
    for (const c of this.#connections.values()) {
      const remote = this.#remotes.get(c.address);
      if (remote === undefined) continue;
      const { lateCount, missingCount } = remote.dataPath;
      const { maxLatencyMs } = this.#o.config;
      this.#fx.sendTcp(
        c.id,
        encodeTcpBye({ maxLatencyMs, lateCount, missingCount }),
      );
    }
    this.#shutDown();
    this.#fx.exit(0);
  }

  /** Takes the date of an input; false when the station is not running. */
  #enter(now: number): boolean {
    if (this.#state !== "running") return false;
    this.#now = now;
    return true;
  }

  // ---- connections

  #register(
    id: ConnectionId,
    address: string,
    name: string,
    host: string,
    isOutgoing: boolean,
  ): WanConnection {
    const c = registerConnection({ id, address, name, host, isOutgoing }, {
      now: this.#now,
      onPacket: (packet) => this.#tcpPacket(c, packet),
      onProblem: (p) => this.#packetProblem(address, p.kind, p.message),
    });
    this.#connections.set(id, c);
    this.#byAddress.set(address, c);
    if (c.schedule.poll(this.#now)) this.#sendHostId(address, this.#now);
    return c;
  }

  #outgoingConnected(
    id: ConnectionId,
    address: string,
    name: string,
    host: string,
  ): void {
    const existing = this.#byAddress.get(address);
    if (existing === undefined) {
      this.#fx.log("Checking latency time...", false);
      this.#register(id, address, name, host, true);
    } else if (this.#keepsNewer(existing)) {
      // The peer connected to us meanwhile (5.7, D32).
      this.#replace(existing, id, name, true);
    } else this.#fx.closeTcp(id);
  }

  /**
   * Whether a new connection with the peer of `existing`, opened from the other
   * end, replaces it: the one opened by the numerically lower address stays (5.7).
   */
  #keepsNewer(existing: WanConnection): boolean {
    const local = parseIpv4(this.#o.localAddress) ?? Infinity;
    const peer = parseIpv4(existing.address) ?? Infinity;
    return existing.isOutgoing ? peer < local : local < peer;
  }

  /** Puts connection `id` in place of `existing`; the remote stays (5.7). */
  #replace(
    existing: WanConnection,
    id: ConnectionId,
    name: string,
    isOutgoing: boolean,
  ): void {
    const address = existing.address;
    this.#connections.delete(existing.id);
    this.#fx.closeTcp(existing.id); // a duplicate: no refusal (D32)
    const c = this.#register(id, address, name, existing.host, isOutgoing);
    c.completionDate = existing.completionDate;
    if (this.#remotes.get(address)?.isOpen) {
      this.#restartHostIds(address, this.#now);
    }
  }

  #refuse(id: ConnectionId, name: string, reason: number, text: string): void {
    this.#fx.sendTcp(id, encodeTcpCnxRefused(reason));
    this.#fx.log(`${name} : connection refused: ${text}.`, true);
    this.#fx.closeTcp(id); // New: closed after the refusal (D20)
  }

  /** The completion check of 5.4, bound to its connection (D21). */
  #checkCompletion(c: WanConnection): void {
    const remote = this.#remotes.get(c.address);
    if (remote?.isOpen) return;
    if (remote !== undefined) this.#remotes.remove(remote);
    this.#closeConnection(c.address);
    if (remote !== undefined && c.isOutgoing) {
      this.#fx.log(
        alertText(
          this.#name,
          "cannot connect to host",
          "host is not responding correctly",
        ),
        false,
      );
    }
  }

  #tcpPacket(c: WanConnection, bytes: Uint8Array): void {
    if (this.#byAddress.get(c.address) !== c) return;
    const p = decodePacket(bytes);
    if (p.kind === "malformed") {
      this.#packetProblem(c.address, p.reason, p.message);
    } else this.#tcpWirePacket(c, p);
  }

  #tcpWirePacket(c: WanConnection, p: WirePacket): void {
    if (p.kind === "midi") {
      const remote = this.#remotes.get(c.address);
      if (remote !== undefined) {
        this.#remotes.midiFor(remote, "tcp", p, this.#now);
      }
    } else if (p.kind === "tcpBye") {
      this.#fx.log(reportLine(c.name, p), false);
      this.#drop(c.address, true);
    } else if (p.kind === "tcpCnxRefused") {
      this.#drop(c.address, this.#remotes.get(c.address) !== undefined);
      this.#fx.log(
        `cannot connect to host: ${c.host}, connection refused ` +
          "(too much clients, already connected or server error)",
        false,
      );
    } // Other types on TCP are ignored silently (3.3).
  }

  /** Removes the peer at `address`: remote, connection, and the closing line. */
  #drop(address: string, logsClosed: boolean): void {
    const c = this.#byAddress.get(address);
    const remote = this.#remotes.get(address);
    if (remote !== undefined) this.#remotes.remove(remote);
    this.#closeConnection(address);
    const name = c?.name ?? remote?.name;
    if (logsClosed && name !== undefined) {
      this.#fx.log(`${name} : connection closed.`, true);
    }
  }

  #closeConnection(address: string): void {
    const c = this.#byAddress.get(address);
    if (c === undefined) return;
    this.#byAddress.delete(address);
    this.#connections.delete(c.id);
    this.#fx.closeTcp(c.id);
  }

  #sendFailed(address: string, reason: string): void {
    const name = this.#remotes.get(address)?.name ??
      this.#byAddress.get(address)?.name ?? address;
    this.#fx.log(
      alertText(this.#name, name, "socket send failed", reason),
      false,
    );
    this.#drop(address, false);
    this.#reschedule();
  }

  // ---- remotes and HostID

  #completed(remote: Remote, now: number): void {
    const line = `${remote.name} : connection complete [${remote.address}].`;
    this.#fx.log(line, true);
    this.#restartHostIds(remote.address, now);
  }

  /** HostID to `address` one at once, then every 200 ms (5.4, 5.5). */
  #restartHostIds(address: string, now: number): void {
    const c = this.#byAddress.get(address);
    if (c === undefined) return;
    c.schedule.start(now, WAN_COMPLETE_PATTERN);
    if (c.schedule.poll(now)) this.#sendHostId(address, now);
  }

  #sendHostId(address: string, now: number): void {
    this.#fx.sendDatagram(address, encodeHostId(now, this.#hostName));
  }

  // ---- life cycle

  /** The stop steps of 7.2 after the TCPBye packets. */
  #shutDown(): void {
    this.#fx.closeUdp();
    this.#remotes.removeAll();
    this.#fx.closeDriverApplication();
    this.#fx.closeListener();
    for (const c of [...this.#connections.values()]) {
      this.#closeConnection(c.address);
    }
    this.#dialer.stop();
    this.#state = "stopped";
    this.#reschedule();
  }

  /** A fatal error (7.1, D18): log, close what is open, `exit(1)`. */
  #fatal(reason: string, detail: string): void {
    this.#fx.log(
      alertText(this.#name, "cannot wake up", reason, detail),
      false,
    );
    if (this.#state === "running") this.#shutDown();
    this.#state = "stopped";
    this.#fx.exit(1);
  }

  #packetProblem(address: string, kind: string, text: string): void {
    const line = this.#diagnostics.packetProblem(
      kind,
      address,
      text,
      this.#now,
    );
    if (line !== null) this.#fx.log(line, false);
  }

  #reschedule(): void {
    let next: number | null = null;
    if (this.#state === "running") {
      const now = this.#now;
      for (const c of this.#connections.values()) {
        const h = c.schedule.nextDate;
        if (h !== null) next = earliest(next, h, now);
        if (c.completionDate !== null) {
          next = earliest(next, c.completionDate, now);
        }
      }
      const collection = this.#remotes.nextCollection(now);
      if (collection !== null) next = earliest(next, collection, now);
    }
    if (next !== this.#wakeRequest) {
      this.#wakeRequest = next;
      this.#fx.wakeAt(next);
    }
  }
}
