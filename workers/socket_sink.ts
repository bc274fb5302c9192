/**
 * The callback channel of a socket client: each notification of the kernel becomes a
 * frame in the output ring, addressed to the client, which the listening worker
 * writes to its socket.
 *
 * Runs in the kernel worker. Real-time safe: frames are written in place in the ring;
 * a full ring drops the frame and counts it.
 *
 * @module
 */

import type { CellPool, ClientSink } from "@midishare/kernel";
import type { Ring } from "@midishare/transport/ring";
import {
  eventWireSize,
  F_APPL_ALARM,
  F_DELIVER,
  F_DORMANT,
  F_DTASK,
  F_END_TICK,
  F_RUN_TASK,
  F_SLEEP,
  F_STATE,
  F_WAKEUP,
  writeEvent,
} from "@midishare/transport/wire";
import { OUT_FRAMES } from "./shared_layout.ts";
import type { ServerClock } from "./server_clock.ts";

/** Shared by the sinks of one kernel worker: whether output was written since the last notify. */
export interface OutputState {
  /** Set when a frame was written; the loop clears it when it wakes the listener. */
  hasOutput: boolean;
  /** Frames dropped because the output ring was full. */
  droppedFrames: number;
}

/** A {@link ClientSink} writing frames for one socket client. */
export class SocketSink implements ClientSink {
  readonly #client: number;
  readonly #ring: Ring;
  readonly #clock: ServerClock;
  readonly #state: OutputState;

  /** A sink for client `client` writing into `ring`. */
  constructor(
    client: number,
    ring: Ring,
    clock: ServerClock,
    state: OutputState,
  ) {
    this.#client = client;
    this.#ring = ring;
    this.#clock = clock;
    this.#state = state;
  }

  /**
   * Reserves a record holding one frame of `payload` bytes (kind included) and writes
   * the record header, frame length and kind; returns the offset after the kind, or
   * −1 (counted) when the ring is full.
   */
  #begin(kind: number, payload: number): number {
    const ring = this.#ring;
    const at = ring.reserve(4 + 4 + payload);
    if (at < 0) {
      this.#state.droppedFrames++;
      return -1;
    }
    ring.view.setUint16(at, this.#client, true);
    ring.view.setUint16(at + 2, OUT_FRAMES, true);
    ring.view.setUint32(at + 4, payload, true);
    ring.bytes[at + 8] = kind;
    return at + 9;
  }

  #end(): void {
    this.#ring.commit();
    this.#state.hasOutput = true;
  }

  /** Writes raw frames (a reply built elsewhere). */
  writeFrames(bytes: Uint8Array, length: number): void {
    const ring = this.#ring;
    const at = ring.reserve(4 + length);
    if (at < 0) {
      this.#state.droppedFrames++;
      return;
    }
    ring.view.setUint16(at, this.#client, true);
    ring.view.setUint16(at + 2, OUT_FRAMES, true);
    ring.bytes.set(bytes.subarray(0, length), at + 4);
    this.#end();
  }

  deliver(refNum: number, pool: CellPool, cell: number, port: number): void {
    const at = this.#begin(F_DELIVER, 2 + eventWireSize(pool, cell));
    if (at < 0) return;
    const ring = this.#ring;
    ring.bytes[at] = refNum;
    writeEvent(ring.bytes, ring.view, at + 1, pool, cell);
    ring.bytes[at + 1 + 6] = port; // the port byte of the event head
    this.#end();
  }

  #task(
    kind: number,
    refNum: number,
    id: number,
    serial: number,
    date: number,
  ) {
    const at = this.#begin(kind, 14);
    if (at < 0) return;
    const v = this.#ring.view;
    this.#ring.bytes[at] = refNum;
    v.setInt32(at + 1, id, true);
    v.setInt32(at + 5, serial, true);
    v.setUint32(at + 9, date, true);
    this.#end();
  }

  runTask(refNum: number, taskId: number, serial: number, date: number): void {
    this.#task(F_RUN_TASK, refNum, taskId, serial, date);
  }

  readyDTask(
    refNum: number,
    taskId: number,
    serial: number,
    date: number,
  ): void {
    this.#task(F_DTASK, refNum, taskId, serial, date);
  }

  endTick(): void {
    if (this.#begin(F_END_TICK, 1) >= 0) this.#end();
  }

  applAlarm(refNum: number, code: number): void {
    const at = this.#begin(F_APPL_ALARM, 6);
    if (at < 0) return;
    this.#ring.bytes[at] = refNum;
    this.#ring.view.setInt32(at + 1, code, true);
    this.#end();
  }

  #ref(kind: number, refNum: number): void {
    const at = this.#begin(kind, 2);
    if (at < 0) return;
    this.#ring.bytes[at] = refNum;
    this.#end();
  }

  driverWakeup(refNum: number): void {
    this.#ref(F_WAKEUP, refNum);
  }

  driverSleep(refNum: number): void {
    this.#ref(F_SLEEP, refNum);
  }

  dormant(): void {
    if (this.#begin(F_DORMANT, 1) >= 0) this.#end();
  }

  stateChanged(applCount: number, driverCount: number, isAwake: boolean): void {
    this.#clock.sync(isAwake);
    const at = this.#begin(F_STATE, 14);
    if (at < 0) return;
    const v = this.#ring.view;
    v.setUint16(at, applCount, true);
    v.setUint16(at + 2, driverCount, true);
    this.#ring.bytes[at + 4] = isAwake ? 1 : 0;
    v.setFloat64(at + 5, this.#clock.origin, true);
    this.#end();
  }
}
