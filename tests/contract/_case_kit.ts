/**
 * What the cases of the contract battery share: the case type, and small helpers
 * that read the same against every kind (every call awaited). Private to
 * `tests/contract/`.
 *
 * @module
 */

import assert from "node:assert/strict";
import {
  isMidiShareError,
  type MidiEv,
  type MidiShareErrorCode,
} from "@midishare/client";
import type {
  ContractSubject,
  MidiApi,
  Received,
  SubjectKind,
} from "./_subject.ts";

/** One behaviour of the contract, run against every kind. */
export interface ContractCase {
  /** A sentence starting with the call it is about. */
  name: string;
  /** The case; it opens and closes its own applications. */
  fn: (s: ContractSubject) => Promise<void>;
  /**
   * Set (with a comment naming the defect) while a known bug makes the case fail:
   * `true` for every kind, or the kinds it fails on.
   */
  ignore?: true | readonly SubjectKind[];
}

/** Events due this many ms from now reach the server before their date. */
export const LEAD_MS = 150;

/**
 * Settles until `MidiGetTime()` has passed `date`, and at least one tick (an event
 * sent late is delivered at the next tick).
 */
export async function settlePast(
  s: ContractSubject,
  date: number,
): Promise<void> {
  await s.settle(Math.max(1, date + 1 - await s.ms.MidiGetTime()));
}

/**
 * Settles 10 ms at a time until `check` holds, failing after `budgetMs` of MidiShare
 * time (for chains of hops whose length in ticks depends on how loaded a machine is:
 * a hop that reaches the server late goes on at the next tick).
 */
export async function settleUntil(
  s: ContractSubject,
  what: string,
  check: () => boolean | Promise<boolean>,
  budgetMs = 2_000,
): Promise<void> {
  for (let spentMs = 0; !(await check()); spentMs += 10) {
    if (spentMs >= budgetMs) {
      throw new Error(`Still waiting for ${what} after ${budgetMs} ms`);
    }
    await s.settle(10);
  }
}

/** Fails unless `call` throws (or rejects with) an instance of `type`. */
export async function assertThrows(
  call: () => unknown,
  type: new (...args: never[]) => Error,
): Promise<void> {
  await assert.rejects(async () => {
    await call();
  }, type);
}

/** Fails unless `call` throws (or rejects with) a `MidiShareError` of `code`. */
export async function assertMidiShareError(
  call: () => unknown,
  code: MidiShareErrorCode,
): Promise<void> {
  await assert.rejects(
    async () => {
      await call();
    },
    (error: unknown) => {
      assert.ok(isMidiShareError(error), `not a MidiShareError: ${error}`);
      assert.equal(error.code, code);
      return true;
    },
  );
}

/** Opens applications named after `names`; returns their refnums. */
export async function openAll(
  s: ContractSubject,
  ...names: string[]
): Promise<number[]> {
  const refs = [];
  for (const name of names) {
    const ref = await s.ms.MidiOpen(name);
    assert.ok(ref > 0, `MidiOpen("${name}") returned ${ref}`);
    refs.push(ref);
  }
  return refs;
}

/** Closes applications, in order. */
export async function closeAll(
  s: ContractSubject,
  ...refs: number[]
): Promise<void> {
  for (const ref of refs) await s.ms.MidiClose(ref);
}

/** A new event of `type` with `fields` set (added for variable-length types). */
export async function newEvent(
  ms: MidiApi,
  type: number,
  fields: number[] = [],
  props: { port?: number; chan?: number; date?: number } = {},
): Promise<MidiEv> {
  const e = await ms.MidiNewEv(type);
  assert.ok(e !== null, `MidiNewEv(${type}) returned null`);
  const isVariable = (await ms.MidiCountFields(e)) === 0 && fields.length > 0;
  for (const [i, v] of fields.entries()) {
    if (isVariable) await ms.MidiAddField(e, v);
    else await ms.MidiSetField(e, i, v);
  }
  if (props.port !== undefined) e.port = props.port;
  if (props.chan !== undefined) e.chan = props.chan;
  if (props.date !== undefined) e.date = props.date;
  return e;
}

/** Takes and frees every waiting event of `ref`, described as a peer would. */
export async function takeAll(
  ms: MidiApi,
  ref: number,
): Promise<Received[]> {
  const got: Received[] = [];
  for (
    let e = await ms.MidiGetEv(ref);
    e !== null;
    e = await ms.MidiGetEv(ref)
  ) {
    got.push(await describe(ms, ref, e));
    await ms.MidiFreeEv(e);
  }
  return got;
}

/** An event's common properties and fields. */
export async function describe(
  ms: MidiApi,
  ref: number,
  e: MidiEv,
): Promise<Received> {
  const count = await ms.MidiCountFields(e);
  const fields: number[] = [];
  for (let i = 0; i < count; i++) fields.push(await ms.MidiGetField(e, i));
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

/** Records the application alarms `ref` gets. */
export async function watchAlarms(
  ms: MidiApi,
  ref: number,
): Promise<{ ref: number; code: number }[]> {
  const alarms: { ref: number; code: number }[] = [];
  await ms.MidiSetApplAlarm(ref, (r, code) => alarms.push({ ref: r, code }));
  return alarms;
}

/** An alarm code: the refnum concerned in the high word, the change below. */
export function code(ref: number, change: number): number {
  return (ref << 16) | change;
}

/** Registers a driver that connects itself to and from 127 when it wakes up. */
export async function connectedDriver(
  s: ContractSubject,
  name: string,
  log: string[] = [],
): Promise<number> {
  return await s.ms.MidiRegisterDriver({ name, version: 100 }, {
    wakeup: (ref) => {
      log.push(`wakeup ${ref}`);
      s.ms.MidiConnect(ref, 127, true);
      s.ms.MidiConnect(127, ref, true);
    },
    sleep: (ref) => log.push(`sleep ${ref}`),
  });
}
