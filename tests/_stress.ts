/**
 * Probes of the server's limits, for the limit tests and by hand: many idle
 * connections, frames left half sent, the server's memory and descriptors. Every
 * probe is bounded in time and stays on the local socket. Private to `tests/`.
 *
 * @module
 */

import { FRAME_KINDS } from "@midishare/transport/gen/frames_gen";
import {
  PROTOCOL_MAGIC,
  PROTOCOL_VERSION,
  WireWriter,
} from "@midishare/transport/wire";

/** A valid HELLO frame with client name `name`. */
export function helloFrame(name = "probe"): Uint8Array {
  const w = new WireWriter();
  const start = w.beginFrame(FRAME_KINDS.hello);
  w.u32(PROTOCOL_MAGIC);
  w.u16(PROTOCOL_VERSION);
  w.u32(Deno.pid);
  w.str(name);
  w.endFrame(start);
  return w.bytes.slice(0, w.length);
}

/** Connections held open by a probe; disposing closes those still open. */
export interface Connections extends AsyncDisposable {
  conns: Deno.UnixConn[];
  /** How many of them the server has closed so far (a read saw the end). */
  closedByServer(): number;
  /** Closes them all. */
  close(): void;
}

/**
 * Opens `count` connections to `path` and writes `first` (if any) on each; watches
 * each one for the server closing it. Connecting stops early, without failing, when
 * the system refuses more.
 */
export async function openConnections(
  path: string,
  count: number,
  first?: Uint8Array,
): Promise<Connections> {
  const conns: Deno.UnixConn[] = [];
  const isOpen = new Set<Deno.UnixConn>();
  let closedByServer = 0;
  const watches: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    let conn: Deno.UnixConn;
    try {
      conn = await Deno.connect({ transport: "unix", path });
    } catch {
      break; // the listen backlog is full: enough for this probe
    }
    conns.push(conn);
    isOpen.add(conn);
    if (first !== undefined) await writeAll(conn, first).catch(() => {});
    watches.push((async () => {
      const buf = new Uint8Array(4096);
      while (true) {
        const n = await conn.read(buf).catch(() => null);
        if (n === null) break;
      }
      // Our own close also ends the read: only count what the server ended.
      if (isOpen.has(conn)) closedByServer++;
    })());
  }
  const close = () => {
    for (const conn of isOpen) {
      isOpen.delete(conn);
      try {
        conn.close();
      } catch {
        // The server closed it first.
      }
    }
  };
  return {
    conns,
    closedByServer: () => closedByServer,
    close,
    async [Symbol.asyncDispose]() {
      close();
      await Promise.all(watches);
    },
  };
}

/**
 * The start of a frame announcing `frameBytes` of payload of kind `kind`, with
 * `sentBytes` of it: a frame left half sent.
 */
export function halfFrame(
  kind: number,
  frameBytes: number,
  sentBytes: number,
): Uint8Array {
  const bytes = new Uint8Array(4 + sentBytes);
  new DataView(bytes.buffer).setUint32(0, frameBytes, true);
  bytes[4] = kind;
  return bytes;
}

/** The resident memory of process `pid`, in bytes. */
export async function residentBytes(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kib = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (kib === undefined) throw new Error(`No VmRSS for process ${pid}`);
  return Number(kib) * 1024;
}

/** How many descriptors process `pid` has open. */
export async function openDescriptors(pid: number): Promise<number> {
  return (await Array.fromAsync(Deno.readDir(`/proc/${pid}/fd`))).length;
}

/**
 * Lowers the descriptor limit of process `pid` (soft and hard) to `limit` with
 * `prlimit`.
 */
export async function limitDescriptors(
  pid: number,
  limit: number,
): Promise<void> {
  const out = await new Deno.Command("prlimit", {
    args: [`--pid=${pid}`, `--nofile=${limit}:${limit}`],
    stdout: "null",
    stderr: "piped",
    signal: AbortSignal.timeout(10_000),
  }).output();
  if (!out.success) {
    throw new Error(
      `prlimit failed: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
}

/** `promise`, or a rejection saying `what` did not happen within `timeoutMs`. */
export async function withDeadline<T>(
  promise: Promise<T>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not happen within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Writes all of `bytes` (a socket may take them in several writes). */
export async function writeAll(
  conn: Deno.Conn,
  bytes: Uint8Array,
): Promise<void> {
  for (let done = 0; done < bytes.length;) {
    done += await conn.write(bytes.subarray(done));
  }
}
