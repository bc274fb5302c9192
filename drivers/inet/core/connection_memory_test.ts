// Connection memory of remote applications (spec §7.8; §10 items 60 and 61).

import assert from "node:assert/strict";
import { createConnectionMemory } from "./connection_memory.ts";

const app = (name: string, sendsToRemote: boolean, hearsRemote: boolean) => ({
  name,
  sendsToRemote,
  hearsRemote,
});

Deno.test("createConnectionMemory() reconnects a program that quits and restarts (§10 item 60)", async (t) => {
  const memory = createConnectionMemory({ restores: true });
  assert.deepEqual(memory.open(7, "10.0.0.2"), []);
  memory.update(7, [app("seq", true, true), app("other", false, false)]);
  assert.deepEqual(memory.lists(7), { inputs: ["seq"], outputs: ["seq"] });

  await t.step("the program quits: its name stays in both lists", () => {
    // MidiShare reports the change; the closed program is no longer listed.
    memory.update(7, [app("other", false, false)]);
    assert.deepEqual(memory.lists(7), { inputs: ["seq"], outputs: ["seq"] });
  });
  await t.step("it opens again: connected both ways", () => {
    assert.deepEqual(memory.applicationOpened("seq"), [
      { id: 7, name: "seq", direction: "toRemote" },
      { id: 7, name: "seq", direction: "fromRemote" },
    ]);
    assert.deepEqual(memory.applicationOpened("unknown"), []);
  });
  await t.step("a disconnection by the user is remembered", () => {
    memory.update(7, [app("seq", false, true)]);
    assert.deepEqual(memory.applicationOpened("seq"), [
      { id: 7, name: "seq", direction: "fromRemote" },
    ]);
  });
});

Deno.test("createConnectionMemory() restores a returning peer's connections (§10 item 61)", async (t) => {
  const memory = createConnectionMemory({ restores: true });
  memory.open(1, "10.0.0.2");
  memory.open(2, "10.0.0.3");
  memory.update(1, [app("a", true, false), app("b", false, true)]);
  memory.update(2, [app("c", true, true)]);
  memory.close(1);
  memory.close(2);
  assert.equal(memory.lists(1), null);
  assert.equal(memory.savedCount, 2);

  await t.step("the peer comes back under a new remote", () => {
    assert.deepEqual(memory.open(3, "10.0.0.2"), [
      { id: 3, name: "a", direction: "toRemote" },
      { id: 3, name: "b", direction: "fromRemote" },
    ]);
    assert.deepEqual(memory.lists(3), { inputs: ["a"], outputs: ["b"] });
  });
  await t.step(
    "a remote closed with no connection clears the saved lists",
    () => {
      memory.update(3, [app("a", false, false), app("b", false, false)]);
      memory.close(3);
      assert.deepEqual(memory.open(4, "10.0.0.2"), []);
      assert.equal(memory.savedCount, 1);
    },
  );
});

Deno.test("createConnectionMemory() with restore off forgets a closed remote (§10 item 61)", () => {
  const memory = createConnectionMemory({ restores: false });
  memory.open(1, "10.0.0.2");
  memory.update(1, [app("a", true, true)]);
  assert.equal(
    memory.applicationOpened("a").length,
    2,
    "reconnection still works",
  );
  memory.close(1);
  assert.deepEqual(memory.open(2, "10.0.0.2"), []);
  assert.equal(memory.savedCount, 0);
});

Deno.test("createConnectionMemory() ignores updates of unknown remotes", () => {
  const memory = createConnectionMemory({ restores: true });
  memory.update(9, [app("a", true, true)]);
  memory.close(9);
  assert.equal(memory.lists(9), null);
  assert.equal(memory.savedCount, 0);
});
