import assert from "node:assert/strict";
import { generateFiles } from "./gen_stubs.ts";
import { CALLS } from "@midishare/transport/interface";

Deno.test("generateFiles() matches the checked-in stubs of transport/gen", async () => {
  const root = new URL("../", import.meta.url);
  for (const [path, text] of Object.entries(await generateFiles())) {
    const onDisk = await Deno.readTextFile(new URL(path, root));
    assert.equal(onDisk, text, `${path} is stale: run "deno task gen"`);
  }
});

Deno.test("CALLS has unique ids and names", () => {
  const ids = CALLS.map((c) => c.id), names = CALLS.map((c) => c.name);
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(new Set(names).size, names.length);
  for (const c of CALLS) {
    assert.ok(c.id >= 1 && c.id <= 0xffff, `id of ${c.name}`);
    if (c.kind === "oneway") assert.equal(c.result, "void", c.name);
  }
});
