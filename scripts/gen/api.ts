/**
 * The generators of the API's front: the argument-checking facade of the calls that
 * run in the server (one class over a server port, for both client kinds), and the
 * named exports of `@midishare/client`, each with its parameter names and the JSDoc
 * of `transport/api_docs.ts`.
 *
 * Usage: imported by `scripts/gen_stubs.ts`.
 *
 * @module
 */

import {
  API,
  type ApiParam,
  type ApiSpec,
  CALLS,
} from "@midishare/transport/interface";
import { API_DOCS, type CallDoc } from "@midishare/transport/api_docs";

/** The name of a parameter, without its optional mark. */
function bare(name: string): string {
  return name.replace(/\?$/, "");
}

/** Statements checking a parameter, and the wire arguments it becomes. */
function lower(
  [name, , check]: ApiParam,
): [statements: string[], args: string[]] {
  const n = bare(name);
  switch (check) {
    case "short":
      return [[], [`toShort(${n}, "${n}")`]];
    case "long":
      return [[], [`toLong(${n}, "${n}")`]];
    case "bool":
      return [[], [`toBool(${n}, "${n}")`]];
    case "string":
      return [[], [`checkString(${n}, "${n}")`]];
    case "direction":
      return [[], [`checkDirection(${n})`]];
    case "slot":
      return [[`const ${n}Ref = checkSlot(${n});`], [
        `${n}Ref.drvRef`,
        `${n}Ref.slotRef`,
      ]];
    case "driverInfos":
      return [[`const ${n}Checked = checkDriverInfos(${n});`], [
        `${n}Checked.name`,
        `${n}Checked.version`,
      ]];
    case "driverOps":
      return [[`checkDriverOps(${n});`], []];
    default:
      return [[], [n]];
  }
}

/** A parameter list of the public signature. */
function signature(api: ApiSpec): string {
  return api.params.map(([name, type]) =>
    `${name}: ${type}${name.endsWith("?") ? "" : ""}`
  ).join(", ");
}

/** The JSDoc of a call, from its doc entry; `isRemote` adds what a Promise does. */
function jsDoc(api: ApiSpec, indent: string, isRemote: boolean): string {
  const doc: CallDoc | undefined = API_DOCS[api.name];
  if (doc === undefined) {
    throw new Error(`transport/api_docs.ts has no entry for ${api.name}`);
  }
  const lines = [doc.summary];
  if (doc.details !== undefined) lines.push("", ...wrap(doc.details));
  for (const [name] of api.params) {
    const text = doc.params[bare(name)];
    if (text === undefined) {
      throw new Error(`${api.name}: parameter "${bare(name)}" has no doc`);
    }
    lines.push(...wrap(`@param ${bare(name)} ${text}`));
  }
  if (doc.returns !== undefined) {
    const prefix = isRemote && api.kind === "request" ? "resolves with " : "";
    lines.push(...wrap(`@returns ${prefix}${doc.returns}`));
  }
  for (const [cls, when] of doc.throws ?? []) {
    lines.push(...wrap(`@throws {${cls}} ${when}`));
  }
  const canReject = api.name !== "MidiShare";
  if (
    isRemote && canReject && api.runs !== "client" && api.kind === "request"
  ) {
    lines.push(
      ...wrap(
        "@throws {MidiShareError} (as a rejection, code `UNREACHABLE`) when no server answers",
      ),
    );
  }
  const body = lines.map((l) => l === "" ? `${indent} *` : `${indent} * ${l}`)
    .join("\n");
  return `${indent}/**\n${body.replace(/\*\//g, "*\\/")}\n${indent} */`;
}

/** Cuts a paragraph into lines of about 80 characters. */
function wrap(text: string): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line !== "" && line.length + 1 + word.length > 76) {
      out.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") out.push(line);
  return out;
}

/** The public calls that run in the server alone. */
function serverOnly(): ApiSpec[] {
  return API.filter((a) => a.runs === "server");
}

/** `kernel/client/gen/server_calls_gen.ts`: the checking facade of server calls. */
export function serverCalls(header: string): string {
  const validators = new Set<string>();
  const methods = serverOnly().map((api) => {
    const call = CALLS.find((c) => c.name === api.name && !c.retired);
    if (call === undefined) throw new Error(`${api.name} is not in CALLS`);
    const statements: string[] = [], args: string[] = [];
    for (const param of api.params) {
      const [s, a] = lower(param);
      statements.push(...s);
      args.push(...a);
      for (const m of [...s, ...a].join(" ").matchAll(/\b(to|check)\w+/g)) {
        validators.add(m[0]);
      }
    }
    if (args.length !== call.args.length) {
      throw new Error(`${api.name}: the API's parameters do not match CALLS`);
    }
    const result = api.kind === "request"
      ? `Answer<${api.result}, IsAsync>`
      : "void";
    const invoke = `this.link.${api.name}(${args.join(", ")})`;
    return `${jsDoc(api, "  ", false)}
  ${api.name}(${signature(api)}): ${result} {
    ${[...statements, `return ${invoke};`].join("\n    ")}
  }`;
  });
  // Each client kind reaches its MidiShare its own way.
  const environment = API.find((a) => a.name === "MidiShare")!;
  methods.unshift(`${jsDoc(environment, "  ", false)}
  abstract MidiShare(): Answer<boolean, IsAsync>;`);
  const code = methods.join("\n");
  const types = ["DriverInfos", "SlotRefNum", "TSlotInfos", "TSyncInfo"].filter(
    (t) => new RegExp(`\\b${t}\\b`).test(code),
  ).map((t) =>
    t === "TSlotInfos"
      ? "SlotInfos as TSlotInfos"
      : t === "TSyncInfo"
      ? "SyncInfo as TSyncInfo"
      : t
  );
  return `${header}/**
 * The calls of the API that run in the server alone, for both client kinds: each
 * checks and normalizes its arguments, then goes through the client's server port
 * (a socket in another process, direct calls in process).
 *
 * Runs on the client's thread. Not real-time safe: checks allocate on error only,
 * requests allocate their Promise in another process.
 *
 * @module
 */

import type { ${types.join(", ")} } from "../../api/types.ts";
import { ${[...validators].sort().join(", ")} } from "../../api/validators.ts";
import { ApplCalls } from "../appl_calls.ts";
import type { MidiShareCalls } from "./midishare_calls_gen.ts";
import type { Answer } from "./server_port_gen.ts";

/** Every server call of the API over this client's server port. */
export abstract class ServerCalls<IsAsync extends boolean>
  extends ApplCalls<IsAsync>
  implements MidiShareCalls<IsAsync> {
${methods.join("\n\n")}
}
`;
}

/** `client/gen/api_gen.ts`: every call as a function of the default client. */
export function clientApi(header: string): string {
  const functions = [...API].sort((a, b) => a.name.localeCompare(b.name)).map(
    (api) => {
      const remote = api.kind === "request" && api.runs !== "client";
      const result = remote ? `Promise<${api.result}>` : api.result;
      const args = api.params.map(([name]) => bare(name)).join(", ");
      return `${jsDoc(api, "", remote)}
export function ${api.name}(${signature(api)}): ${result} {
  return defaultClient().${api.name}(${args});
}`;
    },
  );
  const code = functions.join("\n");
  const types = [
    "ApplAlarm",
    "ApplyProc",
    "DriverInfos",
    "MidiEv",
    "MidiEvRef",
    "MidiFilter",
    "MidiMailBox",
    "MidiSeq",
    "RcvAlarm",
    "SlotRefNum",
    "Task",
    "TDriverInfos",
    "TDriverOperation",
    "TSlotInfos",
    "TSmpteLocation",
    "TSyncInfo",
  ].filter((t) => new RegExp(`\\b${t}\\b`).test(code));
  return `${header}/**
 * Every call of the MidiShare API as a function of the process's default client
 * (created at its first use; see \`createClient\` for others).
 *
 * @module
 */

import type { ${types.join(", ")} } from "../mod.ts";
import { defaultClient } from "../default_client.ts";

${functions.join("\n\n")}
`;
}

/** The type names the API's signatures use, and where each is declared. */
const API_TYPES: Record<string, string> = {
  ApplAlarm: "../../api/types.ts",
  ApplyProc: "../sequence.ts",
  DriverInfos: "../../api/types.ts",
  MidiEv: "../ev_handle.ts",
  MidiEvRef: "../task_calls.ts",
  MidiFilter: "../filter_handle.ts",
  MidiMailBox: "../event_calls.ts",
  MidiSeq: "../sequence.ts",
  RcvAlarm: "../../api/types.ts",
  SlotRefNum: "../../api/types.ts",
  Task: "../task_calls.ts",
  TDriverInfos: "../../api/types.ts",
  TDriverOperation: "../../api/types.ts",
  TSlotInfos: "../../api/types.ts",
  TSmpteLocation: "../../api/smpte.ts",
  TSyncInfo: "../../api/types.ts",
};

/** `kernel/client/gen/midishare_calls_gen.ts`: every call, as one interface. */
export function midiShareCalls(header: string): string {
  const methods = API.map((api) => {
    const isAnswer = api.kind === "request" && api.runs !== "client";
    const result = isAnswer ? `Answer<${api.result}, IsAsync>` : api.result;
    return `${jsDoc(api, "  ", false)}
  ${api.name}(${signature(api)}): ${result};`;
  });
  const code = methods.join("\n");
  const byFile = new Map<string, string[]>();
  for (const [type, file] of Object.entries(API_TYPES)) {
    if (!new RegExp(`\\b${type}\\b`).test(code)) continue;
    const name = type === "TSlotInfos"
      ? "SlotInfos as TSlotInfos"
      : type === "TSyncInfo"
      ? "SyncInfo as TSyncInfo"
      : type;
    byFile.set(file, [...byFile.get(file) ?? [], name]);
  }
  const imports = [...byFile].sort(([a], [b]) => a.localeCompare(b)).map((
    [file, names],
  ) => `import type { ${names.sort().join(", ")} } from "${file}";`);
  return `${header}/**
 * Every call of the MidiShare API, as one interface that both client kinds
 * implement: \`IsAsync\` is true for a client of a server in another process (its
 * server requests answer with a Promise), false in process.
 *
 * @module
 */

${imports.join("\n")}
import type { Answer } from "./server_port_gen.ts";

/** Every call of the MidiShare API. */
export interface MidiShareCalls<IsAsync extends boolean> {
${methods.join("\n\n")}
}
`;
}
