/**
 * Where the server's socket lives, and the checks that make sure nobody else put it
 * there: `$XDG_RUNTIME_DIR/midishare/midishare.sock`, or
 * `/tmp/midishare-<uid>/midishare.sock` when there is no runtime directory, or the
 * path `--socket` or `MIDISHARE_SOCKET` gives.
 *
 * The rules, checked with `lstat` (a symbolic link is never followed) before a
 * client connects and before a server listens:
 *
 * - the socket's directory is a real directory owned by this user that no other
 *   user may write in; the default directory must moreover be closed to every
 *   other user (no group or other permission bits);
 * - its parent lets nobody else rename it away: owned by root or this user, and
 *   writable by others only with the sticky bit (like `/tmp`);
 * - the socket file, when there is one, is a socket owned by this user.
 *
 * A directory that fails is refused, never repaired: its mode is changed only when
 * MidiShare has just created it (the last component of the path, mode 0700).
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
  return cut < 0 ? "." : cut === 0 ? "/" : socketPath.slice(0, cut);
}

/** A mode as `ls` would print its permission digits: "0755", "1777". */
function octal(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, "0");
}

/** What a file is, for messages: "a regular file", "a symbolic link"... */
export function describeFileKind(info: Deno.FileInfo): string {
  if (info.isSymlink) return "a symbolic link";
  if (info.isDirectory) return "a directory";
  if (info.isFile) return "a regular file";
  if (info.isSocket) return "a socket";
  if (info.isFifo) return "a named pipe";
  return "a device";
}

function refuse(what: string, path: string, why: string): never {
  throw new Deno.errors.PermissionDenied(
    `Cannot use ${what} "${path}": ${why}`,
  );
}

async function lstatOrNull(path: string): Promise<Deno.FileInfo | null> {
  try {
    return await Deno.lstat(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return null;
    throw error;
  }
}

/** Refuses a parent directory in which another user could replace `dir`. */
async function checkParent(dir: string): Promise<void> {
  const parent = socketDir(dir);
  // The parent's own ancestors may be links (/var/run -> /run): follow them.
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(parent);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    throw new Deno.errors.NotFound(
      `Cannot use socket directory "${dir}": its parent "${parent}" does not exist`,
      { cause: error },
    );
  }
  const uid = Deno.uid();
  if (uid === null || info.mode === null) return;
  const isOwnerTrusted = info.uid === 0 || info.uid === uid;
  const isWritableByOthers = (info.mode & 0o022) !== 0;
  const isSticky = (info.mode & 0o1000) !== 0;
  if (!isOwnerTrusted || (isWritableByOthers && !isSticky)) {
    refuse(
      "socket directory",
      dir,
      `another user could replace it: its parent "${parent}" belongs to user ${info.uid} with mode ${
        octal(info.mode)
      }`,
    );
  }
}

/**
 * Checks the socket directory `dir` against the rules of this module, without
 * creating it or changing anything.
 * @param dir the directory
 * @param isPrivate whether it must be closed to other users (the default directory)
 * @returns false when `dir` does not exist, true when it passes
 * @throws {Deno.errors.PermissionDenied} when it fails, saying why
 */
export async function checkSocketDir(
  dir: string,
  isPrivate: boolean = dir === defaultSocketDir(),
): Promise<boolean> {
  const info = await lstatOrNull(dir);
  if (info === null) return false;
  const uid = Deno.uid();
  if (info.isSymlink) refuse("socket directory", dir, "it is a symbolic link");
  if (!info.isDirectory) {
    refuse("socket directory", dir, `it is ${describeFileKind(info)}`);
  }
  if (uid !== null && info.uid !== null && info.uid !== uid) {
    refuse(
      "socket directory",
      dir,
      `it belongs to user ${info.uid}, not to user ${uid}`,
    );
  }
  const mode = info.mode ?? 0;
  if ((mode & 0o022) !== 0) {
    refuse(
      "socket directory",
      dir,
      `other users may write in it (mode ${octal(mode)})`,
    );
  }
  if (isPrivate && (mode & 0o077) !== 0) {
    refuse(
      "socket directory",
      dir,
      `other users may enter it (mode ${octal(mode)}); it must have mode 0700`,
    );
  }
  await checkParent(dir);
  return true;
}

/**
 * Creates the socket directory `dir` if it is missing (its last component only, mode
 * 0700), then checks it with {@link checkSocketDir}: what a client starting a server
 * and the server do first. An existing directory is never changed.
 * @param dir the directory
 * @param isPrivate whether it must be closed to other users (the default directory)
 * @throws {Deno.errors.PermissionDenied} when the directory fails the checks
 * @throws {Deno.errors.NotFound} when its parent does not exist
 */
export async function ensurePrivateDir(
  dir: string,
  isPrivate: boolean = dir === defaultSocketDir(),
): Promise<void> {
  if (await lstatOrNull(dir) === null) {
    await checkParent(dir);
    let isCreated = false;
    try {
      await Deno.mkdir(dir, { mode: 0o700 });
      isCreated = true;
    } catch (error) {
      // Made by a client starting at the same time: checked below like any other.
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
    // Ours, just made: the umask may have taken bits, never added any.
    if (isCreated) await Deno.chmod(dir, 0o700);
  }
  await checkSocketDir(dir, isPrivate);
}

/**
 * Checks the socket file at `path` (with `lstat`): it must be a socket owned by this
 * user. Anything else is refused, and left where it is.
 * @returns false when nothing is at `path`, true for a socket of this user
 * @throws {Deno.errors.PermissionDenied} for anything else, saying what is there
 */
export async function checkSocketFile(path: string): Promise<boolean> {
  const info = await lstatOrNull(path);
  if (info === null) return false;
  if (!info.isSocket) {
    refuse("socket", path, `it is ${describeFileKind(info)}, not a socket`);
  }
  const uid = Deno.uid();
  if (uid !== null && info.uid !== null && info.uid !== uid) {
    refuse(
      "socket",
      path,
      `it belongs to user ${info.uid}, not to user ${uid}`,
    );
  }
  return true;
}

/**
 * Checks a socket path before connecting: its directory ({@link checkSocketDir}) and
 * the socket file ({@link checkSocketFile}).
 * @returns false when the directory or the socket does not exist (no server)
 * @throws {Deno.errors.PermissionDenied} when either fails the checks
 */
export async function checkSocketPath(path: string): Promise<boolean> {
  if (!await checkSocketDir(socketDir(path))) return false;
  return await checkSocketFile(path);
}
