/**
 * Synchronisation state of spec §7.17: the global sync mode and what
 * `MidiGetSyncInfo`, `MidiGetExtTime`, `MidiInt2ExtTime` and `MidiExt2IntTime` report.
 *
 * Runs in the kernel worker. This implementation never locks to external time code
 * (the spec makes locking optional), so the offset stays 0 and the external time is
 * the internal time.
 *
 * @module
 */

import type { SyncInfo } from "../api/types.ts";

/** The synchronisation state. */
export interface SyncState {
  /** Sets the mode word (reserved bits 8..13 cleared); returns whether it changed. */
  setMode(mode: number): boolean;
  /** The info block at time `now`. */
  info(now: number): SyncInfo;
  /** `MidiGetExtTime` at time `now`. */
  extTime(now: number): number;
  /** Internal to external time. */
  int2Ext(time: number): number;
  /** External to internal time. */
  ext2Int(time: number): number;
  /** Forgets lock history at wake-up; the mode is kept. */
  reset(): void;
}

/** Creates the sync state in internal mode. */
export function createSyncState(): SyncState {
  let mode = 0;
  let offset = 0, start = 0, stop = 0, breaks = 0, format = 0;
  let isLocked = false, wasLocked = false;
  return {
    setMode(value: number): boolean {
      const next = value & 0xc0ff;
      if (next === mode) return false;
      mode = next;
      return true;
    },
    info(now: number): SyncInfo {
      return {
        time: now,
        reenter: 0,
        syncMode: mode,
        syncLocked: isLocked ? 1 : 0,
        syncPort: mode & 0xff,
        syncStart: start,
        syncStop: stop,
        syncOffset: offset,
        syncSpeed: 0,
        syncBreaks: breaks,
        syncFormat: format,
      };
    },
    extTime(now: number): number {
      if (isLocked) return (now + offset) >>> 0;
      if (wasLocked) return (stop + offset) >>> 0;
      return now;
    },
    int2Ext: (time: number) => (time + offset) >>> 0,
    ext2Int: (time: number) => (time - offset) >>> 0,
    reset(): void {
      offset =
        start =
        stop =
        breaks =
        format =
          0;
      isLocked = wasLocked = false;
    },
  };
}
