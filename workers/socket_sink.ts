/**
 * The callback channel of a socket client: each notification of the kernel becomes a
 * frame in the output ring, addressed to the client, which the listening worker
 * writes to its socket.
 *
 * Runs in the kernel worker. Real-time safe while the ring has room: frames are written
 * in place in the ring. When it is full they wait in order in the {@link OutputBacklog}.
 *
 * @module
 */

import type { CellPool, ClientSink } from "@midishare/kernel";
import type { Ring } from "./output_ring.ts";
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
import type { OutputBacklog } from "./output_backlog.ts";
import { OUT_FRAMES } from "./shared_layout.ts";
import type { ServerClock } from "./server_clock.ts";

/** Shared by the sinks of one kernel worker. */
export interface OutputState {
  /** Set when a frame was written; the loop clears it when it wakes the listener. */
  hasOutput: boolean;
  /** Frames that wait for room in the ring, in order. */
  backlog: OutputBacklog;
}

/** A {@link ClientSink} writing frames for one socket client. */
export class SocketSink implements ClientSink {
  readonly #client: number;
  readonly #ring: Ring;
  readonly #clock: ServerClock;
  readonly #state: OutputState;
  /** Where the frame begun last is written: the ring's memory or a backlog record. */
  #bytes: Uint8Array;
  #view: DataView;
  #isInRing = true;

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
    this.#bytes = ring.bytes;
    this.#view = ring.view;
  }

  /**
   * Reserves a record of `length` bytes after its 4-byte header, in the ring or, when
   * the ring is full or records already wait, in the backlog; writes the header and
   * returns the offset after it in {@link #bytes}, or −1 when even the backlog is full.
   */
  #reserve(length: number): number {
    const backlog = this.#state.backlog;
    let at = backlog.isEmpty ? this.#ring.reserve(4 + length) : -1;
    if (at >= 0) {
      this.#bytes = this.#ring.bytes;
      this.#view = this.#ring.view;
      this.#isInRing = true;
    } else {
      const record = backlog.allocate(4 + length);
      if (record === null) return -1;
      this.#bytes = record;
      this.#view = new DataView(record.buffer);
      this.#isInRing = false;
      at = 0;
    }
    this.#view.setUint16(at, this.#client, true);
    this.#view.setUint16(at + 2, OUT_FRAMES, true);
    return at + 4;
  }

  /** Begins one frame of `payload` bytes (kind included); returns the offset after the kind. */
  #begin(kind: number, payload: number): number {
    const at = this.#reserve(4 + payload);
    if (at < 0) return -1;
    this.#view.setUint32(at, payload, true);
    this.#bytes[at + 4] = kind;
    return at + 5;
  }

  #end(): void {
    if (this.#isInRing) this.#ring.commit();
    else this.#state.backlog.push(this.#bytes);
    this.#state.hasOutput = true;
  }

  /** Writes raw frames (a reply built elsewhere). */
  writeFrames(bytes: Uint8Array, length: number): void {
    const at = this.#reserve(length);
    if (at < 0) return;
    this.#bytes.set(bytes.subarray(0, length), at);
    this.#end();
  }

  deliver(refNum: number, pool: CellPool, cell: number, port: number): void {
    const at = this.#begin(F_DELIVER, 2 + eventWireSize(pool, cell));
    if (at < 0) return;
    this.#bytes[at] = refNum;
    writeEvent(this.#bytes, this.#view, at + 1, pool, cell);
    this.#bytes[at + 1 + 6] = port; // the port byte of the event head
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
    const v = this.#view;
    this.#bytes[at] = refNum;
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
    this.#bytes[at] = refNum;
    this.#view.setInt32(at + 1, code, true);
    this.#end();
  }

  #ref(kind: number, refNum: number): void {
    const at = this.#begin(kind, 2);
    if (at < 0) return;
    this.#bytes[at] = refNum;
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
    const v = this.#view;
    v.setUint16(at, applCount, true);
    v.setUint16(at + 2, driverCount, true);
    this.#bytes[at + 4] = isAwake ? 1 : 0;
    v.setFloat64(at + 5, this.#clock.origin, true);
    this.#end();
  }
}
