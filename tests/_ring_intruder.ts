// A hostile client of the request-ring path: speaks the protocol by hand (HELLO,
// MidiOpen, OpenSharedRing, map the memory file, connect to the kernel's socket,
// write the token, AttachSharedRing), then does what its case says to its own ring.
// Prints one JSON line per step on standard output. Private to `tests/`.
//
// Usage: deno run -A tests/_ring_intruder.ts <socket path> <case>
// Cases: the keys of GARBAGE in `_ring_garbage.ts`, with ":<seed>" for the random
// ones (garbage in the ring, then wait for the server to close both sockets);
// "truncate" (try to resize the memory file, then use the ring normally); "reopen"
// (ask for a ring again once attached, then make a call); "offer" (print the offer
// and wait, unattached, until standard input closes).

// A test helper process reports on standard output by design.
// deno-lint-ignore-file no-console

import { beginCall, writeHello } from "@midishare/transport/gen/frames_gen";
import { mapSharedFile } from "@midishare/transport/shared_memory";
import {
  RingWriter,
  type SharedRingOffer,
} from "@midishare/transport/shared_ring";
import {
  PROTOCOL_MAGIC,
  PROTOCOL_VERSION,
  WireReader,
  WireWriter,
} from "@midishare/transport/wire";
import { callFrame, callId, GARBAGE } from "./_ring_garbage.ts";

const [socketPath, caseName] = Deno.args;
/** How long the server may take to answer, or to close a client. */
const DEADLINE_MS = 30_000;

/** The frames of one connection, in order; null once it ended. */
class FrameQueue {
  readonly #frames: Uint8Array[] = [];
  #waiter: (() => void) | null = null;
  #isEnded = false;
  readonly ended: Promise<void>;

  constructor(conn: Deno.Conn) {
    this.ended = this.#read(conn);
  }

  async #read(conn: Deno.Conn): Promise<void> {
    let pending = new Uint8Array(0);
    const buf = new Uint8Array(64 * 1024);
    for (let n = await read(conn, buf); n !== null; n = await read(conn, buf)) {
      const joined = new Uint8Array(pending.length + n);
      joined.set(pending);
      joined.set(buf.subarray(0, n), pending.length);
      const view = new DataView(joined.buffer);
      let at = 0;
      while (joined.length - at >= 4) {
        const size = view.getUint32(at, true);
        if (joined.length - at - 4 < size) break;
        this.#push(joined.slice(at + 4, at + 4 + size));
        at += 4 + size;
      }
      pending = joined.slice(at);
    }
    this.#isEnded = true;
    this.#waiter?.();
  }

  #push(frame: Uint8Array): void {
    this.#frames.push(frame);
    this.#waiter?.();
  }

  async next(): Promise<Uint8Array | null> {
    while (this.#frames.length === 0 && !this.#isEnded) {
      await new Promise<void>((resolve) => this.#waiter = resolve);
      this.#waiter = null;
    }
    return this.#frames.shift() ?? null;
  }
}

/** One read of `conn`; null at its end (or when it broke). */
function read(conn: Deno.Conn, buf: Uint8Array): Promise<number | null> {
  return conn.read(buf).catch(() => null);
}

/** A reader of one payload. */
function reader(payload: Uint8Array): WireReader {
  return new WireReader(
    payload,
    new DataView(payload.buffer),
    0,
    payload.length,
  );
}

/** Writes one frame built by `build` on `conn`. */
async function send(conn: Deno.Conn, build: (w: WireWriter) => void) {
  const w = new WireWriter();
  build(w);
  for (let done = 0; done < w.length;) {
    done += await conn.write(w.bytes.subarray(done, w.length));
  }
}

let seq = 0;

/**
 * Sends request `name` on `conn`; the reader of its result from `replies`, or null
 * when none came in time (or the connection ended first).
 */
async function request(
  conn: Deno.Conn,
  replies: FrameQueue,
  name: string,
  args: (w: WireWriter) => void = () => {},
): Promise<WireReader | null> {
  const mine = ++seq;
  await send(conn, (w) => {
    const start = beginCall(w, callId(name), mine);
    args(w);
    w.endFrame(start);
  });
  const reply = (async () => {
    for (let f = await replies.next(); f !== null; f = await replies.next()) {
      const r = reader(f);
      if (r.u8() === 0x83 && r.u32() === mine) return r;
    }
    return null;
  })();
  return await withinDeadline(reply, null);
}

/** What `promise` gives, or `late` when it takes longer than the deadline. */
async function withinDeadline<T>(promise: Promise<T>, late: T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<T>((resolve) =>
    timer = setTimeout(() => resolve(late), DEADLINE_MS)
  );
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** libc's open and ftruncate, and errno. */
function libc() {
  return Deno.dlopen("libc.so.6", {
    open: { parameters: ["buffer", "i32"], result: "i32" },
    ftruncate: { parameters: ["i32", "i64"], result: "i32" },
    __errno_location: { parameters: [], result: "pointer" },
  }).symbols;
}

/** What `ftruncate(fd, bytes)` returned, and errno. */
function tryTruncate(c: ReturnType<typeof libc>, fd: number, bytes: number) {
  const rc = c.ftruncate(fd, BigInt(bytes));
  const at = c.__errno_location();
  const errno = at === null ? 0 : new Deno.UnsafePointerView(at).getInt32();
  return { rc, errno: rc === 0 ? 0 : errno };
}

/** Whether `queue` ended within the deadline. */
function endsInTime(queue: FrameQueue): Promise<boolean> {
  const drained = (async () => {
    while (await queue.next() !== null) { /* frames before the end */ }
    return true;
  })();
  return withinDeadline(drained, false);
}

const out = (value: unknown) => console.log(JSON.stringify(value));

const conn = await Deno.connect({ transport: "unix", path: socketPath! });
const first = new FrameQueue(conn);
await send(
  conn,
  (w) => writeHello(w, PROTOCOL_MAGIC, PROTOCOL_VERSION, Deno.pid, "intruder"),
);
const welcome = reader((await first.next())!);
if (welcome.u8() !== 0x81) throw new Error("no welcome");
welcome.pos += 6; // magic and version
const client = welcome.u16();
// The result of a request that must be answered, before the ring is attached.
const answer = async (name: string, args?: (w: WireWriter) => void) => {
  const r = await request(conn, first, name, args);
  if (r === null) throw new Error(`no answer to ${name}`);
  return r;
};
const ref = (await answer("MidiOpen", (w) => w.str("intruder"))).i16();
const offer = JSON.parse(
  (await answer("OpenSharedRing")).str(),
) as SharedRingOffer;
out({ client, ref, offer });
if (caseName === "offer") {
  for await (const _ of Deno.stdin.readable) { /* until stdin closes */ }
  Deno.exit(0);
}
const c = caseName === "truncate" ? libc() : null;
const fd = c?.open(new TextEncoder().encode(`${offer.memory}\0`), 2) ?? -1;
const mapping = mapSharedFile(offer.memory, offer.bytes)!;
const kernelConn = await Deno.connect({
  transport: "unix",
  path: offer.socket,
});
const second = new FrameQueue(kernelConn);
await kernelConn.write(new TextEncoder().encode(offer.token));
const isAttached = (await answer("AttachSharedRing")).bool();
out({ isAttached });
if (c !== null) {
  out({
    fd,
    shrink: tryTruncate(c, fd, 0),
    grow: tryTruncate(c, fd, 2 * offer.bytes),
  });
  // The ring still works: a one-way call in the ring, seen by a request's reply.
  const frame = callFrame("MidiSetName", 0, (w) => {
    w.i16(ref);
    w.str("sealed");
  });
  const ring = new RingWriter(mapping.buffer);
  ring.writeFrame(frame, 0, frame.length);
  ring.publish();
  const name = await request(conn, second, "MidiGetName", (w) => w.i16(ref));
  out({ name: name?.nstr() ?? "no reply" });
} else if (caseName === "reopen") {
  // Asked again once attached; the replies come on the kernel's socket.
  const again = await request(conn, second, "OpenSharedRing");
  out({ reopened: again?.str() ?? "no reply" });
  const name = await request(conn, second, "MidiGetName", (w) => w.i16(ref));
  out({ name: name?.nstr() ?? "no reply" });
} else {
  const [garbage, seed] = caseName!.split(":");
  GARBAGE[garbage!]!(mapping.buffer, Number(seed ?? 1));
  // A socket frame wakes a sleeping kernel, which reads the client's ring before
  // it handles the frame. It may have closed the connection already.
  await send(conn, (w) => w.endFrame(beginCall(w, callId("MidiGetError"), 1)))
    .catch(() => {});
  const [firstEnded, secondEnded] = await Promise.all([
    endsInTime(first),
    endsInTime(second),
  ]);
  out({ firstEnded, secondEnded });
}
Deno.exit(0);
