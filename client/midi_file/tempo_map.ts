/**
 * The tempo map of a MIDI file: from ticks to milliseconds and back, through every
 * tempo change, and from ticks to bars and beats through the time signatures. Pure
 * arithmetic, no MidiShare call.
 *
 * @module
 */

/** The tempo a MIDI file has until its first tempo event: 120 quarters a minute. */
export const DEFAULT_TEMPO = 500_000;

/** A tempo change: from `tick` on, a quarter note lasts `usPerQuarter` µs. */
export interface TempoChange {
  /** Where it starts, in ticks from the beginning. */
  tick: number;
  /** Microseconds per quarter note (a `typeTempo` event's field 0). */
  usPerQuarter: number;
}

/** A time signature change: `numerator`/`denominator` from `tick` on. */
export interface TimeSignature {
  /** Where it starts, in ticks. */
  tick: number;
  /** Beats per bar. */
  numerator: number;
  /** The note value of a beat: 4 for quarters, 8 for eighths (not a power). */
  denominator: number;
}

/** A position in bars and beats: bar and beat count from 1, unit from 0. */
export interface BarBeat {
  /** The bar, from 1. */
  bar: number;
  /** The beat in the bar, from 1; a beat is the signature's denominator note. */
  beat: number;
  /** Ticks into the beat, from 0. */
  unit: number;
}

/** Ticks and milliseconds of a MIDI file, both ways; see {@link createTempoMap}. */
export interface TempoMap {
  /** The division word of the file's header (ticks per quarter, or SMPTE). */
  readonly division: number;
  /**
   * Ticks per quarter note; for an SMPTE division, the ticks of half a second
   * (a quarter at 120 per minute), so that bars and beats still mean something.
   */
  readonly ticksPerQuarter: number;
  /** The tempo changes in tick order, the first at tick 0. */
  readonly tempos: readonly TempoChange[];
  /** The time signatures in tick order, the first at tick 0. */
  readonly timeSignatures: readonly TimeSignature[];
  /** Milliseconds from the start at `tick` (a fraction, not rounded). */
  ticksToMs(tick: number): number;
  /** Ticks from the start at `ms` milliseconds (a fraction, not rounded). */
  msToTicks(ms: number): number;
  /** Microseconds per quarter note in force at `tick`. */
  tempoAt(tick: number): number;
  /** The bar, beat and unit of `tick`. */
  ticksToBarBeat(tick: number): BarBeat;
  /** The tick of a bar, beat and unit (`unit` 0 and `beat` 1 when left out). */
  barBeatToTicks(position: Partial<BarBeat> & { bar: number }): number;
}

/** Options of {@link createTempoMap}. */
export interface TempoMapOptions {
  /**
   * The header's division: ticks per quarter note (1..32767), or an SMPTE
   * division (bit 15 set: frames per second as a negative high byte, −24, −25,
   * −29 for 29.97 or −30, and ticks per frame in the low byte), where tempo
   * changes do not alter time.
   */
  division: number;
  /** Tempo changes in any order; before the first, {@link DEFAULT_TEMPO}. */
  tempos?: readonly TempoChange[];
  /** Time signatures in any order; before the first, 4/4. */
  timeSignatures?: readonly TimeSignature[];
}

interface TempoSegment extends TempoChange {
  ms: number;
}

interface BarSegment extends TimeSignature {
  bar: number;
  beatTicks: number;
  barTicks: number;
}

/**
 * Makes the tempo map of a file from its division, tempo changes and time
 * signatures. Milliseconds are summed exactly per segment, so a date never drifts
 * however long the file; round them once, where they become dates.
 *
 * @param options the division, the tempo changes and the time signatures
 * @returns the map
 * @throws {RangeError} when the division is 0 or an SMPTE rate other than 24, 25,
 *   29 and 30, or a tempo is not a positive number of microseconds
 *
 * @example A tempo change after two beats
 * ```ts
 * import assert from "node:assert/strict";
 * import { createTempoMap } from "./mod.ts";
 *
 * const map = createTempoMap({
 *   division: 480,
 *   tempos: [{ tick: 960, usPerQuarter: 1_000_000 }],
 * });
 * assert.equal(map.ticksToMs(960), 1000); // two quarters at 120 a minute
 * assert.equal(map.ticksToMs(1440), 2000); // one more at 60 a minute
 * assert.deepEqual(map.ticksToBarBeat(1440), { bar: 1, beat: 4, unit: 0 });
 * ```
 */
export function createTempoMap(options: TempoMapOptions): TempoMap {
  const { division } = options;
  const smpte = smpteTicksPerSecond(division);
  if (smpte === null && (division <= 0 || division > 0x7fff)) {
    throw new RangeError(`Invalid division ${division}: expected 1..32767`);
  }
  const ticksPerQuarter = smpte === null ? division : smpte / 2;
  const tempos = buildTempos(options.tempos ?? [], ticksPerQuarter, smpte);
  const bars = buildBars(options.timeSignatures ?? [], ticksPerQuarter);
  const msPerTick = (s: TempoChange) =>
    smpte === null ? s.usPerQuarter / 1000 / division : 1000 / smpte;
  return {
    division,
    ticksPerQuarter,
    tempos: tempos.map(({ tick, usPerQuarter }) => ({ tick, usPerQuarter })),
    timeSignatures: bars.map(({ tick, numerator, denominator }) => ({
      tick,
      numerator,
      denominator,
    })),
    ticksToMs(tick) {
      const s = tempos[lastAtOrBefore(tempos, (x) => x.tick <= tick)]!;
      return s.ms + (tick - s.tick) * msPerTick(s);
    },
    msToTicks(ms) {
      const s = tempos[lastAtOrBefore(tempos, (x) => x.ms <= ms)]!;
      return s.tick + (ms - s.ms) / msPerTick(s);
    },
    tempoAt(tick) {
      return tempos[lastAtOrBefore(tempos, (x) => x.tick <= tick)]!
        .usPerQuarter;
    },
    ticksToBarBeat(tick) {
      const s = bars[lastAtOrBefore(bars, (x) => x.tick <= tick)]!;
      const rel = tick - s.tick;
      const barCount = Math.floor(rel / s.barTicks);
      const inBar = rel - barCount * s.barTicks;
      const beat = Math.floor(inBar / s.beatTicks);
      return {
        bar: s.bar + barCount,
        beat: beat + 1,
        unit: inBar - beat * s.beatTicks,
      };
    },
    barBeatToTicks({ bar, beat = 1, unit = 0 }) {
      const s = bars[lastAtOrBefore(bars, (x) => x.bar <= bar)]!;
      return s.tick + (bar - s.bar) * s.barTicks + (beat - 1) * s.beatTicks +
        unit;
    },
  };
}

/** Ticks per second of an SMPTE division, or null for ticks per quarter. */
function smpteTicksPerSecond(division: number): number | null {
  if ((division & 0x8000) === 0) return null;
  const fps = 0x100 - ((division >> 8) & 0xff);
  const ticksPerFrame = division & 0xff;
  if (![24, 25, 29, 30].includes(fps) || ticksPerFrame === 0) {
    throw new RangeError(
      `Invalid SMPTE division 0x${division.toString(16)}: ` +
        "expected 24, 25, 29 or 30 frames per second and ticks per frame",
    );
  }
  return (fps === 29 ? 30000 / 1001 : fps) * ticksPerFrame;
}

function buildTempos(
  changes: readonly TempoChange[],
  ticksPerQuarter: number,
  smpte: number | null,
): TempoSegment[] {
  const sorted = [...changes].sort((a, b) => a.tick - b.tick);
  const out: TempoSegment[] = [{ tick: 0, usPerQuarter: DEFAULT_TEMPO, ms: 0 }];
  for (const { tick, usPerQuarter } of sorted) {
    if (!(usPerQuarter > 0) || !Number.isFinite(usPerQuarter)) {
      throw new RangeError(`Invalid tempo ${usPerQuarter} µs per quarter`);
    }
    const last = out[out.length - 1]!;
    const ms = smpte === null
      ? last.ms + (tick - last.tick) * last.usPerQuarter / 1000 /
          ticksPerQuarter
      : tick * 1000 / smpte;
    // A later change at the same tick wins, as it would when playing.
    if (tick === last.tick) out[out.length - 1] = { tick, usPerQuarter, ms };
    else out.push({ tick, usPerQuarter, ms });
  }
  return out;
}

function buildBars(
  signatures: readonly TimeSignature[],
  ticksPerQuarter: number,
): BarSegment[] {
  const sorted = [...signatures].sort((a, b) => a.tick - b.tick);
  const make = (s: TimeSignature, bar: number): BarSegment => {
    const numerator = Math.max(1, s.numerator);
    const denominator = Math.max(1, s.denominator);
    const beatTicks = ticksPerQuarter * 4 / denominator;
    return {
      tick: s.tick,
      numerator,
      denominator,
      bar,
      beatTicks,
      barTicks: beatTicks * numerator,
    };
  };
  const out = [make({ tick: 0, numerator: 4, denominator: 4 }, 1)];
  for (const s of sorted) {
    const last = out[out.length - 1]!;
    if (s.tick === last.tick) {
      out[out.length - 1] = make(s, last.bar);
      continue;
    }
    // A change in the middle of a bar starts a new bar there.
    const bar = last.bar + Math.ceil((s.tick - last.tick) / last.barTicks);
    out.push(make(s, bar));
  }
  return out;
}

/** The index of the last item for which `isAtOrBefore` holds (items sorted; ≥ 0). */
function lastAtOrBefore<T>(
  items: readonly T[],
  isAtOrBefore: (item: T) => boolean,
): number {
  let lo = 0, hi = items.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (isAtOrBefore(items[mid]!)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
