/**
 * Reads what a child process prints, line by line, so a test can wait (with a
 * deadline) for a line that says something: "ready", a JSON result, an event.
 * Private to `tests/`.
 *
 * @module
 */

import { waitFor } from "./_harness.ts";

/** The lines of a child process's standard output, and its standard error. */
export interface LineReader {
  /** Every complete line so far. */
  readonly lines: readonly string[];
  /** Everything printed on standard error so far (when it was piped). */
  stderr(): string;
  /**
   * Waits for the first line at index `from` or later that `match` accepts; returns
   * it with its index. Fails at the deadline or when the process ends without it.
   */
  waitLine(
    match: (line: string) => boolean,
    what: string,
    options?: { timeoutMs?: number; from?: number },
  ): Promise<{ line: string; index: number }>;
  /** The next line that parses as a JSON object (from `from`). */
  waitJson<T = Record<string, unknown>>(
    what: string,
    options?: { timeoutMs?: number; from?: number },
  ): Promise<T>;
  /** Resolves when standard output has ended. */
  readonly ended: Promise<void>;
}

/** Starts reading `child`'s standard output (and standard error, when piped). */
export function readLines(child: Deno.ChildProcess): LineReader {
  const lines: string[] = [];
  let errText = "";
  let isEnded = false;
  const ended = (async () => {
    let buf = "";
    for await (
      const chunk of child.stdout.pipeThrough(new TextDecoderStream())
    ) {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        lines.push(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    }
    if (buf !== "") lines.push(buf);
  })().catch(() => {}).finally(() => isEnded = true);
  const errors = (async () => {
    let stream: ReadableStream<Uint8Array>;
    try {
      stream = child.stderr;
    } catch {
      return; // Not piped.
    }
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      errText += chunk;
    }
  })().catch(() => {});
  const reader: LineReader = {
    lines,
    stderr: () => errText,
    ended: Promise.all([ended, errors]).then(() => {}),
    async waitLine(match, what, options = {}) {
      let from = options.from ?? 0;
      return await waitFor(
        () => {
          for (; from < lines.length; from++) {
            if (match(lines[from]!)) return { line: lines[from]!, index: from };
          }
          if (isEnded) {
            throw new Error(
              `The process ended before ${what}; it printed:\n${
                lines.join("\n")
              }`,
            );
          }
          return undefined;
        },
        what,
        options.timeoutMs ?? 10_000,
      ).catch((error) => {
        throw new Error(`${error.message}; stderr:\n${errText}`, {
          cause: error,
        });
      });
    },
    async waitJson<T>(
      what: string,
      options: { timeoutMs?: number; from?: number } = {},
    ) {
      const { line } = await reader.waitLine(
        (l) => l.startsWith("{"),
        what,
        options,
      );
      return JSON.parse(line) as T;
    },
  };
  return reader;
}
