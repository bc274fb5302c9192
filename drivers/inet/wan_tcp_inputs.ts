/**
 * What the TCP side tells the WAN station (spec inet.md §5.2 to §5.6), and the
 * waiting room of accepted connections: the station hears of an accepted connection
 * only with its peer's name (§1.4: the reverse name of its address, or the address),
 * so what arrives on it while the name is looked up (bytes, its end) waits, in
 * order, and is handed over right after.
 *
 * Runs in the Inet driver process. Not real-time safe: waiting bytes are copied.
 *
 * @module
 */

import type { WanStation } from "./core/mod.ts";
import { reverseName } from "./host_names.ts";
import type { TcpLinksOptions } from "./tcp_links.ts";

/** The callbacks of `createTcpLinks`, without its port and clock. */
export type TcpInputs = Omit<TcpLinksOptions, "port" | "now">;

/**
 * Creates the callbacks that feed the current WAN station.
 *
 * @param options `station`: the running WAN station, or null (then accepted
 *   connections are closed); `now`: the MidiShare time; `close`: closes a connection.
 * @returns The callbacks for `createTcpLinks`.
 */
export function wanTcpInputs(options: {
  readonly station: () => WanStation | null;
  readonly now: () => number;
  readonly close: (id: number) => void;
}): TcpInputs {
  const { station, now } = options;
  const waiting = new Map<number, (() => void)[]>();
  const whenNamed = (id: number, action: () => void) => {
    const queued = waiting.get(id);
    if (queued !== undefined) queued.push(action);
    else action();
  };
  return {
    onAccepted: (id, address) => {
      waiting.set(id, []);
      reverseName(address).then((name) => {
        const queued = waiting.get(id) ?? [];
        waiting.delete(id);
        const wan = station();
        if (wan === null) return options.close(id);
        wan.onTcpAccepted(id, address, name ?? address, now());
        for (const action of queued) action();
      });
    },
    onConnected: (id) => station()?.onTcpConnected(id, now()),
    onConnectFailed: (id, reason) =>
      station()?.onTcpConnectFailed(id, reason, now()),
    onData: (id, bytes, receivedAt) => {
      const copy = waiting.has(id) ? bytes.slice() : bytes;
      whenNamed(id, () => station()?.onTcpData(id, copy, receivedAt));
    },
    onClosed: (id) => whenNamed(id, () => station()?.onTcpClosed(id, now())),
    onSendFailed: (id, reason) => station()?.onTcpSendFailed(id, reason, now()),
  };
}
