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
