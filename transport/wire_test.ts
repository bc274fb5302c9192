import assert from "node:assert/strict";
import { createCellPool, NIL } from "@midishare/kernel/memory";
import {
  addBytes,
  getField,
  newEvent,
  setField,
} from "@midishare/kernel/memory";
import { type ReadEventResult, WireReader, WireWriter } from "./wire.ts";

Deno.test("WireWriter keeps every value when it grows in the middle of a write", () => {
  const w = new WireWriter(3);
  for (let i = 0; i < 1000; i++) {
    w.u8(i & 0xff);
    w.i16(-i);
    w.u16(i);
    w.i32(-i * 1000);
    w.u32(0xfffffff0 + (i & 0xf));
    w.f64(i / 3);
    w.str(`s${i}`);
    w.nstr(i % 2 === 0 ? null : "x");
    w.raw(new Uint8Array([i & 0xff, 1, 2]));
  }
  const r = new WireReader(w.bytes, w.view, 0, w.length);
  for (let i = 0; i < 1000; i++) {
    assert.equal(r.u8(), i & 0xff);
    assert.equal(r.i16(), -i | 0);
    assert.equal(r.u16(), i);
    assert.equal(r.i32(), (-i * 1000) | 0);
    assert.equal(r.u32(), 0xfffffff0 + (i & 0xf));
    assert.equal(r.f64(), i / 3);
    assert.equal(r.str(), `s${i}`);
    assert.equal(r.nstr(), i % 2 === 0 ? null : "x");
    assert.deepEqual([...r.raw(3)], [i & 0xff, 1, 2]);
  }
  assert.ok(r.isDone);
});

Deno.test("WireReader throws SyntaxError past the end and on a bad boolean", () => {
  const w = new WireWriter();
  w.u16(10);
  w.u8(7);
  const r = new WireReader(w.bytes, w.view, 0, w.length);
  assert.throws(() => r.str(), SyntaxError);
  const b = new WireReader(w.bytes, w.view, 2, 3);
  assert.throws(() => b.bool(), SyntaxError);
});

Deno.test("WireWriter.event and WireReader.event carry S, P and V events between pools", () => {
  const from = createCellPool({ cellCount: 100 }),
    to = createCellPool({ cellCount: 100 });
  const s = newEvent(from, 4);
  setField(from, s, 0, 7);
  setField(from, s, 1, 99);
  const p = newEvent(from, 20);
  setField(from, p, 3, -5);
  const v = newEvent(from, 17);
  addBytes(from, v, new Uint8Array(300).map((_, i) => i & 0x7f));
  const w = new WireWriter(8);
  for (const cell of [s, p, v]) w.event(from, cell);
  const r = new WireReader(w.bytes, w.view, 0, w.length);
  const out: ReadEventResult = { cell: NIL, end: 0 };
  const [s2, p2, v2] = [r.event(to, out), r.event(to, out), r.event(to, out)];
  assert.equal(getField(to, s2, 1), 99);
  assert.equal(getField(to, p2, 3), -5);
  assert.equal(getField(to, v2, 299), 299 & 0x7f);
  assert.equal(to.used, from.used);
  assert.ok(r.isDone);
});

Deno.test("WireReader.event gives nil without leaking when the pool is short", () => {
  const from = createCellPool({ cellCount: 100 }),
    to = createCellPool({ cellCount: 3 });
  const v = newEvent(from, 17);
  addBytes(from, v, new Uint8Array(100));
  const w = new WireWriter();
  w.event(from, v);
  const r = new WireReader(w.bytes, w.view, 0, w.length);
  assert.equal(r.event(to, { cell: NIL, end: 0 }), NIL);
  assert.equal(to.used, 0);
  assert.ok(r.isDone);
});

Deno.test("WireReader.event refuses reserved types and truncated events", () => {
  const pool = createCellPool({ cellCount: 10 });
  const w = new WireWriter();
  w.u32(0);
  w.u8(200); // reserved type
  w.raw(new Uint8Array(7));
  const r = new WireReader(w.bytes, w.view, 0, w.length);
  assert.throws(() => r.event(pool, { cell: NIL, end: 0 }), SyntaxError);
  const t = new WireReader(w.bytes, w.view, 0, 6);
  assert.throws(() => t.event(pool, { cell: NIL, end: 0 }), SyntaxError);
  assert.equal(pool.used, 0);
});
