/**
 * The encoders of the frame codecs: one `write<Name>` function per frame of known
 * size, one `begin<Name>` per open-ended frame.
 *
 * Usage: imported by `frames.ts`.
 *
 * @module
 */

import type { FieldType, FrameSpec } from "@midishare/transport/interface";
import { params, pascal } from "./_frame_fields.ts";

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
export function encoder(frame: FrameSpec): string {
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
export function opener(frame: FrameSpec): string {
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
