// Events per second from one client process to another through the server, against
// the same number of frames of the same size written through a plain Unix socket
// between two processes and read one by one. Both clients run with -A, so the sender
// sends through a request ring; how many the server had mapped is reported, and
// where the time goes while events flow: CPU and wake-ups per second of the server's
// threads, the sender's and the receiver's (`_threads.ts`); and the rate at which the
// sender made its calls, which its own pacing bounds (see `_sender.ts`). Prints one
// JSON line.
// deno-lint-ignore-file no-console
import { createClient } from "@midishare/client";
import { type GroupUse, serverAndClients, startWindow } from "./_threads.ts";
import {
  firstLine,
  lineReader,
  ringMappings,
  round,
  spawnScript,
  startServer,
  stop,
  tempSocket,
} from "./_util.ts";

const COUNT = Number(Deno.args[0] ?? 1_000_000);

async function midiShare(): Promise<
  {
    perSecond: number;
    senderPerSecond: number;
    rings: number;
    threads: Record<string, GroupUse>;
  }
> {
  const path = await tempSocket();
  const server = await startServer(path);
  const ms = createClient({ socketPath: path, autoStart: false });
  const ref = await ms.MidiOpen("receiver");
  let received = 0, first = 0, last = 0;
  let endWindow: (() => Promise<Record<string, GroupUse>>) | null = null;
  const done = Promise.withResolvers<void>();
  ms.MidiSetRcvAlarm(ref, () => {
    const now = performance.now();
    if (received === 0) {
      first = now;
      endWindow = startWindow(
        [server.pid, sender.pid, Deno.pid],
        serverAndClients(server.pid, {
          sender: sender.pid,
          receiver: Deno.pid,
        }),
      );
    }
    received += ms.MidiCountEvs(ref);
    ms.MidiFlushEvs(ref);
    last = now;
    if (received >= COUNT) done.resolve();
  });
  const sender = spawnScript("_sender.ts", ["burst", path, String(COUNT)]);
  const senderLine = lineReader(sender);
  await senderLine(); // ready
  await done.promise;
  const threads = await endWindow!();
  const sentIn = Number((await senderLine()).split(" ")[1]);
  const rings = await ringMappings(server.pid);
  await stop(sender);
  ms.MidiClose(ref);
  await ms.close();
  await stop(server);
  return {
    perSecond: received / ((last - first) / 1000),
    senderPerSecond: COUNT / sentIn,
    rings,
    threads,
  };
}

async function rawSocket(): Promise<number> {
  const path = await tempSocket();
  const listener = Deno.listen({ transport: "unix", path });
  const blaster = spawnScript("_blast.ts", [path, String(COUNT)]);
  const conn = await listener.accept();
  await firstLine(blaster);
  // Each 24-byte frame is looked at, as a client reads every event frame.
  const buf = new Uint8Array(256 * 1024);
  const view = new DataView(buf.buffer);
  let frames = 0, pending = 0, first = 0, check = 0;
  while (frames < COUNT) {
    const n = await conn.read(buf.subarray(pending));
    if (n === null) break;
    if (first === 0) first = performance.now();
    const end = pending + n;
    let at = 0;
    for (; at + 24 <= end; at += 24) {
      check += view.getUint32(at + 4, true);
      frames++;
    }
    buf.copyWithin(0, at, end);
    pending = end - at;
  }
  const seconds = (performance.now() - first) / 1000;
  conn.close();
  listener.close();
  await blaster.status;
  return check < 0 ? 0 : frames / seconds;
}

const { perSecond: events, senderPerSecond, rings, threads } =
  await midiShare();
const raw = await rawSocket();
console.log(JSON.stringify({
  events: COUNT,
  midiShareEventsPerSecond: Math.round(events),
  senderCallsPerSecond: Math.round(senderPerSecond),
  rawSocketFramesPerSecond: Math.round(raw),
  ratio: round(events / raw, 2),
  serverRings: rings,
  threads,
}));
Deno.exit(0);
