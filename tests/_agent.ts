// A test client process: a real MidiShare client driven by JSON-line commands on
// standard input; each command gets one JSON-line answer on standard output.
//
// Usage: deno run -A tests/_agent.ts <socket path> <name>
// Commands: {"id", "op", ...}; answers: {"id", "ok": true, "value"} or {"id", "ok":
// false, "error", "code"}. See `handle` for the operations.

// A test helper process prints its answers on standard output by design.
// deno-lint-ignore-file no-console

import { createClient, type MidiEv } from "@midishare/client";
import { epochNow } from "@midishare/transport/clock";

const [socketPath, name] = Deno.args;
const ms = createClient({
  ...(socketPath === undefined || socketPath === "" ? {} : { socketPath }),
  name: name ?? "agent",
  autoStart: Deno.env.get("AGENT_AUTOSTART") === "1",
});

interface Received {
  ref: number;
  type: number;
  date: number;
  refNum: number;
  port: number;
  chan: number;
  fields: number[];
  arrival: number;
  arrivalEpoch: number;
}

const received: Received[] = [];
const alarms: { ref: number; code: number }[] = [];
const tasks: { date: number; ref: number; tag: unknown; time: number }[] = [];

/** What MidiTask and MidiDTask run: notes the date, refnum, tag and time it ran. */
function recordTask(date: number, ref: number, tag: unknown): void {
  tasks.push({ date, ref, tag, time: ms.MidiGetTime() });
}

function record(ref: number, e: MidiEv): Received {
  const count = ms.MidiCountFields(e);
  const fields = [];
  // Long SysEx: keep a checksum rather than every byte.
  if (count > 64) {
    let sum = 0;
    for (let i = 0; i < count; i++) {
      sum = (sum * 31 + ms.MidiGetField(e, i)) >>> 0;
    }
    fields.push(count, sum);
  } else {
    for (let i = 0; i < count; i++) fields.push(ms.MidiGetField(e, i));
  }
  return {
    ref,
    type: e.evType,
    date: e.date,
    refNum: e.refNum,
    port: e.port,
    chan: e.chan,
    fields,
    arrival: ms.MidiGetTime(),
    arrivalEpoch: epochNow(),
  };
}

function makeEvent(cmd: Record<string, unknown>): MidiEv {
  const e = ms.MidiNewEv(cmd.type as number);
  if (e === null) throw new Error(`MidiNewEv(${cmd.type}) returned null`);
  const fields = (cmd.fields as number[] | undefined) ?? [];
  fields.forEach((v, i) => ms.MidiSetField(e, i, v));
  for (let i = 0; i < ((cmd.bytes as number | undefined) ?? 0); i++) {
    ms.MidiAddField(e, i & 0x7f);
  }
  if (cmd.port !== undefined) e.port = cmd.port as number;
  if (cmd.chan !== undefined) e.chan = cmd.chan as number;
  return e;
}

async function handle(cmd: Record<string, unknown>): Promise<unknown> {
  switch (cmd.op) {
    case "call": {
      const fn =
        (ms as unknown as Record<string, (...a: unknown[]) => unknown>)[
          cmd.name as string
        ];
      if (typeof fn !== "function") throw new Error(`no call ${cmd.name}`);
      return await fn.apply(ms, (cmd.args as unknown[]) ?? []);
    }
    case "calls": { // calls awaited in turn, the counts read right after each one
      // An argument {"$": i} stands for the value call i returned.
      const done: { value: unknown; appls: number; drivers: number }[] = [];
      for (const [name, ...args] of cmd.calls as [string, ...unknown[]][]) {
        const fn =
          (ms as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
        if (typeof fn !== "function") throw new Error(`no call ${name}`);
        const value = await fn.apply(
          ms,
          args.map((a) =>
            typeof a === "object" && a !== null && "$" in a
              ? done[(a as { $: number }).$]!.value
              : a
          ),
        );
        done.push({
          value,
          appls: ms.MidiCountAppls(),
          drivers: ms.MidiCountDrivers(),
        });
      }
      return done;
    }
    case "lost": // waits until the client has lost its server; the reason
      return (await ms.lost).message;
    case "collect": // record every event `ref` receives, with its arrival time
      ms.MidiSetRcvAlarm(cmd.ref as number, (ref) => {
        for (let e = ms.MidiGetEv(ref); e !== null; e = ms.MidiGetEv(ref)) {
          received.push(record(ref, e));
          ms.MidiFreeEv(e);
        }
      });
      return null;
    case "watchAlarms":
      ms.MidiSetApplAlarm(
        cmd.ref as number,
        (ref, code) => alarms.push({ ref, code }),
      );
      return null;
    case "send": { // MidiSendAt at `date`, or `in` ms from now, or MidiSendIm; the time
      const e = makeEvent(cmd);
      const ref = cmd.ref as number;
      if (cmd.date !== undefined) ms.MidiSendAt(ref, e, cmd.date as number);
      else if (cmd.in !== undefined) {
        ms.MidiSendAt(ref, e, ms.MidiGetTime() + (cmd.in as number));
      } else ms.MidiSendIm(ref, e);
      return ms.MidiGetTime();
    }
    case "sendMany": { // `count` events 1 ms apart from `date`, field 0 = index
      const start = cmd.date as number;
      for (let i = 0; i < (cmd.count as number); i++) {
        const e = makeEvent({ ...cmd, fields: [i & 0x7f, (i >> 7) & 0x7f] });
        ms.MidiSendAt(
          cmd.ref as number,
          e,
          start + i * ((cmd.step as number) ?? 1),
        );
      }
      return null;
    }
    case "addFields": { // a SysEx grown byte by byte; its count and the client's losses
      const e = ms.MidiNewEv(17);
      if (e === null) throw new Error("MidiNewEv(17) returned null");
      for (let i = 0; i < (cmd.bytes as number); i++) ms.MidiAddField(e, i);
      const count = ms.MidiCountFields(e);
      ms.MidiFreeEv(e);
      return { count, losses: ms.lossCounts() };
    }
    case "losses":
      return ms.lossCounts();
    case "task":
      ms.MidiTask(
        recordTask,
        cmd.date as number,
        cmd.ref as number,
        cmd.tag,
      );
      return null;
    case "filter": { // install (first time) or change the filter of `ref`
      const ref = cmd.ref as number;
      let f = ms.MidiGetFilter(ref);
      if (f === null) {
        f = ms.MidiNewFilter();
        ms.MidiSetFilter(ref, f);
      }
      for (const p of (cmd.ports as number[] | undefined) ?? []) {
        ms.MidiAcceptPort(f, p, true);
      }
      for (const t of (cmd.types as number[] | undefined) ?? []) {
        ms.MidiAcceptType(f, t, true);
      }
      for (const c of (cmd.chans as number[] | undefined) ?? []) {
        ms.MidiAcceptChan(f, c, true);
      }
      return null;
    }
    case "forgetRace": { // schedule, let the server trigger it while blocked, forget
      const ref = cmd.ref as number;
      // Tried again when the task's date passed before the client could block (a
      // slow round trip on a loaded machine): the race must happen while blocked.
      for (let attempt = 0; attempt < 10; attempt++) {
        let ran = false;
        const date = ms.MidiGetTime() + 20;
        const box = { value: ms.MidiTask(() => ran = true, date, ref) };
        await ms.MidiGetName(ref); // the task has reached the server
        if (ms.MidiGetTime() >= date - 2) {
          ms.MidiForgetTask(box);
          continue;
        }
        // Block past the date: the trigger arrives meanwhile.
        const until = performance.now() + (date - ms.MidiGetTime()) + 30;
        while (performance.now() < until) { /* blocked */ }
        ms.MidiForgetTask(box);
        await new Promise((resolve) => setTimeout(resolve, 50));
        return { ran, boxEmpty: box.value === null };
      }
      throw new Error(
        "the task's date always passed before the client blocked",
      );
    }
    case "dtask": { // a DTask at `date`; "dtasks" then reports the ready count
      ms.MidiDTask(
        recordTask,
        cmd.date as number,
        cmd.ref as number,
        cmd.tag,
      );
      return null;
    }
    case "time":
      return { time: ms.MidiGetTime(), epoch: epochNow() };
    case "received":
      return received.splice(0);
    case "alarms":
      return alarms.splice(0);
    case "tasks":
      return tasks.splice(0);
    case "state":
      return {
        state: ms.state,
        appls: ms.MidiCountAppls(),
        drivers: ms.MidiCountDrivers(),
        free: ms.MidiFreeSpace(),
        total: ms.MidiTotalSpace(),
      };
    case "status":
      return await ms.serverStatus();
    case "serverTime": {
      const before = ms.MidiGetTime();
      const server = await ms.serverTime();
      return { before, server, after: ms.MidiGetTime() };
    }
    case "exit":
      setTimeout(() => Deno.exit(0), 10);
      return null;
    default:
      throw new Error(`unknown op ${String(cmd.op)}`);
  }
}

const decoder = new TextDecoder();
let pending = "";
for await (const chunk of Deno.stdin.readable) {
  pending += decoder.decode(chunk, { stream: true });
  let nl;
  while ((nl = pending.indexOf("\n")) >= 0) {
    const line = pending.slice(0, nl);
    pending = pending.slice(nl + 1);
    if (line.trim() === "") continue;
    const cmd = JSON.parse(line) as Record<string, unknown>;
    handle(cmd).then(
      (value) => console.log(JSON.stringify({ id: cmd.id, ok: true, value })),
      (error: Error & { code?: string }) =>
        console.log(JSON.stringify({
          id: cmd.id,
          ok: false,
          error: error.message,
          code: error.code ?? error.name,
        })),
    );
  }
}
