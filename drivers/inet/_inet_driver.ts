/**
 * The Inet driver program behind `startInetDriver`: its sockets, timers and
 * MidiShare client, the server sessions it attaches to, and the station it runs
 * (spec inet.md §2.3, §4.3, §5.1, §7.1, §7.2).
 *
 * Runs in the Inet driver process. Not real-time safe; the forwarding path is in
 * `midishare_side.ts`.
 *
 * @module
 */

import { createClient, type MidiShareClient } from "@midishare/client";
import {
  alertText,
  type ApplicationInputs,
  createLanStation,
  createWanStation,
  type InetConfig,
  type LanStation,
  type WanEffects,
  type WanStation,
} from "./core/mod.ts";
import type { InetDriver, InetDriverOptions } from "./inet_driver.ts";
import { createDriverEffects } from "./driver_effects.ts";
import { attachToServer } from "./server_attachment.ts";
import {
  type ClientCountFollower,
  followClientCount,
} from "./client_count_follower.ts";
import { localAddresses } from "./local_addresses.ts";
import { createMidiShareSide, type MidiShareSide } from "./midishare_side.ts";
import { createStationRunner, type StationRunner } from "./station_runner.ts";
import { createTcpLinks, type TcpLinks } from "./tcp_links.ts";
import { createUdpSocket, type UdpSocket } from "./udp_socket.ts";
import { wanTcpInputs } from "./wan_tcp_inputs.ts";

/** Longest wait for the last packets before the process ends, ms. */
const DRAIN_MS = 1000;
/** Cells of the driver's client pool (events in transit, large SysEx). */
const POOL_CELLS = 65_536;

/** The {@link InetDriver} returned by `startInetDriver`. */
export class InetDriverImpl implements InetDriver {
  readonly #o: InetDriverOptions;
  readonly #config: InetConfig;
  readonly #ms: MidiShareClient;
  readonly #side: MidiShareSide;
  readonly #udp: UdpSocket;
  readonly #tcp: TcpLinks;
  readonly #runner: StationRunner;
  readonly #fx: WanEffects;
  readonly #done = Promise.withResolvers<number>();
  #lan: LanStation | null = null;
  #wan: WanStation | null = null;
  #localAddress = "0.0.0.0";
  #isEnding = false;
  #isSuspending = false;
  #session = 0;
  #follower: ClientCountFollower | null = null;
  #lostDeliveries = 0;
  readonly #now = () => this.#ms.MidiGetTime();
  /** @param options Configuration, log and client options. */
  constructor(options: InetDriverOptions) {
    this.#o = options;
    this.#config = options.config;
    const port = this.#config.port;
    this.#ms = createClient({
      autoStart: false,
      name: this.#config.driverName,
      poolCellCount: POOL_CELLS,
      ...(options.socketPath === undefined
        ? {}
        : { socketPath: options.socketPath }),
    });
    this.#side = createMidiShareSide(this.#ms, this.#sideListener());
    this.#udp = createUdpSocket({
      port,
      now: this.#now,
      onDatagram: (address, bytes, r) =>
        this.#station()?.onDatagram(address, bytes, r),
      onSendFailed: (address, reason) =>
        this.#station()?.onSendFailed(address, reason, this.#now()),
      onReceiveError: (reason) => this.#log(`UDP receive error: ${reason}`),
    });
    this.#tcp = createTcpLinks({
      port,
      now: this.#now,
      ...wanTcpInputs({
        station: () => this.#wan,
        now: this.#now,
        close: (id) => this.#tcp.close(id),
      }),
    });
    this.#runner = createStationRunner({
      now: this.#now,
      tick: (now) => this.#station()?.tick(now),
    });
    this.#fx = this.#createEffects();
  }

  get done(): Promise<number> {
    return this.#done.promise;
  }

  start(): void {
    this.#begin().catch((error) => {
      this.#log(`${this.#config.driverName}: internal error: ${error}`);
      this.#finish(1);
    });
  }

  quit(): void {
    if (this.#isEnding) return;
    const now = this.#now();
    if (this.#lan !== null && this.#lan.state !== "stopped") {
      this.#lan.quit(now); // sleep steps, then exit(0)
    } else if (this.#wan?.state === "running") this.#wan.quit(now);
    else this.#finish(0);
  }

  async #begin(): Promise<void> {
    const choice = await localAddresses(this.#config.interfaceName);
    if (choice.kind === "chosen") this.#localAddress = choice.localAddress;
    if (this.#config.mode === "lan") {
      if (choice.kind === "failed") {
        this.#log(alertText(
          this.#config.driverName,
          "Inet controler",
          "cannot get local broadcast address",
          choice.reason,
        ));
        return this.#finish(1);
      }
      this.#lan = createLanStation({
        config: this.#config,
        hostName: this.#o.hostName ?? Deno.hostname(),
        addresses: choice,
        effects: this.#fx,
      });
    }
    await this.#attach();
  }

  /** Connects to a server (waiting while none answers), then runs the station. */
  async #attach(): Promise<void> {
    const attachment = await attachToServer(this.#ms, {
      name: this.#config.driverName,
      log: (line, isDated) => this.#log(line, isDated),
      isEnding: () => this.#isEnding,
    });
    if (attachment === "duplicate") return this.#finish(1);
    if (attachment === "attached") await this.#run();
  }

  /** Runs the station of this server session. */
  async #run(): Promise<void> {
    const session = ++this.#session;
    this.#ms.lost.then((error) => {
      if (this.#session === session) this.#serverGone(error.message);
    });
    if (this.#lan !== null) {
      this.#follower = followClientCount({
        client: this.#ms,
        count: () => this.#side.countClients(),
        onCount: (count) =>
          this.#lan?.onLocalClientCountChanged(count, this.#now()),
        onServerGone: () => this.#serverGone("it stopped"),
      });
      return;
    }
    const error = await this.#side.openDriverNow(this.#config.driverName);
    if (this.#session !== session || this.#isEnding) return;
    if (error !== null) {
      this.#log(alertText(
        this.#config.driverName,
        "cannot wake up",
        "MidiShare client open failed",
        error,
      ));
      return this.#finish(1);
    }
    this.#wan = createWanStation({
      config: this.#config,
      hostName: this.#o.hostName ?? Deno.hostname(),
      localAddress: this.#localAddress,
      effects: this.#fx,
    });
    this.#wan.start(this.#now());
  }

  /** The server is gone (lost, or it quit as designed while the LAN station slept). */
  #serverGone(reason: string): void {
    if (this.#isEnding) return;
    this.#session++;
    this.#follower?.stop();
    this.#follower = null;
    this.#log(
      `${this.#config.driverName}: MidiShare server gone: ${reason}`,
      true,
    );
    this.#side.forgetAll();
    const now = this.#now();
    this.#lan?.onLocalClientCountChanged(0, now);
    const wan = this.#wan;
    this.#wan = null;
    if (wan?.state === "running") {
      this.#isSuspending = true;
      wan.quit(now); // TCPBye to every peer; the process goes on
      this.#isSuspending = false;
    }
    this.#attach().catch(() => this.#finish(1));
  }

  async #finish(status: number): Promise<void> {
    if (this.#isEnding) return;
    this.#isEnding = true;
    this.#session++;
    this.#follower?.stop();
    this.#runner.stop();
    await Promise.race([
      Promise.all([this.#udp.drain(), this.#tcp.drain()]),
      delay(DRAIN_MS),
    ]);
    this.#udp.close();
    this.#tcp.closeListener();
    await this.#ms.close().catch(() => {});
    this.#done.resolve(status);
  }

  #station(): (ApplicationInputs & LanOrWan) | null {
    return this.#lan ?? this.#wan;
  }

  #log(line: string, isDated = false): void {
    this.#fx.log(line, isDated);
  }

  #createEffects(): WanEffects {
    return createDriverEffects({
      udp: this.#udp,
      tcp: this.#tcp,
      side: this.#side,
      runner: this.#runner,
      writeLog: this.#o.writeLog,
      exit: (status) => {
        if (!this.#isSuspending) this.#finish(status);
      },
      inputs: {
        resolved: (host, address, name) =>
          this.#wan?.onHostResolved(host, address, name, this.#now()),
        failed: (host) => this.#wan?.onHostResolveFailed(host, this.#now()),
      },
    });
  }

  #sideListener(): Parameters<typeof createMidiShareSide>[1] {
    const station = () => this.#station();
    return {
      remoteOpened: (id) => station()?.onRemoteApplicationOpened(id),
      remoteFailed: (id, reason) =>
        station()?.onRemoteApplicationFailed(id, reason),
      driverFailed: (reason) => station()?.onDriverApplicationFailed(reason),
      eventsWaiting: (id) => station()?.onEventsWaiting(id, this.#now()),
      applicationOpened: (name) => station()?.onApplicationOpened(name),
      applicationsChanged: () => this.#follower?.recount(),
      connectionsChanged: (id, apps) =>
        station()?.onLocalConnectionsChanged(id, apps),
      deliveryFailed: () => {
        // One line per power of two: a full pool does not flood the log.
        const n = ++this.#lostDeliveries;
        if ((n & (n - 1)) !== 0) return;
        this.#log(
          `${this.#config.driverName}: ${n} event(s) from peers lost:` +
            " the driver's MidiShare memory is full",
        );
      },
    };
  }
}

/** The inputs LAN and WAN stations share besides the application ones. */
interface LanOrWan {
  tick(now: number): void;
  onDatagram(address: string, bytes: Uint8Array, receivedAt: number): void;
  onSendFailed(address: string, reason: string, now: number): void;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
