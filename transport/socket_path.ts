/**
 * Where the server's socket lives: `$XDG_RUNTIME_DIR/midishare/midishare.sock`, or
 * `/tmp/midishare-<uid>/midishare.sock` when there is no runtime directory; the
 * directory is created with mode 0700 and refused if another user owns it or can
 * enter it.
 *
 * @module
 */

/** File name of the socket inside the directory. */
export const SOCKET_NAME = "midishare.sock";
/** File name of the lock the running server holds. */
export const SERVER_LOCK_NAME = "server.lock";
/** File name of the lock clients hold while starting a server. */
export const START_LOCK_NAME = "start.lock";

/** The default socket directory of this user. */
export function defaultSocketDir(): string {
  const runtime = Deno.env.get("XDG_RUNTIME_DIR");
  if (runtime !== undefined && runtime !== "") return `${runtime}/midishare`;
  return `/tmp/midishare-${Deno.uid() ?? "user"}`;
}

/** The socket path: `MIDISHARE_SOCKET` if set, else the default one. */
export function defaultSocketPath(): string {
  const fromEnv = Deno.env.get("MIDISHARE_SOCKET");
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  return `${defaultSocketDir()}/${SOCKET_NAME}`;
}

/** The directory of a socket path. */
export function socketDir(socketPath: string): string {
  const cut = socketPath.lastIndexOf("/");
  return cut <= 0 ? "." : socketPath.slice(0, cut);
}

/**
 * Creates the socket directory with mode 0700 if needed, and checks that it belongs
 * to this user and that nobody else can enter it.
 * @throws {Deno.errors.PermissionDenied} when the directory is not private
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
  const info = await Deno.stat(dir);
  const uid = Deno.uid();
  if (uid !== null && info.uid !== null && info.uid !== uid) {
    throw new Deno.errors.PermissionDenied(
      `Cannot use socket directory "${dir}": it belongs to user ${info.uid}`,
    );
  }
  if (info.mode !== null && (info.mode & 0o077) !== 0) {
    // Created by us earlier with a wider mode: tighten it rather than refuse.
    await Deno.chmod(dir, 0o700);
  }
}
