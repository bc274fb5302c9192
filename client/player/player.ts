/**
 * What a player is and says: the {@link Player} interface, its state and its
 * options. Created by `openPlayer`.
 *
 * @module
 */

import type { BarBeat, MidiFile, TempoMap } from "../midi_file/mod.ts";

/** Whether a player plays: `"stopped"` (at the start), `"playing"`, `"paused"`. */
export type PlayerStatus = "stopped" | "playing" | "paused";

/** Where a player is; see {@link Player.state}. */
export interface PlayerState {
  /** Stopped, playing or paused. */
  status: PlayerStatus;
  /** The position in ticks of the file. */
  tick: number;
  /** The position in ms of the file, through its tempo map (tempo scale 1). */
  ms: number;
  /** The position in bars and beats. */
  barBeat: BarBeat;
  /** The tempo at the position as played: µs per quarter, tempo scale applied. */
  usPerQuarter: number;
  /** The length of the file in ms (tempo scale 1). */
  durationMs: number;
  /** Whether the player loops. */
  isLooping: boolean;
}

/** Options of `openPlayer`. */
export interface PlayerOptions {
  /**
   * How far ahead events are sent to MidiShare, in ms (default 100): each event
   * reaches the server that long before its date, so it is delivered exactly at
   * it; pause and stop take effect after what was already sent.
   */
  lookaheadMs?: number;
  /** How long after `start()` or `resume()` the first event plays (default 10 ms). */
  startDelayMs?: number;
}

/** A player; see `openPlayer`. */
export interface Player {
  /** The player's application: connect it where it should play. */
  readonly refNum: number;
  /** The tempo map of the file loaded, or null before `load`. */
  readonly tempoMap: TempoMap | null;
  /**
   * Loads a MIDI file: its bytes, or a {@link MidiFile} read with dates in ticks,
   * whose tracks the player then owns. Stops the player and goes to the start.
   * @throws {SyntaxError} when the bytes are not a MIDI file
   * @throws {RangeError} when the file was read with dates in ms
   */
  load(file: Uint8Array | MidiFile): void;
  /** Plays from the start of the file (or the loop start when looping). */
  start(): void;
  /** Stops, silences the notes left sounding, and goes back to the start. */
  stop(): void;
  /** Stops where it is, silencing the notes left sounding. */
  pause(): void;
  /** Plays from the current position (after `pause` or a position change). */
  resume(): void;
  /** Goes to a position in ticks; playing goes on from there. */
  setPositionTicks(tick: number): void;
  /** Goes to a position in ms of the file (tempo scale 1). */
  setPositionMs(ms: number): void;
  /** Goes to a bar, beat and unit (ticks into the beat); bar and beat from 1. */
  setPositionBarBeat(position: Partial<BarBeat> & { bar: number }): void;
  /**
   * Turns looping on or off, between `startTick` (default 0) and `endTick`
   * (default: the end of the file, its last events included).
   * @throws {RangeError} when the loop lasts less than 10 ms
   */
  setLoop(
    isOn: boolean,
    range?: { startTick?: number; endTick?: number },
  ): void;
  /**
   * Plays faster (above 1) or slower than the file's tempo map, from now on.
   * @throws {RangeError} outside 0.1..10
   */
  setTempoScale(scale: number): void;
  /** Sends every event on this MidiShare port, or on the file's ports (null). */
  setPort(port: number | null): void;
  /** Where the player is now. */
  state(): PlayerState;
  /** Resolves when the player next stops: end of the file, `stop` or `pause`. */
  whenStopped(): Promise<PlayerState>;
  /**
   * Stops, waits until every event already sent has reached its date, frees the
   * file and closes the application.
   */
  close(): Promise<void>;
}
