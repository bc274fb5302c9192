/**
 * How the kernel worker sleeps and is woken. With FFI, it sleeps in a futex on the
 * wake page (`transport/shared_ring.ts`), a sealed memory file that clients with a
 * request ring map too: a client's request then wakes the kernel directly, with no
 * thread in between. Without FFI it sleeps with `Atomics.wait` on the control block.
 * The server's own threads wake it with {@link wakeKernel}, which does both.
 *
 * Runs in the kernel worker ({@link KernelWait}) and in the listening worker and the
 * main thread ({@link wakeKernel}). Waiting and waking are real-time safe; creating
 * the page is not.
 *
 * @module
 */

import {
  futexWake,
  type Mapping,
  mapSharedFile,
} from "@midishare/transport/shared_memory";
import {
  WAKE_COUNTER,
  WAKE_DEEP,
  WAKE_PAGE_BYTES,
  WAKE_SLEEPING,
} from "@midishare/transport/shared_ring";
import type { Libc } from "./libc.ts";
import { CTL_KERNEL_WAKE, CTL_WAKE_FD } from "./shared_layout.ts";

/** How the kernel worker sleeps; see the module documentation. */
export class KernelWait {
  /** Path of the wake page for clients (`/proc/<pid>/fd/<n>`), or null without. */
  readonly pagePath: string | null = null;
  readonly #control: Int32Array;
  readonly #libc: Libc | null;
  readonly #page: Mapping | null = null;
  readonly #words: Int32Array | null = null;

  /** Creates the wake page when `libc` is there, and publishes it for the wakers. */
  constructor(control: Int32Array, libc: Libc | null) {
    this.#control = control;
    this.#libc = libc;
    const fd = libc?.sealedMemoryFile("midishare-wake", WAKE_PAGE_BYTES) ?? -1;
    const page = fd < 0
      ? null
      : mapSharedFile(`/proc/self/fd/${fd}`, WAKE_PAGE_BYTES);
    if (page === null) return;
    this.#page = page;
    this.#words = new Int32Array(page.buffer);
    this.pagePath = `/proc/${Deno.pid}/fd/${fd}`;
    Atomics.store(control, CTL_WAKE_FD, fd);
  }

  /** The wake counter now: give it to {@link wait}. */
  seen(): number {
    const words = this.#words;
    return words === null
      ? Atomics.load(this.#control, CTL_KERNEL_WAKE)
      : Atomics.load(words, WAKE_COUNTER / 4);
  }

  /**
   * Tells the clients the kernel is about to sleep (until a request when `isDeep`),
   * or is awake; set it before the last look for requests, clear it after the sleep.
   */
  setSleeping(isSleeping: boolean, isDeep: boolean): void {
    const words = this.#words;
    if (words === null) return;
    Atomics.store(words, WAKE_DEEP / 4, isDeep ? 1 : 0);
    Atomics.store(words, WAKE_SLEEPING / 4, isSleeping ? 1 : 0);
  }

  /** Sleeps unless the counter moved from `seen`, for `ms` at most. */
  wait(seen: number, ms: number | undefined): "ok" | "not-equal" | "timed-out" {
    const page = this.#page;
    if (page === null) {
      return Atomics.wait(this.#control, CTL_KERNEL_WAKE, seen, ms);
    }
    return this.#libc!.futexWait(page.pointer, seen, ms);
  }
}

// The wake page as this thread maps it (listener or main thread), once published,
// and its counter.
let page: Mapping | null | undefined;
let counter: Int32Array | null = null;

/** Wakes the kernel worker from another thread of the server. */
export function wakeKernel(control: Int32Array): void {
  Atomics.add(control, CTL_KERNEL_WAKE, 1);
  Atomics.notify(control, CTL_KERNEL_WAKE);
  if (page === undefined) {
    const fd = Atomics.load(control, CTL_WAKE_FD);
    if (fd <= 0) return;
    page = mapSharedFile(`/proc/self/fd/${fd}`, WAKE_PAGE_BYTES);
    if (page !== null) counter = new Int32Array(page.buffer, 0, 1);
  }
  if (page === null) return;
  Atomics.add(counter!, WAKE_COUNTER / 4, 1);
  futexWake(page.pointer);
}
