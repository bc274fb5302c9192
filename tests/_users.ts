/**
 * Helpers of the tests that need two local users (a victim and an attacker): root
 * bypasses the permission checks these tests are about, so they create unprivileged
 * users for the duration of a test, give them a Deno binary and a copy of this
 * checkout they can read, and run commands as them with `setpriv`. Private to
 * `tests/`.
 *
 * @module
 */

import { terminate } from "./_harness.ts";

const ROOT = new URL("../", import.meta.url).pathname;
/** What the users' copy of the checkout holds. */
const CHECKOUT_ENTRIES = [
  "main.ts",
  "deno.json",
  "deno.lock",
  "cli",
  "client",
  "drivers",
  "kernel",
  "testing",
  "tests",
  "transport",
  "web",
  "workers",
];

/** An unprivileged user created for one test. */
export interface TestUser {
  name: string;
  uid: number;
  gid: number;
  /** A directory this user owns (mode 0700), for its Deno cache and files. */
  home: string;
}

/** What {@link UserWorld.run} returns. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Users, a Deno binary and a checkout they can use; removed on dispose. */
export interface UserWorld extends AsyncDisposable {
  users: TestUser[];
  /** The checkout the users read (`main.ts`, `tests/`...). */
  root: string;
  /**
   * Runs `deno <args>` as `user` with only `env` (plus PATH, HOME, DENO_DIR) in its
   * environment; the process is killed after `timeoutMs`, or as soon as it printed
   * a line when `untilLine` is set. `stdin` is written, then closed.
   */
  run(
    user: TestUser,
    args: string[],
    options?: {
      env?: Record<string, string>;
      stdin?: string;
      timeoutMs?: number;
      untilLine?: boolean;
    },
  ): Promise<RunResult>;
  /**
   * Starts `deno <args>` as `user` in the background, with `umask` when given (octal
   * digits); the caller stops it.
   */
  spawn(
    user: TestUser,
    args: string[],
    env?: Record<string, string>,
    umask?: string,
  ): Deno.ChildProcess;
  /** Runs a plain command (not Deno) as `user`. */
  exec(user: TestUser, command: string[]): Promise<RunResult>;
}

/** Why two-user tests cannot run here, or null when they can. */
export function whyNoUsers(): string | null {
  if (Deno.uid() !== 0) {
    return "two-user tests need root to create users (MIDISHARE_REQUIRE_ROOT=1 makes this a failure)";
  }
  return null;
}

/**
 * The `ignore` value of a two-user test: true (with a message) when not root,
 * unless `MIDISHARE_REQUIRE_ROOT=1`, where the test runs and fails.
 */
export function skipWithoutRoot(testName: string): boolean {
  const why = whyNoUsers();
  if (why === null || Deno.env.get("MIDISHARE_REQUIRE_ROOT") === "1") {
    return false;
  }
  // A visible skip, as STYLE.md §6 asks of tests that cannot run here.
  // deno-lint-ignore no-console
  console.warn(`skipping "${testName}": ${why}`);
  return true;
}

async function output(
  command: string,
  args: string[],
): Promise<RunResult> {
  const out = await new Deno.Command(command, {
    args,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

async function mustRun(command: string, args: string[]): Promise<string> {
  const result = await output(command, args);
  if (result.code !== 0) {
    throw new Error(
      `${command} ${args.join(" ")} failed (${result.code}): ${result.stderr}`,
    );
  }
  return result.stdout.trim();
}

/**
 * Creates `count` users (`useradd --system --no-create-home`, random names), a Deno
 * binary they can run and a world-readable copy of the checkout; disposing removes
 * the users, their files in `/tmp/midishare-<uid>` and the copies.
 */
export async function createUsers(count: number): Promise<UserWorld> {
  const base = await Deno.makeTempDir({ prefix: "midishare-users-" });
  await Deno.chmod(base, 0o755);
  const users: TestUser[] = [];
  const dispose = async () => {
    for (const user of users) {
      // --force: a server the user started may still be lingering.
      await output("userdel", ["--force", user.name]);
      const dir = `/tmp/midishare-${user.uid}`;
      const info = await Deno.lstat(dir).catch(() => null);
      if (info?.isSymlink) await Deno.remove(dir);
      else if (info !== null) await Deno.remove(dir, { recursive: true });
    }
    await Deno.remove(base, { recursive: true });
  };
  try {
    const deno = `${base}/deno`;
    // A hard link when the binary is already executable by all (no 95 MB copy);
    // a copy of our own to make executable otherwise, or across file systems.
    const isExecutableByAll =
      ((await Deno.stat(Deno.execPath())).mode! & 0o005) === 0o005;
    const isLinked = isExecutableByAll &&
      await Deno.link(Deno.execPath(), deno).then(() => true, () => false);
    if (!isLinked) {
      await Deno.copyFile(Deno.execPath(), deno);
      await Deno.chmod(deno, 0o755);
    }
    const root = `${base}/checkout`;
    await Deno.mkdir(root);
    await mustRun("cp", [
      "-R",
      ...CHECKOUT_ENTRIES.map((e) => `${ROOT}${e}`),
      root,
    ]);
    await mustRun("chmod", ["-R", "a+rX", root]);
    for (let i = 0; i < count; i++) {
      const name = `mstest${crypto.randomUUID().slice(0, 8)}`;
      await mustRun("useradd", ["--system", "--no-create-home", name]);
      const uid = Number(await mustRun("id", ["-u", name]));
      const gid = Number(await mustRun("id", ["-g", name]));
      const home = `${base}/home-${name}`;
      await Deno.mkdir(home, { mode: 0o700 });
      await Deno.chown(home, uid, gid);
      users.push({ name, uid, gid, home });
    }
    const command = (user: TestUser, argv: string[]) =>
      new Deno.Command("setpriv", {
        args: [
          `--reuid=${user.uid}`,
          `--regid=${user.gid}`,
          "--clear-groups",
          "--",
          ...argv,
        ],
        cwd: root,
        clearEnv: true,
        env: {
          PATH: "/usr/bin:/bin:/usr/sbin:/sbin",
          HOME: user.home,
          DENO_DIR: `${user.home}/deno-dir`,
          NO_COLOR: "1",
        },
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      });
    const withEnv = (env: Record<string, string>) =>
      Object.entries(env).map(([k, v]) => `${k}=${v}`);
    return {
      users,
      root,
      exec: async (user, argv) => {
        const child = command(user, argv).spawn();
        await child.stdin.close();
        return await collect(child, { timeoutMs: 60_000, untilLine: false });
      },
      spawn: (user, args, env = {}, umask) =>
        command(user, [
          ...(umask === undefined
            ? []
            : ["sh", "-c", `umask ${umask} && exec "$@"`, "sh"]),
          "env",
          ...withEnv(env),
          deno,
          ...args,
        ]).spawn(),
      run: async (user, args, options = {}) => {
        const child = command(user, [
          "env",
          ...withEnv(options.env ?? {}),
          deno,
          ...args,
        ]).spawn();
        const writer = child.stdin.getWriter();
        if (options.stdin !== undefined) {
          await writer.write(new TextEncoder().encode(options.stdin));
        }
        await writer.close();
        return await collect(child, {
          timeoutMs: options.timeoutMs ?? 60_000,
          untilLine: options.untilLine ?? false,
        });
      },
      [Symbol.asyncDispose]: dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

/** Reads a child's output until it exits, its deadline, or its first line. */
async function collect(
  child: Deno.ChildProcess,
  options: { timeoutMs: number; untilLine: boolean },
): Promise<RunResult> {
  let stdout = "", stderr = "";
  const gotLine = Promise.withResolvers<void>();
  const read = async (
    stream: ReadableStream<Uint8Array>,
    add: (text: string) => void,
  ) => {
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      add(chunk);
    }
  };
  const reading = Promise.all([
    read(child.stdout, (text) => {
      stdout += text;
      if (stdout.includes("\n")) gotLine.resolve();
    }),
    read(child.stderr, (text) => stderr += text),
  ]);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise((resolve) => {
    timer = setTimeout(resolve, options.timeoutMs);
  });
  try {
    await Promise.race([
      child.status,
      deadline,
      options.untilLine ? gotLine.promise : new Promise(() => {}),
    ]);
  } finally {
    clearTimeout(timer);
  }
  const status = await terminate(child, 2000);
  await reading;
  return { code: status.code, stdout, stderr };
}
