/**
 * The generators of everything about the calls of `CALLS`: the server port interface
 * both client kinds implement, its remote implementation (call frames over the
 * socket) and its in-process one (direct calls into the kernel), the listener's
 * argument decoder, and the kernel worker's dispatch.
 *
 * Usage: imported by `scripts/gen_stubs.ts`.
 *
 * @module
 */

import type { CallSpec } from "@midishare/transport/interface";
import {
  apiTypesIn,
  ARG_TS,
  LIVE_CALLS,
  readExpr,
  RESULT_TS,
  wireParams,
  wireTypesImport,
  writeStmt,
} from "./common.ts";

const isRequest = (call: CallSpec) => call.kind === "request";

/** The port method's parameter list and result type. */
function portSignature(call: CallSpec): [params: string, result: string] {
  const params = wireParams(call);
  const result = RESULT_TS[call.result];
  if (!isRequest(call)) return [params.join(", "), "void"];
  params.push(`onReply?: (result: ${result}) => void`);
  return [params.join(", "), `Answer<${result}, IsAsync>`];
}

/** `kernel/client/gen/server_port_gen.ts`: what a client needs of its server. */
export function serverPort(header: string): string {
  const methods = LIVE_CALLS.map((call) => {
    const [params, result] = portSignature(call);
    const what = isRequest(call)
      ? "`onReply` runs with the result before any later notification"
      : "takes effect in call order";
    return `  /** \`${call.name}\` on the server (call ${call.id}): ${what}. */
  ${call.name}(${params}): ${result};`;
  });
  const code = methods.join("\n");
  return `${header}/**
 * What a client half of the kernel needs of its server, one method per call of the
 * interface table: over a socket in a client process (\`RemotePort\`), by direct calls
 * in process (\`LocalPort\`). A request answers with a Promise over a socket and with
 * its value in process; {@link Answer} says which.
 *
 * @module
 */

${
    apiTypesIn(code).length > 0
      ? `import type { ${
        apiTypesIn(code).join(", ")
      } } from "../../api/types.ts";`
      : ""
  }
import type { CellPool } from "../../memory/cell_pool.ts";

/** A request's answer: a Promise for a client in another process, else the value. */
export type Answer<T, IsAsync extends boolean> = IsAsync extends true
  ? Promise<T>
  : T;

/** The calls a client makes to its server. */
export interface ServerPort<IsAsync extends boolean> {
${methods.join("\n")}
}
`;
}

/** `kernel/contract/gen/kernel_calls_gen.ts`: what the server half offers. */
export function kernelCalls(header: string): string {
  const methods = LIVE_CALLS.map((call) => {
    const params = [
      ...(call.withClient ? ["client: number"] : []),
      ...call.args.map(([name, type]) => `${name}: ${ARG_TS[type]}`),
    ];
    const event = call.args.some(([, t]) => t === "event")
      ? " Events are cells of the server pool (nil when it was full)."
      : "";
    return `  /** \`${call.name}\` (call ${call.id}).${event} */
  ${call.name}(${params.join(", ")}): ${RESULT_TS[call.result]};`;
  });
  const code = methods.join("\n");
  return `${header}/**
 * What the server half of the kernel offers to the calls of the interface table,
 * with the calling client's id where the call needs it: the kernel worker's
 * dispatch and the in-process port call it.
 *
 * @module
 */

import type { ${apiTypesIn(code).join(", ")} } from "../../api/types.ts";

/** The server half's side of every call. */
export interface KernelCalls {
${methods.join("\n")}
}
`;
}

/** `kernel/local/gen/local_port_gen.ts`: the in-process port. */
export function localPort(header: string): string {
  const methods = LIVE_CALLS.map((call) => {
    const [params, result] = portSignature(call);
    const args = [
      ...(call.withClient ? ["this.#host.clientId"] : []),
      ...call.args.map(([name, type]) =>
        type === "event"
          ? `this.#host.importEvent(${name}Pool, ${name}Cell)`
          : name
      ),
    ].join(", ");
    const invoke = `this.#kernel.${call.name}(${args})`;
    const body = isRequest(call)
      ? `const result = ${invoke};
    onReply?.(result);
    this.#host.afterCall();
    return result;`
      : `${invoke};
    this.#host.afterCall();`;
    return `  ${call.name}(${params}): ${
      result.replace("Answer<", "").replace(", IsAsync>", "")
    } {
    ${body}
  }`;
  });
  const code = methods.join("\n");
  return `${header}/**
 * The server port of an in-process client: every call goes straight into the kernel,
 * events are copied into the server pool first, and the notifications the call
 * caused are replayed after it.
 *
 * Runs on the caller's thread. Real-time safe as the kernel's calls are, apart from
 * the callbacks the replay runs.
 *
 * @module
 */

import type { ${apiTypesIn(code).join(", ")} } from "../../api/types.ts";
import type { ServerPort } from "../../client/mod.ts";
import type { KernelCalls } from "../../contract/mod.ts";
import type { CellPool } from "../../memory/cell_pool.ts";

/** What the port needs of its client. */
export interface LocalPortHost {
  /** The client's id in the kernel. */
  readonly clientId: number;
  /** Copies an event of the client's pool into the server pool; nil when it is full. */
  importEvent(pool: CellPool, cell: number): number;
  /** Replays the notifications a call caused. */
  afterCall(): void;
}

/** The in-process {@link ServerPort}. */
export class LocalPort implements ServerPort<false> {
  readonly #kernel: KernelCalls;
  readonly #host: LocalPortHost;

  /** A port into \`kernel\` for the client \`host\` describes. */
  constructor(kernel: KernelCalls, host: LocalPortHost) {
    this.#kernel = kernel;
    this.#host = host;
  }

${methods.join("\n\n")}
}
`;
}

/** `transport/gen/client_stubs_gen.ts`: the remote port, call frames on a socket. */
export function remotePort(header: string): string {
  const readers = new Map<string, string>();
  const methods = LIVE_CALLS.map((call) => {
    const [params, result] = portSignature(call);
    const writes: string[] = [];
    for (const [name, type] of call.args) {
      if (type === "event") {
        writes.push(`rt.checkEvent(${name}Pool, ${name}Cell);`);
        writes.push(`w.event(${name}Pool, ${name}Cell);`);
      } else writes.push(writeStmt(type, "w", name));
    }
    let tail = "rt.send();";
    if (isRequest(call)) {
      const reader = `result${call.result[0]!.toUpperCase()}${
        call.result.slice(1)
      }`;
      readers.set(
        reader,
        `const ${reader} = (r: WireReader): ${RESULT_TS[call.result]} => ${
          readExpr(call.result, "r")
        };`,
      );
      tail = `return rt.request(${reader}, onReply);`;
    }
    const checks = writes.filter((l) => l.startsWith("rt.checkEvent"));
    const rest = writes.filter((l) => !l.startsWith("rt.checkEvent"));
    const begin = rest.length > 0
      ? `const w = rt.beginCall(${call.id}, ${isRequest(call)});`
      : `rt.beginCall(${call.id}, ${isRequest(call)});`;
    const answer = isRequest(call)
      ? `Promise<${RESULT_TS[call.result]}>`
      : result;
    return `  ${call.name}(${params}): ${answer} {
    const rt = this.#rt;
    ${[...checks, begin, ...rest, tail].join("\n    ")}
  }`;
  });
  const code = [...readers.values(), ...methods].join("\n");
  return `${header}/**
 * The server port of a client in another process: each call becomes a call frame
 * through the client runtime (in call order) and a request's reply is read back.
 *
 * @module
 */

import type { ${apiTypesIn(code).join(", ")} } from "@midishare/kernel/api";
import type { ServerPort } from "@midishare/kernel/client";
import type { CellPool } from "@midishare/kernel/memory";
import type { StubRuntime } from "../stub_runtime.ts";
import type { WireReader } from "../wire.ts";
${wireTypesImport(code, "../wire_types.ts")}

${[...readers.values()].join("\n")}

/** The {@link ServerPort} of a client in another process. */
export class RemotePort implements ServerPort<true> {
  readonly #rt: StubRuntime;

  /** A port writing its call frames through \`rt\`. */
  constructor(rt: StubRuntime) {
    this.#rt = rt;
  }

${methods.join("\n\n")}
}
`;
}

/** `transport/gen/listener_decode_gen.ts`: call arguments into request records. */
export function listenerDecode(header: string): string {
  const cases = LIVE_CALLS.map((call) => {
    const steps = call.args.map(([, type]) =>
      type === "event"
        ? "out.u32(r.event(pool, event));"
        : writeStmt(type, "out", readExpr(type, "r"))
    );
    return `    case ${call.id}: // ${call.name}
      ${steps.join("\n      ")}
      return true;`;
  });
  const requests = LIVE_CALLS.filter(isRequest).map((c) => c.id);
  const code = cases.join("\n");
  return `${header}/**
 * The listening worker's side: validates the arguments of a call frame and copies
 * them into a request record for the kernel, events straight into the shared pool.
 *
 * @module
 */

import type { CellPool } from "@midishare/kernel/memory";
import type {
  ReadEventResult,
  WireReader,
  WireWriter,
} from "@midishare/transport/wire";
${wireTypesImport(code, "@midishare/transport/wire_types")}

const REQUEST_IDS = new Set([${requests.join(", ")}]);

/** Whether call \`callId\` is a request (it gets a reply). */
export function isRequestCall(callId: number): boolean {
  return REQUEST_IDS.has(callId);
}

/**
 * Reads the arguments of call \`callId\` from \`r\` and writes them to \`out\`, events
 * into new cells of \`pool\` (their cell index, nil when the pool was full).
 * @returns false for an unknown or retired call id
 * @throws {SyntaxError} for a truncated or malformed argument
 */
export function decodeCallArgs(
  callId: number,
  r: WireReader,
  out: WireWriter,
  pool: CellPool,
  event: ReadEventResult,
): boolean {
  switch (callId) {
${cases.join("\n")}
    default:
      return false;
  }
}
`;
}

/** `transport/gen/kernel_dispatch_gen.ts`: request records into kernel calls. */
export function kernelDispatch(header: string): string {
  const cases = LIVE_CALLS.map((call) => {
    const reads = call.args.map(([name, type]) =>
      `const ${name} = ${type === "event" ? "r.u32()" : readExpr(type, "r")};`
    );
    const args = [
      ...(call.withClient ? ["client"] : []),
      ...call.args.map(([name]) => name),
    ].join(", ");
    const invoke = `k.${call.name}(${args})`;
    const act = call.result === "void"
      ? `${invoke};`
      : writeStmt(call.result, "reply", invoke);
    return `    case ${call.id}: {
      ${[...reads, act].join("\n      ")}
      return;
    }`;
  });
  const code = cases.join("\n");
  return `${header}/**
 * The kernel worker's side: reads a request record and calls the kernel, writing the
 * result of a request into the reply.
 *
 * @module
 */

import type { KernelCalls } from "@midishare/kernel/contract";
import type { WireReader, WireWriter } from "@midishare/transport/wire";
${wireTypesImport(code, "@midishare/transport/wire_types")}

/** Runs call \`callId\` with arguments from \`r\`; a request's result goes to \`reply\`. */
export function dispatchCall(
  k: KernelCalls,
  client: number,
  callId: number,
  r: WireReader,
  reply: WireWriter,
): void {
  switch (callId) {
${cases.join("\n")}
  }
}
`;
}
