/**
 * The adapter of the contract battery: one MidiShare kind the battery runs against,
 * with what legitimately differs between kinds (synchronous calls or Promises, how
 * time moves, how a second program is made) hidden behind {@link ContractSubject}.
 * Private to `tests/contract/`.
 *
 * @module
 */

import type * as client from "@midishare/client";

type Exports = typeof client;

/** The name of one MidiShare call (a `Midi*` function export of `@midishare/client`). */
export type CallName = Exclude<
  {
    [K in keyof Exports]: K extends `Midi${string}`
      ? Exports[K] extends (...args: never[]) => unknown ? K : never
      : never;
  }[keyof Exports],
  "MidiShareError"
>;

/**
 * Every MidiShare call with the parameters of the spec. The calls handled in the
 * client (side `C` and one-way calls) are plain functions for every kind; a server
 * request gives its result at once in-process and as a Promise from a client process,
 * so cases `await` every call (and call only plain ones inside callbacks).
 */
export type MidiApi = {
  [K in CallName]: (
    ...args: Parameters<Exports[K]>
  ) => ReturnType<Exports[K]> extends Promise<infer R> ? R | Promise<R>
    : ReturnType<Exports[K]>;
};

/** The kinds of MidiShare the battery runs against. */
export type SubjectKind = "in-process" | "server";

/** An event as a peer received it. */
export interface Received {
  /** The receiving application. */
  ref: number;
  type: number;
  date: number;
  refNum: number;
  port: number;
  chan: number;
  fields: number[];
}

/** An application alarm as a peer got it. */
export interface Alarm {
  ref: number;
  code: number;
}

/** An event a peer builds and sends. */
export interface PeerEvent {
  type: number;
  fields?: number[];
  port?: number;
  chan?: number;
}

/**
 * A second MidiShare program: another client of the same MidiShare, with its own
 * pool (in-process: another client of the kernel; server: another process). Its calls
 * take and return plain data only, as they may cross a pipe.
 */
export interface Peer extends AsyncDisposable {
  /** Makes one call of the peer and returns its (awaited) result. */
  call(name: CallName, ...args: unknown[]): Promise<unknown>;
  /** From now on, application `ref` of the peer records every event it receives. */
  collect(ref: number): Promise<void>;
  /** The events recorded since the last call, once the peer saw what `settle` let pass. */
  received(): Promise<Received[]>;
  /** From now on, application `ref` of the peer records its application alarms. */
  watchAlarms(ref: number): Promise<void>;
  /** The alarms recorded since the last call (same timing as {@link received}). */
  alarms(): Promise<Alarm[]>;
  /** Sends an event built from `ev` with `MidiSendAt` at `date`, or `MidiSendIm`. */
  send(ref: number, ev: PeerEvent, date?: number): Promise<void>;
  /**
   * Ends the peer as a dying process would, and returns once MidiShare has closed
   * its applications and drivers.
   */
  kill(): Promise<void>;
}

/** One MidiShare kind under test. */
export interface ContractSubject extends AsyncDisposable {
  /** Which kind this is. */
  readonly kind: SubjectKind;
  /** The MidiShare API of the program under test. */
  readonly ms: MidiApi;
  /**
   * How far `MidiGetTime()` of the program may be from the time of the kernel that
   * answers a request at the same moment (0 in-process; a client process computes the
   * time from its own clock).
   */
  readonly clockToleranceMs: number;
  /**
   * Lets `ms` milliseconds of MidiShare time pass and returns once everything sent
   * before the call was processed and every notification of that time reached the
   * program (in-process: `advance(ms)`; server: the clock passed now + ms and a
   * round trip confirmed it). `settle(0)` only waits for what was sent.
   */
  settle(ms: number): Promise<void>;
  /** A second program using the same MidiShare. */
  peer(name: string): Promise<Peer>;
}
