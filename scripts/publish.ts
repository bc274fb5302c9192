// Command-line code prints to the terminal by design (STYLE.md §8).
// deno-lint-ignore-file no-console
/**
 * Publishes the workspace's packages to JSR, each one before the packages that
 * import it: `@midishare/kernel`, `@midishare/transport`, `@midishare/client`,
 * then `@midishare/midishare` (the root: `main.ts` with the server, drivers and
 * tools). `deno publish` at the root publishes only the root package, since the root
 * is a package itself, so this runs it in each package's folder. Arguments go to
 * every `deno publish` (`--dry-run --allow-dirty` in `deno task check`, which then
 * runs them side by side and needs no network).
 *
 * Usage: `deno run --allow-read --allow-run --allow-env scripts/publish.ts [args]`
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url).pathname;

/** The package folders, each after the ones it imports. */
export const PACKAGE_DIRS = ["kernel", "transport", "client", "."];

/** Runs `deno publish` in `dir`; its status and what to print of its output. */
async function publish(
  dir: string,
  args: string[],
): Promise<{ ok: boolean; report: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["publish", ...args],
    cwd: `${ROOT}${dir}`,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const text = new TextDecoder();
  const out = text.decode(stdout) + text.decode(stderr);
  // The file lists are long: a dry run that passes says so in one line.
  const summary = out.split("\n").find((l) => /Simulating publish of/.test(l));
  return {
    ok: code === 0,
    report: code === 0 && summary !== undefined
      ? `${summary.replace(/ with files:$/, "")}: ok`
      : out.trimEnd(),
  };
}

if (import.meta.main) {
  const args = Deno.args;
  let isOk = true;
  if (args.includes("--dry-run")) {
    // Nothing is uploaded: the packages are checked side by side.
    const results = await Promise.all(
      PACKAGE_DIRS.map((dir) => publish(dir, args)),
    );
    for (const { ok, report } of results) {
      console.log(report);
      isOk &&= ok;
    }
  } else {
    for (const dir of PACKAGE_DIRS) {
      const { ok, report } = await publish(dir, args);
      console.log(report);
      isOk = ok;
      if (!ok) break;
    }
  }
  Deno.exit(isOk ? 0 : 1);
}
