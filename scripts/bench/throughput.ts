// Events per second from one client process to another through the server, against
// the same number of frames of the same size written through a plain Unix socket
// between two processes and read one by one. Prints one JSON line.
// deno-lint-ignore-file no-console
import { createClient } from "@midishare/client";
import {
  firstLine,
  round,
  spawnScript,
  startServer,
  stop,
  tempSocket,
} from "./_util.ts";

const COUNT = Number(Deno.args[0] ?? 1_000_000);

async function midiShare(): Promise<number> {
  const path = await tempSocket();
  const server = await startServer(path);
  const ms = createClient({ socketPath: path, autoStart: false });
  const ref = await ms.MidiOpen("receiver");
  let received = 0, first = 0, last = 0;
  const done = Promise.withResolvers<void>();
  ms.MidiSetRcvAlarm(ref, () => {
    const now = performance.now();
    if (received === 0) first = now;
    received += ms.MidiCountEvs(ref);
    ms.MidiFlushEvs(ref);
    last = now;
    if (received >= COUNT) done.resolve();
  });
  const sender = spawnScript("_sender.ts", ["burst", path, String(COUNT)]);
  await firstLine(sender);
  await done.promise;
  await stop(sender);
  ms.MidiClose(ref);
  await ms.close();
  await stop(server);
  return received / ((last - first) / 1000);
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

const events = await midiShare();
const raw = await rawSocket();
console.log(JSON.stringify({
  events: COUNT,
  midiShareEventsPerSecond: Math.round(events),
  rawSocketFramesPerSecond: Math.round(raw),
  ratio: round(events / raw, 2),
}));
Deno.exit(0);
