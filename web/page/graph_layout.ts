/**
 * Where the patchbay page draws each refnum: the drivers' side (drivers and
 * MidiShare's 127) in a column on the left, the applications in layers after it,
 * each application to the right of those that send to it (refnum 0 first, cycles
 * broken where a search meets them), rows ordered to shorten wires, a layer that
 * grows too tall split into several columns, and the applications without any
 * connection on a shelf of rows under the rest. Boxes sit on a grid, so none
 * overlaps another whatever the graph.
 *
 * Runs in the browser and in tests; pure.
 *
 * @module
 */

/** What the layout needs to know of a refnum. */
export interface LayoutNode {
  /** The refnum. */
  refNum: number;
  /** Its side. */
  kind: "application" | "driver";
  /** Slot rows drawn under its name (drivers). */
  slotCount: number;
}

/** A box on the page, in SVG units. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The boxes of every refnum and the size of the drawing. */
export interface Layout {
  boxes: Map<number, Box>;
  width: number;
  height: number;
}

/** Width of a box. */
export const NODE_WIDTH = 168;
/** Height of an application's box, and of a driver's without its slots. */
export const NODE_HEIGHT = 42;
/** Height of one slot row of a driver. */
export const SLOT_ROW_HEIGHT = 16;
const COLUMN_GAP = 72;
const ROW_GAP = 18;
const MARGIN = 24;

/** Lays the graph out; see the module documentation. */
export function layoutGraph(
  nodes: readonly LayoutNode[],
  connections: readonly (readonly [number, number])[],
): Layout {
  const boxes = new Map<number, Box>();
  const drivers = nodes.filter((n) => n.kind === "driver")
    .sort((a, b) => b.refNum - a.refNum);
  const appls = nodes.filter((n) => n.kind === "application")
    .sort((a, b) => a.refNum - b.refNum);
  let y = MARGIN, height = 0;
  for (const d of drivers) {
    const h = NODE_HEIGHT + d.slotCount * SLOT_ROW_HEIGHT;
    boxes.set(d.refNum, { x: MARGIN, y, width: NODE_WIDTH, height: h });
    y += h + ROW_GAP;
  }
  height = y;
  const x0 = MARGIN + (drivers.length > 0 ? NODE_WIDTH + COLUMN_GAP : 0);
  const { columns, alone } = applicationColumns(
    appls.map((a) => a.refNum),
    connections,
  );
  const step = NODE_WIDTH + COLUMN_GAP, rowStep = NODE_HEIGHT + ROW_GAP;
  let graphBottom = MARGIN;
  columns.forEach((column, c) => {
    column.forEach((ref, row) => {
      boxes.set(ref, {
        x: x0 + c * step,
        y: MARGIN + row * rowStep,
        width: NODE_WIDTH,
        height: NODE_HEIGHT,
      });
    });
    graphBottom = Math.max(graphBottom, MARGIN + column.length * rowStep);
  });
  // The shelf: unconnected applications in rows as wide as the graph (4 at least).
  const perRow = Math.max(4, columns.length);
  const shelfTop = graphBottom + (columns.length > 0 ? ROW_GAP * 2 : 0);
  alone.forEach((ref, i) => {
    boxes.set(ref, {
      x: x0 + (i % perRow) * step,
      y: shelfTop + Math.floor(i / perRow) * rowStep,
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
    });
  });
  const shelfRows = Math.ceil(alone.length / perRow);
  height = Math.max(height, shelfTop + shelfRows * rowStep, graphBottom);
  const usedColumns = Math.max(
    columns.length,
    Math.min(perRow, alone.length),
  );
  const width = x0 + usedColumns * step - COLUMN_GAP + MARGIN;
  return {
    boxes,
    width: Math.max(width, MARGIN * 2 + NODE_WIDTH),
    height: height + MARGIN - ROW_GAP,
  };
}

/** The applications' columns, left to right, each listing refnums top to bottom. */
function applicationColumns(
  refs: readonly number[],
  connections: readonly (readonly [number, number])[],
): { columns: number[][]; alone: number[] } {
  const isAppl = new Set(refs);
  const out = new Map<number, number[]>(), into = new Map<number, number[]>();
  for (const r of refs) {
    out.set(r, []);
    into.set(r, []);
  }
  for (const [s, d] of connections) {
    if (!isAppl.has(s) || !isAppl.has(d) || s === d) continue;
    out.get(s)!.push(d);
    into.get(d)!.push(s);
  }
  const isLinked = (r: number) =>
    out.get(r)!.length > 0 || into.get(r)!.length > 0 || r === 0;
  const linked = refs.filter(isLinked),
    alone = refs.filter((r) => !isLinked(r));
  const layers = layerOf(linked, out);
  const count = linked.length === 0 ? 0 : Math.max(...layers.values()) + 1;
  const byLayer: number[][] = Array.from({ length: count }, () => []);
  for (const r of linked) byLayer[layers.get(r)!]!.push(r);
  orderRows(byLayer, out, into);
  const maxRows = Math.max(6, Math.ceil(Math.sqrt(refs.length * 2)));
  const columns: number[][] = [];
  for (const layer of byLayer) {
    for (let i = 0; i < layer.length; i += maxRows) {
      columns.push(layer.slice(i, i + maxRows));
    }
  }
  return { columns, alone };
}

/**
 * Layers by longest path from the sources, after a depth-first search from 0 and
 * then in refnum order dropped the edges that close a cycle; 0 stays in layer 0.
 */
function layerOf(
  refs: readonly number[],
  out: ReadonlyMap<number, number[]>,
): Map<number, number> {
  const state = new Map<number, number>(); // 1 on the stack, 2 done
  const order: number[] = [];
  const kept = new Map<number, number[]>(refs.map((r) => [r, []]));
  const visit = (start: number) => {
    // Iterative, so that a long chain cannot overflow the stack.
    const stack: [number, number][] = [[start, 0]];
    state.set(start, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [r, i] = top;
      const next = out.get(r)![i];
      if (next === undefined) {
        stack.pop();
        state.set(r, 2);
        order.push(r);
        continue;
      }
      top[1]++;
      if (next === 0 || state.get(next) === 1) continue; // closes a cycle
      kept.get(r)!.push(next);
      if (state.get(next) === undefined) {
        state.set(next, 1);
        stack.push([next, 0]);
      }
    }
  };
  for (const r of refs) if (state.get(r) === undefined) visit(r);
  const layer = new Map<number, number>(refs.map((r) => [r, 0]));
  for (let i = order.length - 1; i >= 0; i--) {
    const r = order[i]!;
    for (const d of kept.get(r)!) {
      layer.set(d, Math.max(layer.get(d)!, layer.get(r)! + 1));
    }
  }
  return layer;
}

/** Orders each layer by the mean row of its neighbours, sweeping both ways. */
function orderRows(
  layers: number[][],
  out: ReadonlyMap<number, number[]>,
  into: ReadonlyMap<number, number[]>,
): void {
  const row = new Map<number, number>();
  const number = () => {
    for (const layer of layers) layer.forEach((r, i) => row.set(r, i));
  };
  number();
  const sortBy = (
    layer: number[],
    neighbours: ReadonlyMap<number, number[]>,
  ) => {
    const key = new Map<number, number>();
    for (const r of layer) {
      const rows = neighbours.get(r)!.map((n) => row.get(n)!);
      key.set(
        r,
        rows.length === 0
          ? row.get(r)!
          : rows.reduce((a, b) => a + b, 0) / rows.length,
      );
    }
    layer.sort((a, b) => key.get(a)! - key.get(b)! || a - b);
    layer.forEach((r, i) => row.set(r, i));
  };
  for (let pass = 0; pass < 4; pass++) {
    for (let i = 1; i < layers.length; i++) sortBy(layers[i]!, into);
    for (let i = layers.length - 2; i >= 0; i--) sortBy(layers[i]!, out);
  }
}
