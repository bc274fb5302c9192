import assert from "node:assert/strict";
import { CELL_WORDS, createCellPool, NIL } from "../memory/cell_pool.ts";
import { B_REFNUM, W_DATE } from "../memory/event_layout.ts";
import { newEvent } from "../memory/event_store.ts";
import { typeKeyOn, typeSysEx } from "../api/constants.ts";
import {
  C_HELD,
  C_QUOTA_LOSSES,
  ChargedPool,
  R_QUOTA_LOSSES,
  ServerAccounts,
  wallStamp,
} from "./server_accounts.ts";
import { createServerKernel } from "./server_kernel.ts";
import { newKernel } from "../_test_util.ts";

Deno.test("ServerAccounts.charge() keeps a client within its quota and release() gives the cells back", () => {
  const pool = createCellPool({ cellCount: 100 });
  const accounts = new ServerAccounts();
  accounts.quota = 10;
  const charged = new ChargedPool(pool, accounts);
  charged.client = 3;
  const cells: number[] = [];
  for (let i = 0; i < 10; i++) {
    const cell = charged.alloc();
    assert.notEqual(cell, NIL);
    accounts.tag(pool, cell, 3);
    cells.push(cell);
  }
  assert.equal(charged.isRefused, false);
  assert.equal(charged.allocChain(1), NIL);
  assert.equal(charged.isRefused, true);
  assert.equal(accounts.client(3, C_HELD), 10);
  // Another client is not affected.
  charged.client = 4;
  assert.notEqual(charged.allocChain(2), NIL);
  assert.equal(accounts.client(4, C_HELD), 2);
  for (const cell of cells) accounts.release(pool, cell);
  assert.equal(accounts.client(3, C_HELD), 0);
  assert.equal(pool.used, 2);
});

Deno.test("ChargedPool.allocChain() charges nothing when the pool itself is short", () => {
  const pool = createCellPool({ cellCount: 4 });
  const accounts = new ServerAccounts();
  const charged = new ChargedPool(pool, accounts);
  charged.client = 1;
  assert.equal(charged.allocChain(5), NIL);
  assert.equal(charged.isRefused, false);
  assert.equal(accounts.client(1, C_HELD), 0);
});

Deno.test("ServerKernel.MidiTask() charges its client and fails over the quota", () => {
  const accounts = new ServerAccounts();
  accounts.quota = 4;
  const kernel = createServerKernel({ accounts });
  const sink = {
    deliver() {},
    runTask() {},
    readyDTask() {},
    endTick() {},
    applAlarm() {},
    driverWakeup() {},
    driverSleep() {},
    dormant() {},
    stateChanged() {},
  };
  const client = kernel.addClient(sink);
  const ref = kernel.MidiOpen(client, "a");
  assert.equal(kernel.MidiTask(client, 128, ref, 100, 1, 1), true);
  assert.equal(kernel.MidiTask(client, 128, ref, 100, 2, 1), true);
  assert.equal(kernel.MidiTask(client, 128, ref, 100, 3, 1), false);
  assert.equal(accounts.client(client, C_HELD), 4);
  assert.equal(kernel.lostCount, 1);
  assert.equal(accounts.total(C_QUOTA_LOSSES), 1);
  assert.equal(kernel.accounts.ref(ref, R_QUOTA_LOSSES), 1);
  assert.equal(kernel.pool.used, 4);
  // An event sent under the refnum of another client's application is given back
  // when its own client leaves, with its cells.
  const other = kernel.addClient(sink);
  const b = kernel.MidiOpen(other, "b");
  const cell = newEvent(kernel.pool, typeSysEx);
  kernel.pool.bytes[cell * CELL_WORDS * 4 + B_REFNUM] = b;
  kernel.pool.words[cell * CELL_WORDS + W_DATE] = 60_000;
  accounts.addClient(client, C_HELD, 2);
  accounts.tag(kernel.pool, cell, client);
  kernel.MidiSend(cell);
  kernel.removeClient(client);
  assert.equal(accounts.client(client, C_HELD), 0);
  assert.equal(kernel.pool.used, 0);
  assert.equal(kernel.pendingCount, 0);
});

Deno.test("the in-process kernel has no quota and still counts nothing lost", () => {
  const ms = newKernel();
  const a = ms.MidiOpen("a"), b = ms.MidiOpen("b");
  ms.MidiConnect(a, b, true);
  for (let i = 0; i < 1000; i++) {
    ms.MidiSendAt(a, ms.MidiNewEv(typeKeyOn), 10);
  }
  ms.advance(10);
  assert.equal(ms.MidiCountEvs(b), 1000);
  assert.deepEqual(ms.lossCounts(), {
    lostCopies: 0,
    lostCopiesByRefNum: {},
    truncatedFields: 0,
  });
});

Deno.test("wallStamp() never gives 0 and wraps below 2^31", () => {
  assert.equal(wallStamp(0), 1);
  assert.equal(wallStamp(0x7fffffff - 1), 0x7fffffff);
  assert.equal(wallStamp(0x7fffffff), 1);
});
