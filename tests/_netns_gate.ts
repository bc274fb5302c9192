/**
 * Whether the network tests can run here, and `Deno.test` options that skip them
 * with a message saying why (or fail them when `MIDISHARE_REQUIRE_NETNS=1`): they
 * need root, `ip` and `unshare`, and some need `python3`. Private to `tests/`.
 *
 * @module
 */

// Tests say why they skip, on the console, as STYLE.md §6 asks.
// deno-lint-ignore-file no-console

const REQUIRED = Deno.env.get("MIDISHARE_REQUIRE_NETNS") === "1";

function hasCommand(command: string): boolean {
  try {
    return new Deno.Command("sh", {
      args: ["-c", `command -v ${command}`],
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    return false;
  }
}

let python: string | null | undefined;

/**
 * The path of the python3 interpreter, or null: a system one when there is one,
 * since a version manager's `python3` shim can take a second and more to start.
 */
export function python3(): string | null {
  if (python !== undefined) return python;
  python = null;
  for (const path of ["/usr/bin/python3", "/usr/local/bin/python3"]) {
    try {
      if (Deno.statSync(path).isFile) return python = path;
    } catch {
      // Not there.
    }
  }
  try {
    const out = new Deno.Command("python3", {
      args: ["-c", "import sys; print(sys.executable)"],
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    if (out.success) python = new TextDecoder().decode(out.stdout).trim();
  } catch {
    // Not installed.
  }
  return python;
}

/** Why namespace tests cannot run here (with `python3` when `withPython`), or null. */
export function netnsMissing(withPython = false): string | null {
  if (Deno.uid() !== 0) return "they need root (ip netns, veth, bridges, TUN)";
  if (!hasCommand("ip")) return "ip is not installed (Debian package iproute2)";
  if (!hasCommand("unshare")) return "unshare is not installed (util-linux)";
  if (withPython && python3() === null) {
    return "python3 is not installed";
  }
  return null;
}

const skipped = new Set<string>();

/**
 * `Deno.test` options for a test that needs namespaces (and `python3` when
 * `withPython`): skipped with a message saying why, or failing when
 * `MIDISHARE_REQUIRE_NETNS=1`.
 */
export function netnsTest(
  name: string,
  fn: (t: Deno.TestContext) => Promise<void>,
  { withPython = false } = {},
): Deno.TestDefinition {
  const lack = netnsMissing(withPython);
  if (lack !== null && !REQUIRED && !skipped.has(lack)) {
    skipped.add(lack);
    console.log(`network namespace tests skipped: ${lack}`);
  }
  return {
    name,
    ignore: lack !== null && !REQUIRED,
    fn: lack === null ? fn : () => {
      throw new Error(
        `network namespace tests are required (MIDISHARE_REQUIRE_NETNS=1): ${lack}`,
      );
    },
  };
}

/**
 * `Deno.test` options for a test that needs only `python3`: skipped with a message
 * saying why, or failing when `MIDISHARE_REQUIRE_NETNS=1`.
 */
export function pythonTest(
  name: string,
  fn: (t: Deno.TestContext) => Promise<void>,
): Deno.TestDefinition {
  const lack = python3() === null ? "python3 is not installed" : null;
  if (lack !== null && !REQUIRED && !skipped.has(lack)) {
    skipped.add(lack);
    console.log(`python station tests skipped: ${lack}`);
  }
  return {
    name,
    ignore: lack !== null && !REQUIRED,
    fn: lack === null ? fn : () => {
      throw new Error(
        `python3 is required (MIDISHARE_REQUIRE_NETNS=1): ${lack}`,
      );
    },
  };
}
