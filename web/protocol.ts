/**
 * What the patchbay page and the web server say to each other over the WebSocket, as
 * JSON text messages: the graph, the server's health, the monitor's events, and the
 * page's requests. Types only (the page imports them with `import type`), plus the
 * limits both sides hold to.
 *
 * @module
 */

/** A slot of a driver, as `midishare status` shows it. */
export interface GraphSlot {
  /** The slot's reference within its driver. */
  slotRef: number;
  /** Its name (with JACK, `client:port`). */
  name: string;
  /** 1 input, 2 output, 3 both. */
  direction: number;
  /** The MidiShare ports mapped to it, ascending. */
  ports: number[];
}

/** An application, a driver or one of MidiShare's own refnums (0 and 127). */
export interface GraphNode {
  /** The refnum. */
  refNum: number;
  /** The name. */
  name: string;
  /** The side it lives on: applications (with 0) or drivers (with 127). */
  kind: "application" | "driver";
  /** The server's id of the client that opened it; 0 for MidiShare's own. */
  client: number;
  /** Whether it stands for a peer of the network driver. */
  isNetwork: boolean;
  /** Whether the web server itself opened it (its own application, its taps). */
  isWeb: boolean;
  /** The refnums it taps (a monitor), ascending. */
  taps: number[];
  /** The slots of a driver, else empty. */
  slots: GraphSlot[];
}

/** Everything the page draws: refnums and connections. */
export interface Graph {
  /** Whether MidiShare is awake. */
  isAwake: boolean;
  /** Refnums in ascending order. */
  nodes: GraphNode[];
  /** Connections `[source, destination]`, sorted. */
  connections: [number, number][];
}

/** The server's health, sampled every second. */
export interface Health {
  /** MidiShare's time in ms. */
  time: number;
  /** Open applications, refnum 0 included. */
  applications: number;
  /** Events dispatched per second over the last sample. */
  eventsPerSecond: number;
  /** Ticks run late per second over the last sample. */
  lateTicksPerSecond: number;
  /** Ticks run late since the server started. */
  lateTicks: number;
  /** 99th percentile of the ticks' lateness since start, in µs. */
  tickLatenessP99Us: number;
  /** Free cells of the server pool. */
  freeCells: number;
  /** Cells of the server pool. */
  totalCells: number;
}

/** One received event, with the columns `midishare display` prints. */
export interface EventRecord {
  /** Its date in ms. */
  date: number;
  /** The sender's refnum. */
  source: number;
  /** The sender's name. */
  sourceName: string;
  /** The event type number. */
  type: number;
  /** The type's name (`Note`, `KeyOn`, ...). */
  typeName: string;
  /** The port it arrived with. */
  port: number;
  /** Its channel, or −1 for types without one. */
  chan: number;
  /** Its first fields (at most 16). */
  fields: number[];
  /** How many fields it has in all. */
  fieldCount: number;
}

/** A message of the server to a page. */
export type ServerMessage =
  | { kind: "graph"; graph: Graph }
  | { kind: "health"; health: Health }
  | { kind: "server"; isUp: boolean; message: string }
  | {
    kind: "events";
    target: number;
    /** Events the target received since the monitor started. */
    total: number;
    /** The latest of them (throttled: a burst sends only its last ones). */
    events: EventRecord[];
  }
  | { kind: "monitor"; target: number | null; message: string };

/** A request of a page to the server. */
export type PageMessage =
  | { op: "connect"; src: number; dst: number; state: boolean }
  | {
    op: "slot";
    port: number;
    drvRef: number;
    slotRef: number;
    state: boolean;
  }
  | { op: "monitor"; target: number | null };

/** Longest message a page may send, in bytes. */
export const MAX_PAGE_MESSAGE_BYTES = 1024;

/** Messages a page may send per second on average before it is disconnected. */
export const PAGE_MESSAGES_PER_SECOND = 50;

/** Burst a page may send at once above the average. */
export const PAGE_MESSAGE_BURST = 200;

/** Events a monitor message carries at most; the total still counts them all. */
export const MAX_EVENTS_PER_MESSAGE = 500;

/** How often the server sends monitor events to a page, in ms. */
export const MONITOR_FLUSH_MS = 50;
