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
];
