// Benchmarks print their figures by design (STYLE.md §8).
// deno-lint-ignore-file no-console
/**
 * Kernel routing benchmark: events routed per second from one application to 1, 8
 * and 64 destinations through the in-process kernel (sorter, router, copy into the
 * destination pool, FIFO), against a baseline that only copies each event's cell
 * once per destination; and the JavaScript heap before and after routing 1 000 000
 * events, to show the per-event path allocates nothing.
 *
 * Run by `scripts/bench.ts` with `--v8-flags=--expose-gc,--max-semi-space-size=256`
 * so that no scavenge hides an allocation during the measured run. Prints one JSON
 * object on its last line.
 *
 * @module
 */

import {
  CELL_WORDS,
  createLocalKernel,
  type LocalMidiShare,
  typeKeyOn,
} from "@midishare/kernel";
import { newEvent, setField } from "@midishare/kernel/memory";
import { B_REFNUM, W_DATE } from "@midishare/kernel/memory";

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const EVENTS_PER_TICK = 100;

interface Setup {
  ms: LocalMidiShare;
  source: number;
  dests: number[];
}

function setup(destCount: number): Setup {
  const ms = createLocalKernel({
    poolCellCount: 1 << 16,
    serverPoolCellCount: 1 << 16,
  });
  const source = ms.MidiOpen("source");
  const dests: number[] = [];
  for (let i = 0; i < destCount; i++) {
    const d = ms.MidiOpen(`dest ${i}`);
    ms.MidiConnect(source, d, true);
    dests.push(d);
  }
  return { ms, source, dests };
}

/** One tick's worth: events straight into the server pool, tick, then flush the FIFOs. */
function routeTicks(s: Setup, ticks: number): void {
  const server = s.ms.server, pool = server.pool;
  for (let t = 0; t < ticks; t++) {
    for (let i = 0; i < EVENTS_PER_TICK; i++) {
      const cell = newEvent(pool, typeKeyOn);
      setField(pool, cell, 0, 60);
      setField(pool, cell, 1, 100);
      pool.bytes[cell * CELL_WORDS * 4 + B_REFNUM] = s.source;
      pool.words[cell * CELL_WORDS + W_DATE] = server.now;
      server.MidiSend(cell);
    }
    s.ms.advance(1);
    for (let d = 0; d < s.dests.length; d++) s.ms.MidiFlushEvs(s.dests[d]!);
  }
}

/** Baseline: the same number of cell copies between two typed arrays, nothing else. */
function copyBaseline(events: number, destCount: number): number {
  const from = new Int32Array(CELL_WORDS * 1024),
    to = new Int32Array(CELL_WORDS * 1024);
  let sum = 0;
  const start = performance.now();
  for (let e = 0; e < events; e++) {
    const src = (e & 1023) * CELL_WORDS;
    for (let d = 0; d < destCount; d++) {
      const dst = ((e + d) & 1023) * CELL_WORDS;
      for (let k = 0; k < CELL_WORDS; k++) to[dst + k] = from[src + k]!;
      sum += to[dst]!;
    }
  }
  const ms = performance.now() - start;
  if (sum === -1) console.log(sum); // keep the loop alive
  return ms;
}

function measure(destCount: number, events: number) {
  const s = setup(destCount);
  routeTicks(s, 200); // warm up the JIT
  const ticks = Math.round(events / EVENTS_PER_TICK);
  const start = performance.now();
  routeTicks(s, ticks);
  const ms = performance.now() - start;
  const total = ticks * EVENTS_PER_TICK;
  copyBaseline(total / 10, destCount);
  const baseMs = copyBaseline(total, destCount);
  return {
    destinations: destCount,
    events: total,
    eventsPerSecond: Math.round(total / (ms / 1000)),
    deliveriesPerSecond: Math.round((total * destCount) / (ms / 1000)),
    nsPerEvent: Math.round((ms * 1e6) / total),
    nsPerDelivery: Math.round((ms * 1e6) / (total * destCount)),
    baselineNsPerEvent: Math.round((baseMs * 1e6) / total),
    ratioToBaseline: Number((ms / baseMs).toFixed(2)),
  };
}

function heapCheck(events: number) {
  const s = setup(1);
  routeTicks(s, 2000);
  gc();
  gc();
  const before = Deno.memoryUsage().heapUsed;
  routeTicks(s, Math.round(events / EVENTS_PER_TICK));
  const after = Deno.memoryUsage().heapUsed;
  return {
    events,
    heapBeforeBytes: before,
    heapAfterBytes: after,
    heapGrowthBytes: after - before,
    bytesPerEvent: Number(((after - before) / events).toFixed(4)),
  };
}

const count = Number(Deno.args[0] ?? 2_000_000);
const results = {
  routing: [1, 8, 64].map((n) => measure(n, n === 64 ? count / 8 : count)),
  heap: heapCheck(1_000_000),
};
console.log(JSON.stringify(results));
