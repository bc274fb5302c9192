/**
 * The server's log file: lines with a timestamp, appended to a file only its user may
 * read, for a server that runs in the background with no terminal.
 *
 * Runs in the server's main thread and in each worker (each opens the file for
 * appending). Not real-time safe: formats and writes synchronously.
 *
 * @module
 */

/**
 * Opens `path` for appending (created with mode 0600) and returns the function that
 * writes one line to it, for `configureLog({ sink })`.
 */
export function openLogFile(path: string): (line: string) => void {
  const file = Deno.openSync(path, { create: true, append: true, mode: 0o600 });
  const encoder = new TextEncoder();
  return (line) => {
    file.writeSync(encoder.encode(`${new Date().toISOString()} ${line}\n`));
  };
}
