/**
 * The graph as SVG: a box per refnum (drivers with their slots and mapped ports),
 * an arrow per connection, a dotted line from each monitor tap to what it watches,
 * and the 0/127 bridge. Dragging from a box to another of the same side asks for a
 * connection; clicking a wire selects it (Delete disconnects it); clicking a box
 * selects it.
 *
 * Runs in the browser.
 *
 * @module
 */

import type { Graph, GraphNode } from "../protocol.ts";
import { type Box, layoutGraph } from "./graph_layout.ts";
import { svg } from "./svg.ts";

/** What is selected: a box or a wire. */
export type Selection =
  | { kind: "node"; refNum: number }
  | { kind: "wire"; src: number; dst: number };

/** What the graph asks of the page. */
export interface GraphViewEvents {
  /** Make `src → dst`. */
  connect(src: number, dst: number): void;
  /** Break `src → dst`. */
  disconnect(src: number, dst: number): void;
  /** The selection changed. */
  select(selection: Selection | null): void;
}

const DIRECTIONS = ["", "in", "out", "in/out"];
/** Smallest scale the graph is drawn at to fit its pane. */
const MIN_SCALE = 0.7;
/** Drag distance below which a press is a click, in pixels. */
const CLICK_SLOP = 4;

/** Cuts `text` to `max` characters with an ellipsis. */
function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The graph view; see the module documentation. */
export class GraphView {
  readonly #container: HTMLElement;
  readonly #events: GraphViewEvents;
  #graph: Graph | null = null;
  #boxes = new Map<number, Box>();
  #selection: Selection | null = null;
  #svg: SVGSVGElement | null = null;

  constructor(container: HTMLElement, events: GraphViewEvents) {
    this.#container = container;
    this.#events = events;
    let resizing: ReturnType<typeof setTimeout> | undefined;
    addEventListener("resize", () => {
      clearTimeout(resizing);
      resizing = setTimeout(() => {
        if (this.#graph !== null) this.render(this.#graph);
      }, 150);
    });
    document.addEventListener("keydown", (e) => {
      const s = this.#selection;
      const isTyping = e.target instanceof HTMLInputElement ||
        e.target instanceof HTMLSelectElement;
      if (
        s?.kind === "wire" && !isTyping &&
        (e.key === "Delete" || e.key === "Backspace")
      ) {
        e.preventDefault();
        this.#events.disconnect(s.src, s.dst);
      }
    });
  }

  /** The current selection. */
  get selection(): Selection | null {
    return this.#selection;
  }

  /** The node of `refNum` in the last graph. */
  node(refNum: number): GraphNode | undefined {
    return this.#graph?.nodes.find((n) => n.refNum === refNum);
  }

  /** Draws `graph`, keeping the selection while it still exists. */
  render(graph: Graph): void {
    this.#graph = graph;
    const layout = layoutGraph(
      graph.nodes.map((n) => ({
        refNum: n.refNum,
        kind: n.kind,
        slotCount: n.slots.length,
      })),
      graph.connections,
    );
    this.#boxes = layout.boxes;
    // Shrunk to the pane down to 70 %, where the text is still read; scrolled beyond.
    const room = this.#container.clientWidth;
    const scale = room > 0
      ? Math.min(1, Math.max(MIN_SCALE, room / layout.width))
      : 1;
    const root = svg("svg", {
      width: Math.round(layout.width * scale),
      height: Math.round(layout.height * scale),
      viewBox: `0 0 ${layout.width} ${layout.height}`,
      role: "img",
      "aria-label": "MidiShare graph",
    });
    this.#defs(root);
    const wires = svg("g", { class: "wires" }, root);
    const nodes = svg("g", { class: "nodes" }, root);
    this.#drawBridge(wires);
    const pairs = new Set(graph.connections.map(([s, d]) => `${s}>${d}`));
    for (const [src, dst] of graph.connections) {
      this.#drawWire(wires, src, dst, pairs.has(`${dst}>${src}`));
    }
    for (const node of graph.nodes) {
      for (const target of node.taps) this.#drawTap(wires, node.refNum, target);
    }
    for (const node of graph.nodes) this.#drawNode(nodes, node);
    this.#listen(root);
    this.#container.replaceChildren(root);
    this.#svg = root;
    const s = this.#selection;
    const isGone = s !== null &&
      (s.kind === "node"
        ? !this.#boxes.has(s.refNum)
        : !pairs.has(`${s.src}>${s.dst}`));
    this.#setSelection(isGone ? null : s, isGone);
  }

  #defs(root: SVGSVGElement): void {
    const defs = svg("defs", {}, root);
    for (
      const [id, color] of [["arrow", "#56627a"], ["arrow-selected", "#d6336c"]]
    ) {
      const marker = svg("marker", {
        id: id!,
        viewBox: "0 0 10 10",
        refX: 9,
        refY: 5,
        markerWidth: 7,
        markerHeight: 7,
        orient: "auto-start-reverse",
      }, defs);
      svg("path", { d: "M0,0 L10,5 L0,10 z", fill: color! }, marker);
    }
  }

  /** The path of a wire from `a`'s right side to `b`'s left (or right) side. */
  #wirePath(a: Box, b: Box, shift: number): string {
    const x1 = a.x + a.width, y1 = a.y + a.height / 2 + shift;
    if (b.x > a.x + a.width) {
      const x2 = b.x, y2 = b.y + b.height / 2 + shift;
      const bend = Math.max(40, (x2 - x1) / 2);
      return `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`;
    }
    if (b.x === a.x) {
      // Same column: out of the right side and back into it.
      const x2 = b.x + b.width, y2 = b.y + b.height / 2 + shift;
      const bend = 40 + Math.abs(y2 - y1) / 6;
      return `M${x1},${y1} C${x1 + bend},${y1} ${x2 + bend},${y2} ${x2},${y2}`;
    }
    // Backwards: around, into the left side.
    const x2 = b.x, y2 = b.y + b.height / 2 + shift;
    return `M${x1},${y1} C${x1 + 90},${y1 + 60} ${x2 - 90},${
      y2 + 60
    } ${x2},${y2}`;
  }

  #drawWire(parent: Element, src: number, dst: number, isPair: boolean): void {
    const a = this.#boxes.get(src), b = this.#boxes.get(dst);
    if (a === undefined || b === undefined) return;
    const d = this.#wirePath(a, b, isPair ? (src < dst ? -5 : 5) : 0);
    const g = svg("g", {
      class: "wire",
      "data-src": src,
      "data-dst": dst,
    }, parent);
    svg("title", {}, g).textContent = `${src} → ${dst}`;
    svg("path", { class: "line", d }, g);
    svg("path", { class: "hit", d }, g);
  }

  #drawTap(parent: Element, watcher: number, target: number): void {
    const a = this.#boxes.get(target), b = this.#boxes.get(watcher);
    if (a === undefined || b === undefined) return;
    const x1 = a.x + a.width / 2, y1 = a.y + a.height;
    const x2 = b.x + b.width / 2, y2 = b.y;
    svg("path", {
      class: "tap-line",
      d: `M${x1},${y1} C${x1},${y1 + 40} ${x2},${y2 - 40} ${x2},${y2}`,
    }, parent);
  }

  #drawBridge(parent: Element): void {
    const a = this.#boxes.get(127), b = this.#boxes.get(0);
    if (a === undefined || b === undefined) return;
    const x1 = a.x + a.width, y1 = a.y + a.height / 2;
    const x2 = b.x, y2 = b.y + b.height / 2;
    svg("path", {
      class: "bridge",
      d: `M${x1},${y1} C${x1 + 40},${y1} ${x2 - 40},${y2} ${x2},${y2}`,
    }, parent);
    svg("text", {
      class: "bridge-label",
      x: (x1 + x2) / 2 - 14,
      y: (y1 + y2) / 2 - 6,
    }, parent).textContent = "ports";
  }

  #drawNode(parent: Element, node: GraphNode): void {
    const box = this.#boxes.get(node.refNum)!;
    const isMidiShare = node.refNum === 0 || node.refNum === 127;
    const classes = ["node", node.kind];
    if (isMidiShare) classes.push("midishare");
    if (node.isWeb) classes.push("web");
    if (node.isNetwork) classes.push("network");
    const g = svg("g", {
      class: classes.join(" "),
      "data-ref": node.refNum,
      "data-name": node.name,
      "data-kind": node.kind,
      transform: `translate(${box.x},${box.y})`,
    }, parent);
    svg("rect", { class: "body", width: box.width, height: box.height }, g);
    svg("text", { class: "name", x: 10, y: 17 }, g).textContent = cut(
      node.name,
      22,
    );
    let sub = `refnum ${node.refNum}`;
    if (isMidiShare) {
      sub += node.refNum === 0 ? " · to/from ports" : " · drivers' side";
    } else if (node.isNetwork) sub += " · network peer";
    else if (node.taps.length > 0) sub += ` · monitors ${node.taps.join(", ")}`;
    else if (node.isWeb) sub += " · this page's server";
    else sub += ` · client ${node.client}`;
    svg("text", { class: "sub", x: 10, y: 33 }, g).textContent = cut(sub, 30);
    node.slots.forEach((slot, i) => {
      const ports = slot.ports.length === 0
        ? "no port"
        : `ports ${slot.ports.join(",")}`;
      svg("text", { class: "slot", x: 10, y: 54 + i * 16 }, g).textContent =
        cut(`${DIRECTIONS[slot.direction]} ${slot.name} → ${ports}`, 30);
    });
  }

  // ---- Interaction

  #listen(root: SVGSVGElement): void {
    let drag: {
      src: number;
      x: number;
      y: number;
      line: SVGLineElement | null;
      over: Element | null;
    } | null = null;
    const point = (e: PointerEvent) => {
      const p = new DOMPoint(e.clientX, e.clientY)
        .matrixTransform(root.getScreenCTM()?.inverse());
      return { x: p.x, y: p.y };
    };
    const nodeAt = (e: PointerEvent): Element | null =>
      document.elementFromPoint(e.clientX, e.clientY)?.closest(".node") ??
        null;
    root.addEventListener("pointerdown", (e) => {
      const target = e.target as Element;
      const wire = target.closest(".wire");
      if (wire !== null) {
        this.#setSelection({
          kind: "wire",
          src: Number(wire.getAttribute("data-src")),
          dst: Number(wire.getAttribute("data-dst")),
        });
        return;
      }
      const node = target.closest(".node");
      if (node === null) {
        this.#setSelection(null);
        return;
      }
      const p = point(e);
      drag = {
        src: Number(node.getAttribute("data-ref")),
        x: p.x,
        y: p.y,
        line: null,
        over: null,
      };
      root.setPointerCapture(e.pointerId);
    });
    root.addEventListener("pointermove", (e) => {
      if (drag === null) return;
      const p = point(e);
      if (drag.line === null) {
        if (Math.hypot(p.x - drag.x, p.y - drag.y) < CLICK_SLOP) return;
        drag.line = svg("line", {
          class: "drag-line",
          x1: drag.x,
          y1: drag.y,
        }, root);
      }
      drag.line.setAttribute("x2", String(p.x));
      drag.line.setAttribute("y2", String(p.y));
      const over = nodeAt(e);
      if (over !== drag.over) {
        drag.over?.classList.remove("drop-target");
        if (over !== null && this.#canConnect(drag.src, over)) {
          over.classList.add("drop-target");
        }
        drag.over = over;
      }
    });
    const end = (e: PointerEvent, isCancel: boolean) => {
      if (drag === null) return;
      const d = drag;
      drag = null;
      d.line?.remove();
      d.over?.classList.remove("drop-target");
      if (isCancel) return;
      if (d.line === null) {
        this.#setSelection({ kind: "node", refNum: d.src });
        return;
      }
      const over = nodeAt(e);
      if (over !== null && this.#canConnect(d.src, over)) {
        this.#events.connect(d.src, Number(over.getAttribute("data-ref")));
      }
    };
    root.addEventListener("pointerup", (e) => end(e, false));
    root.addEventListener("pointercancel", (e) => end(e, true));
  }

  /** Whether a drag from `src` may end on box `el`: another refnum of its side. */
  #canConnect(src: number, el: Element): boolean {
    const dst = Number(el.getAttribute("data-ref"));
    const a = this.node(src), b = this.node(dst);
    return a !== undefined && b !== undefined && src !== dst &&
      a.kind === b.kind;
  }

  #setSelection(selection: Selection | null, notify = true): void {
    this.#selection = selection;
    const root = this.#svg;
    if (root !== null) {
      for (const el of root.querySelectorAll(".selected")) {
        el.classList.remove("selected");
      }
      const el = selection === null
        ? null
        : selection.kind === "node"
        ? root.querySelector(`.node[data-ref="${selection.refNum}"]`)
        : root.querySelector(
          `.wire[data-src="${selection.src}"][data-dst="${selection.dst}"]`,
        );
      el?.classList.add("selected");
    }
    if (notify) this.#events.select(selection);
  }
}
