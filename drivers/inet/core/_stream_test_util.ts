/**
 * Helpers shared by the input stream tests: packet builders and a recording stream.
 * Private to `drivers/inet/core/`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { createInputStream, type InputStream } from "./input_stream.ts";
import { decodePacket } from "./packet_decoder.ts";
import { encodeMidiPacket } from "./packet_encoder.ts";
import type { MidiPacket } from "./packets.ts";

/** KeyOn with pitch `pitch` at relative date `rel`. */
export function keyOn(pitch: number, rel = 0): Uint8Array {
  return Uint8Array.of(
    0,
    7,
    1,
    (rel >> 8) & 0xff,
    rel & 0xff,
    0,
    0,
    pitch,
    100,
  );
}

/** A decoded Midi packet around `data`, checked well formed. */
export function packet(
  serial: number,
  dateMs: number,
  data: Uint8Array,
  offset = 0,
): MidiPacket {
  const p = decodePacket(encodeMidiPacket({ serial, dateMs, offset }, data));
  assert.ok(p.kind === "midi");
  return p;
}

/** One event delivered by a test stream. */
export interface Received {
  pitch: number;
  type: number;
  date: number;
}

/** An input stream that records what it delivers into `got`. */
export function setup(
  maxLatencyMs = 10,
  clock = { initLocal: 1000, initRemote: 0 },
): { stream: InputStream; got: Received[] } {
  const got: Received[] = [];
  const stream = createInputStream({
    maxLatencyMs,
    clock,
    onEvent: (ev, date) =>
      got.push({ pitch: ev.fields[0]!, type: ev.type, date }),
  });
  return { stream, got };
}

/** Every counter and date of a stream, to compare before and after. */
export function state(s: InputStream): number[] {
  return [
    s.lastSerial,
    s.missingCount,
    s.lateCount,
    s.receptionDateMs,
    s.delayMs,
    s.latenessMs,
    s.malformedEventCount,
    s.isAwaitingSync ? 1 : 0,
  ];
}
