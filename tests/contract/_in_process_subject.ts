/**
 * The in-process kind of the contract battery: `createKernel({ clock: "manual" })`,
 * time moved by `advance(ms)`, peers as further clients of the same kernel.
 * Private to `tests/contract/`.
 *
 * @module
 */

import { createKernel, type Kernel, type MidiEv } from "@midishare/client";
import type {
  Alarm,
  CallName,
  ContractSubject,
  MidiApi,
  Peer,
  PeerEvent,
  Received,
} from "./_subject.ts";

type LocalClient = ReturnType<Kernel["connectClient"]>;

/** An in-process MidiShare with a manual clock. */
export function inProcessSubject(): ContractSubject {
  const kernel = createKernel({ clock: "manual" });
  const ms: MidiApi = kernel;
  return {
    kind: "in-process",
    ms,
    clockToleranceMs: 0,
    settle(ms: number): Promise<void> {
      kernel.advance(ms);
      return Promise.resolve();
    },
    peer(): Promise<Peer> {
      return Promise.resolve(localPeer(kernel.connectClient()));
    },
    [Symbol.asyncDispose](): Promise<void> {
      kernel.stop();
      return Promise.resolve();
    },
  };
}

/** What an application received, in the shape peers report it. */
export function describeEvent(
  ms: Pick<MidiApi, "MidiCountFields" | "MidiGetField">,
  ref: number,
  e: MidiEv,
): Received {
  const count = ms.MidiCountFields(e) as number;
  const fields: number[] = [];
  for (let i = 0; i < count; i++) fields.push(ms.MidiGetField(e, i) as number);
  return {
    ref,
    type: e.evType,
    date: e.date,
    refNum: e.refNum,
    port: e.port,
    chan: e.chan,
    fields,
  };
}

function localPeer(c: LocalClient): Peer {
  const opened: number[] = [];
  let received: Received[] = [];
  let alarms: Alarm[] = [];
  const call = (name: CallName, ...args: unknown[]): Promise<unknown> => {
    const fn = (c as unknown as Record<string, (...a: unknown[]) => unknown>)[
      name
    ]!;
    const value = fn.apply(c, args);
    if (
      (name === "MidiOpen" || name === "MidiRegisterDriver") &&
      typeof value === "number" && value >= 0
    ) opened.push(value);
    return Promise.resolve(value);
  };
  return {
    call,
    collect(ref: number): Promise<void> {
      c.MidiSetRcvAlarm(ref, (r) => {
        for (let e = c.MidiGetEv(r); e !== null; e = c.MidiGetEv(r)) {
          received.push(describeEvent(c, r, e));
          c.MidiFreeEv(e);
        }
      });
      return Promise.resolve();
    },
    received(): Promise<Received[]> {
      const got = received;
      received = [];
      return Promise.resolve(got);
    },
    watchAlarms(ref: number): Promise<void> {
      c.MidiSetApplAlarm(ref, (r, code) => alarms.push({ ref: r, code }));
      return Promise.resolve();
    },
    alarms(): Promise<Alarm[]> {
      const got = alarms;
      alarms = [];
      return Promise.resolve(got);
    },
    send(ref: number, ev: PeerEvent, date?: number): Promise<void> {
      const e = c.MidiNewEv(ev.type);
      if (e === null) throw new Error(`MidiNewEv(${ev.type}) returned null`);
      (ev.fields ?? []).forEach((v, i) => c.MidiSetField(e, i, v));
      if (ev.port !== undefined) e.port = ev.port;
      if (ev.chan !== undefined) e.chan = ev.chan;
      if (date === undefined) c.MidiSendIm(ref, e);
      else c.MidiSendAt(ref, e, date);
      return Promise.resolve();
    },
    kill(): Promise<void> {
      c.disconnect();
      return Promise.resolve();
    },
    [Symbol.asyncDispose](): Promise<void> {
      for (const ref of opened) {
        c.MidiClose(ref);
        c.MidiUnregisterDriver(ref);
      }
      c.disconnect();
      return Promise.resolve();
    },
  };
}
