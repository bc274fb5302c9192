/**
 * A `main.ts web` process for the tests: started on any free port against a given
 * server socket; its printed address read back. Private to `tests/`.
 *
 * @module
 */

import { terminate } from "./_harness.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** A running `main.ts web`. */
export interface WebProcess extends AsyncDisposable {
  /** The page's address, token included. */
  url: string;
  /** The token. */
  token: string;
  /** The TCP port. */
  port: number;
  /** What it wrote on standard error. */
  stderr(): string;
  /** SIGTERM, then the exit status. */
  stop(): Promise<Deno.CommandStatus>;
}

/** Starts `main.ts web --port 0 --socket <socketPath>` and waits for its address. */
export async function startWeb(
  socketPath: string,
  args: string[] = [],
): Promise<WebProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      MAIN,
      "web",
      "--port",
      "0",
      "--socket",
      socketPath,
      ...args,
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  let errText = "";
  const errors = (async () => {
    for await (const c of child.stderr.pipeThrough(new TextDecoderStream())) {
      errText += c;
    }
  })();
  let outText = "";
  const found = Promise.withResolvers<string>();
  const output = (async () => {
    for await (const c of child.stdout.pipeThrough(new TextDecoderStream())) {
      outText += c;
      const m = /MidiShare web: (\S+)/.exec(outText);
      if (m !== null) found.resolve(m[1]!);
    }
    found.reject(new Error(`web exited without an address:\n${errText}`));
  })();
  const timer = setTimeout(
    () => found.reject(new Error(`web printed no address:\n${errText}`)),
    60_000,
  );
  let status: Promise<Deno.CommandStatus> | null = null;
  const stop = () => {
    status ??= (async () => {
      const s = await terminate(child);
      await Promise.all([errors, output]);
      return s;
    })();
    return status;
  };
  let url: string;
  try {
    url = await found.promise;
  } catch (error) {
    await stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  const parsed = new URL(url);
  return {
    url,
    token: parsed.pathname.split("/")[1]!,
    port: Number(parsed.port),
    stderr: () => errText,
    stop,
    async [Symbol.asyncDispose]() {
      await stop();
    },
  };
}
