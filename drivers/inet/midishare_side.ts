/**
 * The Inet driver's MidiShare applications (spec inet.md §1.3 to §1.5, §6.1, §7.8):
 * the driver's own application, one remote application per open remote, the receive
 * alarms that tell the station events wait in a remote application's FIFO, the
 * events taken from those FIFOs and the events of a peer sent by its remote
 * application, and the application alarms the station follows (applications opening
 * and closing, connections changing).
 *
 * Every application is marked with its network role (`setNetworkRole`), so that the
 * server and other LAN drivers do not count it as a client application.
 *
 * Runs in the Inet driver process. `takeEvents` and `deliver` are the forwarding
 * path: they allocate only the client's event handles.
 *
 * @module
 */

import {
  MIDIChgConnect,
  MIDICloseAppl,
  MIDIOpenAppl,
  type MidiShareClient,
} from "@midishare/client";
import {
  type ConnectionDirection,
  createInetEvent,
  type InetEvent,
  type LocalApplication,
  type RemoteId,
} from "./core/mod.ts";
import {
  createEventConverter,
  type EventConverter,
} from "./event_conversion.ts";
import { countClientApplications, remoteConnections } from "./server_status.ts";
import { errorText } from "./udp_socket.ts";

/** What the applications tell the station. */
export interface MidiShareSideListener {
  /** The application of remote `id` has opened. */
  remoteOpened(id: RemoteId): void;
  /** The application of remote `id` could not open. */
  remoteFailed(id: RemoteId, reason: string): void;
  /** The driver's own application could not open. */
  driverFailed(reason: string): void;
  /** Events wait in the FIFO of remote `id`'s application. */
  eventsWaiting(id: RemoteId): void;
  /** A local application called `name` opened. */
  applicationOpened(name: string): void;
  /** An application opened or closed: the client count may have changed. */
  applicationsChanged(): void;
  /** The connections of remote `id`'s application are now `applications`. */
  connectionsChanged(
    id: RemoteId,
    applications: readonly LocalApplication[],
  ): void;
  /** Events of a peer could not be delivered (the client's pool is full). */
  deliveryFailed(): void;
}

/** See the module documentation. */
export interface MidiShareSide {
  /** The client. */
  readonly client: MidiShareClient;
  /** Opens the driver's own application, unless it is open under `name`. */
  openDriver(name: string): void;
  /** Opens the driver's application and waits: null, or why it failed. */
  openDriverNow(name: string): Promise<string | null>;
  /** Closes the driver's own application. */
  closeDriver(): void;
  /** Opens the application of remote `id`; answers through the listener. */
  openRemote(id: RemoteId, name: string): void;
  /** Closes the application of remote `id` (opened or still opening). */
  closeRemote(id: RemoteId): void;
  /** Forgets every application (the server is gone, they are closed). */
  forgetAll(): void;
  /** Takes the events waiting in remote `id`'s FIFO, in order. */
  takeEvents(
    id: RemoteId,
    visit: (event: InetEvent, dateMs: number) => void,
  ): void;
  /** Sends `event` from remote `id`'s application at `dateMs`. */
  deliver(id: RemoteId, event: InetEvent, dateMs: number): void;
  /** Connects the application called `name`, if it exists, with remote `id`. */
  connect(id: RemoteId, name: string, direction: ConnectionDirection): void;
  /** The client applications other than network applications (spec §4.3). */
  countClients(): Promise<number>;
}

/**
 * Creates the applications side over client `ms`; nothing is opened yet.
 *
 * @param ms The driver's client of the local server.
 * @param listener Receives what happens.
 * @returns The side.
 */
export function createMidiShareSide(
  ms: MidiShareClient,
  listener: MidiShareSideListener,
): MidiShareSide {
  return new ApplicationsSide(ms, listener);
}

interface RemoteApplication {
  ref: number | null;
  isClosed: boolean;
}

class ApplicationsSide implements MidiShareSide {
  readonly client: MidiShareClient;
  readonly #l: MidiShareSideListener;
  readonly #convert: EventConverter;
  readonly #event: InetEvent = createInetEvent();
  #driverName: string | null = null;
  #driverRef: number | null = null;
  #driverOpening: Promise<string | null> | null = null;
  readonly #remotes = new Map<RemoteId, RemoteApplication>();
  #isRefreshing = false;
  #needsRefresh = false;

  constructor(ms: MidiShareClient, listener: MidiShareSideListener) {
    this.client = ms;
    this.#l = listener;
    this.#convert = createEventConverter(ms);
  }

  openDriver(name: string): void {
    if (this.#driverName === name) return;
    this.openDriverNow(name).then((error) => {
      if (error !== null) this.#l.driverFailed(error);
    });
  }

  openDriverNow(name: string): Promise<string | null> {
    if (this.#driverName === name && this.#driverOpening !== null) {
      return this.#driverOpening;
    }
    this.#driverName = name;
    const ms = this.client;
    this.#driverOpening = ms.MidiOpen(name).then((ref) => {
      if (this.#driverName !== name) {
        if (ref >= 0) ms.MidiClose(ref); // closed while opening
        return null;
      }
      if (ref < 0) return `MidiOpen returned ${ref}`;
      this.#driverRef = ref;
      ms.setNetworkRole(ref, "driver");
      // Events sent to the driver's application are discarded (spec §1.3).
      ms.MidiSetRcvAlarm(ref, (r) => ms.MidiFlushEvs(r));
      ms.MidiSetApplAlarm(ref, (_r, code) => this.#alarm(code));
      return null;
    }, (error) => errorText(error));
    return this.#driverOpening;
  }

  closeDriver(): void {
    const ref = this.#driverRef;
    this.#driverName = null;
    this.#driverRef = null;
    this.#driverOpening = null;
    if (ref !== null) this.client.MidiClose(ref);
  }

  openRemote(id: RemoteId, name: string): void {
    const remote: RemoteApplication = { ref: null, isClosed: false };
    this.#remotes.set(id, remote);
    const ms = this.client;
    ms.MidiOpen(name).then((ref) => {
      if (remote.isClosed) {
        if (ref >= 0) ms.MidiClose(ref);
        return;
      }
      if (ref < 0) {
        this.#remotes.delete(id);
        return this.#l.remoteFailed(id, `MidiOpen returned ${ref}`);
      }
      remote.ref = ref;
      ms.setNetworkRole(ref, "peer");
      ms.MidiSetRcvAlarm(ref, () => this.#l.eventsWaiting(id));
      this.#l.remoteOpened(id);
    }, (error) => {
      if (remote.isClosed) return;
      this.#remotes.delete(id);
      this.#l.remoteFailed(id, errorText(error));
    });
  }

  closeRemote(id: RemoteId): void {
    const remote = this.#remotes.get(id);
    if (remote === undefined) return;
    this.#remotes.delete(id);
    remote.isClosed = true;
    if (remote.ref !== null) this.client.MidiClose(remote.ref);
  }

  forgetAll(): void {
    for (const remote of this.#remotes.values()) remote.isClosed = true;
    this.#remotes.clear();
    this.#driverName = null;
    this.#driverRef = null;
    this.#driverOpening = null;
  }

  takeEvents(
    id: RemoteId,
    visit: (event: InetEvent, dateMs: number) => void,
  ): void {
    const ref = this.#remotes.get(id)?.ref ?? null;
    if (ref === null) return;
    const ms = this.client, convert = this.#convert, ev = this.#event;
    for (let e = ms.MidiGetEv(ref); e !== null; e = ms.MidiGetEv(ref)) {
      const date = e.date;
      if (convert.read(e, ev)) visit(ev, date);
      ms.MidiFreeEv(e);
    }
  }

  deliver(id: RemoteId, event: InetEvent, dateMs: number): void {
    const ref = this.#remotes.get(id)?.ref ?? null;
    if (ref === null) return;
    const e = this.#convert.create(event);
    if (e === null) return this.#l.deliveryFailed();
    this.client.MidiSendAt(ref, e, dateMs);
  }

  connect(id: RemoteId, name: string, direction: ConnectionDirection): void {
    const ms = this.client;
    ms.MidiGetNamedAppl(name).then((local) => {
      const ref = this.#remotes.get(id)?.ref ?? null;
      if (local < 0 || ref === null || local === ref) return;
      if (direction === "toRemote") ms.MidiConnect(local, ref, true);
      else ms.MidiConnect(ref, local, true);
    }, () => {}); // the server is gone: nothing to connect
  }

  async countClients(): Promise<number> {
    const status = await this.client.serverStatus();
    return countClientApplications(status, this.#ownRefs());
  }

  #ownRefs(): Set<number> {
    const refs = new Set<number>();
    if (this.#driverRef !== null) refs.add(this.#driverRef);
    for (const r of this.#remotes.values()) if (r.ref !== null) refs.add(r.ref);
    return refs;
  }

  /** An application alarm of the driver's application (spec §7.8, §4.3). */
  #alarm(code: number): void {
    const change = code & 0xffff, subject = code >> 16;
    if (change === MIDIOpenAppl || change === MIDICloseAppl) {
      this.#l.applicationsChanged();
    }
    if (change === MIDIOpenAppl && subject !== this.#driverRef) {
      this.client.MidiGetName(subject).then((name) => {
        if (name !== null) this.#l.applicationOpened(name);
      }, () => {}); // the server is gone
    }
    if (change === MIDIChgConnect) this.#refreshConnections();
  }

  /** Reads every remote application's connections; one snapshot at a time. */
  async #refreshConnections(): Promise<void> {
    if (this.#isRefreshing) {
      this.#needsRefresh = true;
      return;
    }
    this.#isRefreshing = true;
    try {
      do {
        this.#needsRefresh = false;
        const status = await this.client.serverStatus();
        for (const [id, remote] of this.#remotes) {
          if (remote.ref === null) continue;
          this.#l.connectionsChanged(id, remoteConnections(status, remote.ref));
        }
      } while (this.#needsRefresh);
    } catch {
      // The server is gone: the remotes go with it.
    } finally {
      this.#isRefreshing = false;
    }
  }
}
