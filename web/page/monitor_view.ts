/**
 * The monitor: the events the chosen refnum receives, as a scrolling list with the
 * columns `midishare display` prints and as a piano roll of the last seconds. Drawing
 * is throttled to a few frames a second and stops while paused; the count of events
 * received keeps every one.
 *
 * Runs in the browser.
 *
 * @module
 */

import type { EventRecord, Graph } from "../protocol.ts";
import { html, svg } from "./svg.ts";

/** Rows the list keeps. */
const LIST_ROWS = 300;
/** Seconds the piano roll shows. */
const ROLL_SECONDS = 10;
/** Least time between two drawings, in ms. */
const DRAW_EVERY_MS = 150;
const ROLL_WIDTH = 520, ROLL_HEIGHT = 170, LANE = 14;
const TYPE_NOTE = 0, TYPE_KEY_ON = 1, TYPE_KEY_OFF = 2;
/** Notes and other events the roll draws at most (the latest). */
const ROLL_MARKS = 800;
/** Longest a Key On waits for its Key Off on the roll, in ms. */
const OPEN_NOTE_MS = 4000;

/** The elements the monitor draws in. */
export interface MonitorElements {
  target: HTMLSelectElement;
  pause: HTMLButtonElement;
  status: HTMLElement;
  roll: HTMLElement;
  list: HTMLElement;
}

/** A note on the roll. */
interface RollNote {
  pitch: number;
  chan: number;
  start: number;
  end: number | null;
}

/** The monitor; see the module documentation. */
export class MonitorView {
  readonly #el: MonitorElements;
  readonly #onTarget: (target: number | null) => void;
  #target: number | null = null;
  #total = 0;
  #isPaused = false;
  #rows: EventRecord[] = [];
  // The last rows of #rows that the list does not show yet.
  #unlisted = 0;
  #notes: RollNote[] = [];
  #ticks: number[] = [];
  #lastDate = 0;
  #lastDateAt = 0;
  #message = "Monitor off";
  #isDrawDue = false;
  #drawnAt = 0;

  constructor(el: MonitorElements, onTarget: (target: number | null) => void) {
    this.#el = el;
    this.#onTarget = onTarget;
    el.target.onchange = () => {
      const v = el.target.value;
      this.choose(v === "" ? null : Number(v));
    };
    el.pause.onclick = () => {
      this.#isPaused = !this.#isPaused;
      el.pause.textContent = this.#isPaused ? "Resume" : "Pause";
      el.pause.setAttribute("aria-pressed", String(this.#isPaused));
      this.#schedule();
    };
    this.#schedule();
  }

  /** The refnum watched, or null. */
  get target(): number | null {
    return this.#target;
  }

  /** Watches `target` (null: none), clearing what was shown. */
  choose(target: number | null): void {
    this.#target = target;
    this.#total = 0;
    this.#rows = [];
    this.#unlisted = 0;
    this.#el.list.replaceChildren();
    this.#notes = [];
    this.#ticks = [];
    this.#el.target.value = target === null ? "" : String(target);
    this.#onTarget(target);
    this.#schedule();
  }

  /** Lists the refnums one may watch. */
  setChoices(graph: Graph): void {
    const select = this.#el.target;
    const options = [html("option", { value: "" }, "— nobody (off) —")];
    for (const node of graph.nodes) {
      if (node.isWeb) continue;
      options.push(
        html("option", { value: node.refNum }, `${node.refNum} ${node.name}`),
      );
    }
    select.replaceChildren(...options);
    select.value = this.#target === null ? "" : String(this.#target);
  }

  /** The server's word on the monitor: started, refused or stopped. */
  onMonitor(target: number | null, message: string): void {
    this.#message = message;
    if (target === null && this.#target !== null) {
      this.#target = null;
      this.#el.target.value = "";
    }
    this.#schedule();
  }

  /** Events of the watched refnum. */
  onEvents(target: number, total: number, events: EventRecord[]): void {
    if (target !== this.#target) return;
    this.#total = total;
    if (events.length > 0) {
      this.#lastDate = events[events.length - 1]!.date;
      this.#lastDateAt = performance.now();
    }
    if (!this.#isPaused) {
      this.#rows.push(...events);
      this.#unlisted = Math.min(LIST_ROWS, this.#unlisted + events.length);
      if (this.#rows.length > LIST_ROWS) {
        this.#rows.splice(0, this.#rows.length - LIST_ROWS);
      }
      for (const e of events) this.#roll(e);
    }
    this.#schedule();
  }

  #roll(e: EventRecord): void {
    const [pitch = 0, velocity = 0, duration = 0] = e.fields;
    const open = (p: number, c: number) =>
      this.#notes.findLast((n) =>
        n.end === null && n.pitch === p && n.chan === c
      );
    if (e.type === TYPE_NOTE) {
      this.#notes.push({
        pitch,
        chan: e.chan,
        start: e.date,
        end: e.date + duration,
      });
    } else if (e.type === TYPE_KEY_ON && velocity > 0) {
      this.#notes.push({ pitch, chan: e.chan, start: e.date, end: null });
    } else if (e.type === TYPE_KEY_ON || e.type === TYPE_KEY_OFF) {
      const note = open(pitch, e.chan);
      if (note !== undefined) note.end = e.date;
    } else {
      this.#ticks.push(e.date);
    }
  }

  #schedule(): void {
    if (this.#isDrawDue) return;
    this.#isDrawDue = true;
    const wait = Math.max(0, this.#drawnAt + DRAW_EVERY_MS - performance.now());
    setTimeout(() => requestAnimationFrame(() => this.#draw()), wait);
  }

  #draw(): void {
    this.#isDrawDue = false;
    this.#drawnAt = performance.now();
    const shown = this.#rows.length;
    this.#el.status.textContent = this.#target === null
      ? this.#message
      : `${this.#message} · ${
        this.#total.toLocaleString("en-US")
      } events received${
        this.#isPaused ? " · paused" : ""
      } · last ${shown} listed`;
    this.#el.status.setAttribute("data-total", String(this.#total));
    if (this.#isPaused) return;
    this.#drawList();
    this.#drawRoll();
  }

  #drawList(): void {
    const body = this.#el.list;
    const wrap = body.closest(".event-list-wrap");
    const isAtBottom = wrap === null ||
      wrap.scrollTop + wrap.clientHeight >= wrap.scrollHeight - 4;
    // Only the new rows are made; the oldest go.
    const fresh = this.#rows.slice(this.#rows.length - this.#unlisted);
    this.#unlisted = 0;
    body.append(...fresh.map((e) => {
      const tr = html("tr", { "data-type": e.typeName });
      html("td", { class: "num" }, String(e.date), tr);
      html("td", {}, e.sourceName, tr);
      html("td", { class: "num" }, String(e.port), tr);
      html("td", { class: "num" }, e.chan < 0 ? "" : String(e.chan), tr);
      html("td", {}, e.typeName, tr);
      const rest = e.fieldCount > e.fields.length
        ? ` … (${e.fieldCount} bytes)`
        : "";
      html("td", {}, `${e.fields.join(" ")}${rest}`, tr);
      return tr;
    }));
    while (body.childElementCount > LIST_ROWS) body.firstElementChild!.remove();
    if (isAtBottom && wrap !== null) wrap.scrollTop = wrap.scrollHeight;
  }

  #drawRoll(): void {
    const now = this.#lastDate + (performance.now() - this.#lastDateAt);
    const from = now - ROLL_SECONDS * 1000;
    this.#notes = this.#notes.filter((n) => (n.end ?? now) >= from)
      .slice(-ROLL_MARKS);
    this.#ticks = this.#ticks.filter((d) => d >= from).slice(-ROLL_MARKS);
    const root = svg("svg", {
      width: ROLL_WIDTH,
      height: ROLL_HEIGHT,
      viewBox: `0 0 ${ROLL_WIDTH} ${ROLL_HEIGHT}`,
      "aria-label": "Piano roll of the last seconds",
    });
    const x = (date: number) =>
      ((date - from) / (ROLL_SECONDS * 1000)) * ROLL_WIDTH;
    // The pitch range shown: the notes on the roll, at least two octaves.
    const pitches = this.#notes.map((n) => n.pitch);
    let low = pitches.length === 0 ? 48 : Math.min(...pitches) - 2;
    let high = pitches.length === 0 ? 72 : Math.max(...pitches) + 2;
    if (high - low < 24) {
      const mid = (high + low) / 2;
      low = Math.max(0, Math.floor(mid - 12));
      high = Math.min(127, low + 24);
    }
    const keyHeight = (ROLL_HEIGHT - LANE - 14) / (high - low + 1);
    const y = (pitch: number) => 14 + (high - pitch) * keyHeight;
    for (let s = 0; s <= ROLL_SECONDS; s++) {
      const gx = ROLL_WIDTH - (s * ROLL_WIDTH) / ROLL_SECONDS;
      svg(
        "line",
        { class: "grid", x1: gx, x2: gx, y1: 0, y2: ROLL_HEIGHT },
        root,
      );
      if (s > 0 && s < ROLL_SECONDS) {
        svg("text", { class: "label", x: gx + 2, y: 10 }, root).textContent =
          `-${s}s`;
      }
    }
    for (const n of this.#notes) {
      const end = n.end ?? Math.min(now, n.start + OPEN_NOTE_MS);
      const x1 = Math.max(0, x(n.start));
      svg("rect", {
        class: "note",
        x: x1,
        y: y(n.pitch),
        width: Math.max(2, x(end) - x1),
        height: Math.max(2, keyHeight),
        "data-pitch": n.pitch,
      }, root);
    }
    for (const d of this.#ticks) {
      svg("rect", {
        class: "other",
        x: x(d),
        y: ROLL_HEIGHT - LANE + 2,
        width: 2,
        height: LANE - 4,
      }, root);
    }
    this.#el.roll.replaceChildren(root);
    if (this.#target !== null && !this.#isPaused) this.#schedule();
  }
}
