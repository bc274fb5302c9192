/**
 * The Inet driver program (spec inet.md §1 to §7): a client of the local MidiShare
 * server that runs a LAN or a WAN station core over real sockets, timers and
 * applications. It attaches to the server (waiting while none answers), refuses to
 * run beside an instance of the same name (§2.3), follows the LAN sleep rule (§4.3)
 * by counting client applications other than network applications, and when the
 * server goes away logs one line, puts the station to sleep (LAN) or stops it with
 * TCPBye to its peers (WAN), and attaches again once a server answers.
 *
 * Runs in the Inet driver process. Not real-time safe; the forwarding path is in
 * `midishare_side.ts`.
 *
 * This file holds the options and the entry; the program itself is in
 * `_inet_driver.ts`.
 *
 * @module
 */

import { InetDriverImpl } from "./_inet_driver.ts";
import type { InetConfig } from "./core/mod.ts";

/** Options of {@link startInetDriver}. */
export interface InetDriverOptions {
  /** The parsed command line. */
  readonly config: InetConfig;
  /** Writes one log line (the driver adds date prefixes where §2.4 wants them). */
  readonly writeLog: (line: string) => void;
  /** The server's socket; default `MIDISHARE_SOCKET` or this user's. */
  readonly socketPath?: string;
  /** The name announced in HostID packets; default `Deno.hostname()`. */
  readonly hostName?: string;
}

/** A running driver. */
export interface InetDriver {
  /** Resolves with the exit status: 0 after a quit, 1 after a fatal error. */
  readonly done: Promise<number>;
  /** Orderly quit (`q`, SIGINT, SIGTERM): Bye or TCPBye, then the end (§7.1, §7.2). */
  quit(): void;
}

/**
 * Starts the driver: it runs until {@link InetDriver.quit} or a fatal error.
 *
 * @param options Configuration, log and client options.
 * @returns The running driver.
 * @example
 * ```ts ignore
 * import { parseOptions } from "./core/mod.ts";
 * import { startInetDriver } from "./inet_driver.ts";
 *
 * const parsed = parseOptions(["-s", "studio.example.org"]);
 * if (parsed.kind === "run") {
 *   const driver = startInetDriver({ config: parsed.config, writeLog: console.log });
 *   Deno.addSignalListener("SIGINT", () => driver.quit());
 *   Deno.exit(await driver.done);
 * }
 * ```
 * @see spec inet.md §2.3, §4.3, §5.1, §7.1, §7.2
 */
export function startInetDriver(options: InetDriverOptions): InetDriver {
  const driver = new InetDriverImpl(options);
  driver.start();
  return driver;
}
