import assert from "node:assert/strict";
import { API_DOCS, type CallDoc } from "./api_docs.ts";

/** The names of the calls the client package exports, read from its generated file. */
async function exportedCalls(): Promise<string[]> {
  const source = await Deno.readTextFile(
    new URL("../client/gen/api_gen.ts", import.meta.url),
  );
  return [...source.matchAll(/export function (Midi\w+)/g)].map((m) => m[1]!);
}

/** Every text of an entry, for checks that concern them all. */
function textsOf(doc: CallDoc): string[] {
  return [
    doc.summary,
    doc.details ?? "",
    ...Object.values(doc.params),
    doc.returns ?? "",
    ...(doc.throws ?? []).flat(),
  ];
}

function byName(a: string, b: string): number {
  const x = a.toLowerCase(), y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

Deno.test("API_DOCS documents exactly the calls the client exports", async () => {
  const exported = await exportedCalls();
  assert.equal(exported.length, 83);
  assert.deepEqual(Object.keys(API_DOCS).sort(), [...exported].sort());
});

Deno.test("API_DOCS lists its entries in alphabetical order", () => {
  const names = Object.keys(API_DOCS);
  assert.deepEqual(names, [...names].sort(byName));
});

Deno.test("API_DOCS summaries are one sentence ending with a period", async (t) => {
  for (const [name, doc] of Object.entries(API_DOCS)) {
    await t.step(name, () => {
      const summary = doc.summary;
      assert.match(summary, /^[A-Z`]/, "starts with a capital letter");
      assert.match(summary, /[^.]\.$/, "ends with one period");
      // A period, a space and a capital letter would start a second sentence.
      assert.doesNotMatch(summary, /[.!?]\s+[A-Z]/, "holds one sentence");
      assert.doesNotMatch(summary, /\n/);
    });
  }
});

Deno.test("API_DOCS texts point to nothing outside the repository", () => {
  for (const [name, doc] of Object.entries(API_DOCS)) {
    for (const text of textsOf(doc)) {
      assert.ok(!text.includes("../shared"), `${name}: mentions ../shared`);
      assert.ok(!text.includes("§"), `${name}: cites a section: ${text}`);
    }
  }
});

Deno.test("API_DOCS texts use no contractions and no empty strings", () => {
  for (const [name, doc] of Object.entries(API_DOCS)) {
    for (const text of textsOf(doc)) {
      assert.doesNotMatch(text, /\w(n't|'re|'ve|'ll|'m)\b/, name);
    }
    for (const [param, text] of Object.entries(doc.params)) {
      assert.ok(text.length > 0, `${name}: parameter ${param} is empty`);
    }
    for (const [errorClass, when] of doc.throws ?? []) {
      assert.ok(
        ["TypeError", "RangeError", "MidiShareError"].includes(errorClass),
        `${name}: unknown error class ${errorClass}`,
      );
      assert.ok(
        when.length > 0,
        `${name}: a ${errorClass} without a condition`,
      );
    }
  }
});
