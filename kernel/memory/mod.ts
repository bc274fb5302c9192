/**
 * Event memory: the cell pool on a `SharedArrayBuffer`, the byte layout of an event
 * in its cells, the operations on stored events (create, copy, free, fields) and the
 * filter bit layout. Both the server and every client keep their events here.
 *
 * Runs in any thread that owns a pool. Real-time safe: cells are allocated from the
 * pool's free list, never from the JavaScript heap. May import `../api/` only.
 *
 * @example Store a note and read a field back
 * ```ts
 * import assert from "node:assert/strict";
 * import { createCellPool, getField, newEvent, setField } from "./mod.ts";
 *
 * const pool = createCellPool({ cellCount: 64 });
 * const cell = newEvent(pool, 0); // typeNote
 * setField(pool, cell, 0, 60);
 * assert.equal(getField(pool, cell, 0), 60);
 * ```
 *
 * @module
 */

export {
  attachCellPool,
  CELL_BYTES,
  CELL_WORDS,
  type CellPool,
  type CellPoolOptions,
  createCellPool,
  H_CURSOR_EXT,
  H_CURSOR_HEAD,
  H_CURSOR_ORDINAL,
  NIL,
} from "./cell_pool.ts";
export * from "./event_layout.ts";
export { addBytes, addField, readBytes } from "./event_bytes.ts";
export {
  commonOffset,
  eventChan,
  eventDate,
  eventPort,
  eventRefNum,
  eventType,
} from "./event_header.ts";
export {
  copyEvent,
  countFields,
  eventCellCount,
  eventClass,
  freeEvent,
  getField,
  newEvent,
  setField,
} from "./event_store.ts";
export {
  FILTER_BYTES,
  FILTER_CHANS,
  FILTER_PORTS,
  FILTER_TYPES,
  type FilterPart,
  filterPart,
  getBit,
  passesFilter,
  setBit,
} from "./filter_bits.ts";
