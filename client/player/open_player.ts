/**
 * A MIDI file player for programs, in the spirit of MidiShare's Player library:
 * an application that plays sequences read from a MIDI file, with start, stop,
 * pause, continue, positions in ticks, milliseconds or bars and beats, a loop
 * and a tempo scale.
 *
 * @module
 */

import type { MidiEvRef, MidiSeq, MidiShareCalls } from "../mod.ts";
import {
  type BarBeat,
  type MidiFile,
  readMidiFile,
  type TempoMap,
} from "../midi_file/mod.ts";
import { type Entry, indexAt, SoundingNotes, timeline } from "./_timeline.ts";

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

/** Options of {@link openPlayer}. */
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

/** A player; see {@link openPlayer}. */
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

/**
 * Opens a player: an application named `name` that plays MIDI files through
 * `ms` at the dates of their tempo map.
 *
 * Each event is sent with `MidiSendAt` at its date, rounded once to the
 * millisecond from the exact tempo map, so no error accumulates; a task of the
 * player's sends the events `lookaheadMs` ahead. Only MIDI messages are sent
 * (meta events are not). Stopping or pausing sends a Note Off for every note
 * left on, after the events already sent. The player only uses the public
 * client API.
 *
 * @param ms a client of the server, or an in-process kernel
 * @param name the application's name
 * @param options lookahead and start delay
 * @returns the player, with its application open
 * @throws {RangeError} when no application can be opened
 *
 * @example Playing a file into another application of an in-process kernel
 * ```ts
 * import assert from "node:assert/strict";
 * import { createKernel, typeNote } from "../mod.ts";
 * import { writeMidiFile } from "../midi_file/mod.ts";
 * import { openPlayer } from "./mod.ts";
 *
 * const ms = createKernel({ clock: "manual" });
 * const player = await openPlayer(ms, "player");
 * const seq = ms.MidiNewSeq()!;
 * const note = ms.MidiNewEv(typeNote)!;
 * [60, 100, 200].forEach((v, i) => ms.MidiSetField(note, i, v));
 * note.date = 1000; // ms
 * ms.MidiAddSeq(seq, note);
 * player.load(writeMidiFile(ms, { tracks: [seq] }));
 *
 * const ear = ms.MidiOpen("ear");
 * ms.MidiConnect(player.refNum, ear, true);
 * player.start(); // at time 0: the first event plays 10 ms later
 * ms.advance(1020);
 * const heard = ms.MidiGetEv(ear)!;
 * assert.equal(heard.date, 1010);
 * assert.equal(ms.MidiGetField(heard, 0), 60);
 * ```
 */
export async function openPlayer(
  ms: MidiShareCalls<boolean>,
  name: string,
  options: PlayerOptions = {},
): Promise<Player> {
  const ref = await ms.MidiOpen(name);
  if (ref < 0) {
    throw new RangeError(`Cannot open the player "${name}": no free refnum`);
  }
  return new MidiPlayer(ms, ref, options);
}

/** The implementation of {@link Player}. */
class MidiPlayer implements Player {
  readonly refNum: number;
  readonly #ms: MidiShareCalls<boolean>;
  readonly #lookaheadMs: number;
  readonly #startDelayMs: number;
  #map: TempoMap | null = null;
  #tracks: MidiSeq[] = [];
  #entries: Entry[] = [];
  #endTick = 0;
  #status: PlayerStatus = "stopped";
  /** The next entry to send; while not playing, the position in ticks. */
  #next = 0;
  #posTick = 0;
  /** While playing: tick `#originTick` (file time `#originFileMs`) plays at date `#originDate`. */
  #originTick = 0;
  #originFileMs = 0;
  #originDate = 0;
  /** Every event dated before this date was sent. */
  #horizon = 0;
  #lastDate = 0;
  #scale = 1;
  #loop = { isOn: false, startTick: 0, endTick: null as number | null };
  #port: number | null = null;
  #isEnding = false;
  /** Dates inside the player do not wrap: 2^32 is added after MidiGetTime wraps. */
  #epoch = 0;
  #latest = 0;
  readonly #task: MidiEvRef = { value: null };
  readonly #sounding = new SoundingNotes();
  #waiters: ((state: PlayerState) => void)[] = [];

  constructor(
    ms: MidiShareCalls<boolean>,
    ref: number,
    options: PlayerOptions,
  ) {
    this.#ms = ms;
    this.refNum = ref;
    this.#lookaheadMs = Math.max(2, options.lookaheadMs ?? 100);
    this.#startDelayMs = Math.max(0, options.startDelayMs ?? 10);
  }

  get tempoMap(): TempoMap | null {
    return this.#map;
  }

  load(file: Uint8Array | MidiFile): void {
    const read = file instanceof Uint8Array
      ? readMidiFile(this.#ms, file, { dates: "ticks" })
      : file;
    if (read.dates !== "ticks") {
      throw new RangeError(
        'Cannot load a file read with dates in ms: read it with dates "ticks"',
      );
    }
    this.stop();
    this.#free();
    this.#tracks = read.tracks;
    this.#map = read.tempoMap;
    ({ entries: this.#entries, endTick: this.#endTick } = timeline(
      read.tracks,
    ));
    this.#loop = { isOn: this.#loop.isOn, startTick: 0, endTick: null };
    this.#moveTo(0);
  }

  start(): void {
    this.pause();
    this.#moveTo(this.#loop.isOn ? this.#loop.startTick : 0);
    this.resume();
  }

  stop(): void {
    this.pause();
    this.#moveTo(0);
    if (this.#status === "paused") this.#status = "stopped";
  }

  pause(): void {
    if (this.#status !== "playing") return;
    this.#ms.MidiForgetTask(this.#task);
    const at = this.#isEnding ? this.#endTick : this.#tickAt(this.#horizon);
    this.#sounding.silence(this.#ms, this.refNum, this.#lastDate);
    this.#status = "paused";
    this.#isEnding = false;
    this.#posTick = Math.min(at, this.#endTick);
    this.#notify();
  }

  resume(): void {
    if (this.#status === "playing" || this.#map === null) return;
    const now = this.#now();
    this.#status = "playing";
    this.#rebase(this.#posTick, now + this.#startDelayMs);
    this.#horizon = now;
    this.#lastDate = Math.max(this.#lastDate, now);
    this.#run(now);
  }

  setPositionTicks(tick: number): void {
    const wasPlaying = this.#status === "playing";
    this.pause();
    this.#moveTo(tick);
    if (wasPlaying) this.resume();
  }

  setPositionMs(ms: number): void {
    this.setPositionTicks(this.#requireMap().msToTicks(ms));
  }

  setPositionBarBeat(position: Partial<BarBeat> & { bar: number }): void {
    this.setPositionTicks(this.#requireMap().barBeatToTicks(position));
  }

  setLoop(
    isOn: boolean,
    range: { startTick?: number; endTick?: number } = {},
  ): void {
    const startTick = Math.max(0, range.startTick ?? 0);
    const endTick = range.endTick ?? null;
    const map = this.#requireMap();
    const lengthMs = map.ticksToMs(endTick ?? this.#endTick) -
      map.ticksToMs(startTick);
    if (isOn && !(lengthMs >= 10)) {
      throw new RangeError(
        `Cannot loop from tick ${startTick} to ${endTick ?? this.#endTick}: ` +
          "a loop lasts 10 ms at least",
      );
    }
    this.#loop = { isOn, startTick, endTick };
  }

  setTempoScale(scale: number): void {
    if (!(scale >= 0.1 && scale <= 10)) {
      throw new RangeError(`Invalid tempo scale ${scale}: expected 0.1..10`);
    }
    if (this.#status === "playing") {
      // Already sent events keep their dates: the new scale starts at the horizon.
      this.#rebase(this.#tickAt(this.#horizon), this.#horizon, scale);
    } else this.#scale = scale;
  }

  setPort(port: number | null): void {
    this.#port = port === null ? null : port & 0xff;
  }

  state(): PlayerState {
    const map = this.#map;
    const tick = this.#status === "playing"
      ? this.#playingTick(this.#now())
      : this.#posTick;
    return {
      status: this.#status,
      tick,
      ms: map?.ticksToMs(tick) ?? 0,
      barBeat: map?.ticksToBarBeat(tick) ?? { bar: 1, beat: 1, unit: 0 },
      usPerQuarter: (map?.tempoAt(tick) ?? 500_000) / this.#scale,
      durationMs: map?.ticksToMs(this.#endTick) ?? 0,
      isLooping: this.#loop.isOn,
    };
  }

  whenStopped(): Promise<PlayerState> {
    if (this.#status !== "playing") return Promise.resolve(this.state());
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  async close(): Promise<void> {
    this.stop();
    const ms = this.#ms, last = this.#lastDate;
    if (last >= this.#now()) {
      await new Promise<void>((resolve) => {
        if (ms.MidiTask(() => resolve(), last + 1, this.refNum) === null) {
          resolve();
        }
      });
    }
    this.#free();
    ms.MidiClose(this.refNum);
  }

  // ---- Scheduling

  /** Sends what is due before `now + lookahead`, then runs again in a while. */
  #run(now: number): void {
    this.#fill(now + this.#lookaheadMs);
    if (this.#status !== "playing" || this.#isEnding) return;
    const period = Math.max(1, this.#lookaheadMs >> 2);
    this.#task.value = this.#ms.MidiTask(
      (date) => {
        this.#task.value = null;
        if (this.#status === "playing") {
          this.#run(Math.max(this.#now(), this.#unwrap(date)));
        }
      },
      now + period,
      this.refNum,
    );
  }

  /** Sends every event whose exact date is before `horizon`; loops and ends. */
  #fill(horizon: number): void {
    const entries = this.#entries;
    while (this.#status === "playing" && !this.#isEnding) {
      const limit = this.#loop.isOn
        ? this.#loop.endTick ?? this.#endTick
        : this.#endTick;
      const entry = entries[this.#next];
      if (
        entry !== undefined &&
        (entry.tick < limit ||
          (entry.tick === limit && limit === this.#endTick))
      ) {
        const date = this.#dateOf(entry.tick);
        if (date >= horizon) break;
        this.#send(entry, Math.round(date));
        this.#next++;
        continue;
      }
      const end = this.#dateOf(limit);
      if (end >= horizon) break;
      if (this.#loop.isOn) {
        this.#sounding.silence(this.#ms, this.refNum, Math.round(end));
        this.#rebase(this.#loop.startTick, end);
        this.#next = indexAt(entries, this.#loop.startTick);
        continue;
      }
      this.#end(Math.round(end));
    }
    this.#horizon = Math.max(this.#horizon, horizon);
  }

  /** Sends a copy of an entry's event at `date`. */
  #send(entry: Entry, date: number): void {
    const ms = this.#ms;
    let copy = ms.MidiCopyEv(entry.ev);
    if (copy === null) {
      ms.MidiGrowSpace(Math.max(1024, ms.MidiTotalSpace() >> 2));
      copy = ms.MidiCopyEv(entry.ev);
      if (copy === null) return; // No memory at all: the event is lost.
    }
    if (this.#port !== null) copy.port = this.#port;
    this.#sounding.follow(ms, copy, copy.port);
    ms.MidiSendAt(this.refNum, copy, date);
    this.#lastDate = Math.max(this.#lastDate, date);
  }

  /** The end of the file is reached: the player stops at `date`. */
  #end(date: number): void {
    this.#isEnding = true;
    this.#ms.MidiForgetTask(this.#task);
    this.#sounding.silence(this.#ms, this.refNum, date);
    this.#lastDate = Math.max(this.#lastDate, date);
    const finish = () => {
      this.#task.value = null;
      if (this.#status !== "playing" || !this.#isEnding) return;
      this.#isEnding = false;
      this.#status = "stopped";
      this.#moveTo(0);
      this.#notify();
    };
    this.#task.value = this.#ms.MidiTask(finish, date, this.refNum);
    if (this.#task.value === null) finish();
  }

  // ---- Time

  /** MidiGetTime(), not wrapping. */
  #now(): number {
    return this.#unwrap(this.#ms.MidiGetTime());
  }

  /** A date of MidiShare (32 bits) near the latest seen, not wrapping. */
  #unwrap(date: number): number {
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
  #rebase(tick: number, date: number, scale = this.#scale): void {
    this.#scale = scale;
    this.#originTick = tick;
    this.#originFileMs = this.#requireMap().ticksToMs(tick);
    this.#originDate = date;
  }

  /** The exact (fractional) date at which `tick` plays. */
  #dateOf(tick: number): number {
    const fileMs = this.#requireMap().ticksToMs(tick) - this.#originFileMs;
    return this.#originDate + fileMs / this.#scale;
  }

  /** The tick played at `date`. */
  #tickAt(date: number): number {
    const fileMs = this.#originFileMs + (date - this.#originDate) * this.#scale;
    return Math.max(0, this.#requireMap().msToTicks(fileMs));
  }

  /** The tick heard at `now` while playing (before a loop jump sent ahead). */
  #playingTick(now: number): number {
    const tick = this.#tickAt(now);
    if (tick >= this.#originTick || !this.#loop.isOn) {
      return Math.min(Math.max(tick, 0), this.#endTick);
    }
    const loopEnd = this.#loop.endTick ?? this.#endTick;
    return Math.max(0, loopEnd - (this.#originTick - tick));
  }

  #moveTo(tick: number): void {
    this.#posTick = Math.min(Math.max(0, tick), this.#endTick);
    this.#next = indexAt(this.#entries, this.#posTick);
  }

  #requireMap(): TempoMap {
    if (this.#map === null) {
      throw new RangeError("The player has no file: call load first");
    }
    return this.#map;
  }

  #notify(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    const state = this.state();
    for (const resolve of waiters) resolve(state);
  }

  #free(): void {
    for (const track of this.#tracks) this.#ms.MidiFreeSeq(track);
    this.#tracks = [];
    this.#entries = [];
    this.#endTick = 0;
    this.#map = null;
  }
}
