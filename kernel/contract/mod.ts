/**
 * The contract between the two halves of the kernel: what the server half tells one
 * client half (its callback channel), in server order. The server's socket sink and
 * the in-process queue implement it on the server side; the client's inbox receives
 * it on the other.
 *
 * Types only. May import `../api/` and `../memory/`.
 *
 * @example A sink that counts the ticks it is told about
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ClientSink } from "./mod.ts";
 *
 * let ticks = 0;
 * const sink: Pick<ClientSink, "endTick"> = { endTick: () => void ticks++ };
 * sink.endTick();
 * assert.equal(ticks, 1);
 * ```
 *
 * @module
 */

export type { ClientSink } from "./client_sink.ts";
