/**
 * The server's state a client mirrors from its notifications, so that reading it
 * needs no round trip (spec §7.1): the counts of applications and drivers, whether
 * MidiShare is awake, and its clock, computed locally from the origin the server
 * handed over.
 *
 * Runs on the client's main thread. Real-time safe: no allocation.
 *
 * @module
 */

import { epochNow } from "./clock.ts";

/** The mirrored server state of one client; see the module documentation. */
export class ServerMirror {
  #applCount = 0;
  #driverCount = 0;
  #isAwake = false;
  #origin = NaN;
  #clockOffset = 0;
  #frozenTime = 0;
  // The latest server tick known from a notification: the local clock never reads less.
  #floorTime = 0;

  /** `MidiCountAppls`. */
  get applCount(): number {
    return this.#applCount;
  }

  /** `MidiCountDrivers`. */
  get driverCount(): number {
    return this.#driverCount;
  }

  /** Whether MidiShare is awake. */
  get isAwake(): boolean {
    return this.#isAwake;
  }

  /** `MidiGetTime`, computed locally from the origin the server handed over. */
  time(): number {
    if (!this.#isAwake || Number.isNaN(this.#origin)) return this.#frozenTime;
    const t = Math.floor(epochNow() + this.#clockOffset - this.#origin) >>> 0;
    return ((t - this.#floorTime) | 0) < 0 ? this.#floorTime : t;
  }

  /**
   * The server's time with its fraction of a millisecond (NaN while dormant): how
   * far into tick `MidiGetTime()` the wall clock is, for latency measurements.
   */
  preciseTime(): number {
    if (!this.#isAwake || Number.isNaN(this.#origin)) return NaN;
    return epochNow() + this.#clockOffset - this.#origin;
  }

  /** A date the server has reached (a task or event date it just sent). */
  reached(date: number): void {
    if (((date - this.#floorTime) | 0) > 0) this.#floorTime = date;
  }

  /**
   * Takes the server's clock reading from its welcome.
   * @param helloSentAt when the client sent its hello (epoch ms)
   * @param serverNow the server's clock in its welcome (epoch ms)
   * @param now when the welcome arrived (epoch ms)
   */
  welcomed(helloSentAt: number, serverNow: number, now: number): void {
    // Server and client read the same system clock: trust it, unless the server's
    // reading falls outside this handshake, which only a clock that differs explains.
    // (The round trip's midpoint is no better: its two halves are not symmetric.)
    const isConsistent = serverNow >= helloSentAt && serverNow <= now;
    this.#clockOffset = isConsistent ? 0 : serverNow - (helloSentAt + now) / 2;
  }

  /** Takes the state the server sent (in its welcome or when it changed). */
  setState(
    applCount: number,
    driverCount: number,
    isAwake: boolean,
    origin: number,
  ): void {
    if (this.#isAwake) this.#frozenTime = this.time();
    this.#applCount = applCount;
    this.#driverCount = driverCount;
    this.#isAwake = isAwake;
    // NaN !== NaN: only a real change of origin is a new wake-up.
    const isNewOrigin = !(origin === this.#origin ||
      (Number.isNaN(origin) && Number.isNaN(this.#origin)));
    if (isNewOrigin) this.#floorTime = 0; // a new wake-up: time restarts
    this.#origin = origin;
  }

  /** The server is gone: the clock stops where it is, and nothing is open. */
  lose(): void {
    this.#frozenTime = this.time();
    this.#isAwake = false;
    this.#applCount = this.#driverCount = 0;
  }
}
