import assert from "node:assert/strict";
import { parsePageMessage } from "./page_socket.ts";
import { graphOf, isNetworkPeer } from "./graph_model.ts";
import { pageAsset, stripTypes } from "./page_assets.ts";

Deno.test("parsePageMessage() accepts the three requests and nothing else", async (t) => {
  await t.step("well-formed requests pass", () => {
    for (
      const m of [
        { op: "connect", src: 0, dst: 127, state: true },
        { op: "slot", port: 255, drvRef: 126, slotRef: 3, state: false },
        { op: "monitor", target: null },
        { op: "monitor", target: 5 },
      ]
    ) {
      assert.deepEqual(parsePageMessage(JSON.stringify(m)), {
        ok: true,
        message: m,
      });
    }
  });
  await t.step("each bad input is refused with its reason", () => {
    const bad: [unknown, RegExp][] = [
      [new Uint8Array(3), /binary/],
      ["x".repeat(2000), /longer/],
      ["{not json", /not JSON/],
      ["42", /not an object/],
      ["null", /not an object/],
      [JSON.stringify({ op: "rm -rf" }), /bad request/],
      [JSON.stringify({ op: "connect", src: 1, dst: 2 }), /bad request/],
      [JSON.stringify({ op: "connect", src: 1.5, dst: 2, state: true }), /bad/],
      [JSON.stringify({ op: "connect", src: -1, dst: 2, state: true }), /bad/],
      [
        JSON.stringify({
          op: "slot",
          port: 256,
          drvRef: 1,
          slotRef: 0,
          state: true,
        }),
        /bad/,
      ],
      [JSON.stringify({ op: "monitor", target: "5" }), /bad/],
    ];
    for (const [data, reason] of bad) {
      const parsed = parsePageMessage(data);
      assert.equal(parsed.ok, false, String(data).slice(0, 40));
      if (!parsed.ok) assert.match(parsed.reason, reason);
    }
  });
});

Deno.test("graphOf() keeps every refnum and connection, marking web and network ones", () => {
  const graph = graphOf({
    isAwake: true,
    refnums: [
      {
        refNum: 3,
        name: "peer",
        kind: "application",
        client: 2,
        connectedTo: [0],
        networkRole: "peer",
      },
      {
        refNum: 0,
        name: "MidiShare",
        kind: "application",
        client: 0,
        connectedTo: [3, 1],
      },
      {
        refNum: 1,
        name: "web",
        kind: "application",
        client: 1,
        connectedTo: [],
      },
      {
        refNum: 4,
        name: "web tap 3",
        kind: "application",
        client: 1,
        connectedTo: [],
        taps: [3],
      },
      {
        refNum: 126,
        name: "RtMidi",
        kind: "driver",
        client: 0,
        connectedTo: [127],
        slots: [{ slotRef: 0, name: "in", direction: 1, ports: [0] }],
      },
    ],
  }, new Set([1, 4]));
  assert.deepEqual(graph.nodes.map((n) => n.refNum), [0, 1, 3, 4, 126]);
  assert.deepEqual(graph.connections, [[0, 1], [0, 3], [3, 0], [126, 127]]);
  const by = new Map(graph.nodes.map((n) => [n.refNum, n]));
  assert.equal(by.get(3)!.isNetwork, true);
  assert.equal(by.get(0)!.isNetwork, false);
  assert.deepEqual([by.get(1)!.isWeb, by.get(4)!.isWeb, by.get(3)!.isWeb], [
    true,
    true,
    false,
  ]);
  assert.deepEqual(by.get(4)!.taps, [3]);
  assert.equal(by.get(126)!.kind, "driver");
  assert.equal(by.get(126)!.slots.length, 1);
  assert.equal(isNetworkPeer({ networkRole: "driver" }), false);
  assert.equal(isNetworkPeer({ networkRole: true }), false);
  assert.throws(() => graphOf({}, new Set()), TypeError);
});

Deno.test("pageAsset() serves the page's files by plain name only, stripped of types", async () => {
  const main = await pageAsset("main.ts");
  assert.ok(main !== null);
  assert.match(main.contentType, /^text\/javascript/);
  const text = new TextDecoder().decode(main.body);
  assert.doesNotMatch(text, /import type/);
  assert.match((await pageAsset("index.html"))!.contentType, /^text\/html/);
  for (
    const name of [
      "../mod.ts",
      "..%2Fmod.ts",
      "/etc/passwd",
      ".hidden.ts",
      "deno.json",
      "graph_layout_test.ts",
      "missing.ts",
      "Main.ts",
    ]
  ) assert.equal(await pageAsset(name), null, name);
  assert.equal(
    stripTypes("a.ts", "const a: number = 1;\n"),
    "const a         = 1;\n",
  );
  assert.throws(() => stripTypes("b.ts", "enum E { A }"), SyntaxError);
});
