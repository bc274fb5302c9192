// The systemd unit: `systemd-analyze verify --user` accepts it with an executable
// at its ExecStart path (skipped, saying why, without systemd-analyze, unless
// MIDISHARE_REQUIRE_SYSTEMD=1), and it documents what it runs. That the command it
// runs serves is tested with the installed command, in registry_test.ts.

// Saying why a test is skipped is printed by design.
// deno-lint-ignore-file no-console

import assert from "node:assert/strict";

const UNIT = new URL("../scripts/midishare.service", import.meta.url).pathname;
const REQUIRED = Deno.env.get("MIDISHARE_REQUIRE_SYSTEMD") === "1";

function which(tool: string): string | null {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      if (Deno.statSync(`${dir}/${tool}`).isFile) return `${dir}/${tool}`;
    } catch {
      // Not in this folder.
    }
  }
  return null;
}

const ANALYZE = which("systemd-analyze");
if (ANALYZE === null && !REQUIRED) {
  console.log(
    "systemd unit test skipped: systemd-analyze is not installed (Debian package systemd)",
  );
}

/** The unit's `Key=value` settings, in order. */
function settings(text: string): [string, string][] {
  return text.split("\n").filter((line) => /^[A-Za-z]+=/.test(line)).map(
    (line) => {
      const eq = line.indexOf("=");
      return [line.slice(0, eq), line.slice(eq + 1)];
    },
  );
}

/** Runs `systemd-analyze verify --user` on the unit, with `home` as the user's. */
async function verify(
  home: string,
  runtime: string,
): Promise<{ code: number; err: string }> {
  const { code, stderr } = await new Deno.Command(ANALYZE!, {
    args: ["verify", "--user", UNIT],
    env: {
      HOME: home,
      // A user manager needs its runtime directory, as a session has.
      XDG_RUNTIME_DIR: runtime,
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      SYSTEMD_LOG_COLOR: "0",
    },
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    signal: AbortSignal.timeout(60_000),
  }).output();
  return { code, err: new TextDecoder().decode(stderr) };
}

Deno.test({
  name:
    "systemd-analyze verify --user accepts the unit, with the command it runs installed",
  ignore: ANALYZE === null && !REQUIRED,
  async fn() {
    if (ANALYZE === null) {
      throw new Error(
        "systemd-analyze is required (MIDISHARE_REQUIRE_SYSTEMD=1) but is not installed",
      );
    }
    const home = await Deno.makeTempDir({ prefix: "midishare-unit-" });
    const runtime = `${home}/run`;
    try {
      await Deno.mkdir(runtime, { mode: 0o700 });
      // Without the command, systemd refuses the unit: the test sees ExecStart.
      const bare = await verify(home, runtime);
      assert.notEqual(bare.code, 0);
      assert.match(
        bare.err,
        new RegExp(`${home}/\\.deno/bin/midishare is not executable`),
      );
      await Deno.mkdir(`${home}/.deno/bin`, { recursive: true });
      await Deno.writeTextFile(
        `${home}/.deno/bin/midishare`,
        "#!/bin/sh\nexit 0\n",
        { mode: 0o755 },
      );
      const { code, err } = await verify(home, runtime);
      assert.equal(code, 0, err);
      assert.doesNotMatch(err, /midishare/, err);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});

Deno.test("the systemd unit runs the installed command and says where its documentation is", async () => {
  const text = await Deno.readTextFile(UNIT);
  const unit = new Map(settings(text));
  assert.equal(unit.get("ExecStart"), "%h/.deno/bin/midishare serve --persist");
  // The installed command runs `deno` by name: the PATH has Deno's own folder.
  assert.match(unit.get("Environment") ?? "", /^PATH=%h\/\.deno\/bin:/);
  assert.match(
    unit.get("Documentation") ?? "",
    /^(https:\/\/jsr\.io\/@midishare\/midishare|file:\/\/\/)/,
  );
  assert.equal(unit.get("LimitRTPRIO"), "90");
  // The comments show how to install the command and enable the unit.
  assert.match(
    text,
    /deno install -g -A --unstable-net jsr:@midishare\/midishare/,
  );
  assert.match(text, /systemctl --user enable --now midishare/);
});
