/**
 * The contract battery: every case of every group, and {@link runBattery}, which runs
 * them as steps of one test against one {@link ContractSubject}, checks that each case
 * leaves MidiShare as it found it, and that the battery made every call of the API.
 * Private to `tests/contract/`.
 *
 * @module
 */

import assert from "node:assert/strict";
import * as client from "@midishare/client";
import { applicationCases } from "./_cases_applications.ts";
import { driverCases } from "./_cases_drivers.ts";
import { edgeCases } from "./_cases_edges.ts";
import { eventCases } from "./_cases_events.ts";
import { fidelityCases } from "./_cases_fidelity.ts";
import { lifeCycleCases } from "./_cases_life_cycle.ts";
import { peerCases } from "./_cases_peers.ts";
import { receivingCases } from "./_cases_receiving.ts";
import { routingCases } from "./_cases_routing.ts";
import { slotCases } from "./_cases_slots.ts";
import { taskCases } from "./_cases_tasks.ts";
import { timeCases } from "./_cases_time.ts";
import type { ContractCase } from "./_case_kit.ts";
import type { ContractSubject, MidiApi } from "./_subject.ts";

/** Every case, in the order they run. */
export const battery: readonly ContractCase[] = [
  ...applicationCases,
  ...driverCases,
  ...slotCases,
  ...routingCases,
  ...receivingCases,
  ...eventCases,
  ...lifeCycleCases,
  ...fidelityCases,
  ...edgeCases,
  ...taskCases,
  ...timeCases,
  ...peerCases,
];

/** The names of every MidiShare call of `@midishare/client`. */
export const CALL_NAMES: readonly string[] = Object.entries(client)
  .filter(([name, value]) =>
    /^Midi[A-Z0-9]/.test(name) && typeof value === "function" &&
    name !== "MidiShareError"
  )
  .map(([name]) => name)
  .sort();

/**
 * `ms` seen through a recorder: the calls made are added to `used`, and the refnums
 * `MidiOpen` and `MidiRegisterDriver` return to `opened`.
 */
function instrument(ms: MidiApi, used: Set<string>, opened: number[]): MidiApi {
  const track = (value: unknown) => {
    if (typeof value === "number" && value >= 0) opened.push(value);
  };
  return new Proxy(ms, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof prop !== "string" || typeof value !== "function") return value;
      used.add(prop);
      const fn = value as (...args: unknown[]) => unknown;
      if (prop !== "MidiOpen" && prop !== "MidiRegisterDriver") {
        return fn.bind(target);
      }
      return (...args: unknown[]) => {
        const result = fn.apply(target, args);
        if (result instanceof Promise) {
          return result.then((ref) => {
            track(ref);
            return ref;
          });
        }
        track(result);
        return result;
      };
    },
  });
}

/** Closes what a case left open (after a failure), so that the next one starts clean. */
async function cleanUp(s: ContractSubject, opened: number[]): Promise<void> {
  for (const ref of opened.splice(0).reverse()) {
    await s.ms.MidiClose(ref);
    await s.ms.MidiUnregisterDriver(ref);
  }
  await s.settle(0);
}

/** Runs the battery against `subject`, one step per case. */
export async function runBattery(
  t: Deno.TestContext,
  subject: ContractSubject,
): Promise<void> {
  const used = new Set<string>();
  const opened: number[] = [];
  const view: ContractSubject = {
    kind: subject.kind,
    ms: instrument(subject.ms, used, opened),
    clockToleranceMs: subject.clockToleranceMs,
    settle: (ms) => subject.settle(ms),
    peer: (name) => subject.peer(name),
    [Symbol.asyncDispose]: () => Promise.resolve(),
  };
  const counts = async () => [
    await subject.ms.MidiCountAppls(),
    await subject.ms.MidiCountDrivers(),
  ];
  for (const c of battery) {
    const ignore = c.ignore === true ||
      (c.ignore !== undefined && c.ignore.includes(subject.kind));
    await t.step({
      name: c.name,
      ignore,
      fn: async () => {
        const before = await counts();
        try {
          await c.fn(view);
          await subject.settle(0);
          assert.deepEqual(
            await counts(),
            before,
            "applications and drivers (counts) differ from the start of the case",
          );
        } finally {
          await cleanUp(subject, opened);
        }
      },
    });
  }
  await t.step("the battery makes every MidiShare call", () => {
    const missing = CALL_NAMES.filter((name) => !used.has(name));
    assert.deepEqual(missing, [], `calls the battery never made`);
  });
}
