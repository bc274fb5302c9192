import assert from "node:assert/strict";
import {
  clockDate,
  parseTempo,
  retempo,
  songPosition,
} from "./_clock_schedule.ts";

Deno.test("clockDate() puts 10 000 clocks each at its exact date rounded to the ms, without drift", () => {
  for (const bpm of [120, 93.5, 123.457, 1, 1000]) {
    const milliBpm = parseTempo(String(bpm))!;
    const start = 4_000_000_000; // near the wrap of 32 bits: nothing overflows
    const segment = { date: start, index: 0, milliBpm };
    const exact = (i: number) => i * 60_000 / (24 * milliBpm / 1000);
    let previous = start - 1;
    for (let i = 0; i <= 10_000; i++) {
      const date = clockDate(segment, i);
      assert.ok(
        Math.abs(date - start - exact(i)) <= 0.5,
        `${bpm} bpm, clock ${i}: ${date - start} ms, exactly ${exact(i)}`,
      );
      assert.ok(date >= previous, "dates never go back");
      previous = date;
    }
  }
});

Deno.test("clockDate() is exact after an hour at 120 and at 93.5 a minute", () => {
  const at120 = { date: 0, index: 0, milliBpm: 120_000 };
  assert.equal(clockDate(at120, 24 * 120 * 60), 3_600_000);
  const at93 = { date: 7, index: 0, milliBpm: 93_500 };
  // 93.5 · 60 quarters an hour: 134 640 clocks in exactly 3 600 000 ms.
  assert.equal(clockDate(at93, 134_640), 7 + 3_600_000);
  assert.equal(clockDate(at93, 1), 7 + 27); // 26.737 ms, rounded
});

Deno.test("retempo() starts the new tempo at a clock's date, and songPosition() counts sixteenths", () => {
  const first = { date: 1000, index: 0, milliBpm: 120_000 };
  const second = retempo(first, 48, 60_000); // after two quarters: 1000 ms
  assert.deepEqual(second, { date: 2000, index: 48, milliBpm: 60_000 });
  assert.equal(clockDate(second, 72), 3000);
  assert.equal(songPosition(72), 12);
  assert.equal(parseTempo("0.5"), null);
  assert.equal(parseTempo("12x"), null);
  assert.equal(parseTempo("93.5"), 93_500);
});
