/**
 * The controller of a WAN station ({@link WanStation}): its life from start to
 * quit, its inputs, and the packets that end a connection (spec §5, §7.2, §7.4).
 *
 * Runs in the Inet driver; not real-time safe.
 *
 * @module
 */

import {
  admitIncoming,
  admitOutgoing,
  checkCompletion,
  type WanAdmission,
} from "./_wan_admission.ts";
import { createWanRemoteSet } from "./_wan_remote_set.ts";
import { routeDatagram } from "./datagram_router.ts";
import { alertText, reportLine } from "./log_lines.ts";
import { decodePacket } from "./packet_decoder.ts";
import { encodeEchoReply, encodeTcpBye } from "./packet_encoder.ts";
import { truncateName } from "./remote.ts";
import { StationCore } from "./station_core.ts";
import { createStationDiagnostics } from "./station_diagnostics.ts";
import type { ConnectionId, WanEffects } from "./station_effects.ts";
import { type WanConnection, WanConnections } from "./wan_connections.ts";
import { createWanDialer, type WanDialer } from "./wan_dialer.ts";
import type {
  WanStation,
  WanStationOptions,
  WanStationState,
} from "./wan_station.ts";

/** The {@link WanStation} returned by `createWanStation`. */
export class WanStationImpl extends StationCore implements WanStation {
  readonly #o: WanStationOptions;
  readonly #fx: WanEffects;
  readonly #name: string;
  readonly #dialer: WanDialer;
  readonly #diagnostics = createStationDiagnostics();
  readonly #links: WanConnections;
  readonly #admission: WanAdmission;
  #state: WanStationState = "idle";

  /** @param options Configuration, addresses, effects and data path. */
  constructor(options: WanStationOptions) {
    const fx = options.effects;
    const remotes = createWanRemoteSet(options);
    super(fx, remotes.remoteSet);
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
    remotes.bind(this.#links);
    this.#admission = {
      links: this.#links,
      remoteSet: this.remoteSet,
      effects: fx,
      maxClients: options.config.maxClients,
    };
    this.#dialer = createWanDialer({
      hosts: options.config.hosts,
      driverName: this.#name,
      effects: fx,
      isKnown: (address) =>
        this.remoteSet.get(address) !== undefined ||
        this.#links.get(address) !== undefined,
      connected: (c) => admitOutgoing(this.#admission, c, this.now),
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
    for (const c of this.#links.poll(now)) {
      checkCompletion(this.#admission, c, this.#name);
    }
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
    admitIncoming(this.#admission, { id, address, name }, now);
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
