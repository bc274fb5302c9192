/**
 * The client behind {@link Patchbay}: the web application and its alarm, the graph
 * sent on every change, the health sample every second, the monitor taps (their
 * events are gathered by `_monitor.ts`), and the reconnection when the server is
 * lost.
 *
 * @module
 */

import {
  createClient,
  type MidiShareClient,
  type RemoteOptions,
  type ServerStatus,
} from "@midishare/client";
import { type HealthCounters, healthSample } from "./_health_sample.ts";
import { flushMonitors, type Monitor, receiveEvents } from "./_monitor.ts";
import { graphOf } from "./graph_model.ts";
import type {
  Patchbay,
  PatchbayListener,
  PatchbayOptions,
} from "./patchbay.ts";
import {
  type Graph,
  type Health,
  MONITOR_FLUSH_MS,
  type ServerMessage,
} from "./protocol.ts";

/** How often the health is sampled, in ms. */
const HEALTH_MS = 1000;

/** How often a lost server is looked for again, in ms. */
const RECONNECT_MS = 500;

/** The {@link Patchbay} returned by `createPatchbay`. */
export class PatchbayImpl implements Patchbay {
  readonly #listener: PatchbayListener;
  readonly #options: PatchbayOptions;
  #ms: MidiShareClient | null = null;
  #ref = -1;
  #graph: Graph | null = null;
  #graphText = "";
  #health: Health | null = null;
  #lastSample: HealthCounters | null = null;
  #names = new Map<number, string>();
  readonly #monitors = new Map<number, Monitor>();
  #serverMessage: ServerMessage = {
    kind: "server",
    isUp: false,
    message: "Connecting to the MidiShare server",
  };
  #isRefreshing = false;
  #isRefreshDue = false;
  #isClosed = false;
  readonly #timers: ReturnType<typeof setInterval>[] = [];
  /**
   * @param listener Who hears the patchbay.
   * @param options The socket and whether to start a server.
   */
  constructor(listener: PatchbayListener, options: PatchbayOptions) {
    this.#listener = listener;
    this.#options = options;
  }

  get graph(): Graph | null {
    return this.#graph;
  }

  get health(): Health | null {
    return this.#health;
  }

  get serverMessage(): ServerMessage {
    return this.#serverMessage;
  }

  /** Connects, opens the application and starts the timers. */
  async start(): Promise<void> {
    await this.#connect(this.#options.autoStart ?? true);
    this.#timers.push(
      setInterval(() => this.#sampleHealth(), HEALTH_MS),
      setInterval(
        () => flushMonitors(this.#monitors.values(), this.#listener),
        MONITOR_FLUSH_MS,
      ),
    );
  }

  connect(src: number, dst: number, state: boolean): void {
    this.#ms?.MidiConnect(src, dst, state);
  }

  connectSlot(port: number, drv: number, slot: number, state: boolean): void {
    this.#ms?.MidiConnectSlot(port, { drvRef: drv, slotRef: slot }, state);
  }

  async watch(target: number): Promise<string | null> {
    const ms = this.#ms;
    if (ms === null) return "The MidiShare server is not reachable";
    const known = this.#monitors.get(target);
    if (known !== undefined) {
      known.watchers++;
      return null;
    }
    if ((await ms.MidiGetName(target)) === null) {
      return `No application or driver has refnum ${target}`;
    }
    const tapRef = await ms.MidiOpen(`web tap ${target}`);
    if (tapRef < 0) return "Cannot monitor: no free refnum";
    const monitor: Monitor = {
      target,
      tapRef,
      watchers: 1,
      total: 0,
      sentTotal: 0,
      pending: [],
    };
    // Another page may have asked for the same refnum meanwhile.
    const raced = this.#monitors.get(target);
    if (raced !== undefined) {
      ms.MidiClose(tapRef);
      raced.watchers++;
      return null;
    }
    this.#monitors.set(target, monitor);
    ms.MidiSetRcvAlarm(tapRef, () => receiveEvents(ms, monitor, this.#names));
    ms.monitorTap(tapRef, target, true);
    this.#refresh();
    return null;
  }

  unwatch(target: number): void {
    const monitor = this.#monitors.get(target);
    if (monitor === undefined || --monitor.watchers > 0) return;
    this.#monitors.delete(target);
    this.#ms?.MidiClose(monitor.tapRef);
    this.#refresh();
  }

  async close(): Promise<void> {
    this.#isClosed = true;
    for (const timer of this.#timers) clearInterval(timer);
    const ms = this.#ms;
    this.#ms = null;
    if (ms === null) return;
    for (const monitor of this.#monitors.values()) ms.MidiClose(monitor.tapRef);
    if (this.#ref >= 0) ms.MidiClose(this.#ref);
    await ms.MidiShare();
    await ms.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ---- Connection

  /** Connects a new client and opens the application; false when no server answers. */
  async #connect(autoStart: boolean): Promise<boolean> {
    const options: RemoteOptions = {
      name: "web",
      autoStart,
      ...(this.#options.socketPath === undefined
        ? {}
        : { socketPath: this.#options.socketPath }),
    };
    const ms = createClient(options);
    if (!(await ms.MidiShare())) {
      await ms.close();
      return false;
    }
    const ref = await ms.MidiOpen("web");
    if (ref < 0) {
      await ms.close();
      throw new Error("Cannot open the web application: no free refnum");
    }
    this.#ms = ms;
    this.#ref = ref;
    this.#names.clear();
    ms.MidiSetApplAlarm(ref, () => this.#refresh());
    ms.lost.then((error) => this.#lost(ms, error.message));
    this.#setServer(true, "Connected to the MidiShare server");
    this.#lastSample = null;
    await this.#refreshNow();
    return true;
  }

  #lost(ms: MidiShareClient, message: string): void {
    if (this.#ms !== ms || this.#isClosed) return;
    this.#ms = null;
    this.#ref = -1;
    this.#graph = null;
    this.#graphText = "";
    for (const monitor of this.#monitors.values()) {
      this.#listener.broadcast({
        kind: "monitor",
        target: null,
        message: `Stopped monitoring refnum ${monitor.target}: ${message}`,
      });
    }
    this.#monitors.clear();
    this.#setServer(false, `${message}; waiting for it to come back`);
    ms.close().catch(() => {});
    const retry = async () => {
      if (this.#isClosed) return;
      if (!(await this.#connect(false).catch(() => false))) {
        setTimeout(retry, RECONNECT_MS);
      }
    };
    setTimeout(retry, RECONNECT_MS);
  }

  #setServer(isUp: boolean, message: string): void {
    this.#serverMessage = { kind: "server", isUp, message };
    this.#listener.broadcast(this.#serverMessage);
  }

  // ---- The graph

  /** Refreshes the graph soon, once however many alarms came meanwhile. */
  #refresh(): void {
    if (this.#isRefreshing) {
      this.#isRefreshDue = true;
      return;
    }
    this.#refreshNow().catch(() => {
      // The server went away: `lost` says so and reconnects.
    });
  }

  async #refreshNow(): Promise<void> {
    const ms = this.#ms;
    if (ms === null) return;
    this.#isRefreshing = true;
    try {
      do {
        this.#isRefreshDue = false;
        this.#applyStatus(await ms.serverStatus());
      } while (this.#isRefreshDue);
    } finally {
      this.#isRefreshing = false;
    }
  }

  #applyStatus(status: ServerStatus): void {
    const webRefs = new Set([this.#ref]);
    for (const monitor of this.#monitors.values()) webRefs.add(monitor.tapRef);
    const graph = graphOf(status, webRefs);
    for (const node of graph.nodes) this.#names.set(node.refNum, node.name);
    // A monitored refnum that closed: its tap went with it.
    for (const monitor of [...this.#monitors.values()]) {
      if (graph.nodes.some((n) => n.refNum === monitor.target)) continue;
      this.#monitors.delete(monitor.target);
      this.#ms?.MidiClose(monitor.tapRef);
      this.#listener.broadcast({
        kind: "monitor",
        target: null,
        message: `Refnum ${monitor.target} closed: monitor stopped`,
      });
    }
    const text = JSON.stringify(graph);
    if (text !== this.#graphText) {
      this.#graph = graph;
      this.#graphText = text;
      this.#listener.broadcast({ kind: "graph", graph });
    }
  }

  // ---- Health

  async #sampleHealth(): Promise<void> {
    const ms = this.#ms;
    if (ms === null) return;
    let status: ServerStatus;
    try {
      status = await ms.serverStatus();
    } catch {
      return; // the server went away: `lost` says so
    }
    // Changes that raise no alarm (a filter, a tap) show up here too.
    if (!this.#isRefreshing) this.#applyStatus(status);
    const { health, counters } = healthSample(status, {
      last: this.#lastSample,
      at: performance.now(),
    });
    this.#lastSample = counters;
    this.#health = health;
    this.#listener.broadcast({ kind: "health", health: this.#health });
  }
}
