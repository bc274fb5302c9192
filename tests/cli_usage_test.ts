// Integration: every subcommand of main.ts refuses a bad command line the same way:
// one line on standard error, nothing on standard output, exit status 2 (unless the
// row says otherwise), never a stack trace, and never a server started or reached.
// The exception is `inet`, which keeps the parsing rules of the original
// msInetDriver (spec inet.md §2.2, §10 item 4): its line is followed by the usage
// text, its status is 1, and its `-h` is such a usage error.

import assert from "node:assert/strict";
import { tempSocketDir } from "./_harness.ts";
import { usageText } from "../drivers/inet/mod.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** A command line, and the status and message it must end with. */
interface Case {
  args: string[];
  message: RegExp;
  status?: number;
  /** Whether the usage text follows the line on standard error (inet). */
  withUsage?: boolean;
}

/** The rows of `inet`: status 1 and the usage text, as the original did. */
const INET = { status: 1, withUsage: true };

const CASES: Case[] = [
  { args: ["status", "--bogus"], message: /Unknown option "--bogus"/ },
  { args: ["status", "extra"], message: /Unexpected argument "extra"/ },
  { args: ["status", "--socket"], message: /"--socket" needs a value/ },
  { args: ["status", "--json=yes"], message: /"--json" takes no value/ },
  { args: ["connect", "--bogus"], message: /Unknown option "--bogus"/ },
  { args: ["connect", "--slot"], message: /Expected 3 arguments/ },
  { args: ["connect", "--slot", "1", "x"], message: /Expected 3 arguments/ },
  { args: ["connect", "-d"], message: /Expected 2 arguments/ },
  { args: ["connect", "-d", "a"], message: /Expected 2 arguments/ },
  { args: ["connect", "a", "b", "c"], message: /Expected 2 arguments/ },
  {
    args: ["connect", "--slot", "256", "RtMidi", "0"],
    message: /Invalid port "256": expected an integer from 0 to 255/,
  },
  { args: ["connect", "200", "1"], message: /Invalid refnum "200"/ },
  { args: ["connect", "--rescan", "a"], message: /--rescan takes no other/ },
  { args: ["connect", "-l", "-d"], message: /--list takes no other/ },
  { args: ["display", "-p", "0"], message: /Unknown option "-p"/ },
  { args: ["display", "--count", "abc"], message: /Invalid --count "abc"/ },
  { args: ["display", "--count", "0"], message: /at least 1/ },
  { args: ["display", "--count", "1.5"], message: /expected an integer/ },
  { args: ["display", "--count"], message: /"--count" needs a value/ },
  { args: ["display", "999"], message: /Invalid refnum "999"/ },
  { args: ["serve", "--bogus"], message: /Unknown option "--bogus"/ },
  { args: ["serve", "extra"], message: /Unexpected argument "extra"/ },
  { args: ["serve", "--linger", "soon"], message: /Invalid --linger "soon"/ },
  { args: ["serve", "--linger", "-1"], message: /Invalid --linger "-1"/ },
  {
    args: ["serve", "--virtual-ports", "17"],
    message: /expected an integer from 0 to 16/,
  },
  {
    args: ["serve", "--midi-api", "midi"],
    message: /expected auto, alsa, jack or off/,
  },
  {
    args: ["serve", "--connection-memory", "1MiB"],
    message: /at least 16MiB/,
  },
  { args: ["serve", "--handshake-timeout", "0"], message: /at least 1/ },
  { args: ["serve", "--log-max-size", "10"], message: /at least 4096/ },
  { args: ["demo", "--notes", "abc"], message: /Invalid --notes "abc"/ },
  { args: ["demo", "--notes", "65"], message: /from 1 to 64/ },
  { args: ["demo", "--bogus"], message: /Unknown option "--bogus"/ },
  { args: ["demo", "extra"], message: /Unexpected argument "extra"/ },
  { args: ["play", "--bogus", "a.mid"], message: /Unknown option "--bogus"/ },
  { args: ["play", "--to"], message: /"--to" needs a value/ },
  {
    args: ["play", "--tempo-scale", "fast", "a.mid"],
    message: /Invalid --tempo-scale "fast"/,
  },
  {
    args: ["play", "--tempo-scale", "20", "a.mid"],
    message: /expected a number from 0.1 to 10/,
  },
  {
    args: ["play", "--start", "0:1", "a.mid"],
    message: /Invalid --start "0:1"/,
  },
  { args: ["play"], message: /Expected 1 argument \(FILE.mid\), got 0/ },
  { args: ["play", "a.mid", "b.mid"], message: /Expected 1 argument .*got 2/ },
  { args: ["record", "--bogus", "a.mid"], message: /Unknown option "--bogus"/ },
  { args: ["record", "--duration"], message: /"--duration" needs a value/ },
  {
    args: ["record", "--duration", "soon", "a.mid"],
    message: /Invalid --duration "soon"/,
  },
  {
    args: ["record", "--duration", "-1", "a.mid"],
    message: /milliseconds from 0 to 2147483647/,
  },
  { args: ["record"], message: /Expected 1 argument \(FILE.mid\), got 0/ },
  {
    args: ["record", "a.mid", "b.mid"],
    message: /Expected 1 argument .*got 2/,
  },
  { args: ["clock", "--bogus"], message: /Unknown option "--bogus"/ },
  { args: ["clock", "--bars"], message: /"--bars" needs a value/ },
  { args: ["clock", "--beats", "x"], message: /Invalid --beats "x"/ },
  {
    args: ["clock", "--click-chan", "17"],
    message: /expected an integer from 1 to 16/,
  },
  { args: ["clock", "--tempo", "1001"], message: /Invalid --tempo "1001"/ },
  { args: ["clock", "extra"], message: /Unexpected argument "extra"/ },
  { args: ["echo", "--bogus"], message: /Unknown option "--bogus"/ },
  { args: ["echo", "--from"], message: /"--from" needs a value/ },
  { args: ["echo", "--repeat", "many"], message: /Invalid --repeat "many"/ },
  { args: ["echo", "--decay", "101"], message: /from 0 to 100/ },
  { args: ["echo", "extra"], message: /Unexpected argument "extra"/ },
  { args: ["web", "--bogus"], message: /Unknown option "--bogus"/ },
  { args: ["web", "--port"], message: /"--port" needs a value/ },
  { args: ["web", "--port", "http"], message: /Invalid --port "http"/ },
  { args: ["web", "--port", "65536"], message: /from 0 to 65535/ },
  { args: ["web", "extra"], message: /Unexpected argument "extra"/ },
  { args: ["inet", "--bogus"], message: /Unknown option "--bogus"/, ...INET },
  { args: ["inet", "-h"], message: /Unknown option "-h"/, ...INET },
  { args: ["inet", "-p"], message: /Option -p needs a number/, ...INET },
  {
    args: ["inet", "-p", "abc"],
    message: /Invalid value "abc" for option -p: not a number/,
    ...INET,
  },
  {
    args: ["inet", "-lat", "40000"],
    message: /expected 0 to 32767/,
    ...INET,
  },
  { args: ["inet", "-log", "-d"], message: /-log needs a value/, ...INET },
  { args: ["inet", "stray"], message: /Unexpected argument "stray"/, ...INET },
  { args: ["bogus"], message: /Unknown command "bogus"/ },
];

async function runMain(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string; err: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const text = new TextDecoder();
  return { code, out: text.decode(stdout), err: text.decode(stderr) };
}

/** Runs `work` on every item, `width` at a time. */
async function pool<T>(
  items: T[],
  width: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const queue = [...items];
  const workers = Array.from({ length: width }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      await work(item);
    }
  });
  await Promise.all(workers);
}

Deno.test("every subcommand refuses a bad command line in one line, with status 2 (inet 1) and no stack trace", async () => {
  const dir = await tempSocketDir();
  // Nothing may reach or start a server: a private socket nobody listens on, and a
  // server command that fails at once.
  const env = {
    MIDISHARE_SOCKET: `${dir}/ms.sock`,
    MIDISHARE_SERVER_COMMAND: JSON.stringify(["false"]),
  };
  try {
    const listing = await runMain(["--help"], env);
    const commands = [...listing.out.matchAll(/^ {2}([a-z][a-z-]*) /gm)]
      .map((m) => m[1]!);
    assert.ok(commands.includes("serve"), listing.out);
    for (const name of commands) {
      assert.ok(
        CASES.some((c) => c.args[0] === name),
        `no bad command line is tried for "${name}": add rows to CASES`,
      );
    }
    const failures: string[] = [];
    const cases = CASES.map((c) => ({ status: 2, withUsage: false, ...c }));
    await pool(cases, 4, async ({ args, message, status, withUsage }) => {
      const { code, out, err } = await runMain(args, env);
      const lines = err.trimEnd().split("\n");
      const command = args[0] === "bogus"
        ? "midishare"
        : `midishare ${args[0]}`;
      const rest = lines.slice(1).join("\n");
      const problems = [
        code === status ? "" : `status ${code}, not ${status}`,
        out === "" ? "" : "wrote on standard output",
        !withUsage && lines.length !== 1
          ? `${lines.length} lines on standard error`
          : "",
        withUsage && rest !== usageText(command).trimEnd()
          ? "not the usage text after the line"
          : "",
        lines[0]!.startsWith(`${command}: `) ? "" : "no command name first",
        message.test(err) ? "" : `not ${message}`,
        /^\s+at /m.test(err) ? "a stack trace" : "",
      ].filter((p) => p !== "");
      if (problems.length > 0) {
        failures.push(`${args.join(" ")}: ${problems.join(", ")}\n${err}`);
      }
    });
    assert.deepEqual(failures, []);
    const none = await runMain([], env);
    assert.equal(none.code, 2);
    assert.equal(none.out, "");
    assert.match(none.err, /^Usage: midishare <command>/);
    assert.equal(await Deno.stat(`${dir}/ms.sock`).catch(() => null), null);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every subcommand answers --help and -h on standard output with status 0 (inet -h: usage, status 1)", async () => {
  const listing = await runMain(["--help"], {});
  const commands = [...listing.out.matchAll(/^ {2}([a-z][a-z-]*) /gm)]
    .map((m) => m[1]!);
  await pool(
    commands.flatMap((c) => [[c, "--help"], [c, "-h"]]),
    4,
    async (args) => {
      const { code, out, err } = await runMain(args, {});
      if (args[0] === "inet" && args[1] === "-h") {
        // The original msInetDriver's parsing rules (spec inet.md §2.2, §10 item
        // 4): `-h` is no option of its (it was renamed `-v` in version 1.11), so it
        // gives the usage text on standard error and status 1; `--help` is as usual.
        assert.equal(code, 1, `${args.join(" ")}: ${err}`);
        assert.equal(out, "", args.join(" "));
        assert.match(err, /^midishare inet: .*\nUsage: midishare inet/);
        return;
      }
      assert.equal(code, 0, `${args.join(" ")}: ${err}`);
      assert.match(
        out,
        new RegExp(`^Usage: midishare ${args[0]}`),
        args.join(" "),
      );
    },
  );
});
