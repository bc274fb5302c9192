/**
 * The web server's MidiShare side: one ordinary client with its own application
 * ("web"), whose application alarm tells it of every change, so that it sends the
 * pages a new graph at once; a health sample every second; monitor taps opened on
 * demand, one application per monitored refnum; and reconnection when the server
 * is lost.
 *
 * This file holds the interface and the factory; the client itself is in
 * `_patchbay.ts`, the health sample in `_health_sample.ts`, the monitor taps' events
 * in `_monitor.ts`.
 *
 * @module
 */

import { PatchbayImpl } from "./_patchbay.ts";
import type { EventRecord, Graph, Health, ServerMessage } from "./protocol.ts";

/** Who hears the patchbay: the pages, through the web server. */
export interface PatchbayListener {
  /** A message for every page. */
  broadcast(message: ServerMessage): void;
  /** Monitor events for the pages that watch `target`. */
  monitorEvents(target: number, total: number, events: EventRecord[]): void;
}

/** Options of {@link createPatchbay}. */
export interface PatchbayOptions {
  /** The server's socket; this user's by default. */
  socketPath?: string;
  /** Whether the first connection starts a server when none runs (default true). */
  autoStart?: boolean;
}

/** The MidiShare side of the web server; see the module documentation. */
export interface Patchbay extends AsyncDisposable {
  /** The last graph, or null while no server answers. */
  readonly graph: Graph | null;
  /** The last health sample, or null. */
  readonly health: Health | null;
  /** The state of the server connection, as the pages are told it. */
  readonly serverMessage: ServerMessage;
  /** Makes or breaks a connection. */
  connect(src: number, dst: number, state: boolean): void;
  /** Maps a MidiShare port to a driver's slot, or unmaps it. */
  connectSlot(port: number, drv: number, slot: number, state: boolean): void;
  /** One more page watches `target`: starts its tap if it is the first. */
  watch(target: number): Promise<string | null>;
  /** One page fewer watches `target`: ends its tap with the last. */
  unwatch(target: number): void;
  /** Closes everything. */
  close(): Promise<void>;
}

/** Starts the patchbay: connects, opens its application, and keeps up to date. */
export async function createPatchbay(
  listener: PatchbayListener,
  options: PatchbayOptions = {},
): Promise<Patchbay> {
  const patchbay = new PatchbayImpl(listener, options);
  await patchbay.start();
  return patchbay;
}
