import assert from "node:assert/strict";
import { GENERATED_FOLDERS, generateFiles } from "./gen_stubs.ts";
import {
  API,
  CALLS,
  NOTIFICATIONS,
  SESSION_FRAMES,
} from "@midishare/transport/interface";

Deno.test("generateFiles() matches every checked-in generated file", async () => {
  const root = new URL("../", import.meta.url);
  const files = await generateFiles();
  for (const [path, text] of Object.entries(files)) {
    const onDisk = await Deno.readTextFile(new URL(path, root));
    assert.equal(onDisk, text, `${path} is stale: run "deno task gen"`);
  }
  // Nothing else sits in a generated folder: a file left from an old table fails.
  for (const folder of GENERATED_FOLDERS) {
    for await (const entry of Deno.readDir(new URL(folder, root))) {
      assert.ok(
        `${folder}${entry.name}` in files,
        `${folder}${entry.name} is not generated any more: run "deno task gen"`,
      );
    }
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

Deno.test("NOTIFICATIONS and SESSION_FRAMES have unique kinds on the right side", () => {
  const frames = [...NOTIFICATIONS, ...SESSION_FRAMES];
  const kinds = frames.map((f) => f.kind);
  assert.equal(new Set(kinds).size, kinds.length);
  for (const f of NOTIFICATIONS) assert.ok(f.kind >= 0x80, f.name);
});

Deno.test("API names every call once, and each server call has its CALLS row", () => {
  const names = API.map((a) => a.name);
  assert.equal(new Set(names).size, names.length);
  assert.equal(names.length, 83);
  for (const a of API.filter((a) => a.runs === "server")) {
    assert.ok(CALLS.some((c) => c.name === a.name), a.name);
  }
});
