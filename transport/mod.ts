/**
 * The wire protocol of MidiShare: the interface table, framing and event
 * linearization, the client's socket runtime and
 * state machine, the socket location, and the project's logger. The generated stubs
 * live in `gen/` and are reached through their own exports.
 *
 * May import `@midishare/kernel` (types and event layout only).
 *
 * @example Frame a value and read it back
 * ```ts
 * import assert from "node:assert/strict";
 * import { WireReader, WireWriter } from "./mod.ts";
 *
 * const w = new WireWriter();
 * w.str("MidiShare");
 * const r = new WireReader(w.bytes, w.view, 0, w.length);
 * assert.equal(r.str(), "MidiShare");
 * ```
 *
 * @module
 */

export {
  ClientRuntime,
  type ClientRuntimeOptions,
  type ClientState,
  type NotificationHandler,
} from "./client_runtime.ts";
export { connectServer, type ConnectServerOptions } from "./connect_server.ts";
export {
  defaultServerCommand,
  SERVER_PACKAGE,
  serverPackageSpecifier,
} from "./server_command.ts";
export { epochNow } from "./clock.ts";
export {
  type ArgType,
  CALLS,
  type CallSpec,
  type ResultType,
} from "./interface.ts";
export {
  configureLog,
  escapeControls,
  logDebug,
  logInfo,
  type LogLevel,
  logLevel,
  type LogOptions,
  logWarn,
  quoteName,
  reportCallbackError,
} from "./logger.ts";
export {
  checkSocketDir,
  checkSocketFile,
  checkSocketPath,
  defaultSocketDir,
  defaultSocketPath,
  describeFileKind,
  ensurePrivateDir,
  socketDir,
} from "./socket_path.ts";
export type { StubRuntime } from "./stub_runtime.ts";
export * from "./wire.ts";
