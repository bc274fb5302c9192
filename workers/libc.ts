/**
 * The few C library calls the server's shared request rings need, through
 * synchronous FFI: a sealed memory file (mapped with `transport/shared_memory.ts`),
 * and a listening Unix socket whose connections the kernel worker writes to itself. Each returns −1 (or null)
 * on failure, with {@link errno} telling why.
 *
 * Runs in the kernel worker (calls on its own thread: no helper thread is woken).
 * Needs `--allow-ffi`; {@link openLibc} returns null without it or off Linux.
 *
 * @module
 */

/** `errno` values the callers tell apart. */
export const EAGAIN = 11;
/** `errno`: interrupted by a signal. */
export const EINTR = 4;

const MFD_CLOEXEC = 1;
const MFD_ALLOW_SEALING = 2;
const F_ADD_SEALS = 1033;
// F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW: the size is fixed for good, so that
// no process can truncate the file under a mapping (a read past its end is SIGBUS).
const SEALS = 1 | 2 | 4;
const AF_UNIX = 1;
const SOCK_STREAM = 1;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const MSG_DONTWAIT = 0x40;
const MSG_NOSIGNAL = 0x4000;
const SOCKADDR_UN_BYTES = 110;
const SYS_FUTEX: Record<string, bigint> = { "x86_64": 202n, "aarch64": 98n };
const FUTEX_WAIT = 0;
/** `errno`: the futex timed out. */
export const ETIMEDOUT = 110;

const SYMBOLS = {
  memfd_create: { parameters: ["buffer", "u32"], result: "i32" },
  ftruncate: { parameters: ["i32", "i64"], result: "i32" },
  fcntl: { parameters: ["i32", "i32", "i32"], result: "i32" },
  fchmod: { parameters: ["i32", "u32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  bind: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  listen: { parameters: ["i32", "i32"], result: "i32" },
  accept4: {
    parameters: ["i32", "pointer", "pointer", "i32"],
    result: "i32",
  },
  // Lengths as u32 (zero-extended into the size_t register): no BigInt per call.
  recv: { parameters: ["i32", "buffer", "u32", "i32"], result: "i32" },
  send: { parameters: ["i32", "buffer", "u32", "i32"], result: "i32" },
  __errno_location: { parameters: [], result: "pointer" },
  // syscall(SYS_futex, address, op, value, timeout, address2, value3)
  syscall: {
    parameters: ["i64", "pointer", "i32", "i32", "buffer", "pointer", "i32"],
    result: "i32",
  },
} as const;

/** The C library calls; see the module documentation. */
export class Libc {
  readonly #lib: Deno.DynamicLibrary<typeof SYMBOLS>;
  readonly #cString = new TextEncoder();
  // A relative timespec, written as 32-bit halves (no BigInt per wait).
  readonly #timeout = new Int32Array(4);
  readonly #sysFutex: bigint = SYS_FUTEX[Deno.build.arch] ?? -1n;

  /** Wraps an opened C library. */
  constructor(lib: Deno.DynamicLibrary<typeof SYMBOLS>) {
    this.#lib = lib;
  }

  /** The `errno` of this thread's last failed call. */
  errno(): number {
    const at = this.#lib.symbols.__errno_location();
    return at === null ? 0 : new Deno.UnsafePointerView(at).getInt32();
  }

  /**
   * A memory file of `bytes` whose size is sealed; its descriptor, or −1.
   * @param name a label shown in `/proc/<pid>/fd`
   */
  sealedMemoryFile(name: string, bytes: number): number {
    const s = this.#lib.symbols;
    const fd = s.memfd_create(
      this.#path(name),
      MFD_CLOEXEC | MFD_ALLOW_SEALING,
    );
    if (fd < 0) return -1;
    if (
      s.ftruncate(fd, BigInt(bytes)) !== 0 ||
      s.fcntl(fd, F_ADD_SEALS, SEALS) !== 0
    ) {
      s.close(fd);
      return -1;
    }
    return fd;
  }

  /**
   * Sleeps while the shared 32-bit word at `address` holds `expected`, for `ms` at
   * most (forever when undefined); "ok" when woken, "not-equal" when it no longer
   * held it, "timed-out" after `ms`.
   */
  futexWait(
    address: Deno.PointerObject,
    expected: number,
    ms: number | undefined,
  ): "ok" | "not-equal" | "timed-out" {
    const t = this.#timeout;
    let timeout: Int32Array | null = null;
    if (ms !== undefined) {
      const seconds = Math.floor(ms / 1000);
      t[0] = seconds;
      t[1] = 0;
      t[2] = Math.round((ms - seconds * 1000) * 1e6);
      t[3] = 0;
      timeout = t;
    }
    const result = this.#lib.symbols.syscall(
      this.#sysFutex,
      address,
      FUTEX_WAIT,
      expected,
      timeout,
      null,
      0,
    );
    if (result === 0) return "ok";
    const errno = this.errno();
    return errno === ETIMEDOUT
      ? "timed-out"
      : errno === EAGAIN
      ? "not-equal"
      : "ok";
  }

  /** Closes a descriptor. */
  close(fd: number): void {
    this.#lib.symbols.close(fd);
  }

  /**
   * A nonblocking Unix stream socket listening at `path` (which must not exist),
   * of mode 0600 from the first instant whatever the umask, like the server's own
   * socket: only this user may connect. Its descriptor, or −1.
   */
  listenUnix(path: string, backlog = 128): number {
    const s = this.#lib.symbols;
    const address = new Uint8Array(SOCKADDR_UN_BYTES);
    const name = this.#cString.encode(path);
    if (name.length >= SOCKADDR_UN_BYTES - 2) return -1;
    new DataView(address.buffer).setUint16(0, AF_UNIX, true);
    address.set(name, 2);
    const fd = s.socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    // Linux creates the socket file with the mode of the socket itself (less the
    // umask): set before `bind`, there is no moment where others may connect.
    if (
      s.fchmod(fd, 0o600) !== 0 ||
      s.bind(fd, address, 2 + name.length + 1) !== 0 ||
      s.listen(fd, backlog) !== 0
    ) {
      s.close(fd);
      return -1;
    }
    return fd;
  }

  /** Accepts one connection of listening socket `fd`, nonblocking; −1 when none. */
  accept(fd: number): number {
    return this.#lib.symbols.accept4(
      fd,
      null,
      null,
      SOCK_NONBLOCK | SOCK_CLOEXEC,
    );
  }

  /** Reads what is there, up to `length` bytes, without waiting; −1 when nothing. */
  recv(fd: number, into: Uint8Array, length: number): number {
    return this.#lib.symbols.recv(fd, into, length, MSG_DONTWAIT);
  }

  /**
   * Writes the first `length` bytes of `bytes` without waiting (and without SIGPIPE);
   * the number written, or −1.
   */
  send(fd: number, bytes: Uint8Array, length: number): number {
    return this.#lib.symbols.send(
      fd,
      bytes,
      length,
      MSG_DONTWAIT | MSG_NOSIGNAL,
    );
  }

  #path(path: string): Uint8Array {
    const encoded = this.#cString.encode(path);
    const bytes = new Uint8Array(encoded.length + 1);
    bytes.set(encoded);
    return bytes;
  }
}

/** The C library, or null without FFI rights or off Linux. Not real-time safe. */
export function openLibc(): Libc | null {
  if (Deno.build.os !== "linux") return null;
  try {
    return new Libc(Deno.dlopen("libc.so.6", SYMBOLS));
  } catch {
    return null;
  }
}
