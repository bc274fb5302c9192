/**
 * The MidiShare Internet driver (spec inet.md): a client program of the local
 * MidiShare server that shows the stations of a LAN (found by UDP broadcast) or of a
 * WAN (connected by TCP) as applications, and carries events between them by UDP
 * with the grouping period and maximum latency of the original msInetDriver.
 *
 * The protocol lives in the socket-free core (`./core/mod.ts`); this module wires it
 * to real sockets (`Deno.listenDatagram`, which needs `--unstable-net`; `Deno.listen`,
 * `Deno.connect`), one timer, and the MidiShare applications of `@midishare/client`.
 * `midishare inet` (`cli/inet.ts`) is its command line.
 *
 * May import `client/`, `transport/` and `kernel/`. Runs in its own process; not
 * real-time safe, but allocation-light on the forwarding path.
 *
 * @example Run a LAN driver until Ctrl-C
 * ```ts ignore
 * import { parseOptions, startInetDriver } from "./mod.ts";
 *
 * const parsed = parseOptions([]);
 * if (parsed.kind === "run") {
 *   const driver = startInetDriver({
 *     config: parsed.config,
 *     writeLog: (line) => console.log(line),
 *   });
 *   Deno.addSignalListener("SIGINT", () => driver.quit());
 *   Deno.exit(await driver.done);
 * }
 * ```
 *
 * @module
 */

export * from "./core/mod.ts";
export {
  type InetDriver,
  type InetDriverOptions,
  startInetDriver,
} from "./inet_driver.ts";
