/**
 * The server's log file: lines with a timestamp, appended to a file only its user may
 * read, for a server that runs in the background with no terminal.
 *
 * Each line is one record: control characters in it are escaped, so nothing a
 * client sends can start a line of its own, and it is cut at
 * {@link MAX_LINE_CHARS}. The file is capped: when a line would take it past its
 * size limit (1 MiB by default), it is renamed `<log>.1` (replacing the previous
 * one) and a new file begins, so the log never takes more than twice the limit.
 *
 * Runs in the server's main thread and in each worker (each opens the file for
 * appending; an exclusive `flock` on the file serializes their writes and
 * rotations). Not real-time safe: formats and writes synchronously.
 *
 * @module
 */

import { escapeControls } from "@midishare/transport/logger";

/** Size at which the log is rotated, by default: 1 MiB. */
export const DEFAULT_LOG_MAX_BYTES = 1 << 20;
/** The smallest size limit accepted: a few lines. */
export const MIN_LOG_MAX_BYTES = 4096;
/** Characters of a line kept; the rest is cut, saying how much. */
export const MAX_LINE_CHARS = 1000;

/** Options of {@link openLogFile}. */
export interface LogFileOptions {
  /** Size at which the file is renamed `<path>.1`; default {@link DEFAULT_LOG_MAX_BYTES}. */
  maxBytes?: number;
}

function open(path: string): Deno.FsFile {
  return Deno.openSync(path, { create: true, append: true, mode: 0o600 });
}

function inode(path: string): number | null {
  try {
    return Deno.statSync(path).ino;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** One log record: escaped, cut, timestamped, with its newline. */
function formatLine(line: string): string {
  let text = escapeControls(line);
  if (text.length > MAX_LINE_CHARS) {
    const cut = text.length - MAX_LINE_CHARS;
    text = `${text.slice(0, MAX_LINE_CHARS)}… (${cut} characters cut)`;
  }
  return `${new Date().toISOString()} ${text}\n`;
}

/**
 * Opens `path` for appending (created with mode 0600) and returns the function that
 * writes one line to it, for `configureLog({ sink })`; see the module documentation
 * for escaping and rotation.
 * @param path the log file
 * @param options its size limit
 * @returns the sink that writes a line
 */
export function openLogFile(
  path: string,
  options: LogFileOptions = {},
): (line: string) => void {
  const maxBytes = options.maxBytes ?? DEFAULT_LOG_MAX_BYTES;
  const encoder = new TextEncoder();
  let file = open(path);
  return (line) => {
    const bytes = encoder.encode(formatLine(line));
    // Lock the file that is the log now: another thread may have rotated it away
    // from under this descriptor, which then points at `<log>.1`.
    while (true) {
      file.lockSync(true);
      if (file.statSync().ino === inode(path)) break;
      file.unlockSync();
      file.close();
      file = open(path);
    }
    try {
      const size = file.statSync().size;
      if (size > 0 && size + bytes.length > maxBytes) {
        Deno.renameSync(path, `${path}.1`);
        const next = open(path);
        next.lockSync(true);
        file.unlockSync();
        file.close();
        file = next;
      }
      for (let done = 0; done < bytes.length;) {
        done += file.writeSync(bytes.subarray(done));
      }
    } finally {
      file.unlockSync();
    }
  };
}
