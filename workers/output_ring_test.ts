import assert from "node:assert/strict";
import { createRingBuffer, Ring } from "./output_ring.ts";
import { Random, testSeed } from "../testing/random.ts";

Deno.test("Ring hands records in order and refuses what does not fit", () => {
  const ring = new Ring(createRingBuffer(64));
  assert.equal(ring.peek(), -1);
  const write = (n: number, fill: number) => {
    const at = ring.reserve(n);
    if (at >= 0) {
      ring.bytes.fill(fill, at, at + n);
      ring.commit();
    }
    return at;
  };
  assert.ok(write(10, 1) >= 0);
  assert.ok(write(10, 2) >= 0);
  assert.equal(write(40, 3), -1, "larger than half the ring");
  assert.equal(ring.refusedCount, 1);
  for (const fill of [1, 2]) {
    const at = ring.peek();
    assert.equal(ring.peekLength(at), 10);
    assert.equal(ring.bytes[at], fill);
    ring.release();
  }
  assert.equal(ring.peek(), -1);
  // Fill until full: the writer never overtakes the reader.
  let written = 0;
  while (write(8, 9) >= 0) written++;
  assert.ok(
    written >= 3 && written <= 5,
    `${written} records of 12 bytes in 64`,
  );
  assert.equal(ring.usedBytes > 0, true);
});

Deno.test("Ring carries records of random sizes to a real Worker without loss or reordering", async () => {
  const seed = testSeed();
  const random = new Random(seed);
  const buffer = createRingBuffer(4096);
  const ring = new Ring(buffer);
  const flag = new SharedArrayBuffer(4);
  const count = 60_000;
  const worker = new Worker(
    new URL("./_output_ring_test_worker.ts", import.meta.url),
    { type: "module" },
  );
  const report = new Promise<
    { received: number; problems: number; firstProblem: string }
  >(
    (resolve) => worker.onmessage = (e) => resolve(e.data),
  );
  worker.postMessage({ buffer, count, flag });
  let full = 0;
  for (let seq = 0; seq < count;) {
    const size = random.int(4) === 0 ? random.int(1500) : random.int(40);
    const at = ring.reserve(size + 12);
    if (at < 0) {
      full++;
      Atomics.add(new Int32Array(flag), 0, 1);
      Atomics.notify(new Int32Array(flag), 0);
      // Give the consumer a moment; yield to the event loop only now and then.
      const until = performance.now() + 2;
      while (performance.now() < until && ring.usedBytes > 2048) { /* spin */ }
      if (full % 64 === 0) await new Promise((r) => setTimeout(r, 0));
      continue;
    }
    ring.view.setUint32(at, seq, true);
    ring.view.setUint32(at + 4, size, true);
    for (let i = 0; i < size; i++) ring.bytes[at + 8 + i] = (seq + i) & 0xff;
    ring.view.setUint32(at + 8 + size, (0xc0ffee00 | (seq & 0xff)) >>> 0, true);
    ring.commit();
    seq++;
  }
  const result = await report;
  worker.terminate();
  assert.deepEqual(
    { received: result.received, problems: result.problems },
    { received: count, problems: 0 },
    `seed ${seed}: ${result.firstProblem}`,
  );
  assert.ok(
    full > 0,
    "the ring was full at times, so wrap and refusal were exercised",
  );
});
