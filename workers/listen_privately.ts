/**
 * Listening on the server's Unix socket without a moment where another user could
 * connect: the socket is bound in a private directory, restricted, then moved.
 *
 * Runs in the listening worker at start-up. Not real-time safe (file system calls).
 *
 * @module
 */

import { socketDir } from "@midishare/transport/socket_path";

/**
 * Listens on `path` with a socket of mode 0600 from the first instant: it is bound
 * in a new private directory beside `path`, restricted, then renamed into place, so
 * that another user never finds it open in a directory they may enter. Binds at
 * `path` directly (then restricts it) when the longer temporary path does not fit
 * in a socket address.
 */
export async function listenPrivately(path: string): Promise<Deno.Listener> {
  const privateDir = await Deno.makeTempDir({
    dir: socketDir(path),
    prefix: ".bind-",
  });
  try {
    const bound = `${privateDir}/s`;
    let server: Deno.Listener;
    try {
      server = Deno.listen({ transport: "unix", path: bound });
    } catch {
      // A path too long for a socket address: the window is tiny, as before.
      const direct = Deno.listen({ transport: "unix", path });
      await Deno.chmod(path, 0o600);
      return direct;
    }
    await Deno.chmod(bound, 0o600);
    await Deno.rename(bound, path);
    return server;
  } finally {
    await Deno.remove(privateDir, { recursive: true });
  }
}
