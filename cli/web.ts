// Command-line code prints to the terminal by design (STYLE.md §8).
// deno-lint-ignore-file no-console
/**
 * `midishare web`: serves the patchbay page (graph, monitor, health) on this machine.
 *
 * @module
 */

import { isMidiShareError } from "@midishare/client";
import { startWebServer } from "../web/mod.ts";
import { type OptionValues, runCommand } from "./_args.ts";

const HELP =
  `Usage: midishare web [--port N] [--open] [--host ADDRESS] [--socket PATH]

Serves the patchbay page: every application, driver and slot with their
connections (drag from one to another to connect, select a wire to disconnect),
a monitor of the events any application receives, and the server's health.
Prints the page's address with a token drawn at start; only that address opens
the page. Stops on Ctrl-C. Starts a MidiShare server when none runs.

Options:
  --port N        the TCP port (default 8723; 0 for any free port)
  --open          open the page in the default browser
  --host ADDRESS  listen on another address than 127.0.0.1 (anyone who can
                  reach it and has the token drives the patchbay)
  --socket PATH   the server's socket (default: this user's)
  -h, --help      show this help`;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

const SPEC = {
  name: "web",
  help: HELP,
  options: {
    port: { type: "integer", min: 0, max: 65535, default: 8723 },
    open: { type: "boolean" },
    host: { type: "string", default: "127.0.0.1" },
    socket: { type: "string" },
  },
} as const;

/** Runs the web server until Ctrl-C; returns the exit code. */
export function run(args: string[]): Promise<number> {
  return runCommand(SPEC, args, ({ values }) => serve(values));
}

/** Serves the page as `values` say until Ctrl-C; the exit code. */
async function serve(
  values: OptionValues<typeof SPEC.options>,
): Promise<number> {
  const { host, port } = values;
  if (!LOOPBACK.test(host)) {
    console.error(
      `Warning: listening on ${host}: whoever reaches it with the token drives the patchbay`,
    );
  }
  let web;
  try {
    web = await startWebServer({
      hostname: host,
      port,
      ...(values.socket === undefined ? {} : { socketPath: values.socket }),
      log: (line) => console.error(line),
    });
  } catch (error) {
    if (isMidiShareError(error) || error instanceof Deno.errors.AddrInUse) {
      console.error(`Cannot start the web server: ${error.message}`);
      return 1;
    }
    throw error;
  }
  console.log(`MidiShare web: ${web.url}`);
  if (values.open) openBrowser(web.url);
  const stop = Promise.withResolvers<void>();
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, stop.resolve);
  await stop.promise;
  for (const s of signals) Deno.removeSignalListener(s, stop.resolve);
  await web.close();
  return 0;
}

/** Opens `url` with the desktop's opener; says so when there is none. */
function openBrowser(url: string): void {
  try {
    new Deno.Command("xdg-open", {
      args: [url],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn().unref();
  } catch {
    console.error(
      "Cannot open a browser (no xdg-open): open the address above",
    );
  }
}
