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

import { createConnectionMemory } from "./connection_memory.ts";
import { routeDatagram } from "./datagram_router.ts";
import { createInetDataPath } from "./inet_data_path.ts";
import { alertText, reportLine } from "./log_lines.ts";
import { decodePacket } from "./packet_decoder.ts";
import {
  encodeEchoReply,
  encodeTcpBye,
  encodeTcpCnxRefused,
} from "./packet_encoder.ts";
import { type Remote, truncateName } from "./remote.ts";
import type { DataPathFactory } from "./remote_data_path.ts";
import { RemoteSet, type RemoteSetHooks } from "./remote_set.ts";
import { type ApplicationInputs, StationCore } from "./station_core.ts";
import { createStationDiagnostics } from "./station_diagnostics.ts";
import type { ConnectionId, WanEffects } from "./station_effects.ts";
import { type WanConnection, WanConnections } from "./wan_connections.ts";
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
 * The inputs of a WAN station, besides the {@link ApplicationInputs}. Every date is
 * the local MidiShare time.
 */
export interface WanStation extends ApplicationInputs {
  /** The controller state. */
  readonly state: WanStationState;
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

class WanStationImpl extends StationCore implements WanStation {
  readonly #o: WanStationOptions;
  readonly #fx: WanEffects;
  readonly #name: string;
  readonly #dialer: WanDialer;
  readonly #diagnostics = createStationDiagnostics();
  readonly #links: WanConnections;
  #state: WanStationState = "idle";

  constructor(options: WanStationOptions) {
    const fx = options.effects;
    // The remote set calls these once the station exists.
    const relay = {
      sendSpecial: (_remote: Remote, _packet: Uint8Array): void => {},
      hooks: {
        opened: noop,
        removed: noop,
        outputChanged: noop,
      } as RemoteSetHooks,
    };
    super(
      fx,
      new RemoteSet({
        effects: fx,
        mode: "wan",
        groupingMs: options.config.groupingMs,
        maxLatencyMs: options.config.maxLatencyMs,
        driverName: options.config.driverName,
        memory: createConnectionMemory({
          restores: options.config.restoresConnections,
        }),
        createDataPath: options.createDataPath ?? createInetDataPath,
        // Pending remotes exist only for registered connections.
        maxRemotes: Number.MAX_SAFE_INTEGER,
        sendSpecial: (remote, packet) => relay.sendSpecial(remote, packet),
        hooks: {
          opened: (r, now) => relay.hooks.opened(r, now),
          removed: (r) => relay.hooks.removed(r),
          outputChanged: (r, g, now) => relay.hooks.outputChanged(r, g, now),
        },
      }, 1),
    );
    this.#o = options;
    this.#fx = fx;
    this.#name = options.config.driverName;
    this.#links = new WanConnections({
      effects: fx,
      hostName: truncateName(options.hostName.replaceAll("\0", ""), 255),
      localAddress: options.localAddress,
      onPacket: (c, packet) => this.#tcpPacket(c, packet),
      onProblem: (c, p) => this.#packetProblem(c.address, p.kind, p.message),
    });
    relay.sendSpecial = (remote, packet) => {
      const c = this.#links.get(remote.address);
      if (c !== undefined) fx.sendTcp(c.id, packet);
    };
    relay.hooks = {
      opened: (remote, now) => {
        const line =
          `${remote.name} : connection complete [${remote.address}].`;
        fx.log(line, true);
        this.#links.restartHostIds(remote.address, now);
      },
      removed: noop,
      outputChanged: (remote, isGrouping, now) => {
        if (isGrouping) this.#links.pauseHostIds(remote.address);
        else this.#links.restartHostIds(remote.address, now);
      },
    };
    this.#dialer = createWanDialer({
      hosts: options.config.hosts,
      driverName: this.#name,
      effects: fx,
      isKnown: (address) =>
        this.remoteSet.get(address) !== undefined ||
        this.#links.get(address) !== undefined,
      connected: (c) =>
        this.#outgoingConnected(c.id, c.address, c.name, c.host),
    });
  }

  get state(): WanStationState {
    return this.#state;
  }

  protected get isActive(): boolean {
    return this.#state === "running";
  }

  connections(): ConnectionId[] {
    return this.#links.ids();
  }

  start(now: number): void {
    if (this.#state !== "idle") return;
    this.now = now;
    const udpError = this.#fx.openUdp();
    if (udpError !== null) return this.#fatal("socket open failed", udpError);
    this.#state = "running";
    this.#fx.openDriverApplication(this.#name);
    const tcpError = this.#fx.listenTcp(this.#o.config.maxClients);
    if (tcpError !== null) {
      return this.#fatal("TCP server open failed", tcpError);
    }
    this.#dialer.start();
    this.reschedule();
  }

  tick(now: number): void {
    if (!this.enter(now)) return;
    for (const c of this.#links.poll(now)) this.#checkCompletion(c);
    this.remoteSet.collectDue(now);
    this.reschedule();
  }

  onDatagram(address: string, bytes: Uint8Array, receivedAt: number): void {
    if (!this.enter(receivedAt)) return;
    routeDatagram(decodePacket(bytes), {
      address,
      now: receivedAt,
      diagnostics: this.#diagnostics,
      log: (text) => this.#fx.log(text, false),
      hostId: (p) => {
        const c = this.#links.get(address);
        if (c === undefined) return; // no TCP connection: ignored (5.1)
        this.remoteSet.hostId({
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
      midi: (p) => this.remoteSet.midi(address, "udp", p, receivedAt),
    });
    this.reschedule();
  }

  onSendFailed(address: string, reason: string, now: number): void {
    if (this.enter(now)) this.#sendFailed(address, reason);
  }

  onHostResolved(
    host: string,
    address: string,
    name: string,
    now: number,
  ): void {
    if (this.enter(now)) this.#dialer.resolved(host, address, name);
  }

  onHostResolveFailed(host: string, now: number): void {
    if (this.enter(now)) this.#dialer.resolveFailed(host);
  }

  onTcpConnected(id: ConnectionId, now: number): void {
    if (!this.enter(now)) return;
    this.#dialer.connected(id);
    this.reschedule();
  }

  onTcpConnectFailed(id: ConnectionId, _reason: string, now: number): void {
    if (this.enter(now)) this.#dialer.connectFailed(id);
  }

  onTcpAccepted(
    id: ConnectionId,
    address: string,
    name: string,
    now: number,
  ): void {
    if (!this.enter(now)) return this.#fx.closeTcp(id);
    const existing = this.#links.get(address);
    if (existing?.isOutgoing) {
      // Both ends listed each other (5.7, D32).
      if (this.#links.keepsNewer(existing)) {
        this.#replace(existing, id, name, false);
      } else this.#fx.closeTcp(id);
    } else if (this.remoteSet.openCount >= this.#o.config.maxClients) {
      this.#refuse(id, name, REFUSED_TOO_MANY_CLIENTS, "too much clients");
    } else if (existing !== undefined || this.remoteSet.get(address)) {
      this.#refuse(id, name, REFUSED_ALREADY_CONNECTED, "already connected");
    } else {
      this.#links.register({
        id,
        address,
        name,
        host: address,
        isOutgoing: false,
      }, now);
    }
    this.reschedule();
  }

  onTcpData(id: ConnectionId, bytes: Uint8Array, receivedAt: number): void {
    const c = this.#links.byId(id);
    if (c === undefined || !this.enter(receivedAt)) return;
    c.framer.push(bytes);
    this.reschedule();
  }

  onTcpClosed(id: ConnectionId, now: number): void {
    const c = this.#links.byId(id);
    if (c === undefined || !this.enter(now)) return;
    c.framer.close();
    this.#drop(c.address, true);
    this.reschedule();
  }

  onTcpSendFailed(id: ConnectionId, reason: string, now: number): void {
    const c = this.#links.byId(id);
    if (c !== undefined && this.enter(now)) this.#sendFailed(c.address, reason);
  }

  onDriverApplicationFailed(reason: string): void {
    if (this.#state !== "running") return;
    this.#fatal("MidiShare client open failed", reason);
  }

  quit(now: number): void {
    if (!this.enter(now)) return;
    const { maxLatencyMs } = this.#o.config;
    for (const c of this.#links.values()) {
      const remote = this.remoteSet.get(c.address);
      if (remote === undefined) continue;
      const { lateCount, missingCount } = remote.dataPath;
      this.#fx.sendTcp(
        c.id,
        encodeTcpBye({ maxLatencyMs, lateCount, missingCount }),
      );
    }
    this.#shutDown();
    this.#fx.exit(0);
  }

  protected addDates(add: (date: number | null) => void): void {
    this.#links.addDates(add);
  }

  protected afterApplicationFailure(address: string): void {
    this.#links.close(address);
  }

  #outgoingConnected(
    id: ConnectionId,
    address: string,
    name: string,
    host: string,
  ): void {
    const existing = this.#links.get(address);
    if (existing === undefined) {
      this.#fx.log("Checking latency time...", false);
      this.#links.register(
        { id, address, name, host, isOutgoing: true },
        this.now,
      );
    } else if (this.#links.keepsNewer(existing)) {
      // The peer connected to us meanwhile (5.7, D32).
      this.#replace(existing, id, name, true);
    } else this.#fx.closeTcp(id);
  }

  /** Keeps connection `id` instead of `existing`; the remote stays (5.7). */
  #replace(
    existing: WanConnection,
    id: ConnectionId,
    name: string,
    isOutgoing: boolean,
  ): void {
    this.#links.replace(existing, { id, name, isOutgoing }, this.now);
    if (this.remoteSet.get(existing.address)?.isOpen) {
      this.#links.restartHostIds(existing.address, this.now);
    }
  }

  #refuse(id: ConnectionId, name: string, reason: number, text: string): void {
    this.#fx.sendTcp(id, encodeTcpCnxRefused(reason));
    this.#fx.log(`${name} : connection refused: ${text}.`, true);
    this.#fx.closeTcp(id); // New: closed after the refusal (D20)
  }

  /** The completion check of 5.4, bound to its connection (D21). */
  #checkCompletion(c: WanConnection): void {
    const remote = this.remoteSet.get(c.address);
    if (remote?.isOpen) return;
    if (remote !== undefined) this.remoteSet.remove(remote);
    this.#links.close(c.address);
    if (remote === undefined || !c.isOutgoing) return;
    this.#fx.log(
      alertText(
        this.#name,
        "cannot connect to host",
        "host is not responding correctly",
      ),
      false,
    );
  }

  #tcpPacket(c: WanConnection, bytes: Uint8Array): void {
    const p = decodePacket(bytes);
    if (p.kind === "midi") {
      const remote = this.remoteSet.get(c.address);
      if (remote !== undefined) {
        this.remoteSet.midiFor(remote, "tcp", p, this.now);
      }
    } else if (p.kind === "tcpBye") {
      this.#fx.log(reportLine(c.name, p), false);
      this.#drop(c.address, true);
    } else if (p.kind === "tcpCnxRefused") {
      this.#drop(c.address, this.remoteSet.get(c.address) !== undefined);
      this.#fx.log(
        `cannot connect to host: ${c.host}, connection refused ` +
          "(too much clients, already connected or server error)",
        false,
      );
    } else if (p.kind === "malformed") {
      this.#packetProblem(c.address, p.reason, p.message);
    } // Other types on TCP are ignored silently (3.3).
  }

  /** Removes the peer at `address`: remote, connection, and the closing line. */
  #drop(address: string, logsClosed: boolean): void {
    const remote = this.remoteSet.get(address);
    if (remote !== undefined) this.remoteSet.remove(remote);
    const name = this.#links.close(address)?.name ?? remote?.name;
    if (logsClosed && name !== undefined) {
      this.#fx.log(`${name} : connection closed.`, true);
    }
  }

  #sendFailed(address: string, reason: string): void {
    const name = this.remoteSet.get(address)?.name ??
      this.#links.get(address)?.name ?? address;
    this.#fx.log(
      alertText(this.#name, name, "socket send failed", reason),
      false,
    );
    this.#drop(address, false);
    this.reschedule();
  }

  /** The stop steps of 7.2 after the TCPBye packets. */
  #shutDown(): void {
    this.#fx.closeUdp();
    this.remoteSet.removeAll();
    this.#fx.closeDriverApplication();
    this.#fx.closeListener();
    for (const c of this.#links.values()) this.#links.close(c.address);
    this.#dialer.stop();
    this.#state = "stopped";
    this.reschedule();
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
    const line = this.#diagnostics.packetProblem(kind, address, text, this.now);
    if (line !== null) this.#fx.log(line, false);
  }
}

function noop(): void {}
