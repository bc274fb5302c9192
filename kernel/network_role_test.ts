import assert from "node:assert/strict";
import { createServerKernel } from "./server/mod.ts";
import { networkRoleValue } from "./api/mod.ts";

interface StatusEntry {
  refNum: number;
  networkRole?: string;
}

function roles(status: string): Record<number, string | undefined> {
  const entries = (JSON.parse(status) as { refnums: StatusEntry[] }).refnums;
  return Object.fromEntries(entries.map((e) => [e.refNum, e.networkRole]));
}

Deno.test("SetNetworkRole() leaves network applications out of userApplCount", async (t) => {
  const k = createServerKernel({ poolCellCount: 1024 });
  const driver = k.MidiOpen(1, "msLANDriver");
  const peer = k.MidiOpen(1, "studio");
  await t.step("ordinary applications count", () => {
    assert.equal(k.MidiCountAppls(), 3);
    assert.equal(k.userApplCount, 2);
  });
  await t.step("marked ones do not, and the status names their role", () => {
    k.SetNetworkRole(1, driver, networkRoleValue("driver"));
    k.SetNetworkRole(1, peer, networkRoleValue("peer"));
    assert.equal(k.userApplCount, 0);
    assert.equal(k.MidiCountAppls(), 3);
    const r = roles(k.ServerStatus());
    assert.deepEqual([r[driver], r[peer], r[0]], ["driver", "peer", undefined]);
  });
  await t.step("another client's refnum and unknown roles are ignored", () => {
    const user = k.MidiOpen(2, "player");
    k.SetNetworkRole(1, user, 2);
    k.SetNetworkRole(2, user, 7);
    assert.equal(k.userApplCount, 1);
    k.MidiClose(2, user);
  });
  await t.step("closing or unmarking gives the count back", () => {
    k.SetNetworkRole(1, driver, networkRoleValue("none"));
    assert.equal(k.userApplCount, 1);
    k.MidiClose(1, peer);
    const again = k.MidiOpen(1, "other");
    assert.equal(again, peer);
    assert.equal(k.userApplCount, 2);
  });
});

Deno.test("networkRoleValue() rejects an unknown role", () => {
  assert.throws(
    () => networkRoleValue("server" as never),
    TypeError,
  );
});
