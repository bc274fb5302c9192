// A table: the documentation of every call of the API, one entry per call.
/**
 * The documentation of every call of the MidiShare API, in this repository's words:
 * the generator renders it into the JSDoc of the generated functions and methods.
 *
 * @module
 */

/** The documentation of one call of the API. */
export interface CallDoc {
  /** One sentence: what the call does. */
  summary: string;
  /** Optional: a few sentences a user needs. */
  details?: string;
  /** Every parameter, by its name in the API signature. */
  params: Readonly<Record<string, string>>;
  /** What it returns or resolves with; omitted for `void`. */
  returns?: string;
  /** Each error thrown: the class name and when. */
  throws?: readonly (readonly [errorClass: string, when: string])[];
}

/** The documentation of every call, by name. */
export const API_DOCS: Readonly<Record<string, CallDoc>> = {
  MidiAcceptChan: {
    summary: "Accepts or rejects channel `chan` (0..15).",
    params: {
      f: "the `f` argument",
      chan: "the `chan` argument",
      state: "the `state` argument",
    },
  },
  MidiAcceptPort: {
    summary: "Accepts or rejects port `port` (0..255).",
    params: {
      f: "the `f` argument",
      port: "the `port` argument",
      state: "the `state` argument",
    },
  },
  MidiAcceptType: {
    summary: "Accepts or rejects type `type` (0..255).",
    params: {
      f: "the `f` argument",
      type: "the `type` argument",
      state: "the `state` argument",
    },
  },
  MidiAddField: {
    summary:
      "Appends a byte to a variable-length event; silently not added without cells.",
    params: { e: "the `e` argument", v: "the `v` argument" },
  },
  MidiAddSeq: {
    summary:
      "Inserts an owned event in date order, after events of the same date.",
    params: { s: "the `s` argument", e: "the `e` argument" },
  },
  MidiAddSlot: {
    summary: "Adds a slot to a driver.",
    params: {
      refNum: "the `refNum` argument",
      name: "the `name` argument",
      direction: "the `direction` argument",
    },
  },
  MidiApplySeq: {
    summary:
      "Calls `proc` on each event in order; `proc` may free the current event.",
    params: { s: "the `s` argument", proc: "the `proc` argument" },
  },
  MidiAvailEv: {
    summary:
      "The oldest waiting event as a queued handle, without removing it.",
    params: { refNum: "the `refNum` argument" },
  },
  MidiCall: {
    summary: "Obsolete form of `MidiTask` that returns nothing.",
    params: {
      fn: "the `fn` argument",
      date: "the `date` argument",
      refNum: "the `refNum` argument",
      a1: "the `a1` argument",
      a2: "the `a2` argument",
      a3: "the `a3` argument",
    },
  },
  MidiClearSeq: {
    summary: "Frees every event of the sequence.",
    params: { s: "the `s` argument" },
  },
  MidiClose: {
    summary:
      "Closes an application of this client; bad refnums, 0 and drivers do nothing.",
    params: { refNum: "the `refNum` argument" },
  },
  MidiConnect: {
    summary: "Makes or breaks the connection `src \u2192 dest`.",
    params: {
      src: "the `src` argument",
      dest: "the `dest` argument",
      state: "the `state` argument",
    },
  },
  MidiConnectSlot: {
    summary: "Connects or disconnects a port and a slot.",
    params: {
      port: "the `port` argument",
      slot: "the `slot` argument",
      state: "the `state` argument",
    },
  },
  MidiCopyEv: {
    summary:
      "A deep copy owned by the caller, link null; null for null or missing cells.",
    params: { e: "the `e` argument" },
  },
  MidiCountAppls: {
    summary: "Open applications including refnum 0 (mirrored server state).",
    params: {},
  },
  MidiCountDTasks: {
    summary: "DTasks of a refnum of this client that reached their date.",
    params: { refNum: "the `refNum` argument" },
  },
  MidiCountDrivers: {
    summary: "Registered drivers including refnum 127 (mirrored server state).",
    params: {},
  },
  MidiCountEvs: {
    summary: "Events waiting in the FIFO of a refnum of this client.",
    params: { refNum: "the `refNum` argument" },
  },
  MidiCountFields: {
    summary: "The number of fields; 0 for null.",
    params: { e: "the `e` argument" },
  },
  MidiDTask: {
    summary:
      "Schedules a deferred task, which joins the DTask list at its date.",
    params: {
      fn: "the `fn` argument",
      date: "the `date` argument",
      refNum: "the `refNum` argument",
      a1: "the `a1` argument",
      a2: "the `a2` argument",
      a3: "the `a3` argument",
    },
  },
  MidiExec1DTask: {
    summary: "Runs the oldest ready DTask, if any.",
    params: { refNum: "the `refNum` argument" },
  },
  MidiExt2IntTime: {
    summary: "External to internal time.",
    params: { time: "the `time` argument" },
  },
  MidiFlushDTasks: {
    summary: "Discards the ready DTasks; DTasks not yet due stay scheduled.",
    params: { refNum: "the `refNum` argument" },
  },
  MidiFlushEvs: {
    summary: "Frees every waiting event.",
    params: { refNum: "the `refNum` argument" },
  },
  MidiForgetTask: {
    summary: "Cancels a task that has not started; always empties the box.",
    params: { v: "the `v` argument" },
  },
  MidiFreeCell: {
    summary: "Frees a raw cell; null does nothing; an event throws `KIND`.",
    params: { c: "the `c` argument" },
  },
  MidiFreeEv: {
    summary: "Frees an owned event; the handle becomes dead.",
    params: { e: "the `e` argument" },
  },
  MidiFreeFilter: {
    summary: "Frees a filter; one still installed throws `READONLY`.",
    params: { f: "the `f` argument" },
  },
  MidiFreeSeq: {
    summary: "Frees the events and the header; the sequence becomes dead.",
    params: { s: "the `s` argument" },
  },
  MidiFreeSpace: {
    summary: "Free cells of the pool (the promised size while inactive).",
    params: {},
  },
  MidiGetApplAlarm: {
    summary: "The application alarm, or null.",
    params: { refNum: "the `refNum` argument" },
  },
  MidiGetDriverInfos: {
    summary: "Name, version and slot count of a driver, or null.",
    params: { refNum: "the `refNum` argument" },
  },
  MidiGetError: {
    summary: "The global error bits of the server.",
    params: {},
  },
  MidiGetEv: {
    summary:
      "Removes and returns the oldest waiting event, now owned; null when empty.",
    params: { refNum: "the `refNum` argument" },
  },
  MidiGetExtTime: {
    summary: "The external time.",
    params: {},
  },
  MidiGetField: {
    summary: "Reads field `f`; 0 for a bad index or null.",
    params: { e: "the `e` argument", f: "the `f` argument" },
  },
  MidiGetFilter: {
    summary: "The installed filter, or null.",
    params: { refNum: "the `refNum` argument" },
  },
  MidiGetIndAppl: {
    summary: "The refnum of the `index`-th application, or `MIDIerrIndex`.",
    params: { index: "the `index` argument" },
  },
  MidiGetIndDriver: {
    summary: "The `index`-th driver, 127 first, or `MIDIerrIndex`.",
    params: { index: "the `index` argument" },
  },
  MidiGetIndSlot: {
    summary: "The `index`-th slot of a driver.",
    params: { refNum: "the `refNum` argument", index: "the `index` argument" },
  },
  MidiGetInfo: {
    summary: "The info value of a refnum of this client, or null.",
    params: { refNum: "the `refNum` argument" },
  },
  MidiGetName: {
    summary: "The name of a refnum, or null.",
    params: { refNum: "the `refNum` argument" },
  },
  MidiGetNamedAppl: {
    summary: "The first refnum named `name`, or `MIDIerrIndex`.",
    params: { name: "the `name` argument" },
  },
  MidiGetPortState: {
    summary: "Always true (obsolete since 1.80).",
    params: { port: "the `port` argument" },
  },
  MidiGetRcvAlarm: {
    summary: "The receive alarm, or null.",
    params: { refNum: "the `refNum` argument" },
  },
  MidiGetSlotInfos: {
    summary: "Name, direction and port set of a slot, or null.",
    params: { slot: "the `slot` argument" },
  },
  MidiGetSyncInfo: {
    summary: "The synchronisation state.",
    params: {},
  },
  MidiGetTime: {
    summary: "Milliseconds since MidiShare woke up.",
    params: {},
  },
  MidiGetVersion: {
    summary: "The version of MidiShare: 195.",
    params: {},
  },
  MidiGrowSpace: {
    summary:
      "Adds `n` cells to the pool (to the promised size while inactive).",
    params: { n: "the `n` argument" },
  },
  MidiInt2ExtTime: {
    summary: "Internal to external time.",
    params: { time: "the `time` argument" },
  },
  MidiIsAcceptedChan: {
    summary: "Whether channel `chan` is accepted.",
    params: { f: "the `f` argument", chan: "the `chan` argument" },
  },
  MidiIsAcceptedPort: {
    summary: "Whether port `port` is accepted.",
    params: { f: "the `f` argument", port: "the `port` argument" },
  },
  MidiIsAcceptedType: {
    summary: "Whether type `type` is accepted.",
    params: { f: "the `f` argument", type: "the `type` argument" },
  },
  MidiIsConnected: {
    summary: "Whether `src \u2192 dest` exists.",
    params: { src: "the `src` argument", dest: "the `dest` argument" },
  },
  MidiIsSlotConnected: {
    summary: "Whether a port and a slot are connected.",
    params: { port: "the `port` argument", slot: "the `slot` argument" },
  },
  MidiNewCell: {
    summary: "A raw cell with its six common properties zeroed, or null.",
    params: {},
  },
  MidiNewEv: {
    summary:
      "A new event of type `typeNum` with the defaults of spec \u00a73.1.",
    params: { typeNum: "the `typeNum` argument" },
  },
  MidiNewFilter: {
    summary: "A new filter that rejects everything until bits are set.",
    params: {},
  },
  MidiNewSeq: {
    summary: "An empty sequence (one cell), or null.",
    params: {},
  },
  MidiOpen: {
    summary:
      "Opens an application; resolves with its refnum or `MIDIerrSpace`.",
    params: { name: "the `name` argument" },
  },
  MidiReadSync: {
    summary: "Returns the content of the box and empties it.",
    params: { box: "the `box` argument" },
  },
  MidiRegisterDriver: {
    summary:
      "Registers a driver; while awake its `wakeup` runs before the promise resolves.",
    params: { infos: "the `infos` argument", op: "the `op` argument" },
  },
  MidiRemoveSlot: {
    summary: "Removes a slot.",
    params: { slot: "the `slot` argument" },
  },
  MidiSend: {
    summary: "Sends an event at its own date.",
    params: { refNum: "the `refNum` argument", e: "the `e` argument" },
  },
  MidiSendAt: {
    summary: "Sends an event at date `d`.",
    params: {
      refNum: "the `refNum` argument",
      e: "the `e` argument",
      d: "the `d` argument",
    },
  },
  MidiSendIm: {
    summary: "Sends an event for delivery at the next tick.",
    params: { refNum: "the `refNum` argument", e: "the `e` argument" },
  },
  MidiSetApplAlarm: {
    summary: "Installs, replaces or (null) removes the application alarm.",
    params: { refNum: "the `refNum` argument", alarm: "the `alarm` argument" },
  },
  MidiSetField: {
    summary:
      "Writes field `f`, truncated to its width; a bad index writes nothing. Task types (128, 129, 255) take any value, others a number.",
    params: {
      e: "the `e` argument",
      f: "the `f` argument",
      v: "the `v` argument",
    },
  },
  MidiSetFilter: {
    summary: "Installs a filter (shared, not copied), or removes it with null.",
    params: { refNum: "the `refNum` argument", f: "the `f` argument" },
  },
  MidiSetInfo: {
    summary: "Sets the info value of a refnum of this client.",
    params: { refNum: "the `refNum` argument", info: "the `info` argument" },
  },
  MidiSetName: {
    summary: "Renames an application or driver.",
    params: { refNum: "the `refNum` argument", name: "the `name` argument" },
  },
  MidiSetPortState: {
    summary: "Does nothing (obsolete since 1.80).",
    params: { port: "the `port` argument", state: "the `state` argument" },
  },
  MidiSetRcvAlarm: {
    summary: "Installs, replaces or (null) removes the receive alarm.",
    params: { refNum: "the `refNum` argument", alarm: "the `alarm` argument" },
  },
  MidiSetSlotName: {
    summary: "Renames a slot.",
    params: { slot: "the `slot` argument", name: "the `name` argument" },
  },
  MidiSetSyncMode: {
    summary: "Sets the global sync mode.",
    params: { mode: "the `mode` argument" },
  },
  MidiShare: {
    summary:
      "True when a server runs or could be started and reached; never rejects.",
    params: {},
  },
  MidiSmpte2Time: {
    summary: "The time in ms of a SMPTE location.",
    params: { loc: "the `loc` argument" },
  },
  MidiTask: {
    summary:
      "Schedules `fn(date, refNum, a1, a2, a3)` at `date`; null when it cannot.",
    params: {
      fn: "the `fn` argument",
      date: "the `date` argument",
      refNum: "the `refNum` argument",
      a1: "the `a1` argument",
      a2: "the `a2` argument",
      a3: "the `a3` argument",
    },
  },
  MidiTime2Smpte: {
    summary: "The SMPTE location of a time in ms.",
    params: { time: "the `time` argument", format: "the `format` argument" },
  },
  MidiTotalSpace: {
    summary:
      "Cells of the pool: allocated while active, promised while inactive.",
    params: {},
  },
  MidiUnregisterDriver: {
    summary:
      "Unregisters a driver of this client; its sleep callback runs while awake.",
    params: { refNum: "the `refNum` argument" },
  },
  MidiWriteSync: {
    summary:
      "Stores `val` only into an empty box; returns what the box held before.",
    params: { box: "the `box` argument", val: "the `val` argument" },
  },
};
