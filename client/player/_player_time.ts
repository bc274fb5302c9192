/**
 * The player's time: MidiShare dates made not to wrap, and the mapping between
 * ticks of the file and dates, with an origin and a tempo scale. Private to
 * `player/`.
 *
 * @module
 */

import type { MidiShareCalls } from "../mod.ts";
import type { TempoMap } from "../midi_file/mod.ts";

/** Dates and ticks of one player. */
export class PlayerTime {
  /** The tempo scale: above 1 plays faster than the file's tempo map. */
  scale = 1;
  /** While playing: tick `originTick` (file time `#originFileMs`) plays at date `#originDate`. */
  originTick = 0;
  #originFileMs = 0;
  #originDate = 0;
  /** Dates inside the player do not wrap: 2^32 is added after MidiGetTime wraps. */
  #epoch = 0;
  #latest = 0;
  readonly #ms: MidiShareCalls<boolean>;
  readonly #requireMap: () => TempoMap;

  /** The time of a player on `ms` whose tempo map `requireMap` returns or throws. */
  constructor(ms: MidiShareCalls<boolean>, requireMap: () => TempoMap) {
    this.#ms = ms;
    this.#requireMap = requireMap;
  }

  /** MidiGetTime(), not wrapping. */
  now(): number {
    return this.unwrap(this.#ms.MidiGetTime());
  }

  /** A date of MidiShare (32 bits) near the latest seen, not wrapping. */
  unwrap(date: number): number {
    let t = date + this.#epoch;
    if (t < this.#latest - 2 ** 31) {
      this.#epoch += 2 ** 32;
      t += 2 ** 32;
    }
    this.#latest = Math.max(this.#latest, t);
    return t;
  }

  /**
   * From now on, `tick` plays at date `date` (a fraction), at `scale`. The next
   * entry to send stays: what was sent is never sent again.
   */
  rebase(tick: number, date: number, scale: number = this.scale): void {
    this.scale = scale;
    this.originTick = tick;
    this.#originFileMs = this.#requireMap().ticksToMs(tick);
    this.#originDate = date;
  }

  /** The exact (fractional) date at which `tick` plays. */
  dateOf(tick: number): number {
    const fileMs = this.#requireMap().ticksToMs(tick) - this.#originFileMs;
    return this.#originDate + fileMs / this.scale;
  }

  /** The tick played at `date`. */
  tickAt(date: number): number {
    const fileMs = this.#originFileMs + (date - this.#originDate) * this.scale;
    return Math.max(0, this.#requireMap().msToTicks(fileMs));
  }

  /**
   * The tick heard at `now` while playing (before a loop jump sent ahead).
   * @param now the date
   * @param ends the end of the file, and the end of the loop (null when not looping)
   */
  playingTick(
    now: number,
    ends: { endTick: number; loopEndTick: number | null },
  ): number {
    const tick = this.tickAt(now);
    if (tick >= this.originTick || ends.loopEndTick === null) {
      return Math.min(Math.max(tick, 0), ends.endTick);
    }
    return Math.max(0, ends.loopEndTick - (this.originTick - tick));
  }
}
