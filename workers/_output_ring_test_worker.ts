// The consumer side of ring_test.ts: reads records, checks each one's sequence number,
// length and canaries, and reports what it saw. Private to transport/.
import { Ring } from "./output_ring.ts";

interface Start {
  buffer: SharedArrayBuffer;
  count: number;
  flag: SharedArrayBuffer;
}
declare const self: {
  onmessage: ((e: MessageEvent<Start>) => void) | null;
  postMessage(message: unknown): void;
};

self.onmessage = (
  e: MessageEvent<
    { buffer: SharedArrayBuffer; count: number; flag: SharedArrayBuffer }
  >,
) => {
  const ring = new Ring(e.data.buffer);
  const flag = new Int32Array(e.data.flag);
  let expected = 0, problems = 0, firstProblem = "";
  const fail = (what: string) => {
    if (problems++ === 0) firstProblem = what;
  };
  while (expected < e.data.count) {
    const at = ring.peek();
    if (at < 0) {
      Atomics.wait(flag, 0, Atomics.load(flag, 0), 1);
      continue;
    }
    const length = ring.peekLength(at);
    const seq = ring.view.getUint32(at, true);
    if (seq !== expected) fail(`record ${expected}: got sequence ${seq}`);
    const size = ring.view.getUint32(at + 4, true);
    if (size + 12 !== length) {
      fail(`record ${seq}: length ${length} for size ${size}`);
    }
    for (let i = 0; i < size; i++) {
      if (ring.bytes[at + 8 + i] !== ((seq + i) & 0xff)) {
        fail(`record ${seq}: byte ${i} corrupted`);
        break;
      }
    }
    if (
      ring.view.getUint32(at + 8 + size, true) !==
        (0xc0ffee00 | (seq & 0xff)) >>> 0
    ) {
      fail(`record ${seq}: trailing canary overwritten`);
    }
    ring.release();
    expected++;
  }
  self.postMessage({ received: expected, problems, firstProblem });
};
