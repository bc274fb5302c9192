// HostID dates (spec §4.4, §5.2, §5.4, §5.5).

import assert from "node:assert/strict";
import {
  createHostIdSchedule,
  LAN_HOST_ID_PATTERN,
  WAN_COMPLETE_PATTERN,
  WAN_HANDSHAKE_PATTERN,
} from "./host_id_schedule.ts";

function sends(
  from: number,
  to: number,
  poll: (now: number) => boolean,
): number[] {
  const out: number[] = [];
  for (let now = from; now <= to; now++) {
    if (poll(now >>> 0)) out.push(now >>> 0);
  }
  return out;
}

Deno.test("createHostIdSchedule() gives the LAN burst then every 100 ms", () => {
  const s = createHostIdSchedule();
  assert.equal(s.nextDate, null);
  s.start(0, LAN_HOST_ID_PATTERN);
  assert.deepEqual(sends(0, 1000, (n) => s.poll(n)), [
    ...[0, 50, 100, 150, 200, 250],
    ...[350, 450, 550, 650, 750, 850, 950],
  ]);
});

Deno.test("createHostIdSchedule() gives the WAN rates", () => {
  const s = createHostIdSchedule();
  s.start(10, WAN_HANDSHAKE_PATTERN);
  assert.deepEqual(sends(10, 400, (n) => s.poll(n)), [10, 110, 210, 310]);
  s.start(405, WAN_COMPLETE_PATTERN);
  assert.deepEqual(sends(405, 1000, (n) => s.poll(n)), [405, 605, 805]);
});

Deno.test("createHostIdSchedule() sends nothing once stopped", () => {
  const s = createHostIdSchedule();
  s.start(0, WAN_COMPLETE_PATTERN);
  assert.equal(s.poll(0), true);
  s.stop();
  assert.equal(s.nextDate, null);
  assert.deepEqual(sends(0, 1000, (n) => s.poll(n)), []);
});

Deno.test("createHostIdSchedule() sends one packet after a late poll and keeps its phase", () => {
  const s = createHostIdSchedule();
  s.start(0, LAN_HOST_ID_PATTERN);
  assert.equal(s.poll(0), true);
  assert.equal(s.poll(420), true);
  assert.equal(s.nextDate, 450);
  assert.equal(s.poll(449), false);
  assert.equal(s.poll(450), true);
});

Deno.test("createHostIdSchedule() works across the 2^32 wrap", () => {
  const s = createHostIdSchedule();
  const w = 2 ** 32 - 120;
  s.start(w, LAN_HOST_ID_PATTERN);
  assert.deepEqual(sends(w, w + 300, (n) => s.poll(n)), [
    w,
    w + 50,
    w + 100,
    (w + 150) >>> 0,
    (w + 200) >>> 0,
    (w + 250) >>> 0,
  ]);
});
