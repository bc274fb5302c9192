/**
 * The patchbay page of `midishare web`: an HTTP server on a loopback address that is
 * an ordinary MidiShare client, and the page it serves (`page/`): the graph of every
 * application, driver and slot with their connections, editable by dragging, a
 * monitor of the events any application receives, and the server's health.
 *
 * May import `client/` (and the types of `kernel/` it re-exports).
 *
 * @example Serving the page for a test
 * ```ts ignore
 * import { startWebServer } from "./mod.ts";
 *
 * await using web = await startWebServer({ port: 0 });
 * console.log(`open ${web.url}`);
 * ```
 *
 * @module
 */

export {
  startWebServer,
  type WebServer,
  type WebServerOptions,
} from "./web_server.ts";
export type {
  EventRecord,
  Graph,
  GraphNode,
  GraphSlot,
  Health,
  PageMessage,
  ServerMessage,
} from "./protocol.ts";
