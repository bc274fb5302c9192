/**
 * The options of the kernel worker's loop, and the work its own clients (hardware
 * drivers) do inside it.
 *
 * Types only: used in the kernel worker, where the loop is created and its hooks
 * added.
 *
 * @module
 */

/** Work of the kernel worker's own clients (hardware drivers) inside the loop. */
export interface LoopHook {
  /** Runs after the requests of a pass were handled. */
  afterRequests(): void;
  /** Runs after each tick of the kernel. Must be real-time safe. */
  afterTick(now: number): void;
  /** Whether the hook needs every tick now (inputs to poll, output to finish). */
  needsTicks(): boolean;
}

/** Options of `KernelLoop`. */
export interface KernelLoopOptions {
  /** Called when the server becomes in use or idle (applications or client drivers). */
  onInUse?: (isInUse: boolean) => void;
  /** Extra facts for `ServerStatus`. */
  describeServer?: () => Record<string, unknown>;
  /**
   * The overload policy's bound in ms (default `DEFAULT_MAX_LATENESS_MS`; 0 turns
   * the drops off): see `kernel_loop.ts` and `overload_policy.ts`.
   */
  maxLatenessMs?: number;
  /**
   * For tests only: every tick that dispatches something also spins this many ms, so
   * that the kernel falls behind its clock deterministically.
   */
  testTickCostMs?: number;
  /**
   * Where the kernel's own socket listens, for the clients' request rings
   * (`shared_rings.ts`); without it, or without FFI, every client keeps to the
   * listener's socket.
   */
  ringSocketPath?: string;
  /**
   * What the output the kernel writes to the clients' sockets may hold at once, in
   * bytes (the connection memory budget); default 256 MiB.
   */
  connectionMemoryBytes?: number;
}
