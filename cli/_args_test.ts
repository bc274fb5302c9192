import assert from "node:assert/strict";
import {
  integerArgument,
  parseCommandLine,
  parseSize,
  UsageError,
} from "./_args.ts";

const SPEC = {
  name: "try",
  help: "Usage: midishare try",
  options: {
    flag: { type: "boolean", short: "f" },
    other: { type: "boolean", short: "o" },
    name: { type: "string", default: "x" },
    mode: { type: "string", choices: ["a", "b"] },
    count: { type: "integer", short: "c", min: 1, max: 10 },
    ratio: { type: "number", min: 0 },
    memory: { type: "size", min: 1024 },
  },
  positionals: { min: 0, max: 2 },
} as const;

function usage(args: string[]): string {
  try {
    parseCommandLine(SPEC, args);
  } catch (error) {
    assert.ok(error instanceof UsageError, String(error));
    return error.message;
  }
  throw new Error(`${args.join(" ")}: accepted`);
}

Deno.test("parseCommandLine() reads typed options and positionals", () => {
  const parsed = parseCommandLine(SPEC, [
    "-fo",
    "--name=y",
    "p1",
    "-c",
    "3",
    "--ratio",
    "0.5",
    "--memory",
    "2KiB",
    "--",
    "-p2",
  ]);
  assert.deepEqual(parsed, {
    values: {
      flag: true,
      other: true,
      name: "y",
      count: 3,
      ratio: 0.5,
      memory: 2048,
    },
    positionals: ["p1", "-p2"],
  });
  const empty = parseCommandLine(SPEC, []);
  assert.deepEqual(empty?.values, { flag: false, other: false, name: "x" });
});

Deno.test("parseCommandLine() keeps every value of a multiple option, in order", () => {
  const spec = {
    name: "try",
    help: "Usage: midishare try",
    options: {
      to: { type: "string", multiple: true },
      mode: { type: "string", multiple: true, choices: ["a", "b"] },
    },
  } as const;
  const parsed = parseCommandLine(spec, ["--to", "x", "--to=y", "--to", "x"]);
  assert.deepEqual(parsed?.values, { to: ["x", "y", "x"], mode: [] });
  assert.throws(
    () => parseCommandLine(spec, ["--mode", "a", "--mode", "c"]),
    /Invalid --mode "c": expected a or b/,
  );
});

Deno.test("parseCommandLine() returns null for -h and --help", () => {
  assert.equal(parseCommandLine(SPEC, ["--bogus", "-h"]), null);
  assert.equal(parseCommandLine(SPEC, ["--help"]), null);
  assert.notEqual(parseCommandLine(SPEC, ["--", "--help"]), null);
});

Deno.test("parseCommandLine() refuses what does not fit with one sentence", () => {
  assert.equal(usage(["--bogus"]), 'Unknown option "--bogus"');
  assert.equal(usage(["-x"]), 'Unknown option "-x"');
  assert.equal(usage(["--count"]), 'Option "--count" needs a value');
  assert.equal(usage(["-cf", "2"]), 'Option "-c" needs a value');
  assert.equal(usage(["--flag=1"]), 'Option "--flag" takes no value');
  assert.equal(
    usage(["--count", "abc"]),
    'Invalid --count "abc": expected an integer from 1 to 10',
  );
  assert.match(usage(["--count", "0"]), /expected an integer from 1 to 10/);
  assert.match(usage(["--count", "2.5"]), /expected an integer/);
  assert.match(usage(["--ratio", "-1"]), /expected a number of at least 0/);
  assert.match(usage(["--ratio", "1e3"]), /expected a number/);
  assert.match(usage(["--memory", "12"]), /expected a size .* of at least/);
  assert.equal(usage(["--mode", "c"]), 'Invalid --mode "c": expected a or b');
  assert.equal(
    usage(["a", "b", "c"]),
    "Too many arguments: expected at most 2, got 3",
  );
  const none = { ...SPEC, positionals: { max: 0 } };
  assert.throws(() => parseCommandLine(none, ["a"]), /Unexpected argument "a"/);
  const two = { ...SPEC, positionals: { min: 2, max: 2 } };
  assert.throws(() => parseCommandLine(two, ["a"]), /Missing arguments/);
});

Deno.test("parseSize() reads bytes with binary units", () => {
  assert.equal(parseSize("4096"), 4096);
  assert.equal(parseSize("64KiB"), 65536);
  assert.equal(parseSize("1m"), 1 << 20);
  assert.equal(parseSize("2G"), 2 * 2 ** 30);
  assert.ok(Number.isNaN(parseSize("1.5M")));
  assert.ok(Number.isNaN(parseSize("12 parsecs")));
});

Deno.test("integerArgument() checks a positional number", () => {
  assert.equal(integerArgument("port", "7", 0, 255), 7);
  assert.throws(
    () => integerArgument("port", "256", 0, 255),
    /Invalid port "256": expected an integer from 0 to 255/,
  );
  assert.throws(() => integerArgument("port", "-1", 0, 255), UsageError);
});
