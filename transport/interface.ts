/**
 * The interface description: every call that crosses the socket, the single source
 * of truth for the stubs that `deno task gen` writes into `transport/gen/` (spec
 * Appendix A gives the sides). Ids are stable: never renumber or reuse one; a retired
 * call stays listed with `retired: true`.
 *
 * Calls that the client handles alone (memory, events, FIFOs, filters, time) are not
 * here. Argument and result types:
 *
 * | type | wire form | TypeScript |
 * | --- | --- | --- |
 * | `u8` | 1 byte | number |
 * | `short` | i16 | number |
 * | `long` | i32 | number |
 * | `date` | u32 | number |
 * | `bool` | 1 byte, 0 or 1 | boolean |
 * | `string` | u16 length + UTF-8 | string |
 * | `nstring` | u8 presence + string | string \| null |
 * | `filter` | u8 presence + 66 bytes | Uint8Array \| null |
 * | `event` | an event (see `wire.ts`); a server-pool cell inside the server | pool + cell |
 * | `slot` | i16 drvRef, i16 slotRef | SlotRefNum |
 * | `driverInfos` | u8 presence, string name, i16 version, i16 slots | DriverInfos \| null |
 * | `slotInfos` | u8 presence, string name, u8 direction, 32 bytes | TSlotInfos \| null |
 * | `syncInfo` | 11 × i32 | TSyncInfo |
 * | `json` | string holding JSON | string |
 *
 * @module
 */

/** Type of an argument. */
export type ArgType =
  | "u8"
  | "short"
  | "long"
  | "date"
  | "bool"
  | "string"
  | "filter"
  | "event";

/** Type of a result. */
export type ResultType =
  | "void"
  | "short"
  | "long"
  | "date"
  | "bool"
  | "nstring"
  | "slot"
  | "driverInfos"
  | "slotInfos"
  | "syncInfo"
  | "json";

/** One call of the interface. */
export interface CallSpec {
  /** Stable numeric id, 1..65535. */
  id: number;
  /** The kernel method it invokes (the MidiShare name where there is one). */
  name: string;
  /** `request`: the client waits for a reply; `oneway`: it does not. */
  kind: "request" | "oneway";
  /** Whether the kernel method takes the calling client's id first. */
  withClient: boolean;
  /** Arguments in order: name and type. */
  args: readonly (readonly [string, ArgType])[];
  /** Result type (`void` for one-way calls). */
  result: ResultType;
  /** A retired call: its id stays reserved, nothing is generated for it. */
  retired?: boolean;
}

/** Every call crossing the socket, by id. */
// A table reads best one call per line.
// deno-fmt-ignore
export const CALLS: readonly CallSpec[] = [
  { id: 1, name: "MidiGetIndAppl", kind: "request", withClient: false, args: [["index", "short"]], result: "short" },
  { id: 2, name: "MidiGetNamedAppl", kind: "request", withClient: false, args: [["name", "string"]], result: "short" },
  { id: 3, name: "MidiGetError", kind: "request", withClient: false, args: [], result: "long" },
  { id: 4, name: "MidiOpen", kind: "request", withClient: true, args: [["name", "string"]], result: "short" },
  { id: 5, name: "MidiClose", kind: "oneway", withClient: true, args: [["refNum", "short"]], result: "void" },
  { id: 6, name: "MidiGetName", kind: "request", withClient: false, args: [["refNum", "short"]], result: "nstring" },
  { id: 7, name: "MidiSetName", kind: "oneway", withClient: false, args: [["refNum", "short"], ["name", "string"]], result: "void" },
  { id: 8, name: "MidiSetFilter", kind: "oneway", withClient: true, args: [["refNum", "short"], ["bits", "filter"]], result: "void" },
  { id: 9, name: "MidiSetApplAlarm", kind: "oneway", withClient: true, args: [["refNum", "short"], ["hasAlarm", "bool"]], result: "void" },
  { id: 10, name: "MidiRegisterDriver", kind: "request", withClient: true, args: [["name", "string"], ["version", "short"]], result: "short" },
  { id: 11, name: "MidiUnregisterDriver", kind: "oneway", withClient: true, args: [["refNum", "short"]], result: "void" },
  { id: 12, name: "MidiGetIndDriver", kind: "request", withClient: false, args: [["index", "short"]], result: "short" },
  { id: 13, name: "MidiGetDriverInfos", kind: "request", withClient: false, args: [["refNum", "short"]], result: "driverInfos" },
  { id: 14, name: "MidiAddSlot", kind: "request", withClient: false, args: [["refNum", "short"], ["name", "string"], ["direction", "short"]], result: "slot" },
  { id: 15, name: "MidiGetIndSlot", kind: "request", withClient: false, args: [["refNum", "short"], ["index", "short"]], result: "slot" },
  { id: 16, name: "MidiRemoveSlot", kind: "oneway", withClient: false, args: [["drvRef", "short"], ["slotRef", "short"]], result: "void" },
  { id: 17, name: "MidiSetSlotName", kind: "oneway", withClient: false, args: [["drvRef", "short"], ["slotRef", "short"], ["name", "string"]], result: "void" },
  { id: 18, name: "MidiGetSlotInfos", kind: "request", withClient: false, args: [["drvRef", "short"], ["slotRef", "short"]], result: "slotInfos" },
  { id: 19, name: "MidiConnectSlot", kind: "oneway", withClient: false, args: [["port", "short"], ["drvRef", "short"], ["slotRef", "short"], ["state", "bool"]], result: "void" },
  { id: 20, name: "MidiIsSlotConnected", kind: "request", withClient: false, args: [["port", "short"], ["drvRef", "short"], ["slotRef", "short"]], result: "bool" },
  { id: 21, name: "MidiConnect", kind: "oneway", withClient: false, args: [["src", "short"], ["dest", "short"], ["state", "bool"]], result: "void" },
  { id: 22, name: "MidiIsConnected", kind: "request", withClient: false, args: [["src", "short"], ["dest", "short"]], result: "bool" },
  { id: 23, name: "MidiSend", kind: "oneway", withClient: false, args: [["event", "event"]], result: "void" },
  { id: 24, name: "MidiSendIm", kind: "oneway", withClient: false, args: [["event", "event"]], result: "void" },
  { id: 25, name: "MidiTask", kind: "oneway", withClient: true, args: [["type", "u8"], ["refNum", "short"], ["date", "date"], ["taskId", "long"], ["taskSerial", "long"]], result: "void" },
  { id: 26, name: "MidiSetSyncMode", kind: "oneway", withClient: false, args: [["mode", "short"]], result: "void" },
  { id: 27, name: "MidiGetSyncInfo", kind: "request", withClient: false, args: [], result: "syncInfo" },
  { id: 28, name: "MidiGetExtTime", kind: "request", withClient: false, args: [], result: "date" },
  { id: 29, name: "MidiInt2ExtTime", kind: "request", withClient: false, args: [["time", "long"]], result: "date" },
  { id: 30, name: "MidiExt2IntTime", kind: "request", withClient: false, args: [["time", "long"]], result: "date" },
  { id: 31, name: "ServerTime", kind: "request", withClient: false, args: [], result: "date" },
  { id: 32, name: "ServerStatus", kind: "request", withClient: false, args: [], result: "json" },
  { id: 33, name: "RescanPorts", kind: "request", withClient: false, args: [], result: "short" },
  { id: 34, name: "ReportLosses", kind: "oneway", withClient: true, args: [["refNum", "short"], ["refLostCopies", "long"], ["lostCopies", "long"], ["truncatedFields", "long"]], result: "void" },
  { id: 35, name: "SetNetworkRole", kind: "oneway", withClient: true, args: [["refNum", "short"], ["role", "u8"]], result: "void" },
  { id: 36, name: "MonitorTap", kind: "oneway", withClient: true, args: [["refNum", "short"], ["target", "short"], ["state", "bool"]], result: "void" },
  { id: 37, name: "OpenSharedRing", kind: "request", withClient: true, args: [], result: "json" },
  { id: 38, name: "AttachSharedRing", kind: "request", withClient: true, args: [], result: "bool" },
  { id: 39, name: "WakeKernel", kind: "oneway", withClient: false, args: [], result: "void", retired: true },
];

/** Type of a field of a frame the server or the client sends outside a call. */
export type FieldType =
  | "u8"
  | "u16"
  | "short"
  | "long"
  | "u32"
  | "date"
  | "bool"
  | "f64"
  | "string"
  | "event";

/** One field of a frame: its name, type and what it holds. */
export type FieldSpec = readonly [name: string, type: FieldType, doc: string];

/** A frame kind that is not a call: a notification or a frame of the session. */
export interface FrameSpec {
  /** Stable kind byte: 0x01..0x7f client to server, 0x81..0xff server to client. */
  kind: number;
  /** Name of the method that receives it (and of its encoder, `write<Name>`). */
  name: string;
  /** What it tells, one sentence (the JSDoc of the receiving method). */
  doc: string;
  /** Fields in wire order. */
  fields: readonly FieldSpec[];
  /**
   * For the frames that carry more than their fields: `call` (the call id, its
   * sequence and arguments follow) and `reply` (the result follows).
   */
  openEnded?: boolean;
  /**
   * In process only: the notification is dropped when its application was closed and
   * its refnum reopened since it was queued (over a socket, server order alone
   * guarantees this).
   */
  dropIfReopened?: boolean;
  /** A retired kind: its byte stays reserved, nothing is generated for it. */
  retired?: boolean;
}

/**
 * What the server half of the kernel tells one client half, in server order: the
 * callback channel of the design. The server writes them to the client's socket; the
 * in-process composition queues the same frames in memory. Both sides implement the
 * generated `ClientNotifications` interface of `kernel/contract/`.
 */
// A table reads best one frame per line.
// deno-fmt-ignore
export const NOTIFICATIONS: readonly FrameSpec[] = [
  { kind: 0x84, name: "deliver", dropIfReopened: true, doc: "An event entered the receive FIFO of `refNum`; the receiver copies it and sets its port", fields: [["refNum", "u8", "the receiving application"], ["port", "u8", "the port the event arrives with"], ["event", "event", "the event; the cell belongs to the sender and is reused after the call"]] },
  { kind: 0x85, name: "runTask", doc: "A real-time task of `refNum` is due: the client runs it", fields: [["refNum", "u8", "the task's application"], ["taskId", "long", "the client's id of the task"], ["taskSerial", "long", "the serial the task had when scheduled"], ["date", "date", "the task's date"]] },
  { kind: 0x86, name: "readyDTask", doc: "A deferred task of `refNum` reached its date: it joins the DTask list", fields: [["refNum", "u8", "the task's application"], ["taskId", "long", "the client's id of the task"], ["taskSerial", "long", "the serial the task had when scheduled"], ["date", "date", "the task's date"]] },
  { kind: 0x87, name: "endTick", doc: "Everything of this tick for this client was told: the receive alarms run", fields: [] },
  { kind: 0x88, name: "applAlarm", dropIfReopened: true, doc: "An application alarm of `refNum`", fields: [["refNum", "u8", "the application whose alarm runs"], ["code", "long", "the change code, `(subject << 16) | change`"]] },
  { kind: 0x89, name: "driverWakeup", doc: "A driver of this client wakes up", fields: [["refNum", "u8", "the driver"]] },
  { kind: 0x8a, name: "driverSleep", doc: "A driver of this client goes to sleep; its FIFO and ready DTasks are cleared after its callback", fields: [["refNum", "u8", "the driver"]] },
  { kind: 0x8b, name: "dormant", doc: "MidiShare went dormant: every pending task of the client is discarded", fields: [] },
  { kind: 0x8c, name: "stateChanged", doc: "The number of applications or drivers, or the wake state, changed", fields: [["applCount", "u16", "open applications, refnum 0 included"], ["driverCount", "u16", "registered drivers, refnum 127 included"], ["isAwake", "bool", "whether MidiShare is awake"], ["originMs", "f64", "wall-clock epoch ms of tick 0 of this wake-up (NaN while dormant or in process)"]] },
];

/**
 * The frames of the session around the calls and notifications: the handshake, the
 * call and reply frames, and the goodbye. Only the client runtime, the listener and
 * the kernel worker use them.
 */
// A table reads best one frame per line.
// deno-fmt-ignore
export const SESSION_FRAMES: readonly FrameSpec[] = [
  { kind: 0x01, name: "hello", doc: "A client introduces itself; the first frame it sends", fields: [["magic", "u32", "`PROTOCOL_MAGIC`"], ["version", "u16", "`PROTOCOL_VERSION`"], ["pid", "u32", "the client's process id"], ["name", "string", "the client's name, for the log"]] },
  { kind: 0x02, name: "call", doc: "A call of the interface table; its arguments follow", fields: [["callId", "u16", "the call's id in `CALLS`"], ["seq", "u32", "the request's sequence number, 0 for a one-way call"]], openEnded: true },
  { kind: 0x81, name: "welcome", doc: "The server accepts the client", fields: [["magic", "u32", "`PROTOCOL_MAGIC`"], ["version", "u16", "`PROTOCOL_VERSION`"], ["clientId", "u16", "the id the server gave the client"], ["serverPid", "u32", "the server's process id"], ["serverNowMs", "f64", "the server's wall clock, epoch ms"], ["applCount", "u16", "open applications"], ["driverCount", "u16", "registered drivers"], ["isAwake", "bool", "whether MidiShare is awake"], ["originMs", "f64", "epoch ms of tick 0 of this wake-up, NaN while dormant"]] },
  { kind: 0x82, name: "refuse", doc: "The server refuses the client and closes the connection", fields: [["message", "string", "why"]] },
  { kind: 0x83, name: "reply", doc: "The reply to a request; its result follows", fields: [["seq", "u32", "the request's sequence number"]], openEnded: true },
  { kind: 0x8d, name: "bye", doc: "The server is stopping; the connection closes next", fields: [["reason", "string", "why"]] },
];

/** Where a call of the API runs: in the client alone, in the server, or in both. */
export type Runs = "client" | "server" | "both";

/**
 * How a server call checks and normalizes a parameter before it crosses (the
 * validators of `@midishare/kernel/api`); a parameter of another type is passed on as
 * it is. A `slot` becomes its two numbers, `driverInfos` its name and version on the
 * wire; `driverOps` stays in the client.
 */
export type ParamCheck =
  | "short"
  | "long"
  | "bool"
  | "string"
  | "slot"
  | "driverInfos"
  | "driverOps"
  | "direction";

/** A parameter of an API call: its name (`?` when optional), TypeScript type and check. */
export type ApiParam = readonly [
  name: string,
  type: string,
  check?: ParamCheck,
];

/** One call of the MidiShare API as a program sees it. */
export interface ApiSpec {
  /** The spec's name. */
  name: string;
  /** Where it runs. */
  runs: Runs;
  /**
   * `sync`: returns its result at once (from the client's own state); `request`: the
   * server answers (a Promise in another process, the value in process); `oneway`:
   * returns at once and takes effect in call order.
   */
  kind: "sync" | "request" | "oneway";
  /** Parameters in order. */
  params: readonly ApiParam[];
  /** TypeScript type of the result (of the Promise's value for a request). */
  result: string;
}

/**
 * Every call of the MidiShare API. Calls that run in the server alone are generated
 * (checks and stubs) from this row and the row of the same name in {@link CALLS};
 * calls that run in the client or in both are written in the client half of the
 * kernel, and this row gives their public signature. The documentation of each call
 * is in `api_docs.ts`.
 */
// A table reads best one call per line.
// deno-fmt-ignore
export const API: readonly ApiSpec[] = [
  // Environment
  { name: "MidiShare", runs: "both", kind: "request", params: [], result: "boolean" },
  { name: "MidiGetVersion", runs: "client", kind: "sync", params: [], result: "number" },
  { name: "MidiCountAppls", runs: "client", kind: "sync", params: [], result: "number" },
  { name: "MidiGetIndAppl", runs: "server", kind: "request", params: [["index", "number", "short"]], result: "number" },
  { name: "MidiGetNamedAppl", runs: "server", kind: "request", params: [["name", "string", "string"]], result: "number" },
  { name: "MidiGetError", runs: "server", kind: "request", params: [], result: "number" },
  // Applications
  { name: "MidiOpen", runs: "both", kind: "request", params: [["name", "string"]], result: "number" },
  { name: "MidiClose", runs: "both", kind: "oneway", params: [["refNum", "number"]], result: "void" },
  { name: "MidiGetName", runs: "server", kind: "request", params: [["refNum", "number", "short"]], result: "string | null" },
  { name: "MidiSetName", runs: "server", kind: "oneway", params: [["refNum", "number", "short"], ["name", "string", "string"]], result: "void" },
  { name: "MidiGetInfo", runs: "client", kind: "sync", params: [["refNum", "number"]], result: "unknown" },
  { name: "MidiSetInfo", runs: "client", kind: "sync", params: [["refNum", "number"], ["info", "unknown"]], result: "void" },
  { name: "MidiGetFilter", runs: "client", kind: "sync", params: [["refNum", "number"]], result: "MidiFilter | null" },
  { name: "MidiSetFilter", runs: "both", kind: "oneway", params: [["refNum", "number"], ["f", "MidiFilter | null"]], result: "void" },
  { name: "MidiGetRcvAlarm", runs: "client", kind: "sync", params: [["refNum", "number"]], result: "RcvAlarm | null" },
  { name: "MidiSetRcvAlarm", runs: "client", kind: "sync", params: [["refNum", "number"], ["alarm", "RcvAlarm | null"]], result: "void" },
  { name: "MidiGetApplAlarm", runs: "client", kind: "sync", params: [["refNum", "number"]], result: "ApplAlarm | null" },
  { name: "MidiSetApplAlarm", runs: "both", kind: "oneway", params: [["refNum", "number"], ["alarm", "ApplAlarm | null"]], result: "void" },
  // Drivers and slots
  { name: "MidiCountDrivers", runs: "client", kind: "sync", params: [], result: "number" },
  { name: "MidiRegisterDriver", runs: "both", kind: "request", params: [["infos", "TDriverInfos"], ["op", "TDriverOperation"]], result: "number" },
  { name: "MidiUnregisterDriver", runs: "both", kind: "oneway", params: [["refNum", "number"]], result: "void" },
  { name: "MidiGetIndDriver", runs: "server", kind: "request", params: [["index", "number", "short"]], result: "number" },
  { name: "MidiGetDriverInfos", runs: "server", kind: "request", params: [["refNum", "number", "short"]], result: "DriverInfos | null" },
  { name: "MidiAddSlot", runs: "server", kind: "request", params: [["refNum", "number", "short"], ["name", "string", "string"], ["direction", "number", "direction"]], result: "SlotRefNum" },
  { name: "MidiGetIndSlot", runs: "server", kind: "request", params: [["refNum", "number", "short"], ["index", "number", "short"]], result: "SlotRefNum" },
  { name: "MidiRemoveSlot", runs: "server", kind: "oneway", params: [["slot", "SlotRefNum", "slot"]], result: "void" },
  { name: "MidiSetSlotName", runs: "server", kind: "oneway", params: [["slot", "SlotRefNum", "slot"], ["name", "string", "string"]], result: "void" },
  { name: "MidiGetSlotInfos", runs: "server", kind: "request", params: [["slot", "SlotRefNum", "slot"]], result: "TSlotInfos | null" },
  { name: "MidiConnectSlot", runs: "server", kind: "oneway", params: [["port", "number", "short"], ["slot", "SlotRefNum", "slot"], ["state", "boolean", "bool"]], result: "void" },
  { name: "MidiIsSlotConnected", runs: "server", kind: "request", params: [["port", "number", "short"], ["slot", "SlotRefNum", "slot"]], result: "boolean" },
  // Connections
  { name: "MidiConnect", runs: "server", kind: "oneway", params: [["src", "number", "short"], ["dest", "number", "short"], ["state", "boolean", "bool"]], result: "void" },
  { name: "MidiIsConnected", runs: "server", kind: "request", params: [["src", "number", "short"], ["dest", "number", "short"]], result: "boolean" },
  // Ports
  { name: "MidiGetPortState", runs: "client", kind: "sync", params: [["port", "number"]], result: "boolean" },
  { name: "MidiSetPortState", runs: "client", kind: "sync", params: [["port", "number"], ["state", "boolean"]], result: "void" },
  // Filters
  { name: "MidiNewFilter", runs: "client", kind: "sync", params: [], result: "MidiFilter" },
  { name: "MidiFreeFilter", runs: "client", kind: "sync", params: [["f", "MidiFilter"]], result: "void" },
  { name: "MidiAcceptPort", runs: "client", kind: "sync", params: [["f", "MidiFilter"], ["port", "number"], ["state", "boolean"]], result: "void" },
  { name: "MidiAcceptChan", runs: "client", kind: "sync", params: [["f", "MidiFilter"], ["chan", "number"], ["state", "boolean"]], result: "void" },
  { name: "MidiAcceptType", runs: "client", kind: "sync", params: [["f", "MidiFilter"], ["type", "number"], ["state", "boolean"]], result: "void" },
  { name: "MidiIsAcceptedPort", runs: "client", kind: "sync", params: [["f", "MidiFilter"], ["port", "number"]], result: "boolean" },
  { name: "MidiIsAcceptedChan", runs: "client", kind: "sync", params: [["f", "MidiFilter"], ["chan", "number"]], result: "boolean" },
  { name: "MidiIsAcceptedType", runs: "client", kind: "sync", params: [["f", "MidiFilter"], ["type", "number"]], result: "boolean" },
  // Memory and events
  { name: "MidiTotalSpace", runs: "client", kind: "sync", params: [], result: "number" },
  { name: "MidiFreeSpace", runs: "client", kind: "sync", params: [], result: "number" },
  { name: "MidiGrowSpace", runs: "client", kind: "sync", params: [["n", "number"]], result: "number" },
  { name: "MidiNewCell", runs: "client", kind: "sync", params: [], result: "MidiEv | null" },
  { name: "MidiFreeCell", runs: "client", kind: "sync", params: [["c", "MidiEv | null"]], result: "void" },
  { name: "MidiNewEv", runs: "client", kind: "sync", params: [["typeNum", "number"]], result: "MidiEv | null" },
  { name: "MidiCopyEv", runs: "client", kind: "sync", params: [["e", "MidiEv | null"]], result: "MidiEv | null" },
  { name: "MidiFreeEv", runs: "client", kind: "sync", params: [["e", "MidiEv | null"]], result: "void" },
  { name: "MidiSetField", runs: "client", kind: "sync", params: [["e", "MidiEv | null"], ["f", "number"], ["v", "unknown"]], result: "void" },
  { name: "MidiGetField", runs: "client", kind: "sync", params: [["e", "MidiEv | null"], ["f", "number"]], result: "number" },
  { name: "MidiAddField", runs: "client", kind: "sync", params: [["e", "MidiEv | null"], ["v", "number"]], result: "void" },
  { name: "MidiCountFields", runs: "client", kind: "sync", params: [["e", "MidiEv | null"]], result: "number" },
  // Sequences
  { name: "MidiNewSeq", runs: "client", kind: "sync", params: [], result: "MidiSeq | null" },
  { name: "MidiAddSeq", runs: "client", kind: "sync", params: [["s", "MidiSeq | null"], ["e", "MidiEv | null"]], result: "void" },
  { name: "MidiFreeSeq", runs: "client", kind: "sync", params: [["s", "MidiSeq | null"]], result: "void" },
  { name: "MidiClearSeq", runs: "client", kind: "sync", params: [["s", "MidiSeq | null"]], result: "void" },
  { name: "MidiApplySeq", runs: "client", kind: "sync", params: [["s", "MidiSeq | null"], ["proc", "ApplyProc | null"]], result: "void" },
  // Time
  { name: "MidiGetTime", runs: "client", kind: "sync", params: [], result: "number" },
  { name: "MidiTime2Smpte", runs: "client", kind: "sync", params: [["time", "number"], ["format", "number"]], result: "TSmpteLocation" },
  { name: "MidiSmpte2Time", runs: "client", kind: "sync", params: [["loc", "TSmpteLocation"]], result: "number" },
  // Sending and receiving
  { name: "MidiSendIm", runs: "both", kind: "oneway", params: [["refNum", "number"], ["e", "MidiEv | null"]], result: "void" },
  { name: "MidiSend", runs: "both", kind: "oneway", params: [["refNum", "number"], ["e", "MidiEv | null"]], result: "void" },
  { name: "MidiSendAt", runs: "both", kind: "oneway", params: [["refNum", "number"], ["e", "MidiEv | null"], ["d", "number"]], result: "void" },
  { name: "MidiCountEvs", runs: "client", kind: "sync", params: [["refNum", "number"]], result: "number" },
  { name: "MidiGetEv", runs: "client", kind: "sync", params: [["refNum", "number"]], result: "MidiEv | null" },
  { name: "MidiAvailEv", runs: "client", kind: "sync", params: [["refNum", "number"]], result: "MidiEv | null" },
  { name: "MidiFlushEvs", runs: "client", kind: "sync", params: [["refNum", "number"]], result: "void" },
  // Mail boxes
  { name: "MidiReadSync", runs: "client", kind: "sync", params: [["box", "MidiMailBox"]], result: "unknown" },
  { name: "MidiWriteSync", runs: "client", kind: "sync", params: [["box", "MidiMailBox"], ["val", "unknown"]], result: "unknown" },
  // Tasks
  { name: "MidiCall", runs: "both", kind: "oneway", params: [["fn", "Task"], ["date", "number"], ["refNum", "number"], ["a1?", "unknown"], ["a2?", "unknown"], ["a3?", "unknown"]], result: "void" },
  { name: "MidiTask", runs: "both", kind: "oneway", params: [["fn", "Task"], ["date", "number"], ["refNum", "number"], ["a1?", "unknown"], ["a2?", "unknown"], ["a3?", "unknown"]], result: "MidiEv | null" },
  { name: "MidiDTask", runs: "both", kind: "oneway", params: [["fn", "Task"], ["date", "number"], ["refNum", "number"], ["a1?", "unknown"], ["a2?", "unknown"], ["a3?", "unknown"]], result: "MidiEv | null" },
  { name: "MidiForgetTask", runs: "client", kind: "sync", params: [["v", "MidiEvRef"]], result: "void" },
  { name: "MidiCountDTasks", runs: "client", kind: "sync", params: [["refNum", "number"]], result: "number" },
  { name: "MidiFlushDTasks", runs: "client", kind: "sync", params: [["refNum", "number"]], result: "void" },
  { name: "MidiExec1DTask", runs: "client", kind: "sync", params: [["refNum", "number"]], result: "void" },
  // Synchronisation
  { name: "MidiGetSyncInfo", runs: "server", kind: "request", params: [], result: "TSyncInfo" },
  { name: "MidiSetSyncMode", runs: "server", kind: "oneway", params: [["mode", "number", "short"]], result: "void" },
  { name: "MidiGetExtTime", runs: "server", kind: "request", params: [], result: "number" },
  { name: "MidiInt2ExtTime", runs: "server", kind: "request", params: [["time", "number", "long"]], result: "number" },
  { name: "MidiExt2IntTime", runs: "server", kind: "request", params: [["time", "number", "long"]], result: "number" },
];
