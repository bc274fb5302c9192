import assert from "node:assert/strict";
import {
  createKernel,
  type KernelClient,
  typeKeyOff,
  typeKeyOn,
  typeTempo,
} from "../mod.ts";
import { writeMidiFile } from "../midi_file/mod.ts";
import { openPlayer, type Player } from "./mod.ts";

/**
 * A type-1 file of 480 ticks a quarter: a conductor track (120 a minute, then 90
 * from tick 1920) and a track with a note of 100 ticks on every eighth, pitches
 * 40, 41, ...; returns the bytes and the exact ms of every Note On.
 */
function gridFile(ms: KernelClient, count: number) {
  const conductor = ms.MidiNewSeq()!, notes = ms.MidiNewSeq()!;
  const add = (seq: typeof notes, type: number, tick: number, f: number[]) => {
    const e = ms.MidiNewEv(type)!;
    f.forEach((v, i) => ms.MidiSetField(e, i, v));
    e.date = tick;
    ms.MidiAddSeq(seq, e);
  };
  add(conductor, typeTempo, 0, [500_000]);
  add(conductor, typeTempo, 1920, [666_667]);
  const onsMs = [];
  for (let i = 0; i < count; i++) {
    const tick = i * 240;
    add(notes, typeKeyOn, tick, [40 + i, 100]);
    add(notes, typeKeyOn, tick + 100, [40 + i, 0]);
    onsMs.push(
      tick <= 1920 ? tick * 500 / 480 : 2000 + (tick - 1920) * 666.667 / 480,
    );
  }
  const bytes = writeMidiFile(ms, {
    tracks: [conductor, notes],
    division: 480,
    dates: "ticks",
  });
  ms.MidiFreeSeq(conductor);
  ms.MidiFreeSeq(notes);
  return { bytes, onsMs };
}

/** Events heard: [type, date, pitch, velocity]. */
function heard(ms: KernelClient, ref: number): number[][] {
  const out = [];
  for (let e = ms.MidiGetEv(ref); e !== null; e = ms.MidiGetEv(ref)) {
    out.push([e.evType, e.date, ms.MidiGetField(e, 0), ms.MidiGetField(e, 1)]);
    ms.MidiFreeEv(e);
  }
  return out;
}

const ons = (events: number[][]) =>
  events.filter(([type, , , vel]) => type === typeKeyOn && vel! > 0);

async function setup(count = 40): Promise<{
  ms: KernelClient;
  player: Player;
  ear: number;
  onsMs: number[];
}> {
  const ms = createKernel({ clock: "manual" });
  const player = await openPlayer(ms, "player", { startDelayMs: 0 });
  const { bytes, onsMs } = gridFile(ms, count);
  player.load(bytes);
  const ear = ms.MidiOpen("ear");
  ms.MidiConnect(player.refNum, ear, true);
  return { ms, player, ear, onsMs };
}

Deno.test("openPlayer() plays every note at its date in the tempo map, far past the lookahead", async () => {
  const { ms, player, ear, onsMs } = await setup();
  ms.advance(7);
  player.start();
  ms.advance(20_000);
  const got = ons(heard(ms, ear));
  assert.deepEqual(
    got.map(([, date, pitch]) => [date, pitch]),
    onsMs.map((t, i) => [7 + Math.round(t), 40 + i]),
  );
  assert.equal(player.state().status, "stopped");
});

Deno.test("Player.pause() silences the sounding notes, and resume() goes on with no note lost or repeated", async () => {
  const { ms, player, ear, onsMs } = await setup();
  player.start();
  // Events go out 100 ms ahead, by a task every 25 ms: at 1180, the Note On
  // of 1250 ms is sent, its Note Off (1354 ms) is not.
  ms.advance(1180);
  player.pause();
  ms.advance(2000);
  const before = heard(ms, ear);
  const last = before.at(-1)!;
  assert.equal(last[0], typeKeyOff, "a Note Off ends the pause");
  assert.equal(player.state().status, "paused");
  const pausedAt = player.state().ms;
  assert.ok(
    pausedAt > 1250 && pausedAt <= 1280,
    `paused at ${pausedAt}`,
  );
  player.resume();
  ms.advance(20_000);
  const all = [...ons(before), ...ons(heard(ms, ear))];
  assert.deepEqual(
    all.map(([, , pitch]) => pitch),
    onsMs.map((_, i) => 40 + i),
  );
});

Deno.test("Player.setLoop() plays the loop again at the exact length, and setTempoScale() scales what follows", async () => {
  const { ms, player, ear } = await setup();
  // Loop the first bar (4 quarters at 120 a minute: 2000 ms).
  player.setLoop(true, { startTick: 0, endTick: 1920 });
  player.start();
  ms.advance(6000 + 50);
  const dates = ons(heard(ms, ear)).map(([, date]) => date!);
  assert.deepEqual(
    dates,
    [0, 1, 2, 3].flatMap((k) =>
      [0, 250, 500, 750, 1000, 1250, 1500, 1750].map((t) => t + 2000 * k)
    ).filter((t) => t <= 6050),
  );
  player.pause();
  player.setLoop(false);
  player.setPositionTicks(0);
  player.setTempoScale(2);
  const start = ms.MidiGetTime();
  player.resume();
  ms.advance(1100);
  const fast = ons(heard(ms, ear)).map(([, date]) => date! - start);
  assert.deepEqual(fast.slice(0, 8), [0, 125, 250, 375, 500, 625, 750, 875]);
});

Deno.test("Player.setPositionBarBeat() and setPositionMs() start where they say", async () => {
  const { ms, player, ear, onsMs } = await setup();
  player.setPositionBarBeat({ bar: 2, beat: 2 }); // tick 2400: the 11th eighth
  assert.equal(player.state().tick, 2400);
  const start = ms.MidiGetTime();
  player.resume();
  ms.advance(500);
  const first = ons(heard(ms, ear))[0]!;
  assert.deepEqual([first[1]! - start, first[2]], [0, 50]);
  player.pause();
  player.setPositionMs(onsMs[3]!);
  assert.equal(player.state().tick, 720);
  assert.throws(() => player.setTempoScale(0), RangeError);
});

Deno.test("Player.close() waits for the events sent, then closes its application", async () => {
  const { ms, player } = await setup(4);
  player.start();
  ms.advance(10);
  let closed = false;
  const closing = player.close().then(() => closed = true);
  assert.equal(closed, false);
  for (let i = 0; i < 100 && !closed; i++) {
    ms.advance(10);
    await Promise.resolve();
  }
  await closing;
  assert.equal(await ms.MidiGetName(player.refNum), null);
});
