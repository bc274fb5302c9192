/**
 * SMPTE conversions of spec §7.17: milliseconds to a SMPTE location and back, in
 * integer arithmetic, for 24, 25, 30 drop-frame and 30 fps.
 *
 * Pure functions; real-time safe except for the location object they return.
 *
 * @module
 */

/** A SMPTE location. */
export interface TSmpteLocation {
  /** 0 24 fps, 1 25 fps, 2 30 drop frame, 3 30 fps. */
  format: number;
  /** Hours 0..23. */
  hours: number;
  /** Minutes 0..59. */
  minutes: number;
  /** Seconds 0..59. */
  seconds: number;
  /** Frames. */
  frames: number;
  /** Hundredths of a frame 0..99. */
  fracs: number;
}

const FPS = [24, 25, 30, 30];

function checkFormat(format: number): void {
  if (!Number.isInteger(format) || format < 0 || format > 3) {
    throw new RangeError(
      `Invalid SMPTE format ${format}: expected 0, 1, 2 or 3`,
    );
  }
}

/**
 * `MidiTime2Smpte`: the location of `time` (unsigned ms) in `format`.
 * @throws {RangeError} for a format outside 0..3
 */
export function time2Smpte(time: number, format: number): TSmpteLocation {
  checkFormat(format);
  const t = time >>> 0;
  let hundredths: number, fps: number;
  if (format === 2) {
    fps = 30;
    hundredths = Math.floor((t * 3000) / 1001);
  } else {
    fps = FPS[format]!;
    hundredths = Math.floor((t * fps) / 10);
  }
  const fracs = hundredths % 100;
  let n = Math.floor(hundredths / 100);
  if (format === 2) {
    // Drop frame: frame numbers 0 and 1 are skipped each minute but every tenth.
    const d = Math.floor(n / 17982), m = n % 17982;
    n = n + 18 * d + (m >= 2 ? 2 * Math.floor((m - 2) / 1798) : 0);
  }
  const s = Math.floor(n / fps);
  return {
    format,
    hours: Math.floor(s / 3600) % 24,
    minutes: Math.floor(s / 60) % 60,
    seconds: s % 60,
    frames: n % fps,
    fracs,
  };
}

/**
 * `MidiSmpte2Time`: the time in ms of a location (rounded up, so that
 * `smpte2Time(time2Smpte(t, f)) === t` below 24 hours).
 * @throws {RangeError} for a format outside 0..3
 */
export function smpte2Time(loc: TSmpteLocation): number {
  checkFormat(loc.format);
  const { hours, minutes, seconds, frames, fracs } = loc;
  if (loc.format === 2) {
    const tm = 60 * hours + minutes;
    const n = 108000 * hours + 1800 * minutes + 30 * seconds + frames -
      2 * (tm - Math.floor(tm / 10));
    return Math.ceil(((100 * n + fracs) * 1001) / 3000) >>> 0;
  }
  const fps = FPS[loc.format]!;
  const n = ((hours * 60 + minutes) * 60 + seconds) * fps + frames;
  return Math.ceil(((100 * n + fracs) * 10) / fps) >>> 0;
}
