/**
 * The dates of MIDI clocks: 24 a quarter note, each at its exact date rounded to
 * the millisecond, computed from the start of its tempo so that no error
 * accumulates, however long it runs. Pure integer arithmetic. Private to `cli/`.
 *
 * @module
 */

/** MIDI clocks per quarter note. */
export const CLOCKS_PER_QUARTER = 24;

/** A stretch of clocks at one tempo: clock `index` falls at `date`. */
export interface ClockSegment {
  /** The date of clock `index`, in ms. */
  date: number;
  /** The clock counted from the start of the song (6 a sixteenth). */
  index: number;
  /** Thousandths of quarter notes a minute (120 a minute is 120 000). */
  milliBpm: number;
}

/**
 * A tempo in quarter notes a minute ("120", "93.5") as thousandths, or null when
 * it is not one between 1 and 1000.
 */
export function parseTempo(text: string): number | null {
  if (!/^\d+(\.\d{1,3})?$/.test(text)) return null;
  const milliBpm = Math.round(Number(text) * 1000);
  return milliBpm >= 1000 && milliBpm <= 1_000_000 ? milliBpm : null;
}

/**
 * The date of clock `index` of a segment: its exact time, 60 000 / (24 · bpm) ms a
 * clock from the segment's start, rounded to the nearest millisecond (halves up).
 */
export function clockDate(segment: ClockSegment, index: number): number {
  // 60 000 ms / 24 clocks = 2 500 ms a clock at 1 quarter a minute, in milli-bpm.
  const numerator = (index - segment.index) * 2_500_000;
  const d = segment.milliBpm;
  return segment.date + Math.floor((2 * numerator + d) / (2 * d));
}

/** A new segment at `milliBpm` whose first clock is `index`, at its current date. */
export function retempo(
  segment: ClockSegment,
  index: number,
  milliBpm: number,
): ClockSegment {
  return { date: clockDate(segment, index), index, milliBpm };
}

/** Clock `index` as a song position: sixteenths (6 clocks) from the start. */
export function songPosition(index: number): number {
  return Math.floor(index / 6);
}
