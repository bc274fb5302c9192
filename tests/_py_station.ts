/**
 * Runs `inet_peer.py`, the independent Python station, in a station of a test
 * network and talks to it: JSON commands on its standard input, JSON lines read
 * back with deadlines. Private to `tests/`.
 *
 * @module
 */

import { type LineReader, readLines } from "./_line_reader.ts";
import { python3 } from "./_netns_gate.ts";
import type { Station } from "./_station.ts";

const PEER = new URL("./inet_peer.py", import.meta.url).pathname;

/** One line `inet_peer.py` printed. */
export type PeerLine = Record<string, unknown> & { kind: string };

/** A running Python station. */
export interface PyStation {
  readonly station: Station;
  readonly child: Deno.ChildProcess;
  readonly reader: LineReader;
  /** Every JSON line so far. */
  lines(): PeerLine[];
  /** Sends a command and waits for its "done" line; returns that line's index. */
  command(op: string, fields?: Record<string, unknown>): Promise<number>;
  /** Waits for a line that `match` accepts (from line index `from`). */
  waitFor(
    match: (line: PeerLine) => boolean,
    what: string,
    options?: { timeoutMs?: number; from?: number },
  ): Promise<PeerLine>;
  /** Waits until the remote for `address` is open. */
  waitOpen(address: string, timeoutMs?: number): Promise<PeerLine>;
  /** `quit`, then the exit status. */
  quit(): Promise<Deno.CommandStatus>;
}

function parse(line: string): PeerLine | null {
  if (!line.startsWith("{")) return null;
  return JSON.parse(line) as PeerLine;
}

/** Starts `inet_peer.py <args>` in `station` and waits for its "ready" line. */
export async function startPyStation(
  station: Station,
  args: string[],
): Promise<PyStation> {
  const child = station.spawn(python3()!, [PEER, ...args], {
    stdin: "piped",
    timeoutMs: 60_000,
  });
  const reader = readLines(child);
  const writer = child.stdin.getWriter();
  let nextId = 1;
  const waitFor: PyStation["waitFor"] = async (match, what, options = {}) => {
    const { line } = await reader.waitLine(
      (l) => {
        const parsed = parse(l);
        return parsed !== null && match(parsed);
      },
      `${what} (python station ${station.name})`,
      options,
    );
    return parse(line)!;
  };
  const command = async (op: string, fields: Record<string, unknown> = {}) => {
    const id = nextId++;
    await writer.write(
      new TextEncoder().encode(`${JSON.stringify({ op, id, ...fields })}\n`),
    );
    const { index } = await reader.waitLine((l) => {
      const parsed = parse(l);
      if (parsed?.id !== id) return false;
      if (parsed.kind === "error") throw new Error(`${op} failed: ${l}`);
      return parsed.kind === "done";
    }, `the answer to ${op}`);
    return index;
  };
  await waitFor((l) => l.kind === "ready", "ready");
  return {
    station,
    child,
    reader,
    lines: () => reader.lines.map(parse).filter((l) => l !== null),
    command,
    waitFor,
    waitOpen: (address, timeoutMs = 10_000) =>
      waitFor(
        (l) =>
          l.kind === "remote" && l.state === "open" && l.address === address,
        `the remote for ${address} to open`,
        { timeoutMs },
      ),
    async quit() {
      await command("quit");
      await writer.close().catch(() => {});
      return await child.status;
    },
  };
}
