/**
 * The effects of the station cores (`StationEffects`, `WanEffects`) carried out with
 * real things: the UDP socket, the TCP links, the MidiShare applications, the station
 * runner's timer, name resolution and the log. Results that take time come back to
 * the station through {@link DriverEffectsParts.inputs}.
 *
 * Runs in the Inet driver process. Not real-time safe, except `takeEvents` and
 * `deliverEvent`, which only convert events.
 *
 * @module
 */

import { formatLogDate, type WanEffects } from "./core/mod.ts";
import type { MidiShareSide } from "./midishare_side.ts";
import type { StationRunner } from "./station_runner.ts";
import type { TcpLinks } from "./tcp_links.ts";
import type { UdpSocket } from "./udp_socket.ts";
import { resolveHost } from "./host_names.ts";

/** Where the answers of resolution go (the current WAN station, if any). */
export interface ResolutionInputs {
  /** `host` resolved. */
  resolved(host: string, address: string, name: string): void;
  /** `host` did not resolve. */
  failed(host: string): void;
}

/** What the effects are made of. */
export interface DriverEffectsParts {
  readonly udp: UdpSocket;
  readonly tcp: TcpLinks;
  readonly side: MidiShareSide;
  readonly runner: StationRunner;
  /** Writes one finished log line. */
  readonly writeLog: (line: string) => void;
  /** Ends the program (or, while the server is away, only the station). */
  readonly exit: (status: number) => void;
  /** Where host resolutions answer. */
  readonly inputs: ResolutionInputs;
}

/**
 * Creates the effects.
 *
 * @param parts The sockets, applications, timer, log and exit.
 * @returns Effects for a LAN or a WAN station.
 * @see spec inet.md §11
 */
export function createDriverEffects(parts: DriverEffectsParts): WanEffects {
  const { udp, tcp, side, runner } = parts;
  return {
    openUdp: () => udp.open(),
    closeUdp: () => udp.close(),
    sendDatagram: (address, bytes) => udp.send(address, bytes),
    openDriverApplication: (name) => side.openDriver(name),
    closeDriverApplication: () => side.closeDriver(),
    openRemoteApplication: (id, name) => side.openRemote(id, name),
    closeRemoteApplication: (id) => side.closeRemote(id),
    takeEvents: (id, visit) => side.takeEvents(id, visit),
    deliverEvent: (id, event, dateMs) => side.deliver(id, event, dateMs),
    connectApplication: (id, name, direction) =>
      side.connect(id, name, direction),
    log: (text, isDated) =>
      parts.writeLog(isDated ? `${formatLogDate(new Date())} ${text}` : text),
    wakeAt: (dateMs) => runner.wakeAt(dateMs),
    exit: (status) => parts.exit(status),
    listenTcp: () => tcp.listen(),
    closeListener: () => tcp.closeListener(),
    resolveHost: (host) => {
      resolveHost(host).then((found) => {
        if (found === null) parts.inputs.failed(host);
        else parts.inputs.resolved(host, found.address, found.name);
      });
    },
    connectTcp: (address) => tcp.connect(address),
    sendTcp: (id, bytes) => tcp.send(id, bytes),
    closeTcp: (id) => tcp.close(id),
  };
}
