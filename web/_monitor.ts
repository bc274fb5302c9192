/**
 * The monitor taps of the patchbay: the events a tap receives, kept as records for
 * the pages, and sent to them in batches.
 *
 * @module
 */

import type { MidiShareClient } from "@midishare/client";
import { eventRecord } from "./event_record.ts";
import type { PatchbayListener } from "./patchbay.ts";
import { type EventRecord, MAX_EVENTS_PER_MESSAGE } from "./protocol.ts";

/** One monitored refnum. */
export interface Monitor {
  target: number;
  tapRef: number;
  watchers: number;
  total: number;
  sentTotal: number;
  pending: EventRecord[];
}

/**
 * Takes the events waiting in `monitor`'s tap, keeping the last that fit in one
 * message.
 *
 * @param ms The patchbay's client.
 * @param monitor The monitor whose tap received events.
 * @param names Application names by refnum, for the records.
 */
export function receiveEvents(
  ms: MidiShareClient,
  monitor: Monitor,
  names: ReadonlyMap<number, string>,
): void {
  const ref = monitor.tapRef;
  for (let e = ms.MidiGetEv(ref); e !== null; e = ms.MidiGetEv(ref)) {
    monitor.total++;
    const source = e.refNum & 0x7f;
    const name = names.get(source) ?? `refnum ${source}`;
    monitor.pending.push(eventRecord(ms, e, name));
    ms.MidiFreeEv(e);
  }
  // Keep only what one message carries; the total still counts every event.
  const extra = monitor.pending.length - MAX_EVENTS_PER_MESSAGE;
  if (extra > 0) monitor.pending.splice(0, extra);
}

/**
 * Sends the pages the events of every monitor that received some since last time.
 *
 * @param monitors The monitors.
 * @param listener Who hears the patchbay.
 */
export function flushMonitors(
  monitors: Iterable<Monitor>,
  listener: PatchbayListener,
): void {
  for (const monitor of monitors) {
    if (monitor.total === monitor.sentTotal) continue;
    monitor.sentTotal = monitor.total;
    const events = monitor.pending;
    monitor.pending = [];
    listener.monitorEvents(monitor.target, monitor.total, events);
  }
}
