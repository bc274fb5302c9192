/**
 * A client of the MidiShare server: the client-side calls of the kernel run here on
 * this client's own pool; server requests return Promises; one-way calls return at
 * once and take effect in call order (spec §1.2, Appendix A).
 *
 * @module
 */

import {
  ApplCalls,
  checkDirection,
  checkDriverInfos,
  checkDriverOps,
  checkSlot,
  ClientMemory,
  type ClientMemoryOptions,
  type DriverInfos,
  MIDICloseAppl,
  type MidiShareError,
  type ServerLink,
  type SlotRefNum,
  type TDriverInfos,
  type TDriverOperation,
  type TSlotInfos,
  type TSyncInfo,
} from "@midishare/kernel";
import { checkString, toBool, toLong, toShort } from "@midishare/kernel/api";
import type { CellPool } from "@midishare/kernel/memory";
import {
  ClientRuntime,
  type ClientRuntimeOptions,
  type ClientState,
  type NotificationHandler,
} from "@midishare/transport/client_runtime";
import * as stubs from "@midishare/transport/gen/client_stubs_gen";
import { reportCallbackError } from "@midishare/transport/logger";
import { eventWireSize, MAX_EVENT_BYTES } from "@midishare/transport/wire";

/** Options of a {@link RemoteMidiShare}. */
export interface RemoteOptions
  extends ClientRuntimeOptions, ClientMemoryOptions {
  /** Receives exceptions thrown by callbacks; by default they are logged. */
  reportError?: (error: unknown) => void;
}

/** What a `ServerStatus` request returns (see `midishare status`). */
export type ServerStatus = Record<string, unknown>;

/** A driver registration waiting for its reply (its wakeup may come first). */
interface Registration {
  ops: TDriverOperation;
  ref: number;
}

/** The server side of a remote client: one-way stubs and the mirrored state. */
class RemoteLink implements ServerLink {
  readonly #rt: ClientRuntime;

  constructor(rt: ClientRuntime) {
    this.#rt = rt;
  }

  sendEvent(pool: CellPool, cell: number, isImmediate: boolean): void {
    // Checked here: a frame over the limit would make the server drop the connection.
    const size = eventWireSize(pool, cell);
    if (size > MAX_EVENT_BYTES) {
      throw new RangeError(
        `Cannot send the event: it takes ${size} bytes, more than the ${MAX_EVENT_BYTES} an event may take between processes; it was not sent and is still yours`,
      );
    }
    if (isImmediate) stubs.MidiSendIm(this.#rt, pool, cell);
    else stubs.MidiSend(this.#rt, pool, cell);
  }

  reportLosses(
    refNum: number,
    refLostCopies: number,
    lostCopies: number,
    truncatedFields: number,
  ): void {
    // Only a connected client has losses worth telling: never connect for them.
    if (this.#rt.state !== "active") return;
    stubs.ReportLosses(
      this.#rt,
      refNum,
      refLostCopies,
      lostCopies,
      truncatedFields,
    );
  }

  scheduleTask(
    type: number,
    refNum: number,
    date: number,
    taskId: number,
    serial: number,
  ): void {
    stubs.MidiTask(this.#rt, type, refNum, date, taskId, serial);
  }

  close(refNum: number): void {
    stubs.MidiClose(this.#rt, refNum);
  }

  unregisterDriver(refNum: number): void {
    stubs.MidiUnregisterDriver(this.#rt, refNum);
  }

  setFilter(refNum: number, bits: Uint8Array | null): void {
    stubs.MidiSetFilter(this.#rt, refNum, bits);
  }

  setApplAlarm(refNum: number, hasAlarm: boolean): void {
    stubs.MidiSetApplAlarm(this.#rt, refNum, hasAlarm);
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

/** One client of the MidiShare server; see the module documentation. */
export class RemoteMidiShare extends ApplCalls {
  readonly #rt: ClientRuntime;
  readonly #registrations: Registration[] = [];

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

  /**
   * Resolves when this client loses its server (spec §9): the server process died or
   * stopped while this client had applications or drivers open, or the connection
   * broke. By then every pending call has rejected with
   * `MidiShareError("UNREACHABLE")`, and each of the client's applications and
   * drivers was closed on this side, its application alarm called with
   * `MIDICloseAppl`. Resolves with the error that later calls reject with (at once
   * when the client is already in the exception state); never rejects. Each
   * {@link reconnect} from the exception state starts a new promise for the next
   * loss.
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
  get lost(): Promise<MidiShareError> {
    return this.#rt.lost;
  }

  /**
   * Comes back after the server was lost: leaves the exception state, then connects
   * as the first call of a new client would (starting a server unless `autoStart` is
   * false). Resolves true once connected, false when no server answers (the client
   * is then passive, and the next call or `reconnect()` tries again); never rejects.
   * The applications closed by the loss are not reopened: open them again with
   * `MidiOpen`. Outside the exception state it is `MidiShare()`.
   *
   * @returns whether a server answered
   */
  reconnect(): Promise<boolean> {
    this.#rt.leaveException();
    return this.MidiShare();
  }

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
      .then(() => stubs.MidiGetError(this.#rt))
      .then(() => true, () => false);
  }

  /** The refnum of the `index`-th application, or `MIDIerrIndex`. */
  MidiGetIndAppl(index: number): Promise<number> {
    return stubs.MidiGetIndAppl(this.#rt, toShort(index, "index"));
  }

  /** The first refnum named `name`, or `MIDIerrIndex`. */
  MidiGetNamedAppl(name: string): Promise<number> {
    return stubs.MidiGetNamedAppl(this.#rt, checkString(name, "name"));
  }

  /** The global error bits of the server. */
  MidiGetError(): Promise<number> {
    return stubs.MidiGetError(this.#rt);
  }

  // ---- Open (spec §7.2)

  /** Opens an application; resolves with its refnum or `MIDIerrSpace`. */
  MidiOpen(name: string): Promise<number> {
    const label = checkString(name, "name");
    return stubs.MidiOpen(this.#rt, label, (ref) => {
      if (ref >= 0) this.opened(ref);
    });
  }

  // ---- Configuration (spec §7.3)

  /** The name of a refnum, or null. */
  MidiGetName(refNum: number): Promise<string | null> {
    return stubs.MidiGetName(this.#rt, toShort(refNum, "refNum"));
  }

  /** Renames an application or driver. */
  MidiSetName(refNum: number, name: string): void {
    stubs.MidiSetName(
      this.#rt,
      toShort(refNum, "refNum"),
      checkString(name, "name"),
    );
  }

  // ---- Drivers (spec §7.4)

  /** Registers a driver; while awake its `wakeup` runs before the promise resolves. */
  MidiRegisterDriver(
    infos: TDriverInfos,
    op: TDriverOperation,
  ): Promise<number> {
    const { name, version } = checkDriverInfos(infos);
    const registration: Registration = { ops: checkDriverOps(op), ref: -1 };
    this.#registrations.push(registration);
    return stubs.MidiRegisterDriver(this.#rt, name, version, (ref) => {
      this.#registrations.splice(this.#registrations.indexOf(registration), 1);
      if (ref >= 0 && registration.ref < 0) this.opened(ref, registration.ops);
    });
  }

  /** The `index`-th driver, 127 first, or `MIDIerrIndex`. */
  MidiGetIndDriver(index: number): Promise<number> {
    return stubs.MidiGetIndDriver(this.#rt, toShort(index, "index"));
  }

  /** Name, version and slot count of a driver, or null. */
  MidiGetDriverInfos(refNum: number): Promise<DriverInfos | null> {
    return stubs.MidiGetDriverInfos(this.#rt, toShort(refNum, "refNum"));
  }

  // ---- Slots (spec §7.5)

  /**
   * Adds a slot to a driver.
   * @throws {RangeError} for a direction other than 1, 2, 3
   */
  MidiAddSlot(
    refNum: number,
    name: string,
    direction: number,
  ): Promise<SlotRefNum> {
    return stubs.MidiAddSlot(
      this.#rt,
      toShort(refNum, "refNum"),
      checkString(name, "name"),
      checkDirection(direction),
    );
  }

  /** The `index`-th slot of a driver. */
  MidiGetIndSlot(refNum: number, index: number): Promise<SlotRefNum> {
    return stubs.MidiGetIndSlot(
      this.#rt,
      toShort(refNum, "refNum"),
      toShort(index, "index"),
    );
  }

  /** Removes a slot. */
  MidiRemoveSlot(slot: SlotRefNum): void {
    const s = checkSlot(slot);
    stubs.MidiRemoveSlot(this.#rt, s.drvRef, s.slotRef);
  }

  /** Renames a slot. */
  MidiSetSlotName(slot: SlotRefNum, name: string): void {
    const s = checkSlot(slot);
    stubs.MidiSetSlotName(
      this.#rt,
      s.drvRef,
      s.slotRef,
      checkString(name, "name"),
    );
  }

  /** Name, direction and port set of a slot, or null. */
  MidiGetSlotInfos(slot: SlotRefNum): Promise<TSlotInfos | null> {
    const s = checkSlot(slot);
    return stubs.MidiGetSlotInfos(this.#rt, s.drvRef, s.slotRef);
  }

  /** Connects or disconnects a port and a slot. */
  MidiConnectSlot(port: number, slot: SlotRefNum, state: boolean): void {
    const p = toShort(port, "port");
    const s = checkSlot(slot);
    stubs.MidiConnectSlot(
      this.#rt,
      p,
      s.drvRef,
      s.slotRef,
      toBool(state, "state"),
    );
  }

  /** Whether a port and a slot are connected. */
  MidiIsSlotConnected(port: number, slot: SlotRefNum): Promise<boolean> {
    const p = toShort(port, "port");
    const s = checkSlot(slot);
    return stubs.MidiIsSlotConnected(this.#rt, p, s.drvRef, s.slotRef);
  }

  // ---- Connections (spec §7.6)

  /** Makes or breaks the connection `src → dest`. */
  MidiConnect(src: number, dest: number, state: boolean): void {
    stubs.MidiConnect(
      this.#rt,
      toShort(src, "src"),
      toShort(dest, "dest"),
      toBool(state, "state"),
    );
  }

  /** Whether `src → dest` exists. */
  MidiIsConnected(src: number, dest: number): Promise<boolean> {
    return stubs.MidiIsConnected(
      this.#rt,
      toShort(src, "src"),
      toShort(dest, "dest"),
    );
  }

  // ---- Synchronisation (spec §7.17)

  /** Sets the global sync mode. */
  MidiSetSyncMode(mode: number): void {
    stubs.MidiSetSyncMode(this.#rt, toShort(mode, "mode"));
  }

  /** The synchronisation state. */
  MidiGetSyncInfo(): Promise<TSyncInfo> {
    return stubs.MidiGetSyncInfo(this.#rt);
  }

  /** The external time. */
  MidiGetExtTime(): Promise<number> {
    return stubs.MidiGetExtTime(this.#rt);
  }

  /** Internal to external time. */
  MidiInt2ExtTime(time: number): Promise<number> {
    return stubs.MidiInt2ExtTime(this.#rt, toLong(time, "time"));
  }

  /** External to internal time. */
  MidiExt2IntTime(time: number): Promise<number> {
    return stubs.MidiExt2IntTime(this.#rt, toLong(time, "time"));
  }

  // ---- Diagnostics (not MidiShare calls)

  /** `MidiGetTime()` with its fraction of a millisecond, for latency measurements. */
  preciseTime(): number {
    return this.#rt.preciseTime();
  }

  /** The server's own clock, to compare with `MidiGetTime()`. */
  serverTime(): Promise<number> {
    return stubs.ServerTime(this.#rt);
  }

  /**
   * Asks the server to look at its hardware ports now (they are also rescanned every
   * second); resolves with the number of hardware slots, −1 without a driver.
   */
  rescanPorts(): Promise<number> {
    return stubs.RescanPorts(this.#rt);
  }

  /** A snapshot of the server: applications, drivers, slots, connections, pool. */
  async serverStatus(): Promise<ServerStatus> {
    return JSON.parse(await stubs.ServerStatus(this.#rt)) as ServerStatus;
  }

  // ---- Notifications

  #notifications(): NotificationHandler {
    return {
      ...this.inbox,
      driverWakeup: (ref) => {
        // A driver registered while awake wakes up before its reply arrives.
        if (this.record(ref) === undefined) {
          const pending = this.#registrations.find((r) => r.ref < 0);
          if (pending === undefined) return;
          pending.ref = ref;
          this.opened(ref, pending.ops);
        }
        this.inbox.driverWakeup(ref);
      },
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
