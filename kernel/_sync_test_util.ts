/**
 * Helpers shared by the SMPTE tests (`sync_smpte*_test.ts`): locations written as
 * text, the length of a day and the SMPTE formats. Private to `kernel/`.
 *
 * @module
 */

import {
  kSync24fs,
  kSync25fs,
  kSync30dfs,
  kSync30fs,
  type TSmpteLocation,
} from "./mod.ts";

/** A location from "hh:mm:ss:ff.cc". */
export function loc(format: number, text: string): TSmpteLocation {
  const [hours, minutes, seconds, frames, fracs] = text.split(/[:.]/).map(
    Number,
  );
  return {
    format,
    hours: hours!,
    minutes: minutes!,
    seconds: seconds!,
    frames: frames!,
    fracs: fracs!,
  };
}

export const DAY_MS = 86_400_000;
export const FORMATS = [kSync24fs, kSync25fs, kSync30dfs, kSync30fs];
