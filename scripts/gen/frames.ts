/**
 * The generator of the encoders and decoders of the notification and session frames:
 * the frames that are not calls.
 *
 * Usage: imported by `scripts/gen_stubs.ts`.
 *
 * @module
 */

import {
  type FieldType,
  type FrameSpec,
  NOTIFICATIONS,
  SESSION_FRAMES,
} from "@midishare/transport/interface";
import { encoder, opener } from "./_frame_encoders.ts";
import { args, hex, live, methodDoc, params, pascal } from "./_frame_fields.ts";

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
