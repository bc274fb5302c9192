/**
 * A client of the MidiShare server: the client-side calls of the kernel run here on
 * this client's own pool; server requests return Promises; one-way calls return at
 * once and take effect in call order (spec §1.2, Appendix A).
 *
 * @module
 */

import {
  type ClientLosses,
  ClientMemory,
  type ClientMemoryOptions,
  MIDICloseAppl,
  type MidiShareCalls,
  type MidiShareError,
  type MirroredState,
  type NetworkRole,
  networkRoleValue,
  ServerCalls,
  toBool,
  toShort,
} from "@midishare/kernel";
import {
  ClientRuntime,
  type ClientRuntimeOptions,
  type ClientState,
  type NotificationHandler,
} from "@midishare/transport/client_runtime";
import { RemotePort } from "@midishare/transport/gen/client_stubs_gen";
import { reportCallbackError } from "@midishare/transport/logger";

/** Options of a {@link RemoteMidiShare}. */
export interface RemoteOptions
  extends ClientRuntimeOptions, ClientMemoryOptions {
  /** Receives exceptions thrown by callbacks; by default they are logged. */
  reportError?: (error: unknown) => void;
}

/** What a `ServerStatus` request returns (see `midishare status`). */
export type ServerStatus = Record<string, unknown>;

/** The server side of a remote client: call frames, and the mirrored state. */
class RemoteLink extends RemotePort implements MirroredState {
  readonly #rt: ClientRuntime;

  constructor(rt: ClientRuntime) {
    super(rt);
    this.#rt = rt;
  }

  time(): number {
    return this.#rt.time();
  }

  applCount(): number {
    return this.#rt.applCount;
  }

  driverCount(): number {
    return this.#rt.driverCount;
  }

  isAwake(): boolean {
    return this.#rt.isAwake;
  }
}

/**
 * A client of the MidiShare server: every call of the API (server requests answer
 * with a Promise), and its connection.
 */
export interface MidiShareClient extends MidiShareCalls<true> {
  /** The client's state: passive, active or exception. */
  readonly state: ClientState;
  /** The socket this client uses. */
  readonly socketPath: string;
  /**
   * Resolves when this client loses its server: the server process died or stopped
   * while this client had applications or drivers open, or the connection broke. By
   * then every pending call has rejected with `MidiShareError("UNREACHABLE")`, and
   * each of the client's applications and drivers was closed on this side, its
   * application alarm called with `MIDICloseAppl`. Resolves with the error that
   * later calls reject with (at once when the client is already in the exception
   * state); never rejects. Each {@link reconnect} from the exception state starts a
   * new promise for the next loss.
   *
   * @example A long-running program that comes back with its server
   * ```ts ignore
   * import { createClient } from "./mod.ts";
   *
   * const ms = createClient();
   * while (true) {
   *   const ref = await ms.MidiOpen("bridge");
   *   // ... connect it, install its alarms, run ...
   *   console.error((await ms.lost).message);
   *   while (!(await ms.reconnect())) {
   *     await new Promise((resolve) => setTimeout(resolve, 1000));
   *   }
   * }
   * ```
   */
  readonly lost: Promise<MidiShareError>;
  /**
   * Comes back after the server was lost: leaves the exception state, then connects
   * as the first call of a new client would (starting a server unless `autoStart` is
   * false). The applications closed by the loss are not reopened: open them again
   * with `MidiOpen`. Outside the exception state it is `MidiShare()`.
   *
   * @returns whether a server answered (false leaves the client passive, and the
   *   next call or `reconnect()` tries again); never rejects
   */
  reconnect(): Promise<boolean>;
  /**
   * Closes the connection at once; the server closes this client's applications and
   * drivers as when its process ends (with `MIDICloseAppl` to the others), and
   * pending calls reject with `MidiShareError("UNREACHABLE")`. This side closes them
   * too, without calling their alarms; the client is then passive, and a later call
   * connects again.
   *
   * Rarely needed: a program ends by itself once its applications and drivers are
   * closed and nothing waits (as a Deno program ends when nothing is pending), and the
   * server closes what a program leaves open when its process ends. `close()` is for
   * the rest: a program that goes on without MidiShare but left applications open,
   * or a test that must release its connection before it ends.
   */
  close(): Promise<void>;
  /** `MidiGetTime()` with its fraction of a millisecond, for latency measurements. */
  preciseTime(): number;
  /** The server's own clock, to compare with `MidiGetTime()`. */
  serverTime(): Promise<number>;
  /**
   * Asks the server to look at its hardware ports now (they are also rescanned every
   * second).
   * @returns the number of hardware slots, −1 without a driver
   */
  rescanPorts(): Promise<number>;
  /** A snapshot of the server: applications, drivers, slots, connections, pool. */
  serverStatus(): Promise<ServerStatus>;
  /**
   * What this client lost to its own pool since it started: copies delivered to it
   * that did not fit (by refnum since the refnum was opened, and in all), and
   * `MidiAddField` calls whose byte was not added. The server is told too
   * (`midishare status`).
   */
  lossCounts(): ClientLosses;
  /**
   * Marks an application of this client as a network driver's: `"driver"` for the
   * driver's own application, `"peer"` for a remote application standing for one
   * peer, `"none"` to make it ordinary again. Such applications do not keep an
   * on-demand server running (it quits once only they are left), a LAN driver does
   * not count them as client applications, and `midishare status` shows the peers
   * under their driver (`networkRole` in {@link serverStatus}). A one-way call that
   * takes effect in call order; refnums that are not applications of this client
   * are ignored by the server.
   *
   * Not a MidiShare call: the network drivers use it (spec inet.md §4.3, §11).
   *
   * @param refNum an application this client opened
   * @param role what the application is
   * @throws {TypeError} when `role` is not `"none"`, `"driver"` or `"peer"`, or
   *   `refNum` is not a finite number
   * @example Open a remote application for a peer
   * ```ts ignore
   * import { createClient } from "./mod.ts";
   *
   * const ms = createClient();
   * const ref = await ms.MidiOpen("studio");
   * ms.setNetworkRole(ref, "peer");
   * ```
   */
  setNetworkRole(refNum: number, role: NetworkRole): void;
  /**
   * Starts or stops a monitor tap (not a MidiShare call): application `refNum` of this
   * client then receives, in its receive FIFO, a copy of every event that `target`
   * receives, with the port it arrives with there and through `refNum`'s own filter,
   * without any connection changing. `target` is an application, a driver (the port
   * is then the slot) or 0 (what goes to the hardware ports). The tap ends when
   * either application closes. One-way: takes effect in call order.
   *
   * @param refNum the tapping application, opened by this client
   * @param target the refnum whose events are copied
   * @param state true to start, false to stop
   * @throws {TypeError} when an argument is not a number or a boolean
   */
  monitorTap(refNum: number, target: number, state: boolean): void;
}

/** Creates a client of the MidiShare server; see {@link MidiShareClient}. */
export function createRemoteClient(
  options: RemoteOptions = {},
): MidiShareClient {
  return new RemoteMidiShare(options);
}

/** One client of the MidiShare server; see {@link MidiShareClient}. */
class RemoteMidiShare extends ServerCalls<true> implements MidiShareClient {
  readonly #rt: ClientRuntime;

  /** A passive client: it connects (and starts a server) at its first request. */
  constructor(options: RemoteOptions = {}) {
    const memory = new ClientMemory(options);
    const rt = new ClientRuntime(options);
    super(
      memory,
      new RemoteLink(rt),
      options.reportError ?? reportCallbackError,
    );
    this.#rt = rt;
    rt.setHandler(this.#notifications());
  }

  /** The client's state: passive, active or exception. */
  get state(): ClientState {
    return this.#rt.state;
  }

  /** The socket this client uses. */
  get socketPath(): string {
    return this.#rt.socketPath;
  }

  /** Resolves when the server is lost; see `MidiShareClient.lost`. */
  get lost(): Promise<MidiShareError> {
    return this.#rt.lost;
  }

  /** Comes back after a loss; see `MidiShareClient.reconnect`. */
  reconnect(): Promise<boolean> {
    this.#rt.leaveException();
    return this.MidiShare();
  }

  /** Closes the connection; see `MidiShareClient.close`. */
  close(): Promise<void> {
    this.closeAllLocally();
    return this.#rt.close();
  }

  // ---- Environment (spec §7.1)

  /**
   * True when a server runs or could be started and reached; never rejects.
   *
   * When connected it makes a round trip to the server, so that it resolves after
   * every earlier call of this client took effect there, and the mirrored state
   * (`MidiCountAppls`, `MidiCountDrivers`) shows them. False in the exception
   * state: see {@link reconnect}.
   */
  MidiShare(): Promise<boolean> {
    return this.#rt.connect()
      .then(() => this.link.MidiGetError())
      .then(() => true, () => false);
  }

  // ---- Diagnostics (not MidiShare calls)

  /** `MidiGetTime()` with its fraction of a millisecond, for latency measurements. */
  preciseTime(): number {
    return this.#rt.preciseTime();
  }

  /** The server's own clock, to compare with `MidiGetTime()`. */
  serverTime(): Promise<number> {
    return this.link.ServerTime();
  }

  /** Rescans the hardware ports now; see `MidiShareClient.rescanPorts`. */
  rescanPorts(): Promise<number> {
    return this.link.RescanPorts();
  }

  /** A snapshot of the server: applications, drivers, slots, connections, pool. */
  async serverStatus(): Promise<ServerStatus> {
    return JSON.parse(await this.link.ServerStatus()) as ServerStatus;
  }

  /** Marks a network driver's application; see `MidiShareClient.setNetworkRole`. */
  setNetworkRole(refNum: number, role: NetworkRole): void {
    const value = networkRoleValue(role);
    this.link.SetNetworkRole(toShort(refNum, "refNum"), value);
  }

  /** Starts or stops a monitor tap; see `MidiShareClient.monitorTap`. */
  monitorTap(refNum: number, target: number, state: boolean): void {
    this.link.MonitorTap(
      toShort(refNum, "refNum"),
      toShort(target, "target"),
      toBool(state, "state"),
    );
  }

  // ---- Notifications

  #notifications(): NotificationHandler {
    return {
      ...this.inbox,
      hasOpenRefnums: () => this.hasRecords(),
      lost: () => {
        for (const rec of this.closeAllLocally()) {
          const alarm = rec.applAlarm;
          const code = (rec.refNum << 16) | MIDICloseAppl;
          if (alarm !== null) this.safely(() => alarm(rec.refNum, code));
        }
      },
    };
  }
}
