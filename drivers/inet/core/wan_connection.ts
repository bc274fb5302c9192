/**
 * One WAN TCP connection as the WAN station tracks it (spec §5.2 to §5.7, §7.4): who
 * opened it, the peer's address and name, its HostID schedule, its completion check
 * and its stream framer.
 *
 * Runs in the Inet driver; not real-time safe.
 *
 * @module
 */

import { addMs } from "../../../kernel/dates.ts";
import {
  createHostIdSchedule,
  type HostIdSchedule,
  WAN_HANDSHAKE_PATTERN,
} from "./host_id_schedule.ts";
import {
  createTcpReassembler,
  type FramingProblem,
  type TcpReassembler,
} from "./tcp_reassembler.ts";
import type { ConnectionId } from "./station_effects.ts";

/** Delay of the completion check after registration, ms (spec §5.4). */
export const COMPLETION_CHECK_MS = 10_000;

/** One registered connection. */
export interface WanConnection {
  /** The program's handle. */
  readonly id: ConnectionId;
  /** The peer's dotted address. */
  readonly address: string;
  /** The remote application's name for this peer (spec §1.4). */
  readonly name: string;
  /** The host as typed after `-s`, or the address for an incoming connection. */
  readonly host: string;
  /** Whether this station opened it (`-s`), rather than accepted it. */
  readonly isOutgoing: boolean;
  /** HostID packets to the peer. */
  readonly schedule: HostIdSchedule;
  /** Date of the completion check, or null once done. */
  completionDate: number | null;
  /** The framer of the bytes received. */
  readonly framer: TcpReassembler;
}

/**
 * Registers a connection at `now`: HostID at once then every 100 ms, completion
 * check at `now + 10000` (spec §5.2 step 5, §5.3 step 3).
 *
 * @param fields Identity of the connection.
 * @param options The date and the sinks of the framer.
 * @returns The connection.
 */
export function registerConnection(
  fields: Pick<
    WanConnection,
    "id" | "address" | "name" | "host" | "isOutgoing"
  >,
  options: {
    readonly now: number;
    readonly onPacket: (packet: Uint8Array) => void;
    readonly onProblem: (problem: FramingProblem) => void;
  },
): WanConnection {
  const schedule = createHostIdSchedule();
  schedule.start(options.now, WAN_HANDSHAKE_PATTERN);
  return {
    ...fields,
    schedule,
    completionDate: addMs(options.now, COMPLETION_CHECK_MS),
    framer: createTcpReassembler({
      onPacket: options.onPacket,
      onProblem: options.onProblem,
    }),
  };
}
