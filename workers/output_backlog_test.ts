import assert from "node:assert/strict";
import { createRingBuffer, Ring } from "./output_ring.ts";
import { MAX_BACKLOG_BYTES, OutputBacklog } from "./output_backlog.ts";

function record(backlog: OutputBacklog, length: number, tag: number) {
  const r = backlog.allocate(length)!;
  r.fill(tag);
  backlog.push(r);
}

Deno.test("OutputBacklog moves records into the ring in order, as room appears", () => {
  const ring = new Ring(createRingBuffer(256));
  const backlog = new OutputBacklog();
  for (let tag = 1; tag <= 6; tag++) record(backlog, 40, tag);
  assert.equal(backlog.flushInto(ring), true);
  assert.equal(backlog.isEmpty, false);
  const read: number[] = [];
  const drain = () => {
    for (let at = ring.peek(); at >= 0; at = ring.peek()) {
      read.push(ring.bytes[at]!);
      ring.release();
    }
  };
  drain();
  while (!backlog.isEmpty) {
    backlog.flushInto(ring);
    drain();
  }
  assert.deepEqual(read, [1, 2, 3, 4, 5, 6]);
  assert.equal(backlog.bytes, 0);
});

Deno.test("OutputBacklog drops and counts what would pass its limit", () => {
  const backlog = new OutputBacklog();
  const big = backlog.allocate(MAX_BACKLOG_BYTES)!;
  backlog.push(big);
  assert.equal(backlog.allocate(1), null);
  assert.equal(backlog.droppedRecords, 1);
});
