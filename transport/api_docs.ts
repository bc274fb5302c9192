// A table: the documentation of every call of the API, one entry per call.
/**
 * The documentation of every call of the MidiShare API, one entry per call, sorted by
 * name: what it does, its parameters, what it returns and what it throws. The stub
 * generator renders each entry into the JSDoc of the generated client functions, so
 * this table is the one place where a call is described to users.
 *
 * Data only; nothing runs. Imports nothing.
 *
 * Conventions of the texts: a summary is one sentence; parameters, returns and throws
 * are fragments in lower case, without a final period. Dates and durations are in
 * milliseconds. A refnum is the number 0..127 of an application or driver. Behaviour
 * common to every remote call (what a Promise does when the server cannot be reached)
 * is added by the generator and is not repeated here.
 *
 * @example The entry of one call
 * ```ts
 * import assert from "node:assert/strict";
 * import { API_DOCS } from "./api_docs.ts";
 *
 * const doc = API_DOCS["MidiSendAt"]!;
 * assert.deepEqual(Object.keys(doc.params), ["refNum", "e", "d"]);
 * ```
 *
 * @module
 */

/** The documentation of one call of the API, rendered into the JSDoc of the generated functions. */
export interface CallDoc {
  /** One sentence: what the call does. */
  summary: string;
  /** Optional: a few sentences a user needs (edge cases, what happens when MidiShare sleeps, ownership of events). */
  details?: string;
  /** Every parameter, by its name in the API signature. */
  params: Readonly<Record<string, string>>;
  /** What it returns or resolves with; omitted for `void`. List each special value (error codes such as `MIDIerrRefNum`, `null`). */
  returns?: string;
  /** Each error thrown: the class name (`TypeError`, `RangeError`, `MidiShareError`) and when. */
  throws?: readonly (readonly [errorClass: string, when: string])[];
}

/** One `throws` entry. */
type Thrown = readonly [errorClass: string, when: string];

/**
 * The `MidiShareError`s of a parameter that must be an event the caller owns: dead,
 * read-only (queued or task) or a raw cell.
 */
function ownedEventErrors(name: string): Thrown[] {
  return [
    [
      "MidiShareError",
      `code \`DEAD\` when \`${name}\` was already freed, sent or flushed, or the client's memory was released when its last application or driver closed`,
    ],
    [
      "MidiShareError",
      `code \`READONLY\` when \`${name}\` is still in a receive FIFO (a handle from \`MidiAvailEv\`) or is a task`,
    ],
    [
      "MidiShareError",
      `code \`KIND\` when \`${name}\` is a raw cell from \`MidiNewCell\``,
    ],
  ];
}

/**
 * The `MidiShareError`s of a parameter that must be a readable event: owned, queued
 * or a task.
 */
function readableEventErrors(name: string): Thrown[] {
  return [
    [
      "MidiShareError",
      `code \`DEAD\` when \`${name}\` was already freed, sent or flushed, or the client's memory was released when its last application or driver closed`,
    ],
    [
      "MidiShareError",
      `code \`KIND\` when \`${name}\` is a raw cell from \`MidiNewCell\``,
    ],
  ];
}

/** The `TypeError` of an event parameter that is not an event of this client. */
function notAnEvent(name: string, more = ""): Thrown {
  return [
    "TypeError",
    `when \`${name}\` is neither a \`MidiEv\` nor \`null\`, or is an event of another client${more}`,
  ];
}

/** The `TypeError` of a refnum parameter. */
const REFNUM_TYPE: Thrown = [
  "TypeError",
  "when `refNum` is not a finite number",
];

/** The `MidiShareError` of a filter parameter that was freed. */
const FILTER_ERRORS: Thrown[] = [
  ["MidiShareError", "code `DEAD` when `f` was freed by `MidiFreeFilter`"],
];

/** The `MidiShareError` of a sequence parameter that was freed. */
const SEQUENCE_DEAD: Thrown = [
  "MidiShareError",
  "code `DEAD` when `s` was freed by `MidiFreeSeq`, or the client's memory was released when its last application or driver closed",
];

/** The text of a `refNum` parameter naming an application or driver this client opened. */
const OWN_REFNUM =
  "an application or driver this client opened (a refnum 1..126)";

/** The text of a `state` parameter. */
const STATE =
  "`true` to connect, `false` to disconnect; a number is true when not 0";

/** The parameters of `MidiTask`, `MidiDTask` and `MidiCall`. */
const TASK_PARAMS: Readonly<Record<string, string>> = {
  fn:
    "the task, called as `fn(date, refNum, a1, a2, a3)` with its scheduled date",
  date:
    "the date at which it is due, in ms (wrapped to unsigned 32 bits); a past date means the next tick",
  refNum:
    "the application or driver, opened by this client, that owns the task",
  a1: "first argument passed to `fn`: any value, kept in this process",
  a2: "second argument passed to `fn`: any value, kept in this process",
  a3: "third argument passed to `fn`: any value, kept in this process",
};

/** The errors of the task calls. */
const TASK_ERRORS: Thrown[] = [
  [
    "TypeError",
    "when `fn` is not a function, or `date` or `refNum` is not a finite number",
  ],
];

/** When a `slot` parameter is a `TypeError`: the condition of that error. */
const SLOT_TYPE =
  "when `slot` is not an object whose `drvRef` and `slotRef` are finite numbers";

/** The errors of the send calls, after the `TypeError`. */
const SEND_ERRORS: Thrown[] = [
  [
    "RangeError",
    "in a server client, when the event takes more than 4 MiB between processes (a SysEx of more than 4,194,292 bytes): it is then not sent and stays the caller's",
  ],
  ...ownedEventErrors("e"),
];

/** What the send calls have in common, after the sentence about the date. */
const SEND_DETAILS =
  "The event is stamped with `refNum` as its sender; at its date MidiShare delivers a copy to every application connected from `refNum` whose filter accepts it (through refnum 0 to the hardware ports), and a private event (types 19..127) to the sender itself. " +
  "Once the call returns the handle is dead and its cells are back in the pool: the event is no longer the caller's, whether or not it is ever delivered; send a copy (`MidiCopyEv`) to keep one. " +
  "Events due at the same date are delivered in the order MidiShare received them. " +
  "Nothing is checked at send time: with a refnum that is not open the event disappears at its date, and while MidiShare sleeps it is discarded. " +
  "A `typeProcess` or `typeDProcess` event built by hand is scheduled as by `MidiTask` or `MidiDTask`, and its handle becomes a task handle. " +
  "`null` does nothing.";

/** The documentation of every call, by name. */
export const API_DOCS: Readonly<Record<string, CallDoc>> = {
  MidiAcceptChan: {
    summary: "Makes a filter accept or reject one MIDI channel.",
    details:
      "Channel bits only concern channel messages, types 0..7 (`typeNote` to `typePitchWheel`), which are tested on `chan & 0x0F`; every other event ignores them. " +
      "A new filter rejects everything, so set every channel you want. " +
      "When the filter is installed, the change applies to the events routed after it reaches MidiShare, without installing the filter again. " +
      "A channel outside 0..15 is ignored.",
    params: {
      f: "the filter, from `MidiNewFilter`",
      chan: "the channel 0..15 (0 is the MIDI channel users call 1)",
      state: "`true` to accept, `false` to reject; a number is true when not 0",
    },
    throws: [
      [
        "TypeError",
        "when `f` is not a filter, `chan` is not a finite number, or `state` is neither a boolean nor a number",
      ],
      ...FILTER_ERRORS,
    ],
  },
  MidiAcceptPort: {
    summary: "Makes a filter accept or reject the events of one port.",
    details:
      "Port bits concern every routed event; private events (types 19..127) and tasks are never filtered. " +
      "A new filter rejects everything, so set every port you want. " +
      "When the filter is installed, the change applies to the events routed after it reaches MidiShare, without installing the filter again. " +
      "A port outside 0..255 is ignored.",
    params: {
      f: "the filter, from `MidiNewFilter`",
      port: "the MidiShare port 0..255",
      state: "`true` to accept, `false` to reject; a number is true when not 0",
    },
    throws: [
      [
        "TypeError",
        "when `f` is not a filter, `port` is not a finite number, or `state` is neither a boolean nor a number",
      ],
      ...FILTER_ERRORS,
    ],
  },
  MidiAcceptType: {
    summary: "Makes a filter accept or reject one event type.",
    details:
      "Type bits concern every routed event; private events (types 19..127) and tasks are never filtered. " +
      "A new filter rejects everything, so set every type you want. " +
      "When the filter is installed, the change applies to the events routed after it reaches MidiShare, without installing the filter again. " +
      "A type outside 0..255 is ignored.",
    params: {
      f: "the filter, from `MidiNewFilter`",
      type: "the event type 0..255 (`typeNote`, `typeKeyOn`, ...)",
      state: "`true` to accept, `false` to reject; a number is true when not 0",
    },
    throws: [
      [
        "TypeError",
        "when `f` is not a filter, `type` is not a finite number, or `state` is neither a boolean nor a number",
      ],
      ...FILTER_ERRORS,
    ],
  },
  MidiAddField: {
    summary: "Appends one byte to a variable-length event.",
    details:
      "Only variable-length events take bytes: `typeSysEx` (the data bytes, without the framing 0xF0 and 0xF7), `typeStream`, the text meta events (types 135..141) and `typeSpecific`; on any other event the call does nothing. " +
      "Every twelfth byte needs one more cell of the pool; when none is left the byte is silently not added, so compare `MidiCountFields(e)` with the number of bytes added. " +
      "`null` does nothing.",
    params: {
      e: "an event the caller owns, or `null`",
      v: "the byte; only its low 8 bits are kept",
    },
    throws: [
      notAnEvent("e", ", or `v` is not a finite number"),
      ...ownedEventErrors("e"),
    ],
  },
  MidiAddSeq: {
    summary:
      "Inserts an event into a sequence, keeping the sequence sorted by date.",
    details:
      "The event goes after every event of an earlier or equal date, dates being compared as plain unsigned numbers (not wrap-safe), and its `link` is set. " +
      "The event is still the caller's, but the sequence now holds it: `MidiClearSeq` and `MidiFreeSeq` free it, and freeing or sending it while it is linked leaves a dead handle in the sequence. " +
      "Inserting an event that is already in a sequence corrupts both sequences, and is not detected. " +
      "`null` for either argument does nothing.",
    params: {
      s: "the sequence, from `MidiNewSeq`, or `null`",
      e: "an event the caller owns, or `null`",
    },
    throws: [
      [
        "TypeError",
        "when `s` is neither a `MidiSeq` nor `null`, or `e` is neither a `MidiEv` nor `null` or is an event of another client",
      ],
      SEQUENCE_DEAD,
      ...ownedEventErrors("e"),
    ],
  },
  MidiAddSlot: {
    summary: "Adds a slot, one input or output endpoint, to a driver.",
    details: "Any client may add a slot to any registered driver. " +
      "The slot gets the lowest free number 0..63, the name cut to 31 characters and no port; map ports to it with `MidiConnectSlot`. " +
      "The direction only describes the slot to users: routing ignores it. " +
      "While MidiShare is awake, every application alarm receives `MIDIAddSlot` with the driver's refnum. " +
      "Slots stay while MidiShare sleeps; they go with `MidiRemoveSlot` or when the driver unregisters.",
    params: {
      refNum: "the driver's refnum",
      name: "the slot's name, as users will see it (31 characters kept)",
      direction:
        "`MidiInputSlot` (1), `MidiOutputSlot` (2) or `MidiInputOutputSlot` (3)",
    },
    returns:
      "the new slot, `{ drvRef, slotRef }`; on failure `slotRef` is negative: `MIDIerrRefNum` (-2) with `drvRef` = `refNum` when `refNum` is not a registered driver, `MIDIerrSpace` (-1) with `drvRef` = -1 when the driver already has 64 slots",
    throws: [
      [
        "TypeError",
        "when `refNum` or `direction` is not a finite number, or `name` is not a string",
      ],
      ["RangeError", "when `direction` is not 1, 2 or 3"],
    ],
  },
  MidiApplySeq: {
    summary: "Calls a function on every event of a sequence, in order.",
    details:
      "The next event is read before each call, so `proc` may free or relink the event it receives. " +
      "An exception thrown by `proc` stops the walk and reaches the caller of `MidiApplySeq`. " +
      "`null` for either argument does nothing.",
    params: {
      s: "the sequence, or `null`",
      proc:
        "the function, called with each event from `first` to `last`, or `null`",
    },
    throws: [
      [
        "TypeError",
        "when `s` is neither a `MidiSeq` nor `null`, or `proc` is neither a function nor `null`",
      ],
      SEQUENCE_DEAD,
    ],
  },
  MidiAvailEv: {
    summary:
      "Returns the oldest event waiting in the receive FIFO of an application, without removing it.",
    details:
      "The handle is read-only while the event waits: its properties, `MidiGetField`, `MidiCountFields` and `MidiCopyEv` work, but it cannot be changed, freed or sent. " +
      "A later `MidiGetEv` returns the same handle, then owned by the caller; `MidiFlushEvs` or closing the application makes it dead.",
    params: { refNum: OWN_REFNUM },
    returns:
      "the oldest waiting event, as a read-only handle; `null` when the FIFO is empty or `refNum` is not an application or driver this client opened",
    throws: [REFNUM_TYPE],
  },
  MidiCall: {
    summary:
      "Schedules a task as `MidiTask` does, without returning its handle.",
    details:
      "Kept for programs written for early versions of MidiShare: the task cannot be cancelled, since no handle is returned. " +
      "Nothing is scheduled when `MidiTask` would return `null` (no cells, a refnum this client did not open, MidiShare asleep). " +
      "Prefer `MidiTask`.",
    params: TASK_PARAMS,
    throws: TASK_ERRORS,
  },
  MidiClearSeq: {
    summary: "Frees every event of a sequence and leaves the sequence empty.",
    details:
      "The events are freed along their `link`s from `first`; their handles become dead, and `first` and `last` become `null`. " +
      "The sequence itself stays usable; `MidiFreeSeq` frees it too. " +
      "`null` does nothing.",
    params: { s: "the sequence, or `null`" },
    throws: [
      ["TypeError", "when `s` is neither a `MidiSeq` nor `null`"],
      SEQUENCE_DEAD,
      [
        "MidiShareError",
        "code `DEAD` when an event of the sequence was freed or sent while still linked in it (the events before it are freed)",
      ],
    ],
  },
  MidiClose: {
    summary: "Closes an application this client opened.",
    details:
      "Its connections are removed (without `MIDIChgConnect`), its waiting events and ready deferred tasks are freed, and what it still had scheduled (events not yet due, tasks) is discarded: close an application after the date of its last event. " +
      "The other applications' alarms receive `MIDICloseAppl`; the closed one is not told. " +
      "Events already taken from its FIFO stay the caller's, unless this was the client's last application or driver: the client's memory is then released and every handle of the client (events, sequences) becomes dead. " +
      "Closing the last open application puts MidiShare to sleep: no `MIDICloseAppl` is sent, the clock stops, drivers lose their connections, and the time restarts at 0 at the next `MidiOpen`. " +
      "A refnum this client did not open, refnum 0 and driver refnums are ignored. " +
      "The client forgets the application at once: `MidiGetEv(refNum)` is `null` right after the call.",
    params: { refNum: "the application's refnum, 1..126" },
    throws: [REFNUM_TYPE],
  },
  MidiConnect: {
    summary: "Makes or breaks the connection from one application to another.",
    details:
      "A connection is directed and one hop only: the events `src` sends are delivered to `dest`, through `dest`'s filter, and `dest` forwards nothing unless it sends again. " +
      "Refnum 0 stands for the hardware ports: connect an application to 0 to play through them, and 0 to an application to hear them. " +
      "Drivers connect the same way to and from refnum 127. " +
      "An application may connect to itself. " +
      "An application and a driver cannot be connected, and nothing can be connected while MidiShare sleeps; such calls, and refnums that are not open, are ignored without error. " +
      "Any client may connect any refnums. " +
      "When the state changes, every application alarm receives `MIDIChgConnect` with the refnum of `src`.",
    params: {
      src: "the sending refnum, 0..127",
      dest: "the receiving refnum, 0..127",
      state: STATE,
    },
    throws: [
      [
        "TypeError",
        "when `src` or `dest` is not a finite number, or `state` is neither a boolean nor a number",
      ],
    ],
  },
  MidiConnectSlot: {
    summary: "Connects or disconnects a MidiShare port and a driver's slot.",
    details:
      "One connection serves both directions: events applications send on `port` leave through the slot, and events the slot receives reach the applications connected from refnum 0 with `port` set. " +
      "A port may be connected to several slots, and a slot to several ports. " +
      "The mapping survives MidiShare's sleep. " +
      "Any client may call it. " +
      "When the state changes while MidiShare is awake, every application alarm receives `MIDIChgSlotConnect` with the driver's refnum. " +
      "A port outside 0..255 or a slot that does not exist is ignored.",
    params: {
      port: "the MidiShare port, 0..255",
      slot:
        "the slot, `{ drvRef, slotRef }` as `MidiAddSlot` or `MidiGetIndSlot` return it",
      state: STATE,
    },
    throws: [
      [
        "TypeError",
        `when \`port\` is not a finite number, \`state\` is neither a boolean nor a number, or ${
          SLOT_TYPE.slice("when ".length)
        }`,
      ],
    ],
  },
  MidiCopyEv: {
    summary: "Returns a copy of an event, owned by the caller.",
    details:
      "The copy has the type, date, refnum, port, channel and fields of `e`, and `link` `null`; it takes as many cells as `e`. " +
      "`e` may be owned, waiting in a FIFO (from `MidiAvailEv`) or a task; the copy of a task is an ordinary event of the same type, not a scheduled task. " +
      "To send one event to several places or at several dates, send copies: a sent event is no longer the caller's.",
    params: { e: "the event to copy, or `null`" },
    returns:
      "the new event; `null` when `e` is `null` or the pool lacks cells (nothing is then taken)",
    throws: [notAnEvent("e"), ...readableEventErrors("e")],
  },
  MidiCountAppls: {
    summary: "Returns the number of open applications, refnum 0 included.",
    details:
      'Refnum 0, named "MidiShare", stands for the hardware ports and exists while MidiShare is awake: the count is 2 after the first `MidiOpen`, and 0 while MidiShare sleeps. ' +
      "Drivers are not counted. " +
      "In a server client the count is a copy of the server's: changes made by other programs arrive shortly after they happen, and this client's own changes are visible once a later Promise call (`MidiOpen`, `MidiShare()`, ...) resolves.",
    params: {},
    returns:
      "the number of open applications including refnum 0; 0 while MidiShare sleeps, and before a server client reached its server",
  },
  MidiCountDrivers: {
    summary: "Returns the number of registered drivers, refnum 127 included.",
    details:
      'Refnum 127, also named "MidiShare", is the drivers\' side of the hardware ports and exists while MidiShare is awake: the count is 1 with only applications open. ' +
      "Drivers stay registered while MidiShare sleeps. " +
      "In a server client the count is a copy of the server's, updated as for `MidiCountAppls`.",
    params: {},
    returns:
      "the number of registered drivers, including refnum 127 while MidiShare is awake",
  },
  MidiCountDTasks: {
    summary:
      "Returns the number of deferred tasks of an application that reached their date and wait to be run.",
    details:
      "A deferred task (`MidiDTask`) never runs by itself: at its date it joins this list, where it waits for `MidiExec1DTask`. " +
      "Tasks not yet due, and forgotten ones, are not counted.",
    params: { refNum: OWN_REFNUM },
    returns:
      "the number of ready deferred tasks; 0 when `refNum` is not an application or driver this client opened",
    throws: [REFNUM_TYPE],
  },
  MidiCountEvs: {
    summary:
      "Returns the number of events waiting in the receive FIFO of an application.",
    details:
      "Inside a receive alarm it counts every event delivered in that tick. " +
      "The FIFO has no limit other than the client's pool.",
    params: { refNum: OWN_REFNUM },
    returns:
      "the number of waiting events; 0 when `refNum` is not an application or driver this client opened",
    throws: [REFNUM_TYPE],
  },
  MidiCountFields: {
    summary: "Returns the number of fields of an event.",
    details:
      "Fixed-size types have a fixed count: 3 for `typeNote` (pitch, velocity, duration), 2 for `typeKeyOn`, 4 for private and task events, 0 for `typeClock` and the other types without data. " +
      "A variable-length event counts its bytes.",
    params: { e: "the event, owned, waiting in a FIFO or a task, or `null`" },
    returns: "the number of fields; 0 for `null`",
    throws: [notAnEvent("e"), ...readableEventErrors("e")],
  },
  MidiDTask: {
    summary:
      "Schedules a deferred task, which at its date joins the list of an application instead of running.",
    details:
      "A deferred task runs only when the program calls `MidiExec1DTask`, so its work happens where the program chooses, outside the real-time path; until then it counts in `MidiCountDTasks`. " +
      "Otherwise it is like `MidiTask`: the returned task handle can be cancelled with `MidiForgetTask`, the task holds 2 cells of the pool until it runs or is forgotten or flushed, and closing the application discards it. " +
      "While MidiShare sleeps nothing can be scheduled.",
    params: TASK_PARAMS,
    returns:
      "a task handle, for `MidiForgetTask` (its properties and fields can be read); `null` when nothing was scheduled: the pool lacks cells, `refNum` is not an application or driver this client opened, or MidiShare sleeps",
    throws: TASK_ERRORS,
  },
  MidiExec1DTask: {
    summary: "Runs the oldest ready deferred task of an application, if any.",
    details:
      "Exactly one task runs per call: the one due first (in send order among equal dates) leaves the list and `fn(date, refNum, a1, a2, a3)` is called at once, `date` being its scheduled date; its cells then return to the pool. " +
      "An exception thrown by the task is reported and does not reach the caller. " +
      "Nothing happens when the list is empty or `refNum` is not an application or driver this client opened.",
    params: { refNum: OWN_REFNUM },
    throws: [REFNUM_TYPE],
  },
  MidiExt2IntTime: {
    summary:
      "Converts a position of the external time code into a MidiShare date.",
    details:
      "The result is `time` minus the offset between external and internal time, modulo 2^32. " +
      "This implementation never locks to an external time code, so the offset is 0 and the result is `time` itself.",
    params: { time: "a position of the external time code, in ms" },
    returns: "the MidiShare date in ms, 0..2^32-1",
    throws: [["TypeError", "when `time` is not a finite number"]],
  },
  MidiFlushDTasks: {
    summary:
      "Discards the ready deferred tasks of an application without running them.",
    details:
      "Only the tasks that reached their date and wait in the list are discarded; their cells return to the pool. " +
      "Deferred tasks not yet due stay scheduled. " +
      "Nothing happens when `refNum` is not an application or driver this client opened.",
    params: { refNum: OWN_REFNUM },
    throws: [REFNUM_TYPE],
  },
  MidiFlushEvs: {
    summary: "Frees every event waiting in the receive FIFO of an application.",
    details:
      "Handles obtained from `MidiAvailEv` for these events become dead. " +
      "Nothing happens when `refNum` is not an application or driver this client opened.",
    params: { refNum: OWN_REFNUM },
    throws: [REFNUM_TYPE],
  },
  MidiForgetTask: {
    summary:
      "Cancels a task or deferred task that has not run yet, and empties the box that held it.",
    details:
      "Keep the handle returned by `MidiTask` or `MidiDTask` in a box, `const box = { value: MidiTask(fn, date, ref) }`, and pass the box. " +
      "A task that has not run yet, or a deferred task not yet executed (due or not), is cancelled: it never runs, leaves `MidiCountDTasks`, and its cells return to the pool. " +
      "A task that already ran, was executed, flushed or forgotten, or is running now, is left alone. " +
      "In every case `box.value` becomes `null`, so the box tells whether a task is pending. " +
      "A task may forget another task due in the same tick, which then does not run. " +
      "An empty box (`value` `null`) does nothing.",
    params: {
      v: "a box `{ value }` whose `value` is a task handle or `null`",
    },
    throws: [
      [
        "TypeError",
        "when `v` is not an object, or `v.value` is not a task handle of this client (an ordinary event, an event waiting in a FIFO or a raw cell)",
      ],
      [
        "MidiShareError",
        "code `DEAD` when `v.value` is a dead handle that never was a task",
      ],
    ],
  },
  MidiFreeCell: {
    summary: "Returns a raw cell from `MidiNewCell` to the pool.",
    details:
      "The handle becomes dead. Events are freed with `MidiFreeEv` instead. `null` does nothing.",
    params: { c: "the raw cell, or `null`" },
    throws: [
      [
        "TypeError",
        "when `c` is neither a `MidiEv` nor `null`, or is a cell of another client",
      ],
      ["MidiShareError", "code `DEAD` when `c` was already freed"],
      ["MidiShareError", "code `KIND` when `c` is an event, not a raw cell"],
    ],
  },
  MidiFreeEv: {
    summary: "Frees an event the caller owns.",
    details:
      "Every cell of the event returns to the pool and the handle becomes dead. " +
      "Received events are the receiver's own copies: free them (or reuse or send them) once read. " +
      "A sent event must not be freed: it is no longer the caller's. " +
      "Freeing an event still linked in a sequence leaves a dead handle in the sequence. " +
      "`null` does nothing.",
    params: { e: "an event the caller owns, or `null`" },
    throws: [notAnEvent("e"), ...ownedEventErrors("e")],
  },
  MidiFreeFilter: {
    summary: "Frees a filter.",
    details:
      "The filter becomes dead. A filter still installed on an application cannot be freed: remove it first with `MidiSetFilter(refNum, null)`.",
    params: { f: "the filter" },
    throws: [
      ["TypeError", "when `f` is not a filter"],
      ["MidiShareError", "code `DEAD` when `f` was already freed"],
      [
        "MidiShareError",
        "code `READONLY` when `f` is installed on an application",
      ],
    ],
  },
  MidiFreeSeq: {
    summary: "Frees a sequence and every event in it.",
    details:
      "Same as `MidiClearSeq`, then the sequence's own cell is freed and its handle becomes dead. " +
      "`null` does nothing.",
    params: { s: "the sequence, or `null`" },
    throws: [
      ["TypeError", "when `s` is neither a `MidiSeq` nor `null`"],
      SEQUENCE_DEAD,
      [
        "MidiShareError",
        "code `DEAD` when an event of the sequence was freed or sent while still linked in it",
      ],
    ],
  },
  MidiFreeSpace: {
    summary: "Returns the number of free cells in the client's pool.",
    details:
      "Event memory is counted in cells of 16 bytes: most events take 1 cell; private, task and variable-length events take 2, plus 1 per further 12 bytes of a variable-length event; a sequence takes 1. " +
      "Sending an event gives its cells back at once; every received event takes cells from the receiver's pool; a pending task holds 2 cells. " +
      "The pool is active from the client's first `MidiOpen` or `MidiRegisterDriver` until its last application and driver close.",
    params: {},
    returns:
      "the number of free cells; while the pool is not active, the size it will have when activated",
  },
  MidiGetApplAlarm: {
    summary:
      "Returns the application alarm installed on an application, or `null`.",
    params: { refNum: OWN_REFNUM },
    returns:
      "the alarm function; `null` when none is installed or `refNum` is not an application or driver this client opened",
    throws: [REFNUM_TYPE],
  },
  MidiGetDriverInfos: {
    summary: "Returns the name, version and number of slots of a driver.",
    details: "Any registered driver can be described, whatever its client.",
    params: { refNum: "the driver's refnum, 1..127" },
    returns:
      '`{ name, version, slots }`, `slots` being the driver\'s current number of slots; for refnum 127 `{ name: "MidiShare", version: 195, slots: 0 }`; `null` for an application or a refnum that is not open',
    throws: [REFNUM_TYPE],
  },
  MidiGetError: {
    summary: "Returns the global error bits of MidiShare.",
    details:
      "The server sets `MIDIerrDriverLoad` when a driver it should provide cannot be loaded, for instance when the RtMidi library is missing and hardware ports are off.",
    params: {},
    returns:
      "`MIDInoErr` (0) when all is well, else an OR of `MIDIerrDriverLoad` (1: a driver could not be loaded) and `MIDIerrTime` (2: the time source could not be started)",
  },
  MidiGetEv: {
    summary:
      "Removes the oldest event from the receive FIFO of an application and returns it.",
    details: "Events come out in delivery order. " +
      "The event is now the caller's own copy, with `link` `null`: free it (`MidiFreeEv`), keep it, change it or send it on; no other receiver is affected. " +
      "Its `date` is the date it was scheduled for, `refNum` its sender (a driver's refnum for hardware input) and `port` the MidiShare port. " +
      "A receive alarm usually drains the FIFO: `for (let e = MidiGetEv(ref); e; e = MidiGetEv(ref)) { ...; MidiFreeEv(e); }`.",
    params: { refNum: OWN_REFNUM },
    returns:
      "the oldest waiting event, owned by the caller; `null` when the FIFO is empty or `refNum` is not an application or driver this client opened",
    throws: [REFNUM_TYPE],
  },
  MidiGetExtTime: {
    summary: "Returns the current position of the external time code, in ms.",
    details:
      "While locked to an external time code it would be `MidiGetTime()` plus the offset of the code. " +
      "This implementation never locks, so it is `MidiGetTime()`.",
    params: {},
    returns: "the external time in ms, 0..2^32-1",
  },
  MidiGetField: {
    summary: "Reads one field of an event.",
    details:
      "Fields are numbered from 0 and their meaning depends on the type: for `typeNote` 0 is the pitch, 1 the velocity and 2 the duration in ms; for `typeKeyOn` and `typeKeyOff` pitch and velocity; for `typeCtrlChange` controller and value; for `typePitchWheel` the low then the high 7 bits; for `typeSysEx` and other variable-length events the bytes; for private events (19..127) four signed 32-bit numbers; for task events the function, then its three arguments. " +
      "8- and 16-bit fields read back unsigned (a key signature of -1 reads 255); 32-bit fields read back signed.",
    params: {
      e: "the event, owned, waiting in a FIFO or a task, or `null`",
      f: "the field index, from 0 to `MidiCountFields(e) - 1`",
    },
    returns:
      "the field's value (for the fields of a task event, the value stored); 0 for an index out of range or a `null` event",
    throws: [
      notAnEvent("e", ", or `f` is not a finite number"),
      ...readableEventErrors("e"),
    ],
  },
  MidiGetFilter: {
    summary: "Returns the filter installed on an application, or `null`.",
    details:
      "The filter is shared, not copied: changing it with `MidiAcceptPort`, `MidiAcceptChan` or `MidiAcceptType` changes what the application receives.",
    params: { refNum: OWN_REFNUM },
    returns:
      "the installed filter; `null` when none is installed (every event is accepted) or `refNum` is not an application or driver this client opened",
    throws: [REFNUM_TYPE],
  },
  MidiGetIndAppl: {
    summary:
      "Returns the refnum of the application at a position in the list of applications.",
    details:
      "Applications are listed by ascending refnum, drivers left out, so index 1 gives refnum 0 (the hardware ports) while MidiShare is awake. " +
      "To list every application, call it for each index from 1 to `MidiCountAppls()`.",
    params: { index: "the position, from 1 to `MidiCountAppls()`" },
    returns:
      "the refnum of the application; `MIDIerrIndex` (-4) when `index` is out of range",
    throws: [["TypeError", "when `index` is not a finite number"]],
  },
  MidiGetIndDriver: {
    summary:
      "Returns the refnum of the driver at a position in the list of drivers.",
    details:
      "Drivers are listed by descending refnum: index 1 gives refnum 127 while MidiShare is awake, then the registered drivers from 126 down.",
    params: { index: "the position, from 1 to `MidiCountDrivers()`" },
    returns:
      "the refnum of the driver; `MIDIerrIndex` (-4) when `index` is out of range",
    throws: [["TypeError", "when `index` is not a finite number"]],
  },
  MidiGetIndSlot: {
    summary: "Returns the slot of a driver at a position in its list of slots.",
    details:
      "Slots are listed by ascending slot number; the number of slots is the `slots` of `MidiGetDriverInfos`.",
    params: {
      refNum: "the driver's refnum",
      index: "the position, from 1 to the driver's number of slots",
    },
    returns:
      "the slot, `{ drvRef, slotRef }`; on failure `slotRef` is negative: `MIDIerrRefNum` (-2) with `drvRef` = `refNum` when `refNum` is not a registered driver, `MIDIerrIndex` (-4) with `drvRef` = -1 when `index` is out of range",
    throws: [
      ["TypeError", "when `refNum` or `index` is not a finite number"],
    ],
  },
  MidiGetInfo: {
    summary: "Returns the value stored with `MidiSetInfo` for an application.",
    details: "The value stays in this process; it is never sent to the server.",
    params: { refNum: OWN_REFNUM },
    returns:
      "the stored value, `null` until one is set; `null` when `refNum` is not an application or driver this client opened",
    throws: [REFNUM_TYPE],
  },
  MidiGetName: {
    summary: "Returns the name of an application or driver.",
    details: "Any open refnum can be asked, whatever its client.",
    params: { refNum: "the refnum, 0..127" },
    returns:
      'the name (31 characters at most); `"MidiShare"` for refnums 0 and 127 while MidiShare is awake; `null` when `refNum` is not open',
    throws: [REFNUM_TYPE],
  },
  MidiGetNamedAppl: {
    summary:
      "Returns the refnum of the first application or driver with a given name.",
    details:
      "Refnums are searched in ascending order, applications and drivers alike, for a name equal to `name`, case included; names need not be unique, so the lowest matching refnum wins. " +
      '`"MidiShare"` gives 0 while MidiShare is awake. ' +
      "Stored names keep 31 characters, so a longer `name` never matches.",
    params: { name: "the exact name" },
    returns:
      "the lowest refnum with that name; `MIDIerrIndex` (-4) when none has it",
    throws: [["TypeError", "when `name` is not a string"]],
  },
  MidiGetPortState: {
    summary: "Returns `true`: port states are obsolete since MidiShare 1.80.",
    details:
      "Kept for old programs; ports are mapped to slots with `MidiConnectSlot` instead.",
    params: { port: "a port number; ignored" },
    returns: "always `true`",
    throws: [["TypeError", "when `port` is not a finite number"]],
  },
  MidiGetRcvAlarm: {
    summary:
      "Returns the receive alarm installed on an application, or `null`.",
    params: { refNum: OWN_REFNUM },
    returns:
      "the alarm function; `null` when none is installed or `refNum` is not an application or driver this client opened",
    throws: [REFNUM_TYPE],
  },
  MidiGetSlotInfos: {
    summary: "Returns the name, direction and connected ports of a slot.",
    details:
      "In `cnx`, port `p` is connected when bit `p & 7` of byte `p >> 3` is set: `(cnx[p >> 3] >> (p & 7)) & 1`.",
    params: { slot: "the slot, `{ drvRef, slotRef }`" },
    returns:
      "`{ name, direction, cnx }`, `direction` being 1 (input), 2 (output) or 3 (both) and `cnx` 32 bytes with one bit per port 0..255; `null` when the slot does not exist",
    throws: [["TypeError", SLOT_TYPE]],
  },
  MidiGetSyncInfo: {
    summary: "Returns the synchronisation state of MidiShare.",
    details:
      "This implementation never locks to an external time code: `syncLocked` stays 0 and the offset, dates and counts of locks stay 0.",
    params: {},
    returns:
      "`{ time, reenter, syncMode, syncLocked, syncPort, syncStart, syncStop, syncOffset, syncSpeed, syncBreaks, syncFormat }`: the current time in ms; 0; the mode set by `MidiSetSyncMode`; 1 while locked, else 0; the port in use; the dates of the last lock and of its loss (0 if never); external minus internal time (0 if never locked); 0; the number of losses of lock; the detected SMPTE format 0..3 (0 if never locked)",
  },
  MidiGetTime: {
    summary:
      "Returns the current MidiShare date, in ms since MidiShare woke up.",
    details:
      "The clock advances by exactly 1 every millisecond; dates are unsigned 32-bit numbers that wrap after 2^32 ms (about 49.7 days), so compare them with `isBefore` or `dateDiff`, never with `<`. " +
      "A server client computes the time locally from the server's clock, without a round trip. " +
      "While MidiShare sleeps the time stands still (0 before a server client first reached its server); it restarts at 0 when MidiShare wakes up.",
    params: {},
    returns: "the current date in ms, 0..2^32-1",
  },
  MidiGetVersion: {
    summary: "Returns the version of MidiShare this library implements.",
    details:
      "Works before any connection. Programs compare it with the version that introduced the calls they need (180 for drivers and slots, 191 for `MidiGetError`).",
    params: {},
    returns: "195, meaning version 1.95",
  },
  MidiGrowSpace: {
    summary: "Adds cells to the client's pool.",
    details:
      "The cells are added at once while the pool is active; while it is not (before the client's first `MidiOpen` or `MidiRegisterDriver`), the size the pool will get is raised instead. " +
      "Growing does not move existing events.",
    params: { n: "the number of cells to add" },
    returns:
      "the number of cells added (or promised), `n` unless memory is refused; 0 when `n` is 0 or negative",
    throws: [["TypeError", "when `n` is not a finite number"]],
  },
  MidiInt2ExtTime: {
    summary:
      "Converts a MidiShare date into a position of the external time code.",
    details:
      "The result is `time` plus the offset between external and internal time, modulo 2^32. " +
      "This implementation never locks to an external time code, so the offset is 0 and the result is `time` itself.",
    params: { time: "a MidiShare date, in ms" },
    returns: "the external time in ms, 0..2^32-1",
    throws: [["TypeError", "when `time` is not a finite number"]],
  },
  MidiIsAcceptedChan: {
    summary: "Tells whether a filter accepts a MIDI channel.",
    params: {
      f: "the filter",
      chan: "the channel, 0..15",
    },
    returns:
      "`true` when the channel's bit is set; `false` otherwise and for a channel outside 0..15",
    throws: [
      [
        "TypeError",
        "when `f` is not a filter or `chan` is not a finite number",
      ],
      ...FILTER_ERRORS,
    ],
  },
  MidiIsAcceptedPort: {
    summary: "Tells whether a filter accepts a port.",
    params: {
      f: "the filter",
      port: "the port, 0..255",
    },
    returns:
      "`true` when the port's bit is set; `false` otherwise and for a port outside 0..255",
    throws: [
      [
        "TypeError",
        "when `f` is not a filter or `port` is not a finite number",
      ],
      ...FILTER_ERRORS,
    ],
  },
  MidiIsAcceptedType: {
    summary: "Tells whether a filter accepts an event type.",
    params: {
      f: "the filter",
      type: "the event type, 0..255",
    },
    returns:
      "`true` when the type's bit is set; `false` otherwise and for a type outside 0..255",
    throws: [
      [
        "TypeError",
        "when `f` is not a filter or `type` is not a finite number",
      ],
      ...FILTER_ERRORS,
    ],
  },
  MidiIsConnected: {
    summary: "Tells whether the connection from one refnum to another exists.",
    details:
      "Connections are directed: `MidiIsConnected(a, b)` says nothing of `b` to `a`.",
    params: {
      src: "the sending refnum, 0..127",
      dest: "the receiving refnum, 0..127",
    },
    returns:
      "`true` when `src` is connected to `dest`; `false` otherwise, and when either refnum is not open",
    throws: [["TypeError", "when `src` or `dest` is not a finite number"]],
  },
  MidiIsSlotConnected: {
    summary:
      "Tells whether a MidiShare port and a driver's slot are connected.",
    params: {
      port: "the MidiShare port, 0..255",
      slot: "the slot, `{ drvRef, slotRef }`",
    },
    returns:
      "`true` when they are connected; `false` otherwise, for a port outside 0..255 and for a slot that does not exist",
    throws: [
      [
        "TypeError",
        `when \`port\` is not a finite number, or ${
          SLOT_TYPE.slice("when ".length)
        }`,
      ],
    ],
  },
  MidiNewCell: {
    summary: "Takes one raw cell from the client's pool.",
    details:
      "A raw cell has the six common properties of an event (`date`, `evType`, `refNum`, `port`, `chan` at 0, `link` `null`) and nothing else; it cannot be used as an event (fields, sending, `MidiFreeEv`). " +
      "Few programs need one; free it with `MidiFreeCell`.",
    params: {},
    returns:
      "the cell; `null` when the pool is empty or not active (before the client's first `MidiOpen` or `MidiRegisterDriver`)",
  },
  MidiNewEv: {
    summary: "Creates an event of a given type, owned by the caller.",
    details:
      "The event starts with `date` 0, `refNum` 255 (no sender yet), `port` 0, `chan` 0, `link` `null`, every fixed field at 0 and no bytes for a variable-length type. " +
      "It is the caller's until it is freed (`MidiFreeEv`) or sent, after which the handle is dead. " +
      "It takes 1 cell for most types, 2 for private, task and variable-length types. " +
      "Before the client's first `MidiOpen` or `MidiRegisterDriver`, and after its last application and driver closed, there is no pool and the result is `null`.",
    params: {
      typeNum:
        "the event type: `typeNote`, `typeKeyOn`, `typeSysEx`, ... (0..151 or 255)",
    },
    returns:
      "the new event; `null` for a type outside 0..255 or reserved (152..254), when the pool lacks cells, or when the pool is not active",
    throws: [["TypeError", "when `typeNum` is not a finite number"]],
  },
  MidiNewFilter: {
    summary: "Creates a filter that rejects every event until bits are set.",
    details:
      "A filter has one bit per port (0..255), per type (0..255) and per channel (0..15); an event passes when its port and type bits are set and, for channel messages (types 0..7), its channel bit too. " +
      "Set bits with `MidiAcceptPort`, `MidiAcceptType` and `MidiAcceptChan`, then install it with `MidiSetFilter`; one filter may serve several applications. " +
      "A filter takes no cells.",
    params: {},
    returns: "the new filter",
  },
  MidiNewSeq: {
    summary: "Creates an empty sequence.",
    details:
      "A sequence is a list of events, the caller's, linked through their `link` property from `first` to `last` and kept sorted by date by `MidiAddSeq`. It takes 1 cell.",
    params: {},
    returns:
      "the sequence, `first` and `last` `null`; `null` when the pool lacks a cell or is not active",
  },
  MidiOpen: {
    summary: "Opens an application and returns its refnum.",
    details:
      "The application gets the lowest free refnum from 1, the name cut to 31 characters (names need not be unique), no connections, no filter, no alarms and an empty FIFO; every application alarm then receives `MIDIOpenAppl`. " +
      "If MidiShare sleeps it wakes up first: the time restarts at 0, refnums 0 and 127 appear and the registered drivers' `wakeup` callbacks run. " +
      "The client's first application or driver also activates its pool, so events can be created. " +
      "A server client connects at its first request, starting a server if none runs. " +
      "One client may open several applications; each needs its own `MidiClose`.",
    params: { name: "the application's name, as other programs will see it" },
    returns:
      "the refnum, 1..126; `MIDIerrSpace` (-1) when no refnum is free (at most 124 applications and drivers together)",
    throws: [["TypeError", "when `name` is not a string"]],
  },
  MidiReadSync: {
    summary: "Returns the content of a mail box and empties it.",
    details:
      "With `MidiWriteSync`, a mail box passes one value at a time between tasks or alarms and the rest of the program.",
    params: { box: "the mail box, any object with a `value` property" },
    returns:
      "the value the box held (`null` when it was empty); the box then holds `null`",
    throws: [["TypeError", "when `box` is not an object"]],
  },
  MidiRegisterDriver: {
    summary: "Registers a driver and returns its refnum.",
    details:
      "A driver is a program that brings physical ports into MidiShare: it uses the whole API, declares its endpoints with `MidiAddSlot` and receives with `port` set to a slot number. " +
      "It gets the highest free refnum from 126 down. " +
      "Registering does not wake MidiShare: while MidiShare sleeps, `op.wakeup` runs at the next wake-up; while it is awake, `op.wakeup` runs before the call returns and every application alarm then receives `MIDIOpenDriver`. " +
      "At every sleep `op.sleep` runs and the driver loses its connections, waiting events and ready deferred tasks, but keeps its slots and their port mapping: connect to and from refnum 127 again in `op.wakeup`.",
    params: {
      infos:
        "`{ name, version }`: the name (31 characters kept) and a 16-bit version (100 means 1.00); `slots` is ignored",
      op:
        "`{ wakeup?, sleep? }`: functions called with the driver's refnum when MidiShare wakes up and goes to sleep; pass `{}` for none",
    },
    returns:
      "the driver's refnum, 1..126; `MIDIerrSpace` (-1) when no refnum is free (at most 124 applications and drivers together)",
    throws: [
      [
        "TypeError",
        "when `infos` is not an object, `infos.name` is not a string, `infos.version` is not a finite number, `op` is not an object, or `op.wakeup` or `op.sleep` is neither a function nor absent",
      ],
    ],
  },
  MidiRemoveSlot: {
    summary: "Removes a slot from its driver.",
    details:
      "The slot is disconnected from every port (without `MIDIChgSlotConnect`) and its number can be reused. " +
      "While MidiShare is awake, every application alarm receives `MIDIRemoveSlot` with the driver's refnum. " +
      "A slot that does not exist is ignored.",
    params: { slot: "the slot, `{ drvRef, slotRef }`" },
    throws: [["TypeError", SLOT_TYPE]],
  },
  MidiSend: {
    summary: "Sends an event at the date it carries.",
    details:
      "The due date is `e.date`; a date already past (or now) means the next tick, 1 ms later at least, and the event keeps its date. " +
      SEND_DETAILS,
    params: {
      refNum: "the sender: an application or driver refnum, 0..127",
      e: "an event the caller owns, its `date` set; or `null`",
    },
    throws: [
      notAnEvent("e", ", or `refNum` is not a finite number"),
      ...SEND_ERRORS,
    ],
  },
  MidiSendAt: {
    summary: "Sends an event at a given date.",
    details:
      "`d` replaces the event's date: `MidiSendAt(ref, e, MidiGetTime() + 500)` delivers it in half a second. " +
      "A date already past (or now) means the next tick, 1 ms later at least, and the event keeps that date. " +
      SEND_DETAILS,
    params: {
      refNum: "the sender: an application or driver refnum, 0..127",
      e: "an event the caller owns, or `null`",
      d: "the due date in ms, a MidiShare date (wrapped to unsigned 32 bits)",
    },
    throws: [
      notAnEvent("e", ", or `refNum` or `d` is not a finite number"),
      ...SEND_ERRORS,
    ],
  },
  MidiSendIm: {
    summary: "Sends an event for delivery at the next tick.",
    details:
      "The event's date becomes the current time, and it is delivered at the next tick, 1 ms later at least, not during the call; it is the same as `MidiSendAt(refNum, e, MidiGetTime())`. " +
      SEND_DETAILS,
    params: {
      refNum: "the sender: an application or driver refnum, 0..127",
      e: "an event the caller owns, or `null`",
    },
    throws: [
      notAnEvent("e", ", or `refNum` is not a finite number"),
      ...SEND_ERRORS,
    ],
  },
  MidiSetApplAlarm: {
    summary:
      "Installs, replaces or removes the application alarm of an application.",
    details:
      "The alarm is called as `alarm(refNum, code)` on the client's thread when something changes in MidiShare, the application that caused the change included. " +
      "`code & 0xFFFF` tells what changed: `MIDIOpenAppl`, `MIDICloseAppl`, `MIDIChgName`, `MIDIChgConnect`, `MIDIOpenDriver`, `MIDICloseDriver`, `MIDIAddSlot`, `MIDIRemoveSlot`, `MIDIChgSlotConnect`, `MIDIChgSlotName` or `MIDIChangeSync`; `code >> 16` is the refnum concerned (the source for `MIDIChgConnect`, the driver for slot changes, 0 for sync changes). " +
      "A server client that loses its server calls it with `MIDICloseAppl` and its own refnum. " +
      "An exception thrown by the alarm is reported and swallowed. " +
      "Works for drivers too; nothing happens when `refNum` is not an application or driver this client opened.",
    params: {
      refNum: OWN_REFNUM,
      alarm: "the function, `(refNum, code) => void`, or `null` to remove it",
    },
    throws: [
      [
        "TypeError",
        "when `refNum` is not a finite number, or `alarm` is neither a function nor `null`",
      ],
    ],
  },
  MidiSetField: {
    summary: "Writes one field of an event the caller owns.",
    details:
      "The value is cut to the width of the field (`v & 0xFF` for 8 bits, `v & 0xFFFF` for 16, a signed 32-bit number for 32). " +
      "Fields are numbered as in `MidiGetField`. " +
      "An index out of range writes nothing, and on a variable-length event only existing bytes change: add bytes with `MidiAddField`. " +
      "Private events (19..127) take numbers only; task events (128, 129, 255) take any value, the function in field 0 and its arguments in 1..3. " +
      "`null` does nothing.",
    params: {
      e: "an event the caller owns, or `null`",
      f: "the field index, from 0 to `MidiCountFields(e) - 1`",
      v: "the value; a number except in the fields of a task event",
    },
    throws: [
      notAnEvent(
        "e",
        "; or when `f` is not a finite number, or `v` is not a finite number for an event other than a task",
      ),
      ...ownedEventErrors("e"),
    ],
  },
  MidiSetFilter: {
    summary: "Installs a filter on an application, or removes its filter.",
    details:
      "The filter is shared, not copied: later `MidiAcceptPort`, `MidiAcceptChan` and `MidiAcceptType` calls apply to the events routed after them, without installing it again. " +
      "With no filter every event is accepted. " +
      "Private events and tasks are never filtered. " +
      "Nothing happens when `refNum` is not an application or driver this client opened.",
    params: {
      refNum: OWN_REFNUM,
      f: "the filter, or `null` to accept everything",
    },
    throws: [
      [
        "TypeError",
        "when `refNum` is not a finite number, or `f` is neither a filter nor `null`",
      ],
      ...FILTER_ERRORS,
    ],
  },
  MidiSetInfo: {
    summary: "Stores a value of the program's choice with an application.",
    details:
      "`MidiGetInfo` returns it. The value stays in this process; it is never sent to the server. " +
      "Nothing happens when `refNum` is not an application or driver this client opened.",
    params: {
      refNum: OWN_REFNUM,
      info: "any value",
    },
    throws: [REFNUM_TYPE],
  },
  MidiSetName: {
    summary: "Renames an application or driver.",
    details:
      "Any client may rename any open application or driver; the name is cut to 31 characters, and every application alarm receives `MIDIChgName` with the refnum. " +
      "Refnums 0 and 127 cannot be renamed; they, and refnums that are not open, are ignored.",
    params: {
      refNum: "the refnum, 1..126",
      name: "the new name",
    },
    throws: [
      [
        "TypeError",
        "when `refNum` is not a finite number or `name` is not a string",
      ],
    ],
  },
  MidiSetPortState: {
    summary: "Does nothing: port states are obsolete since MidiShare 1.80.",
    details:
      "Kept for old programs; ports are mapped to slots with `MidiConnectSlot` instead.",
    params: {
      port: "a port number; ignored",
      state: "ignored",
    },
    throws: [["TypeError", "when `port` is not a finite number"]],
  },
  MidiSetRcvAlarm: {
    summary:
      "Installs, replaces or removes the receive alarm of an application.",
    details:
      "The alarm is called as `alarm(refNum)` on the client's thread once per tick in which events entered the application's FIFO, after all of that tick's events are in it. " +
      "Events left in the FIFO do not call it again; the next delivery does. " +
      "Installing an alarm does not call it for events already waiting. " +
      "Without an alarm events simply accumulate, to be read with `MidiGetEv`. " +
      "An exception thrown by the alarm is reported and swallowed. " +
      "Nothing happens when `refNum` is not an application or driver this client opened.",
    params: {
      refNum: OWN_REFNUM,
      alarm: "the function, `(refNum) => void`, or `null` to remove it",
    },
    throws: [
      [
        "TypeError",
        "when `refNum` is not a finite number, or `alarm` is neither a function nor `null`",
      ],
    ],
  },
  MidiSetSlotName: {
    summary: "Renames a slot.",
    details:
      "The name is cut to 31 characters. While MidiShare is awake, every application alarm receives `MIDIChgSlotName` with the driver's refnum. " +
      "A slot that does not exist is ignored.",
    params: {
      slot: "the slot, `{ drvRef, slotRef }`",
      name: "the new name",
    },
    throws: [
      [
        "TypeError",
        `${SLOT_TYPE}, or \`name\` is not a string`,
      ],
    ],
  },
  MidiSetSyncMode: {
    summary: "Sets the synchronisation mode of MidiShare.",
    details:
      "The mode is global. When it changes, every application alarm receives `MIDIChangeSync` with refnum 0. " +
      "This implementation never locks to an external time code, so the external mode changes nothing else.",
    params: {
      mode:
        "`MIDISyncInternal` (0) or `MIDISyncExternal` (0x8000), plus `MIDISyncAnyPort` (0x4000) or a port 0..255 in the low 8 bits; bits 8..13 are cleared",
    },
    throws: [["TypeError", "when `mode` is not a finite number"]],
  },
  MidiShare: {
    summary: "Tells whether MidiShare is available.",
    details:
      "A server client connects to the server, starting one if none runs, and makes a round trip: once it resolves, every earlier call of this client has taken effect at the server, so it is the way to wait for one-way calls such as `MidiConnect`. " +
      "It never rejects: after the server was lost it resolves `false`, and `reconnect()` tries again. " +
      "The in-process kernel always returns `true`.",
    params: {},
    returns:
      "`true` when a server answered (always for the in-process kernel); `false` when none could be reached or started, or after the server was lost",
  },
  MidiSmpte2Time: {
    summary: "Converts a SMPTE location into a time in ms.",
    details:
      "The inverse of `MidiTime2Smpte`: `MidiSmpte2Time(MidiTime2Smpte(t, f))` is `t` for every time below 24 hours (slightly less in drop-frame format 2). " +
      "To change the format of a location, convert it to a time and back.",
    params: {
      loc:
        "`{ format, hours, minutes, seconds, frames, fracs }`, `fracs` being hundredths of a frame",
    },
    returns: "the time in ms",
    throws: [
      [
        "TypeError",
        "when `loc` is not an object, or one of its six properties is not a finite number",
      ],
      ["RangeError", "when `loc.format` is not 0, 1, 2 or 3"],
    ],
  },
  MidiTask: {
    summary: "Schedules a function to run at a date.",
    details:
      "At `date` the client calls `fn(date, refNum, a1, a2, a3)` on its own thread, `date` being the scheduled date rather than the actual time: a periodic task reschedules itself with `MidiTask(fn, date + period, refNum)` and does not drift. " +
      "A date already past means the next tick. " +
      "The arguments are any values and never leave this process. " +
      "The task holds 2 cells of the pool until it has run or is forgotten; closing the application, or MidiShare's going to sleep, discards it. " +
      "Tasks are never filtered. " +
      "An exception thrown by `fn` is reported and swallowed.",
    params: TASK_PARAMS,
    returns:
      "a task handle, to cancel the task with `MidiForgetTask` (its properties and fields can be read); `null` when nothing was scheduled: the pool lacks cells, `refNum` is not an application or driver this client opened, or MidiShare sleeps",
    throws: TASK_ERRORS,
  },
  MidiTime2Smpte: {
    summary: "Converts a time in ms into a SMPTE location.",
    details:
      "The time is read as an unsigned 32-bit number of ms; hours wrap at 24. " +
      "Formats: `kSync24fs` (0, 24 frames per second), `kSync25fs` (1, 25), `kSync30dfs` (2, 30 drop frame, that is 29.97) and `kSync30fs` (3, 30).",
    params: {
      time: "the time in ms",
      format: "the SMPTE format, 0..3",
    },
    returns:
      "`{ format, hours, minutes, seconds, frames, fracs }`, `fracs` being hundredths of a frame",
    throws: [
      ["TypeError", "when `time` or `format` is not a finite number"],
      ["RangeError", "when `format` is not 0, 1, 2 or 3"],
    ],
  },
  MidiTotalSpace: {
    summary: "Returns the size of the client's pool, in cells.",
    details:
      "Each client has its own pool, 15000 cells unless configured otherwise, grown with `MidiGrowSpace`. " +
      "`MidiFreeSpace` tells how many cells are free.",
    params: {},
    returns:
      "the number of cells of the pool; while the pool is not active, the size it will have when activated",
  },
  MidiUnregisterDriver: {
    summary: "Unregisters a driver this client registered.",
    details:
      "Its slots are removed (without slot alarms), then it is closed as an application is: connections, waiting events, deferred tasks, pending events and tasks all go. " +
      "While MidiShare is awake, its `sleep` callback then runs and every application alarm receives `MIDICloseDriver`; the driver is not told. " +
      "If it was the client's last application or driver, the client's memory is released and every handle of the client becomes dead. " +
      "A refnum that is not a driver of this client, and 127, are ignored.",
    params: { refNum: "the driver's refnum, 1..126" },
    throws: [REFNUM_TYPE],
  },
  MidiWriteSync: {
    summary: "Stores a value into a mail box, if the box is empty.",
    details:
      "A box holding `null` or `undefined` is empty and receives `val`; a full box is left unchanged. " +
      "The result tells which happened: `null` means `val` was written.",
    params: {
      box: "the mail box, any object with a `value` property",
      val: "the value to store",
    },
    returns:
      "the value the box held before the call: `null` or `undefined` when `val` was written, else the value still in the box",
    throws: [["TypeError", "when `box` is not an object"]],
  },
};
