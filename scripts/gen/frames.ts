/**
 * The generator of everything about the frames that are not calls: the notification
 * interface of the kernel's contract, the in-process notification queue, and the
 * encoders and decoders of the notification and session frames.
 *
 * Usage: imported by `scripts/gen_stubs.ts`.
 *
 * @module
 */

import {
  type FieldSpec,
  type FieldType,
  type FrameSpec,
  NOTIFICATIONS,
  SESSION_FRAMES,
} from "@midishare/transport/interface";

const TS: Record<FieldType, string> = {
  u8: "number",
  u16: "number",
  short: "number",
  long: "number",
  u32: "number",
  date: "number",
  bool: "boolean",
  f64: "number",
  string: "string",
  event: "number",
};

const SIZE: Partial<Record<FieldType, number>> = {
  u8: 1,
  u16: 2,
  short: 2,
  long: 4,
  u32: 4,
  date: 4,
  bool: 1,
  f64: 8,
};

const READ: Record<Exclude<FieldType, "event">, string> = {
  u8: "r.u8()",
  u16: "r.u16()",
  short: "r.i16()",
  long: "r.i32()",
  u32: "r.u32()",
  date: "r.u32()",
  bool: "r.bool()",
  f64: "r.f64()",
  string: "r.str()",
};

const live = (frames: readonly FrameSpec[]) => frames.filter((f) => !f.retired);

/** A kind byte as a hexadecimal literal. */
function hex(kind: number): string {
  return `0x${kind.toString(16)}`;
}

/** `deliver` → `Deliver`. */
function pascal(name: string): string {
  return name[0]!.toUpperCase() + name.slice(1);
}

/** Parameter list of a frame's fields (an event is a pool and a cell). */
function params(fields: readonly FieldSpec[]): string[] {
  return fields.flatMap(([name, type]) =>
    type === "event"
      ? [`${name}Pool: CellPool`, `${name}Cell: number`]
      : [`${name}: ${TS[type]}`]
  );
}

/** Argument names matching {@link params}. */
function args(fields: readonly FieldSpec[]): string[] {
  return fields.flatMap(([name, type]) =>
    type === "event" ? [`${name}Pool`, `${name}Cell`] : [name]
  );
}

/** JSDoc of a receiving method: its summary and one line per field. */
function methodDoc(frame: FrameSpec, indent: string): string {
  const lines = [`${frame.doc}.`];
  for (const [name, type, doc] of frame.fields) {
    if (type === "event") {
      lines.push(`@param ${name}Pool the pool holding ${doc}`);
      lines.push(`@param ${name}Cell the cell of the event`);
    } else lines.push(`@param ${name} ${doc}`);
  }
  return `${indent}/**\n${
    lines.map((l) => `${indent} * ${l}`).join("\n")
  }\n${indent} */`;
}

/** `kernel/contract/gen/client_notifications_gen.ts`. */
export function notificationInterface(header: string): string {
  const methods = live(NOTIFICATIONS).map((f) =>
    `${methodDoc(f, "  ")}\n  ${f.name}(${params(f.fields).join(", ")}): void;`
  );
  return `${header}/**
 * What the server half of the kernel tells one client half, in server order: one
 * method per row of \`NOTIFICATIONS\`. The server implements it with frames on the
 * client's socket, the in-process composition with a queue in memory; the client's
 * inbox receives it.
 *
 * Implementations on the server side run inside a kernel step and must be real-time
 * safe (no allocation on the per-event methods) and must not call back into the kernel.
 *
 * @module
 */

import type { CellPool } from "../../memory/cell_pool.ts";

/** The callback channel of one client. */
export interface ClientNotifications {
${methods.join("\n")}
}

/** A receiver of notifications: it also says where delivered events are copied. */
export interface NotificationReceiver extends ClientNotifications {
  /** The pool delivered events are copied into, or null while the client has none. */
  eventPool(): CellPool | null;
  /**
   * A copy delivered to \`refNum\` did not fit the pool: it is lost for this client
   * (spec §6.2); the receiver counts it.
   */
  eventLost(refNum: number): void;
}
`;
}

/** The field naming the application of a notification that can go stale. */
function refField(frame: FrameSpec): string | undefined {
  if (frame.dropIfReopened !== true) return undefined;
  return frame.fields.find(([name]) => name === "refNum")?.[0];
}

/** `kernel/contract/gen/notification_queue_gen.ts`: the in-process queue. */
export function notificationQueue(header: string): string {
  const frames = live(NOTIFICATIONS);
  const width = 3 + Math.max(...frames.map((f) => f.fields.length));
  const pushes = frames.map((f, index) => {
    const ref = refField(f);
    const slots = f.fields.map(([name, type], i) => {
      const at = `at + ${3 + i}`;
      if (type === "event") {
        return `const copy = this.#copy(${name}Pool, ${name}Cell, ${
          f.fields.some(([n]) => n === "refNum") ? "refNum" : "-1"
        });
    if (copy < 0) return;
    q[${at}] = copy;`;
      }
      return `q[${at}] = ${type === "bool" ? `${name} ? 1 : 0` : name};`;
    });
    const stamp = ref === undefined ? "0" : `this.#hooks.recordSerial(${ref})`;
    return `  ${f.name}(${params(f.fields).join(", ")}): void {
    const at = this.#reserve(), q = this.#queue;${
      slots.map((l) => `\n    ${l}`).join("")
    }
    q[at] = ${index};
    q[at + 1] = ${stamp};
    q[at + 2] = this.#hooks.poolEpoch();
    this.#commit();
  }`;
  });
  const cases = frames.map((f, index) => {
    const ref = refField(f);
    const reads = f.fields.flatMap(([name, type], i) => {
      const slot = `q[at + ${3 + i}]!`;
      if (type === "event") {
        return [
          `const ${name}Cell = ${slot}, ${name}Pool = this.#hooks.eventPool();`,
          `// Copied before the pool was reset: the cell is not ours any more.`,
          `if (${name}Pool === null || q[at + 2] !== this.#hooks.poolEpoch()) break;`,
        ];
      }
      return [`const ${name} = ${type === "bool" ? `${slot} === 1` : slot};`];
    });
    const call = `to.${f.name}(${
      f.fields.flatMap(([name, type]) =>
        type === "event" ? [`${name}Pool`, `${name}Cell`] : [name]
      ).join(", ")
    });`;
    const hasEvent = f.fields.some(([, t]) => t === "event");
    const guard = ref === undefined
      ? call
      : `if (q[at + 1] === this.#hooks.recordSerial(${ref})) ${call}
        ${
        hasEvent
          ? `else this.#hooks.discard(${
            f.fields.find(([, t]) => t === "event")![0]
          }Cell);`
          : ""
      }`;
    return `      case ${index}: {
        ${reads.join("\n        ")}
        ${guard}
        break;
      }`;
  });
  return `${header}/**
 * The in-process queue of the notifications of one client: it records each call of
 * {@link ClientNotifications} in server order and replays them later into the
 * client's receiver, so that no callback runs inside a kernel step (as with a socket
 * between them). Delivered events are copied into the receiver's pool at once; a
 * notification about an application that was closed and reopened since is dropped.
 *
 * Runs on the caller's thread. Recording is real-time safe (the queue doubles when
 * full, which amortizes to nothing); {@link NotificationQueue.replayInto} runs callbacks.
 *
 * @module
 */

import { type CellPool, NIL } from "../../memory/cell_pool.ts";
import { copyEvent } from "../../memory/event_store.ts";
import type {
  ClientNotifications,
  NotificationReceiver,
} from "./client_notifications_gen.ts";

/** What the queue needs to know of its client. */
export interface NotificationQueueHooks {
  /** The pool delivered events are copied into, or null while inactive. */
  eventPool(): CellPool | null;
  /** Changes whenever the client's pool is reset: cells copied before are not ours. */
  poolEpoch(): number;
  /** The serial of the client's record of \`refNum\`, 0 when none. */
  recordSerial(refNum: number): number;
  /** Frees a copied event that has nowhere to go. */
  discard(cell: number): void;
  /** A copy for \`refNum\` did not fit the pool (spec §6.2): the client counts it. */
  eventLost(refNum: number): void;
}

/** Numbers per entry: kind, record serial, pool epoch, then the fields. */
const WIDTH = ${width};

/** A queue of notifications for one in-process client. */
export class NotificationQueue implements ClientNotifications {
  readonly #hooks: NotificationQueueHooks;
  #queue = new Float64Array(WIDTH * 256);
  #head = 0;
  #tail = 0;
  #next = 0;

  /** An empty queue for the client that \`hooks\` describe. */
  constructor(hooks: NotificationQueueHooks) {
    this.#hooks = hooks;
  }

${pushes.join("\n\n")}

  /**
   * Replays the queued notifications into \`to\`, one at a time (a callback may queue
   * more behind it); returns whether there were any.
   */
  replayInto(to: NotificationReceiver): boolean {
    if (this.#head === this.#tail) return false;
    while (this.#head !== this.#tail) {
      const q = this.#queue, at = this.#head;
      this.#head = at + WIDTH === q.length ? 0 : at + WIDTH;
      switch (q[at]) {
${cases.join("\n")}
      }
    }
    return true;
  }

  /** Copies a delivered event into the client's pool; −1 when it is lost. */
  #copy(pool: CellPool, cell: number, refNum: number): number {
    const target = this.#hooks.eventPool();
    if (target === null) return -1;
    const copy = copyEvent(pool, cell, target);
    if (copy !== NIL) return copy;
    // An exhausted pool loses the copy for this client only (spec §6.2).
    this.#hooks.eventLost(refNum);
    return -1;
  }

  /** The offset of a new entry at the tail (committed by {@link #commit}). */
  #reserve(): number {
    const q = this.#queue;
    this.#next = this.#tail + WIDTH === q.length ? 0 : this.#tail + WIDTH;
    if (this.#next === this.#head) this.#grow();
    return this.#tail;
  }

  #commit(): void {
    this.#tail = this.#next;
  }

  /** Doubles the ring, unrolling it so that the head is at 0. */
  #grow(): void {
    const old = this.#queue, bigger = new Float64Array(old.length * 2);
    let length: number;
    if (this.#head <= this.#tail) {
      bigger.set(old.subarray(this.#head, this.#tail));
      length = this.#tail - this.#head;
    } else {
      const first = old.subarray(this.#head);
      bigger.set(first);
      bigger.set(old.subarray(0, this.#tail), first.length);
      length = first.length + this.#tail;
    }
    this.#head = 0;
    this.#tail = length;
    this.#next = length + WIDTH;
    this.#queue = bigger;
  }
}
`;
}

/** Statements writing the fields of `frame` at `p` in `b`/`v`, after its kind byte. */
function writeFields(frame: FrameSpec): string[] {
  return frame.fields.map(([name, type]) => {
    switch (type) {
      case "u8":
        return `b[p++] = ${name};`;
      case "bool":
        return `b[p++] = ${name} ? 1 : 0;`;
      case "u16":
        return `v.setUint16(p, ${name}, true);\n  p += 2;`;
      case "short":
        return `v.setInt16(p, ${name}, true);\n  p += 2;`;
      case "long":
        return `v.setInt32(p, ${name}, true);\n  p += 4;`;
      case "u32":
      case "date":
        return `v.setUint32(p, ${name} >>> 0, true);\n  p += 4;`;
      case "f64":
        return `v.setFloat64(p, ${name}, true);\n  p += 8;`;
      case "string":
        return `v.setUint16(p, ${name}Utf8.length, true);\n  b.set(${name}Utf8, p + 2);\n  p += 2 + ${name}Utf8.length;`;
      case "event":
        return `p = writeEvent(b, v, p, ${name}Pool, ${name}Cell);`;
    }
  });
}

/** The encoder `write<Name>(out, ...fields)` of a frame of known size. */
function encoder(frame: FrameSpec): string {
  const fixed = 1 +
    frame.fields.reduce((n, [, type]) => n + (SIZE[type] ?? 0), 0);
  const variable = frame.fields.flatMap(([name, type]) =>
    type === "string"
      ? [`2 + ${name}Utf8.length`]
      : type === "event"
      ? [`eventWireSize(${name}Pool, ${name}Cell)`]
      : []
  );
  const strings = frame.fields.filter(([, t]) => t === "string").map((
    [name],
  ) => `const ${name}Utf8 = utf8(${name});`);
  const body = writeFields(frame);
  const usesView = body.some((l) => /\bv\b/.test(l));
  return `/** Writes a \`${frame.name}\` frame: ${frame.doc.toLowerCase()}. */
export function write${pascal(frame.name)}(${
    ["out: FrameOut", ...params(frame.fields)].join(", ")
  }): void {
  ${strings.join("\n  ")}
  const at = out.openFrame(${[String(fixed), ...variable].join(" + ")});
  if (at < 0) return;
  const b = out.bytes${usesView ? ", v = out.view" : ""};
  ${body.length > 0 ? "let p = at + 1;" : ""}
  b[at] = 0x${frame.kind.toString(16)};
  ${body.join("\n  ")}
  out.closeFrame();
}`;
}

/** The opener `begin<Name>(w, ...fields)` of an open-ended frame. */
function opener(frame: FrameSpec): string {
  const writes = frame.fields.map(([name, type]) => {
    const m = { u8: "u8", u16: "u16", short: "i16", long: "i32", u32: "u32" }[
      type as "u8"
    ] ?? (type === "bool" ? "bool" : type === "f64" ? "f64" : "str");
    return `w.${m}(${name});`;
  });
  return `/**
 * Starts a \`${frame.name}\` frame: ${frame.doc.toLowerCase()}. Finish it with
 * \`w.endFrame(start)\` once the rest is written.
 * @returns the start to give to \`endFrame\`
 */
export function begin${pascal(frame.name)}(${
    ["w: WireWriter", ...params(frame.fields)].join(", ")
  }): number {
  const start = w.beginFrame(0x${frame.kind.toString(16)});
  ${writes.join("\n  ")}
  return start;
}`;
}

/** A `case` reading a frame's fields and calling the receiver. */
function readCase(frame: FrameSpec): string {
  const reads: string[] = [];
  for (const [name, type] of frame.fields) {
    if (type === "event") {
      reads.push(
        `const ${name}Pool = to.eventPool();`,
        `// No pool, or an exhausted one: the event is lost for this client (spec §6.2).`,
        `if (${name}Pool === null) return true;`,
        `const ${name}Cell = r.event(${name}Pool, event);`,
        `if (${name}Cell === NIL) {`,
        `  to.eventLost(${
          frame.fields.some(([n]) => n === "refNum") ? "refNum" : "-1"
        });`,
        `  return true;`,
        `}`,
      );
    } else reads.push(`const ${name} = ${READ[type]};`);
  }
  const tail = frame.openEnded ? ["r"] : [];
  return `    case 0x${frame.kind.toString(16)}: {
      ${reads.join("\n      ")}
      to.${frame.name}(${[...args(frame.fields), ...tail].join(", ")});
      return true;
    }`;
}

/** A receiver interface for session frames. */
function receiver(name: string, doc: string, frames: FrameSpec[]): string {
  const methods = frames.map((f) => {
    const tail = f.openEnded ? ["r: WireReader"] : [];
    const d = methodDoc(f, "  ").replace(
      /\n {2}\*\/$/,
      f.openEnded
        ? "\n   * @param r positioned on what follows\n   */"
        : "\n   */",
    );
    return `${d}\n  ${f.name}(${
      [...params(f.fields), ...tail].join(", ")
    }): void;`;
  });
  return `/** ${doc} */
export interface ${name} {
${methods.join("\n")}
}`;
}

/** `transport/gen/frames_gen.ts`: encoders and decoders of every non-call frame. */
export function frameCodecs(header: string): string {
  const notes = live(NOTIFICATIONS);
  const session = live(SESSION_FRAMES);
  const toServer = session.filter((f) => f.kind < 0x80);
  const toClient = session.filter((f) => f.kind >= 0x80);
  const sized = [...notes, ...session.filter((f) => !f.openEnded)];
  const handshake = session.filter((f) =>
    f.fields[0]?.[0] === "magic" && f.fields[1]?.[0] === "version"
  );
  if (handshake.length !== 2) {
    throw new Error(
      "the hello and welcome frames must start with magic, version",
    );
  }
  const writer = notes.map((f) =>
    `  ${f.name}(${params(f.fields).join(", ")}): void {
    write${pascal(f.name)}(${["this.#out", ...args(f.fields)].join(", ")});
  }`
  );
  return `${header}/**
 * The frames that are not calls, in both directions: one encoder per notification
 * and session frame, a {@link NotificationWriter} that turns the kernel's
 * notifications into frames, and the readers that dispatch a received frame to its
 * receiver.
 *
 * Encoding a notification is real-time safe while the output has room; strings
 * allocate. Reading allocates only for strings.
 *
 * @module
 */

import type {
  ClientNotifications,
  NotificationReceiver,
} from "@midishare/kernel/contract";
import { type CellPool, NIL } from "@midishare/kernel/memory";
import {
  eventWireSize,
  type FrameOut,
  type ReadEventResult,
  utf8,
  type WireReader,
  type WireWriter,
  writeEvent,
} from "../wire.ts";

/** The kind byte of every frame that is not a call's arguments, by name. */
export const FRAME_KINDS = {
${
    [...notes, ...session].sort((a, b) => a.kind - b.kind).map((f) =>
      `  ${f.name}: 0x${f.kind.toString(16)},`
    ).join("\n")
  }
} as const;

${sized.map(encoder).join("\n\n")}

${session.filter((f) => f.openEnded).map(opener).join("\n\n")}

/** The kernel's notifications for one client, written as frames to \`out\`. */
export class NotificationWriter implements ClientNotifications {
  readonly #out: FrameOut;

  /** A writer of frames into \`out\`. */
  constructor(out: FrameOut) {
    this.#out = out;
  }

${writer.join("\n\n")}
}

${
    receiver(
      "SessionReceiver",
      "Receives the session frames the server sends.",
      toClient,
    )
  }

/** Receives everything the server sends. */
export interface ServerFrameReceiver
  extends NotificationReceiver, SessionReceiver {}

${
    receiver(
      "ClientFrameReceiver",
      "Receives what a client sends.",
      toServer,
    )
  }

/**
 * The magic number and protocol version that open a \`hello\` or \`welcome\` frame,
 * read without consuming them: every version of the protocol starts these two frames
 * the same way, whatever follows. Null for another kind or a frame too short.
 */
export function peekProtocol(
  r: WireReader,
): [magic: number, version: number] | null {
  const at = r.pos, kind = r.bytes[at];
  if (kind !== ${hex(handshake[0]!.kind)} && kind !== ${
    hex(handshake[1]!.kind)
  }) return null;
  if (r.end - at < 7) return null;
  return [r.view.getUint32(at + 1, true), r.view.getUint16(at + 5, true)];
}

/**
 * Reads one frame from the server (its kind first) and hands it to \`to\`; a
 * delivered event is read into \`to.eventPool()\` through \`event\`.
 * @returns false for a kind this side does not know
 * @throws {SyntaxError} for a truncated or malformed frame
 */
export function readServerFrame(
  r: WireReader,
  to: ServerFrameReceiver,
  event: ReadEventResult,
): boolean {
  switch (r.u8()) {
${[...notes, ...toClient].map(readCase).join("\n")}
    default:
      return false;
  }
}

/**
 * Reads one frame from a client (its kind first) and hands it to \`to\`.
 * @returns false for a kind this side does not know
 * @throws {SyntaxError} for a truncated or malformed frame
 */
export function readClientFrame(
  r: WireReader,
  to: ClientFrameReceiver,
): boolean {
  switch (r.u8()) {
${toServer.map(readCase).join("\n")}
    default:
      return false;
  }
}
`;
}
