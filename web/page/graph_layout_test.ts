import assert from "node:assert/strict";
import { type Box, layoutGraph, type LayoutNode } from "./graph_layout.ts";
import { Random, testSeed } from "../../testing/random.ts";

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width &&
    a.y < b.y + b.height && b.y < a.y + a.height;
}

function assertNoOverlap(boxes: Map<number, Box>): void {
  const list = [...boxes.entries()];
  for (let i = 0; i < list.length; i++) {
    for (let j = i + 1; j < list.length; j++) {
      assert.ok(
        !overlaps(list[i]![1], list[j]![1]),
        `refnums ${list[i]![0]} and ${list[j]![0]} overlap`,
      );
    }
  }
}

Deno.test("layoutGraph() puts a receiver right of its sender and 0 first", () => {
  const nodes: LayoutNode[] = [0, 1, 2, 3].map((refNum) => ({
    refNum,
    kind: "application",
    slotCount: 0,
  }));
  nodes.push({ refNum: 127, kind: "driver", slotCount: 0 });
  nodes.push({ refNum: 126, kind: "driver", slotCount: 4 });
  const { boxes } = layoutGraph(nodes, [[0, 1], [1, 2], [2, 0], [2, 1]]);
  assert.ok(boxes.get(1)!.x > boxes.get(0)!.x);
  assert.ok(boxes.get(2)!.x > boxes.get(1)!.x);
  assert.ok(boxes.get(127)!.x < boxes.get(0)!.x);
  assert.ok(boxes.get(126)!.height > boxes.get(127)!.height);
  assertNoOverlap(boxes);
});

Deno.test("layoutGraph() overlaps no boxes from 2 to 60 nodes and 300 connections", () => {
  const seed = testSeed();
  const random = new Random(seed);
  for (const count of [2, 5, 12, 30, 60]) {
    const nodes: LayoutNode[] = [];
    for (let r = 0; r < count; r++) {
      nodes.push({ refNum: r, kind: "application", slotCount: 0 });
    }
    nodes.push({ refNum: 127, kind: "driver", slotCount: 0 });
    nodes.push({ refNum: 126, kind: "driver", slotCount: random.int(21) });
    const edges = new Set<string>();
    const want = Math.min(300, count * (count - 1));
    while (edges.size < want) {
      const s = random.int(count), d = random.int(count);
      if (s !== d) edges.add(`${s},${d}`);
    }
    const connections = [...edges].map((e) =>
      e.split(",").map(Number) as [number, number]
    );
    const layout = layoutGraph(nodes, connections);
    assert.equal(layout.boxes.size, nodes.length, `seed ${seed}`);
    assertNoOverlap(layout.boxes);
    for (const box of layout.boxes.values()) {
      assert.ok(box.x + box.width <= layout.width, `seed ${seed}`);
      assert.ok(box.y + box.height <= layout.height, `seed ${seed}`);
    }
  }
});
