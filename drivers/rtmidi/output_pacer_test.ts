import assert from "node:assert/strict";
import { OutputPacer, PACED_SYSEX_MIN_BYTES } from "./output_pacer.ts";

function recorder() {
  const sent: { at: number; bytes: number[] }[] = [];
  let now = 0;
  return {
    sent,
    setNow: (t: number) => now = t,
    write: (bytes: Uint8Array, length: number) =>
      sent.push({ at: now, bytes: [...bytes.subarray(0, length)] }),
  };
}

function sysex(length: number): Uint8Array {
  const b = new Uint8Array(length).fill(1);
  b[0] = 0xf0;
  b[length - 1] = 0xf7;
  return b;
}

Deno.test("OutputPacer holds the port for a long SysEx's cable time, then sends in order", () => {
  const r = recorder();
  const pacer = new OutputPacer(r.write, 3125);
  pacer.send(sysex(1024), 1024, 0);
  pacer.send(new Uint8Array([0x90, 60, 100]), 3, 0);
  pacer.send(new Uint8Array([0x80, 60, 0]), 3, 10);
  assert.equal(r.sent.length, 1);
  assert.equal(pacer.waiting, 2);
  r.setNow(327);
  pacer.flush(327); // 1024 bytes take 327.68 ms at 3125 bytes/s
  assert.equal(r.sent.length, 1);
  r.setNow(328);
  pacer.flush(328);
  assert.deepEqual(r.sent.slice(1).map((m) => m.bytes), [[0x90, 60, 100], [
    0x80,
    60,
    0,
  ]]);
});

Deno.test("OutputPacer sends short messages and short SysEx at once", () => {
  const r = recorder();
  const pacer = new OutputPacer(r.write, 3125);
  pacer.send(sysex(PACED_SYSEX_MIN_BYTES - 1), PACED_SYSEX_MIN_BYTES - 1, 0);
  pacer.send(new Uint8Array([0xb0, 7, 100]), 3, 0);
  assert.equal(r.sent.length, 2);
  assert.equal(pacer.waiting, 0);
});

Deno.test("OutputPacer without a rate never waits", () => {
  const r = recorder();
  const pacer = new OutputPacer(r.write, 0);
  for (let i = 0; i < 5; i++) pacer.send(sysex(4096), 4096, 0);
  assert.equal(r.sent.length, 5);
});

Deno.test("OutputPacer keeps a long burst intact while it waits, and clear() forgets it", () => {
  const r = recorder();
  const pacer = new OutputPacer(r.write, 3125);
  pacer.send(sysex(3125), 3125, 0); // busy for 1000 ms
  for (let i = 0; i < 2000; i++) {
    pacer.send(new Uint8Array([0x90, i & 0x7f, 1]), 3, 1);
  }
  pacer.send(sysex(5000), 5000, 1);
  assert.equal(pacer.waiting, 2001);
  pacer.flush(1000);
  assert.equal(r.sent.length, 2002);
  assert.deepEqual(
    r.sent.slice(1, 2001).map((m) => m.bytes[1]),
    Array.from({ length: 2000 }, (_, i) => i & 0x7f),
  );
  assert.equal(r.sent[2001]!.bytes.length, 5000);
  pacer.send(new Uint8Array([0xfe]), 1, 1001);
  assert.equal(pacer.waiting, 1);
  pacer.clear();
  assert.equal(pacer.waiting, 0);
});
