/**
 * The inbox where the kernel's notifications for one client arrive, in server order:
 * events queued in the receive FIFOs, tasks due, DTasks ready, alarms and driver
 * wake-ups. Receive alarms run once per tick, at its end, in the order their
 * applications first received an event in that tick.
 *
 * Runs on the client's thread. `deliver`, `runTask` and `readyDTask` are real-time
 * safe apart from the callbacks they run.
 *
 * @module
 */

import { CELL_WORDS } from "../memory/cell_pool.ts";
import { B_PORT } from "../memory/event_layout.ts";
import type {
  NotificationQueueHooks,
  NotificationReceiver,
} from "../contract/mod.ts";
import { REFNUM_COUNT } from "../api/constants.ts";
import type { ApplRecord } from "./appl_record.ts";
import { insertCellByDate, pushCell, releaseCells } from "./cell_list.ts";
import type { ClientMemory } from "./client_memory.ts";
import { type ScheduledTasks, TASK_READY } from "./client_tasks.ts";

/**
 * Where the kernel's notifications for this client arrive, in server order, with what
 * an in-process queue needs to know of the client.
 */
export type ClientInbox = NotificationReceiver & NotificationQueueHooks;

/** What the inbox needs of the client calls it feeds. */
export interface ClientInboxHost {
  /** The client's pool and handles. */
  readonly memory: ClientMemory;
  /** The client's scheduled tasks. */
  readonly tasks: ScheduledTasks;
  /** The record of a refnum the client opened, or undefined. */
  record(refNum: number): ApplRecord | undefined;
  /** Runs a callback; an exception is reported and swallowed. */
  safely(call: () => void): void;
  /** Whether `cell` is still the scheduled task of `refNum` with `serial`. */
  isTask(refNum: number, cell: number, serial: number): boolean;
  /** Runs a task and frees its event. */
  runTask(cell: number, date: number): void;
  /** A copy delivered to `refNum` (−1: unknown) did not fit the pool: count it. */
  copyLost(refNum: number): void;
  /**
   * Records `refNum` as the oldest driver registration still waiting for its reply.
   * @returns false when no registration waits
   */
  adoptRegistration(refNum: number): boolean;
}

/**
 * Creates the inbox of a client.
 * @param host the client calls the notifications act on
 * @returns the inbox
 */
export function createClientInbox(host: ClientInboxHost): ClientInbox {
  const { memory, tasks } = host;
  // Refnums that received events this tick, in order of first delivery.
  const rcvOrder = new Int32Array(REFNUM_COUNT);
  const rcvMarked = new Uint8Array(REFNUM_COUNT);
  let rcvCount = 0;
  return {
    eventPool: () => memory.isActive ? memory.pool : null,
    poolEpoch: () => memory.epoch,
    recordSerial: (ref) => host.record(ref)?.serial ?? 0,
    discard: (cell) => memory.release(cell),
    eventLost: (ref) => host.copyLost(ref),
    deliver: (ref, port, _pool, cell) => {
      const rec = host.record(ref);
      if (rec === undefined) {
        memory.release(cell);
        return;
      }
      memory.pool.bytes[cell * CELL_WORDS * 4 + B_PORT] = port;
      pushCell(memory, rec.fifo, cell);
      if (rcvMarked[ref] === 0) {
        rcvMarked[ref] = 1;
        rcvOrder[rcvCount++] = ref;
      }
    },
    runTask: (ref, cell, serial, date) => {
      if (!host.isTask(ref, cell, serial)) return;
      tasks.remove(cell);
      host.runTask(cell, date);
    },
    readyDTask: (ref, cell, serial, date) => {
      if (!host.isTask(ref, cell, serial)) return;
      tasks.remove(cell);
      tasks.setWhere(cell, TASK_READY);
      insertCellByDate(memory, host.record(ref)!.dtasks, cell, date);
    },
    endTick: () => {
      const count = rcvCount;
      rcvCount = 0;
      for (let i = 0; i < count; i++) {
        const ref = rcvOrder[i]!;
        rcvMarked[ref] = 0;
        const alarm = host.record(ref)?.rcvAlarm;
        if (alarm) host.safely(() => alarm(ref));
      }
    },
    applAlarm: (ref, code) => {
      const alarm = host.record(ref)?.applAlarm;
      if (alarm) host.safely(() => alarm(ref, code));
    },
    driverWakeup: (ref) => {
      // Over a socket, a driver registered while awake wakes up before the reply
      // to its registration arrives: it is the oldest registration waiting.
      if (host.record(ref) === undefined && !host.adoptRegistration(ref)) {
        return;
      }
      const wakeup = host.record(ref)?.ops.wakeup;
      if (wakeup) host.safely(() => wakeup(ref));
    },
    driverSleep: (ref) => {
      const rec = host.record(ref);
      if (rec === undefined) return;
      const sleep = rec.ops.sleep;
      if (sleep) host.safely(() => sleep(ref));
      releaseCells(memory, rec.fifo);
      releaseCells(memory, rec.dtasks);
    },
    dormant: () => {
      for (const cell of tasks.takeAll(() => true)) memory.release(cell);
    },
    // The client reads the counts and the wake state through its server link.
    stateChanged: () => {},
  };
}
