/**
 * The implementation of the player: its state machine (stopped, playing, paused),
 * the scheduling ahead with `MidiSendAt` by a task of its own, loops and the end
 * of the file. Private to `player/`.
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
import { PlayerTime } from "./_player_time.ts";
import type {
  Player,
  PlayerOptions,
  PlayerState,
  PlayerStatus,
} from "./player.ts";

/** The implementation of {@link Player}. */
export class MidiPlayer implements Player {
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
  /** Every event dated before this date was sent. */
  #horizon = 0;
  #lastDate = 0;
  #loop = { isOn: false, startTick: 0, endTick: null as number | null };
  #port: number | null = null;
  #isEnding = false;
  readonly #task: MidiEvRef = { value: null };
  readonly #sounding = new SoundingNotes();
  readonly #time: PlayerTime;
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
    this.#time = new PlayerTime(ms, () => this.#requireMap());
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
    const at = this.#isEnding
      ? this.#endTick
      : this.#time.tickAt(this.#horizon);
    this.#sounding.silence(this.#ms, this.refNum, this.#lastDate);
    this.#status = "paused";
    this.#isEnding = false;
    this.#posTick = Math.min(at, this.#endTick);
    this.#notify();
  }

  resume(): void {
    if (this.#status === "playing" || this.#map === null) return;
    const now = this.#time.now();
    this.#status = "playing";
    this.#time.rebase(this.#posTick, now + this.#startDelayMs);
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
      this.#time.rebase(this.#time.tickAt(this.#horizon), this.#horizon, scale);
    } else this.#time.scale = scale;
  }

  setPort(port: number | null): void {
    this.#port = port === null ? null : port & 0xff;
  }

  state(): PlayerState {
    const map = this.#map;
    const tick = this.#status === "playing"
      ? this.#time.playingTick(this.#time.now(), {
        endTick: this.#endTick,
        loopEndTick: this.#loop.isOn
          ? this.#loop.endTick ?? this.#endTick
          : null,
      })
      : this.#posTick;
    return {
      status: this.#status,
      tick,
      ms: map?.ticksToMs(tick) ?? 0,
      barBeat: map?.ticksToBarBeat(tick) ?? { bar: 1, beat: 1, unit: 0 },
      usPerQuarter: (map?.tempoAt(tick) ?? 500_000) / this.#time.scale,
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
    if (last >= this.#time.now()) {
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
          this.#run(Math.max(this.#time.now(), this.#time.unwrap(date)));
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
        const date = this.#time.dateOf(entry.tick);
        if (date >= horizon) break;
        this.#send(entry, Math.round(date));
        this.#next++;
        continue;
      }
      const end = this.#time.dateOf(limit);
      if (end >= horizon) break;
      if (this.#loop.isOn) {
        this.#sounding.silence(this.#ms, this.refNum, Math.round(end));
        this.#time.rebase(this.#loop.startTick, end);
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

  // ---- Positions

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
