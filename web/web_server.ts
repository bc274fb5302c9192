/**
 * The patchbay's HTTP server: serves the page and its WebSocket on a loopback address,
 * only to requests that carry the token drawn at start (in the path, `/<token>/...`,
 * or once as `/?token=` which redirects there), name this server in `Host`, and, for
 * the WebSocket, come from this server's own page (`Origin`). It routes the pages'
 * requests to the {@link Patchbay} and the patchbay's news to the pages.
 *
 * @module
 */

import { createPatchbay, type Patchbay } from "./patchbay.ts";
import { pageAsset } from "./page_assets.ts";
import { type PageHandler, PageSocket } from "./page_socket.ts";
import type { EventRecord, PageMessage, ServerMessage } from "./protocol.ts";

/** Pages connected at once at most; more are refused until one leaves. */
const MAX_PAGES = 32;

/** Options of {@link startWebServer}. */
export interface WebServerOptions {
  /** The address to listen on (default `127.0.0.1`). */
  hostname?: string;
  /** The TCP port (default 0: any free port). */
  port?: number;
  /** The MidiShare server's socket; this user's by default. */
  socketPath?: string;
  /** Whether to start a MidiShare server when none runs (default true). */
  autoStart?: boolean;
  /** The token (default: 32 random bytes); tests and benchmarks pass none. */
  token?: string;
  /** Writes a log line (default: nothing). */
  log?: (line: string) => void;
}

/** A running web server. */
export interface WebServer extends AsyncDisposable {
  /** The page's address, token included: what the user opens. */
  readonly url: string;
  /** The token. */
  readonly token: string;
  /** The TCP port. */
  readonly port: number;
  /** Stops serving, closes the pages and the MidiShare client. */
  close(): Promise<void>;
}

/** A token of 32 random bytes in base64url. */
function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-")
    .replace(/\//g, "_").replace(/=+$/, "");
}

/** Compares two tokens in a time that does not depend on where they differ. */
function isSameToken(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

const SECURITY_HEADERS = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "content-security-policy":
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; " +
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

function refuse(status: number, text: string): Response {
  return new Response(`${text}\n`, {
    status,
    headers: { ...SECURITY_HEADERS, "content-type": "text/plain" },
  });
}

/** Starts the web server and its MidiShare client; resolves once both run. */
export async function startWebServer(
  options: WebServerOptions = {},
): Promise<WebServer> {
  const hostname = options.hostname ?? "127.0.0.1";
  const token = options.token ?? newToken();
  const log = options.log ?? (() => {});
  const pages = new Set<PageSocket>();
  let nextPage = 1;
  const sendAll = (message: ServerMessage) => {
    for (const page of pages) page.send(message);
  };
  const patchbay: Patchbay = await createPatchbay({
    broadcast: sendAll,
    monitorEvents(target: number, total: number, events: EventRecord[]) {
      for (const page of pages) {
        if (page.monitored !== target) continue;
        if (page.send({ kind: "events", target, total, events }, true)) {
          page.sentTotal = total;
        }
      }
    },
  }, {
    ...(options.socketPath === undefined
      ? {}
      : { socketPath: options.socketPath }),
    ...(options.autoStart === undefined
      ? {}
      : { autoStart: options.autoStart }),
  });
  const handler: PageHandler = {
    log,
    onMessage: (page, message) => handle(page, message),
    onClose(page) {
      pages.delete(page);
      if (page.monitored !== null) patchbay.unwatch(page.monitored);
      page.monitored = null;
    },
  };
  async function handle(page: PageSocket, m: PageMessage): Promise<void> {
    if (m.op === "connect") patchbay.connect(m.src, m.dst, m.state);
    else if (m.op === "slot") {
      patchbay.connectSlot(m.port, m.drvRef, m.slotRef, m.state);
    } else if (m.op === "monitor") {
      const before = page.monitored;
      if (before === m.target) return;
      page.monitored = null;
      if (before !== null) patchbay.unwatch(before);
      if (m.target === null) {
        page.send({ kind: "monitor", target: null, message: "Monitor off" });
        return;
      }
      const problem = await patchbay.watch(m.target);
      if (problem !== null) {
        page.send({ kind: "monitor", target: null, message: problem });
      } else if (!page.isOpen) {
        patchbay.unwatch(m.target);
      } else {
        page.monitored = m.target;
        page.sentTotal = 0;
        page.send({
          kind: "monitor",
          target: m.target,
          message: `Monitoring refnum ${m.target}`,
        });
      }
    }
  }

  let port = 0;
  const allowedHosts = () =>
    new Set([
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `[::1]:${port}`,
      `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`,
    ]);
  const origins = () => new Set([...allowedHosts()].map((h) => `http://${h}`));

  async function serve(request: Request): Promise<Response> {
    const url = new URL(request.url);
    // A page elsewhere may reach this port under another name (DNS rebinding): only
    // this server's own names are served.
    if (!allowedHosts().has(request.headers.get("host") ?? "")) {
      return refuse(403, "Forbidden: unknown host");
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return refuse(405, "Method not allowed");
    }
    const query = url.searchParams.get("token");
    if (url.pathname === "/" && query !== null && isSameToken(query, token)) {
      return new Response(null, {
        status: 303,
        headers: { ...SECURITY_HEADERS, location: `/${token}/` },
      });
    }
    const [, given, ...rest] = url.pathname.split("/");
    if (given === undefined || !isSameToken(given, token)) {
      return refuse(
        403,
        "Forbidden: open the address with the token that midishare web printed",
      );
    }
    const name = rest.join("/");
    if (rest.length === 0) {
      return new Response(null, {
        status: 308,
        headers: { ...SECURITY_HEADERS, location: `/${token}/` },
      });
    }
    if (name === "ws") return upgrade(request);
    const asset = await pageAsset(name === "" ? "index.html" : name);
    if (asset === null) return refuse(404, "Not found");
    return new Response(request.method === "HEAD" ? null : asset.body, {
      headers: { ...SECURITY_HEADERS, "content-type": asset.contentType },
    });
  }

  function upgrade(request: Request): Response {
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return refuse(400, "Bad request: a WebSocket is expected here");
    }
    if (!origins().has(request.headers.get("origin") ?? "")) {
      return refuse(403, "Forbidden: the WebSocket must come from this page");
    }
    if (pages.size >= MAX_PAGES) return refuse(503, "Too many pages open");
    const { socket, response } = Deno.upgradeWebSocket(request, {
      idleTimeout: 60,
    });
    const page = new PageSocket(nextPage++, socket, handler);
    pages.add(page);
    socket.addEventListener("open", () => {
      page.send(patchbay.serverMessage);
      if (patchbay.graph !== null) {
        page.send({ kind: "graph", graph: patchbay.graph });
      }
      if (patchbay.health !== null) {
        page.send({ kind: "health", health: patchbay.health });
      }
    });
    return response;
  }

  const server = Deno.serve({
    hostname,
    port: options.port ?? 0,
    onListen: () => {},
  }, (request) =>
    serve(request).catch((error) => {
      log(`request failed: ${error instanceof Error ? error.message : error}`);
      return refuse(500, "Internal error");
    }));
  port = (server.addr as Deno.NetAddr).port;
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= (async () => {
      for (const page of pages) page.close("the web server stops");
      await server.shutdown();
      await patchbay.close();
    })();
    return closing;
  };
  return {
    url: `http://${host}:${port}/${token}/`,
    token,
    port,
    close,
    [Symbol.asyncDispose]: close,
  };
}
