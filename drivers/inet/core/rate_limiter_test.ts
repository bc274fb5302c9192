// createRateLimiter(): rate-limited logs and Echo replies (spec §7.9, D31).

import assert from "node:assert/strict";
import { createRateLimiter } from "./rate_limiter.ts";

function clock(start = 0): { now: () => number; set: (t: number) => void } {
  let t = start;
  return { now: () => t, set: (v) => (t = v) };
}

Deno.test("createRateLimiter() allows one action per key and window, counting the rest", () => {
  const c = clock();
  const limiter = createRateLimiter({ now: c.now });
  assert.equal(limiter.take("a"), 0);
  for (let i = 0; i < 5; i++) assert.equal(limiter.take("a"), -1);
  assert.equal(limiter.take("b"), 0, "keys are independent");
  c.set(999);
  assert.equal(limiter.take("a"), -1);
  c.set(1000);
  assert.equal(limiter.take("a"), 6);
  assert.equal(limiter.take("a"), -1);
  c.set(5000);
  assert.equal(limiter.take("a"), 1);
  assert.equal(limiter.take("b"), 0);
});

Deno.test("createRateLimiter() allows maxPerWindow actions for Echo replies", () => {
  const c = clock(100);
  const limiter = createRateLimiter({
    now: c.now,
    windowMs: 100,
    maxPerWindow: 3,
  });
  assert.deepEqual(
    Array.from({ length: 5 }, () => limiter.take("echo 10.0.0.1")),
    [0, 0, 0, -1, -1],
  );
  c.set(200);
  assert.equal(limiter.take("echo 10.0.0.1"), 2);
});

Deno.test("createRateLimiter() opens a new window when the clock goes back or wraps", () => {
  const c = clock(2 ** 32 - 10);
  const limiter = createRateLimiter({ now: c.now });
  assert.equal(limiter.take("k"), 0);
  assert.equal(limiter.take("k"), -1);
  c.set(5);
  assert.equal(limiter.take("k"), 1);
});

Deno.test("createRateLimiter() bounds its memory under a flood from 10 000 addresses (§10 item 30)", () => {
  const c = clock();
  const limiter = createRateLimiter({ now: c.now, maxKeys: 100 });
  for (let i = 0; i < 10000; i++) {
    assert.equal(limiter.take(`badMagic 10.0.${i >> 8}.${i & 255}`), 0);
    assert.ok(limiter.keyCount <= 100);
  }
  assert.equal(limiter.keyCount, 100);
  assert.equal(limiter.evictedCount, 9900);
  // The most recent keys are still limited; the oldest were forgotten.
  assert.equal(limiter.take("badMagic 10.0.39.15"), -1);
  assert.equal(limiter.take("badMagic 10.0.0.0"), 0);
  limiter.clear();
  assert.equal(limiter.keyCount, 0);
});

Deno.test("createRateLimiter() keeps a key in use remembered (least recently used goes)", () => {
  const c = clock();
  const limiter = createRateLimiter({ now: c.now, maxKeys: 2 });
  limiter.take("a");
  limiter.take("b");
  limiter.take("a"); // a is now the most recent
  limiter.take("c"); // evicts b
  assert.equal(limiter.take("a"), -1, "a still remembered");
  assert.equal(limiter.take("b"), 0, "b was forgotten");
});

Deno.test("createRateLimiter() throws RangeError on a bad option", () => {
  const now = () => 0;
  assert.throws(() => createRateLimiter({ now, windowMs: 0 }), RangeError);
  assert.throws(
    () => createRateLimiter({ now, maxPerWindow: 1.5 }),
    RangeError,
  );
  assert.throws(() => createRateLimiter({ now, maxKeys: -1 }), RangeError);
});
