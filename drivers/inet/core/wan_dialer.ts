/**
 * The outgoing connections of a WAN station (spec §5.2, §7.4): the hosts given after
 * `-s`, one after the other, each resolved, checked against the peers already known,
 * and connected, with the progress and failure lines of §7.9.
 *
 * Runs in the Inet driver; not real-time safe.
 *
 * @module
 */

import { alertText } from "./log_lines.ts";
import type { ConnectionId, WanEffects } from "./station_effects.ts";

/** A connection the dialer has established. */
export interface DialedConnection {
  /** The program's handle. */
  readonly id: ConnectionId;
  /** The host as typed. */
  readonly host: string;
  /** The resolved dotted address. */
  readonly address: string;
  /** The remote application's name (spec §1.4). */
  readonly name: string;
}

/** Options of {@link createWanDialer}. */
export interface WanDialerOptions {
  /** The hosts, in order. */
  readonly hosts: readonly string[];
  /** The driver name, first word of alerts. */
  readonly driverName: string;
  /** The effects (resolve, connect, log). */
  readonly effects: WanEffects;
  /** Whether a peer is already known at `address` (remote or connection). */
  readonly isKnown: (address: string) => boolean;
  /** Takes an established connection. */
  readonly connected: (connection: DialedConnection) => void;
}

/** See the module documentation. */
export interface WanDialer {
  /** Starts with the first host. */
  start(): void;
  /** `host` resolved. */
  resolved(host: string, address: string, name: string): void;
  /** `host` could not be resolved. */
  resolveFailed(host: string): void;
  /** Connection `id` is established. */
  connected(id: ConnectionId): void;
  /** Connection `id` failed. */
  connectFailed(id: ConnectionId): void;
  /** Forgets the hosts not dialed yet. */
  stop(): void;
}

/**
 * Creates the dialer of a WAN station.
 *
 * @param options Hosts, effects and the station's callbacks.
 * @returns The dialer, idle until {@link WanDialer.start}.
 * @see spec inet.md §5.2
 */
export function createWanDialer(options: WanDialerOptions): WanDialer {
  return new WanDialerImpl(options);
}

class WanDialerImpl implements WanDialer {
  readonly #o: WanDialerOptions;
  readonly #hosts: string[];
  #host: string | null = null;
  #address = "";
  #name = "";
  #id: ConnectionId | null = null;

  constructor(options: WanDialerOptions) {
    this.#o = options;
    this.#hosts = [...options.hosts];
  }

  start(): void {
    this.#next();
  }

  resolved(host: string, address: string, name: string): void {
    if (this.#host !== host || this.#id !== null) return;
    if (this.#o.isKnown(address)) {
      this.#alert("remote host is already opened", host);
      return this.#next();
    }
    this.#address = address;
    this.#name = name;
    this.#o.effects.log(`Connecting to ${name}...`, false);
    this.#id = this.#o.effects.connectTcp(address);
  }

  resolveFailed(host: string): void {
    if (this.#host !== host || this.#id !== null) return;
    this.#alert("unknown host", host);
    this.#next();
  }

  connected(id: ConnectionId): void {
    if (this.#host === null || this.#id !== id) return;
    const host = this.#host;
    this.#o.connected({ id, host, address: this.#address, name: this.#name });
    this.#next();
  }

  connectFailed(id: ConnectionId): void {
    if (this.#host === null || this.#id !== id) return;
    this.#alert("cannot connect to host", this.#host);
    this.#next();
  }

  stop(): void {
    this.#hosts.length = 0;
    this.#host = null;
    this.#id = null;
  }

  #next(): void {
    this.#id = null;
    this.#host = this.#hosts.shift() ?? null;
    if (this.#host === null) return;
    this.#o.effects.log(`Looking for ${this.#host}...`, false);
    this.#o.effects.resolveHost(this.#host);
  }

  #alert(object: string, detail: string): void {
    this.#o.effects.log(alertText(this.#o.driverName, object, detail), false);
  }
}
