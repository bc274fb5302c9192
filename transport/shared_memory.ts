/**
 * Maps a file of shared memory (a server's request ring) through synchronous FFI to
 * the C library: `open`, `mmap`, `close`, and `munmap` when done.
 *
 * Runs on a client's main thread or in the server's kernel worker; not real-time
 * safe. Needs `--allow-ffi`: {@link mapSharedFile} returns null without it, and the
 * client then keeps to its socket.
 *
 * @module
 */

/** A mapping of shared memory: its bytes, and how to give them back. */
export interface Mapping {
  /** The mapped bytes; never touch them after {@link unmap}. */
  readonly buffer: ArrayBuffer;
  /** Where they are mapped (for futex calls). */
  readonly pointer: Deno.PointerObject;
  /** Unmaps the memory; idempotent. */
  unmap(): void;
}

const O_RDWR = 2;
const O_CLOEXEC = 0o2000000;
const PROT_READ_WRITE = 3;
const MAP_SHARED = 1;
const MAP_FAILED = (1n << 64n) - 1n;

const SYMBOLS = {
  open: { parameters: ["buffer", "i32"], result: "i32" },
  mmap: {
    parameters: ["pointer", "usize", "i32", "i32", "i32", "i64"],
    result: "pointer",
  },
  munmap: { parameters: ["pointer", "usize"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  // syscall(SYS_futex, address, op, value, timeout, address2, value3)
  syscall: {
    parameters: ["i64", "pointer", "i32", "i32", "pointer", "pointer", "i32"],
    result: "i32",
  },
} as const;

const SYS_FUTEX: Record<string, bigint> = { "x86_64": 202n, "aarch64": 98n };
const FUTEX_WAKE = 1;

let libc: Deno.DynamicLibrary<typeof SYMBOLS> | null | undefined;

function openLibc(): Deno.DynamicLibrary<typeof SYMBOLS> | null {
  if (libc === undefined) {
    try {
      libc = canMapSharedMemory() && SYS_FUTEX[Deno.build.arch] !== undefined
        ? Deno.dlopen("libc.so.6", SYMBOLS)
        : null;
    } catch {
      libc = null;
    }
  }
  return libc;
}

/** Whether this process may map shared memory (FFI allowed, on Linux). */
export function canMapSharedMemory(): boolean {
  if (Deno.build.os !== "linux") return false;
  try {
    return Deno.permissions.querySync({ name: "ffi" }).state === "granted";
  } catch {
    return false;
  }
}

/**
 * Maps the first `bytes` of the file at `path` for reading and writing, shared with
 * the other processes that map it; null when that is not possible.
 */
export function mapSharedFile(path: string, bytes: number): Mapping | null {
  const lib = openLibc();
  if (lib === null) return null;
  const s = lib.symbols;
  const name = new TextEncoder().encode(`${path}\0`);
  const fd = s.open(name, O_RDWR | O_CLOEXEC);
  if (fd < 0) return null;
  const size = BigInt(bytes);
  const at = s.mmap(null, size, PROT_READ_WRITE, MAP_SHARED, fd, 0n);
  s.close(fd); // the mapping keeps the file
  if (at === null || BigInt(Deno.UnsafePointer.value(at)) === MAP_FAILED) {
    return null;
  }
  const buffer = Deno.UnsafePointerView.getArrayBuffer(at, bytes);
  let isMapped = true;
  return {
    buffer,
    pointer: at,
    unmap: () => {
      if (!isMapped) return;
      isMapped = false;
      s.munmap(at, size);
    },
  };
}

/**
 * Wakes one thread waiting in a futex on the 32-bit word at `address` (a pointer
 * into a shared mapping: the waiter may be in another process).
 */
export function futexWake(address: Deno.PointerObject): void {
  openLibc()?.symbols.syscall(
    SYS_FUTEX[Deno.build.arch]!,
    address,
    FUTEX_WAKE,
    1,
    null,
    null,
    0,
  );
}
