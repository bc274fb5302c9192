// Overload: N client processes each send one event per ms (MidiSendAt 100 ms ahead, in
// batches of 20) to one receiver for S seconds. The receiver measures each event's
// lateness in MidiShare dates (its clock at arrival minus the event's date), and the
// part of it MidiShare added (its clock minus the later of the date and the sender's
// clock when it sent); the server's status gives the events it dropped and why. The
// same load from a few senders, below saturation, is the baseline of the same run.
// Prints one JSON line.
//   overload.ts [senders] [baselineSenders] [seconds] [serve options...]
// deno-lint-ignore-file no-console
import { createClient } from "@midishare/client";
import {
  firstLine,
  percentiles,
  round,
  spawnScript,
  startServer,
  stop,
  tempSocket,
} from "./_util.ts";

const SENDERS = Number(Deno.args[0] ?? 64);
const BASELINE_SENDERS = Number(Deno.args[1] ?? 4);
const SECONDS = Number(Deno.args[2] ?? 5);
const SERVE_OPTIONS = Deno.args.slice(3);

async function run(senders: number) {
  const path = await tempSocket();
  const server = await startServer(path, { args: SERVE_OPTIONS });
  const ms = createClient({ socketPath: path, autoStart: false });
  const ref = await ms.MidiOpen("receiver");
  const late: number[] = [], added: number[] = [];
  let lastArrival = performance.now();
  ms.MidiSetRcvAlarm(ref, () => {
    const now = ms.preciseTime();
    lastArrival = performance.now();
    for (let e = ms.MidiGetEv(ref); e !== null; e = ms.MidiGetEv(ref)) {
      late.push(now - e.date);
      added.push(now - Math.max(e.date, ms.MidiGetField(e, 0)));
      ms.MidiFreeEv(e);
    }
  });
  const count = SECONDS * 1000;
  const children = Array.from(
    { length: senders },
    () => spawnScript("_overload_sender.ts", [path, String(count)]),
  );
  try {
    await Promise.all(children.map(firstLine));
    // Every sender is done, then nothing arrives for 2 s (at most 120 s in all).
    const deadline = performance.now() + 120_000;
    await Promise.all(children.map((c) => c.status));
    while (
      performance.now() - lastArrival < 2000 && performance.now() < deadline
    ) await new Promise((r) => setTimeout(r, 200));
    const status = await ms.serverStatus() as Record<string, unknown>;
    const ticks = status.tickLateness as Record<string, number>;
    const p = percentiles(late.length > 0 ? late : [0]);
    const a = percentiles(added.length > 0 ? added : [0]);
    return {
      senders,
      sent: senders * count,
      received: late.length,
      latenessMs: { p50: round(p.p50), p99: round(p.p99), max: round(p.max) },
      addedMs: { p50: round(a.p50), p99: round(a.p99), max: round(a.max) },
      ...(status.losses as Record<string, number>),
      lostCount: status.lostCount,
      tickLatenessUs: { p99: ticks.p99Us, max: ticks.maxUs },
      worstDispatchLatenessMs: status.worstDispatchLatenessMs,
    };
  } finally {
    for (const c of children) await stop(c);
    ms.MidiClose(ref);
    await ms.close();
    await stop(server);
  }
}

const baseline = await run(BASELINE_SENDERS);
const overload = await run(SENDERS);
console.log(JSON.stringify({ seconds: SECONDS, baseline, overload }));
Deno.exit(0);
