/**
 * A station of a test network running the Inet driver: its server, a MidiShare
 * client of that server in the test process (Unix sockets are reachable across
 * network namespaces), user applications that send and record events, and the
 * driver process (`main.ts inet`) whose log lines are read as they come. Dates are
 * compared across stations on the shared host clock: each server's time origin is
 * taken from its client (`preciseTime()`). Private to `tests/`.
 *
 * @module
 */

import { createClient, type MidiShareClient } from "@midishare/client";
import type { ServerProcess } from "./_harness.ts";
import { terminate, waitFor } from "./_harness.ts";
import { type LineReader, readLines } from "./_line_reader.ts";
import type { Station } from "./_station.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const MAIN = `${ROOT}main.ts`;

/** One event a user application received. */
export interface Received {
  /** Its date in the receiving server's clock. */
  readonly date: number;
  readonly type: number;
  readonly port: number;
  readonly chan: number;
  /** The first fields (up to 4), and the number of fields. */
  readonly fields: number[];
  readonly fieldCount: number;
  /** sum = sum * 31 + byte over every field, as `sysexChecksum`. */
  readonly checksum: number;
}

/** A running driver process. */
export interface DriverProcess {
  readonly child: Deno.ChildProcess;
  readonly reader: LineReader;
  /** Types `q` and waits for the exit status. */
  quit(): Promise<number>;
}

/** A station with its server and client. */
export interface InetStation extends AsyncDisposable {
  readonly station: Station;
  readonly server: ServerProcess;
  readonly ms: MidiShareClient;
  /** Epoch ms of this server's tick 0 (host clock = origin + MidiShare date). */
  origin(): number;
  /** Opens a user application that records what it receives. */
  openUser(name: string): Promise<{ ref: number; received: Received[] }>;
  /** The refnum of the application called `name`, waiting until it exists. */
  refOf(name: string, timeoutMs?: number): Promise<number>;
  /** Whether an application called `name` exists now. */
  has(name: string): Promise<boolean>;
  /** Starts `main.ts inet <args>` in the station. */
  startDriver(args?: string[]): DriverProcess;
}

/** Starts the station's server and connects a client to it. */
export async function startInetStation(
  station: Station,
): Promise<InetStation> {
  const server = await station.startServer();
  const ms = createClient({
    socketPath: station.socketPath,
    autoStart: false,
    poolCellCount: 100_000,
  });
  const drivers: DriverProcess[] = [];
  const self: InetStation = {
    station,
    server,
    ms,
    origin: () => performance.timeOrigin + performance.now() - ms.preciseTime(),
    async openUser(name) {
      const ref = await ms.MidiOpen(name);
      const received: Received[] = [];
      ms.MidiSetRcvAlarm(ref, (r) => {
        for (let e = ms.MidiGetEv(r); e !== null; e = ms.MidiGetEv(r)) {
          const n = ms.MidiCountFields(e);
          let checksum = 0;
          const fields: number[] = [];
          for (let i = 0; i < n; i++) {
            const v = ms.MidiGetField(e, i);
            if (i < 4) fields.push(v);
            checksum = (checksum * 31 + v) >>> 0;
          }
          received.push({
            date: e.date,
            type: e.evType,
            port: e.port,
            chan: e.chan,
            fields,
            fieldCount: n,
            checksum,
          });
          ms.MidiFreeEv(e);
        }
      });
      return { ref, received };
    },
    refOf: (name, timeoutMs = 10_000) =>
      waitFor(
        async () => {
          const ref = await ms.MidiGetNamedAppl(name);
          return ref > 0 ? ref : undefined;
        },
        `application "${name}" on ${station.name}`,
        timeoutMs,
      ),
    has: async (name) => (await ms.MidiGetNamedAppl(name)) > 0,
    startDriver(args = []) {
      const child = station.spawn(
        Deno.execPath(),
        ["run", "-A", MAIN, "inet", ...args],
        { stdin: "piped", cwd: ROOT },
      );
      const reader = readLines(child);
      const driver: DriverProcess = {
        child,
        reader,
        async quit() {
          try {
            const writer = child.stdin.getWriter();
            await writer.write(new TextEncoder().encode("q\n"));
            writer.releaseLock();
          } catch {
            // Already gone.
          }
          return (await child.status).code;
        },
      };
      drivers.push(driver);
      return driver;
    },
    async [Symbol.asyncDispose]() {
      for (const d of drivers) {
        await terminate(d.child, 3_000);
        await d.reader.ended;
      }
      await ms.close().catch(() => {});
      await server.stop();
    },
  };
  return self;
}

/**
 * `count` KeyOn events from application `ref`, `spacingMs` apart from `first`; the
 * i-th carries i in its fields (pitch i & 127, velocity i >> 7), so a receiver tells
 * which ones arrived.
 */
export function sendKeyOns(
  ms: MidiShareClient,
  ref: number,
  options: { count: number; first: number; spacingMs: number; port?: number },
): number[] {
  const dates: number[] = [];
  for (let i = 0; i < options.count; i++) {
    const e = ms.MidiNewEv(1)!;
    ms.MidiSetField(e, 0, i & 127);
    ms.MidiSetField(e, 1, (i >> 7) & 127);
    e.port = options.port ?? 0;
    e.chan = 3;
    const date = (options.first + i * options.spacingMs) >>> 0;
    ms.MidiSendAt(ref, e, date);
    dates.push(date);
  }
  return dates;
}

/** The index a KeyOn of {@link sendKeyOns} carries. */
export function keyOnIndex(r: Received): number {
  return r.fields[0]! + 128 * r.fields[1]!;
}

/** Sends a SysEx of `size` data bytes `i & 0x7F` from `ref` at `date`. */
export function sendSysEx(
  ms: MidiShareClient,
  ref: number,
  options: { size: number; date: number; port?: number },
): void {
  const e = ms.MidiNewEv(17)!;
  for (let i = 0; i < options.size; i++) ms.MidiAddField(e, i & 0x7f);
  e.port = options.port ?? 0;
  ms.MidiSendAt(ref, e, options.date);
}

/**
 * The rendering error of each received KeyOn of {@link sendKeyOns}, ms: its arrival
 * date minus its send date minus `delayMs` (g + M), both mapped to the host clock
 * through each server's time origin.
 */
export function renderingErrors(
  sender: InetStation,
  sent: readonly number[],
  receiver: InetStation,
  received: readonly Received[],
  delayMs: number,
): number[] {
  const offset = receiver.origin() - sender.origin();
  return received.filter((r) => r.type === 1).map((r) =>
    r.date + offset - sent[keyOnIndex(r)]! - delayMs
  );
}
