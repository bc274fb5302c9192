/**
 * The shared memory of the server process: the cell pool of pending events, the
 * request ring (listening worker → kernel worker), the output ring (kernel worker →
 * listening worker), the accounts of the pool (what each client holds and lost, the
 * quota: `kernel/server/server_accounts.ts`) and a control block. The main thread
 * allocates it and hands it to both workers.
 *
 * Control block (`Int32Array` over {@link CONTROL_BYTES} bytes):
 *
 * | word | meaning |
 * | --- | --- |
 * | 0 | kernel wake counter: the listener adds 1 and notifies after writing requests |
 * | 1 | listener wake counter: the kernel adds 1 and notifies after writing output |
 * | 2 | stop flag: the main thread sets 1 and notifies word 0 |
 * | 3 | 1 while at least one application is open |
 * | 4 | 1 while an application or a client's driver exists (the server is in use) |
 * | 5 | ticks run late (more than 1 ms after their due time), for diagnostics |
 * | 6 | 1 while the kernel sleeps until a request (nothing scheduled): one-way requests then wake it too |
 * | 7 | the descriptor of the kernel's wake page (`kernel_wait.ts`), 0 without one |
 *
 * Request record (request ring): u16 client id, u16 kind, then by kind:
 * `REQ_CALL` u32 sequence, u16 call id, the call's arguments (events as u32 cells);
 * `REQ_CONNECT` u32 pid, string name; `REQ_DISCONNECT` nothing.
 *
 * Output record (output ring): u16 client id, u16 kind, then for `OUT_FRAMES` bytes
 * to write to that client as they are (whole frames), for `OUT_CLOSE` the reason to
 * close its connection (its request ring broke the protocol), UTF-8.
 *
 * @module
 */

import { createCellPool } from "@midishare/kernel";
import { ACCOUNTS_BYTES, ServerAccounts } from "@midishare/kernel/server";
import { createRingBuffer } from "./output_ring.ts";

/** Control word: kernel wake counter. */
export const CTL_KERNEL_WAKE = 0;
/** Control word: listener wake counter. */
export const CTL_LISTENER_WAKE = 1;
/** Control word: stop flag. */
export const CTL_STOP = 2;
/** Control word: MidiShare awake. */
export const CTL_AWAKE = 3;
/** Control word: the server is in use (applications or client drivers). */
export const CTL_IN_USE = 4;
/** Control word: late ticks. */
export const CTL_LATE_TICKS = 5;
/** Control word: the kernel sleeps until a request. */
export const CTL_DEEP_SLEEP = 6;
/** Control word: the descriptor of the kernel's wake page, 0 without one. */
export const CTL_WAKE_FD = 7;
/** Bytes of the control block. */
export const CONTROL_BYTES = 64;

/** Request kind: a call frame from a client. */
export const REQ_CALL = 1;
/** Request kind: a client connected (after a valid HELLO). */
export const REQ_CONNECT = 2;
/** Request kind: a client's connection closed. */
export const REQ_DISCONNECT = 3;
/** Output kind: frames for a client. */
export const OUT_FRAMES = 1;
/** Output kind: close the client's connection (UTF-8 reason follows). */
export const OUT_CLOSE = 2;

/** Client ids the listening worker gives to connections: 1..MAX_CONNECTIONS. */
export const MAX_CONNECTIONS = 1000;
/** First client id of the server's own clients (drivers inside the kernel worker). */
export const FIRST_INTERNAL_CLIENT = 1001;

/** Sizes of the shared memory. */
export interface SharedSizes {
  /** Cells of the server pool. */
  poolCells: number;
  /** Bytes of the request ring. */
  requestRingBytes: number;
  /** Bytes of the output ring. */
  outputRingBytes: number;
}

/**
 * Server cells one client may hold by default: a SysEx of 4 MiB, the largest event
 * (349 526 cells), fits with room to spare; three eighths of the default pool, so
 * that one client exhausting its quota leaves five eighths to the others.
 */
export const DEFAULT_CLIENT_QUOTA = 393_216;

/** Default sizes: 1 Mi cells (32 MiB), 16 MiB rings. */
export const DEFAULT_SIZES: SharedSizes = {
  poolCells: 1 << 20,
  requestRingBytes: 16 << 20,
  outputRingBytes: 16 << 20,
};

/** The shared memory, as handed to the workers. */
export interface SharedMemory {
  /** The server cell pool. */
  pool: SharedArrayBuffer;
  /** Requests from the listener to the kernel. */
  requests: SharedArrayBuffer;
  /** Replies and notifications from the kernel to the listener. */
  output: SharedArrayBuffer;
  /** The control block. */
  control: SharedArrayBuffer;
  /** The accounts of the server pool (`ServerAccounts`). */
  accounts: SharedArrayBuffer;
}

/**
 * Allocates the shared memory, with a quota of `clientQuota` server cells per client
 * (0 for none; at most the pool). Not real-time safe.
 */
export function createSharedMemory(
  sizes: SharedSizes = DEFAULT_SIZES,
  clientQuota: number = DEFAULT_CLIENT_QUOTA,
): SharedMemory {
  const pool = createCellPool({ cellCount: sizes.poolCells, shared: true });
  const accounts = new SharedArrayBuffer(ACCOUNTS_BYTES);
  new ServerAccounts(accounts).quota = Math.min(clientQuota, sizes.poolCells);
  return {
    pool: pool.buffer as SharedArrayBuffer,
    requests: createRingBuffer(sizes.requestRingBytes),
    output: createRingBuffer(sizes.outputRingBytes),
    control: new SharedArrayBuffer(CONTROL_BYTES),
    accounts,
  };
}
