// Command-line code prints to the terminal by design (STYLE.md §8).
// deno-lint-ignore-file no-console
/**
 * The one way the subcommands read their command line: typed options (booleans,
 * strings with their allowed choices, integers, numbers and sizes with their
 * ranges), positional arguments counted, `-h`/`--help` printing the command's help.
 * A command line that does not fit is one line on standard error and exit status 2
 * (a {@link UsageError}, printed by {@link usageFailure}), never a stack trace.
 * Private to `cli/`.
 *
 * Syntax: `--name value`, `--name=value`, `-x value`, short booleans together
 * (`-dh`); `--` ends the options. An option given twice keeps its last value,
 * unless it is `multiple`: then every value is kept, in order.
 *
 * @module
 */

/** What an option takes. */
export type OptionType = "boolean" | "string" | "integer" | "number" | "size";

/** One option of a command. */
export interface OptionSpec {
  /** What the option takes: a size is bytes, written `4096`, `64KiB`, `1M`... */
  readonly type: OptionType;
  /** A one-letter alias, without its dash. */
  readonly short?: string;
  /** The value used when the option is absent. */
  readonly default?: string | number;
  /** The smallest number allowed (integers, numbers, sizes). */
  readonly min?: number;
  /** The largest number allowed (integers, numbers, sizes). */
  readonly max?: number;
  /** The values a string may take. */
  readonly choices?: readonly string[];
  /** What the error message says was expected, e.g. "milliseconds". */
  readonly expect?: string;
  /** Whether a string option may be repeated: its values are a list, [] when absent. */
  readonly multiple?: boolean;
}

/** The command line of one subcommand. */
export interface CommandSpec<O extends Record<string, OptionSpec>> {
  /** The subcommand's name, as typed after `midishare`. */
  readonly name: string;
  /** What `--help` prints. */
  readonly help: string;
  /** Its options by long name (`help` is added). */
  readonly options: O;
  /** How many positional arguments it takes: default none. */
  readonly positionals?: { readonly min?: number; readonly max?: number };
}

type ValueOf<S extends OptionSpec> = S["type"] extends "boolean" ? boolean
  : S["type"] extends "string" ? string
  : number;

/**
 * The parsed options: booleans and lists (`multiple`) are always there, others when
 * given or defaulted.
 */
export type OptionValues<O extends Record<string, OptionSpec>> = {
  -readonly [K in keyof O]: O[K] extends { multiple: true } ? string[]
    : O[K]["type"] extends "boolean" ? boolean
    : O[K] extends { default: string | number } ? ValueOf<O[K]>
    : ValueOf<O[K]> | undefined;
};

/** A parsed command line. */
export interface ParsedArgs<O extends Record<string, OptionSpec>> {
  /** The options, typed and checked. */
  values: OptionValues<O>;
  /** The arguments that are not options, in order. */
  positionals: string[];
}

/**
 * A command line that does not fit its command: what {@link runCommand} turns into
 * one line on standard error and its exit status (2 unless told otherwise).
 */
export class UsageError extends Error {
  override name = "UsageError";
  /** The exit status: 2 for the subcommands of `main.ts`. */
  readonly status: number;

  /** A usage error saying `message`, ending the command with `status`. */
  constructor(message: string, options: { status?: number } = {}) {
    super(message);
    this.status = options.status ?? 2;
  }
}

/**
 * Prints the one line of a usage error on standard error and returns the exit
 * status: `midishare <command>: <message>; see "midishare <command> --help"`.
 * @param command the subcommand ("" for `midishare` itself)
 * @param message what does not fit, in a sentence without a final period
 * @param status the exit status to return (default 2)
 * @returns `status`
 */
export function usageFailure(
  command: string,
  message: string,
  status = 2,
): number {
  const name = command === "" ? "midishare" : `midishare ${command}`;
  console.error(`${name}: ${message}; see "${name} --help"`);
  return status;
}

/**
 * Parses and checks `args` against `spec`; null when `-h` or `--help` is among the
 * options (before a `--`), whatever else is there.
 * @throws {UsageError} for an unknown option, a missing or bad value, or a wrong
 * number of positional arguments
 */
export function parseCommandLine<O extends Record<string, OptionSpec>>(
  spec: CommandSpec<O>,
  args: readonly string[],
): ParsedArgs<O> | null {
  const end = args.indexOf("--");
  const isHelp = args.slice(0, end < 0 ? args.length : end).some((arg) =>
    arg === "-h" || arg === "--help"
  );
  if (isHelp) return null;
  const options: Record<string, OptionSpec> = spec.options;
  const shorts = new Map<string, string>();
  for (const [name, option] of Object.entries(options)) {
    if (option.short !== undefined) shorts.set(option.short, name);
  }
  const raw = new Map<string, string[] | true>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg === "-" || !arg.startsWith("-")) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const isLong = arg.startsWith("--");
    let names: string[];
    let inline: string | undefined;
    if (isLong) {
      names = [eq < 0 ? arg.slice(2) : arg.slice(2, eq)];
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
    } else {
      const letters = [...arg.slice(1)];
      names = letters.map((c) => c === "h" ? "help" : shorts.get(c) ?? `-${c}`);
    }
    for (const [k, name] of names.entries()) {
      const shown = isLong ? `--${name}` : `-${[...arg.slice(1)][k]}`;
      if (name === "help") return null; // within a group such as -dh
      const option = options[name];
      if (option === undefined || name.startsWith("-")) {
        throw new UsageError(`Unknown option "${shown}"`);
      }
      if (option.type === "boolean") {
        if (inline !== undefined) {
          throw new UsageError(`Option "${shown}" takes no value`);
        }
        raw.set(name, true);
        continue;
      }
      // A short option that takes a value must be the last of its group.
      if (k !== names.length - 1) {
        throw new UsageError(`Option "${shown}" needs a value`);
      }
      const value = inline ?? args[++i];
      if (value === undefined) {
        throw new UsageError(`Option "${shown}" needs a value`);
      }
      raw.set(name, [...(raw.get(name) as string[] | undefined) ?? [], value]);
    }
  }
  const values: Record<string, unknown> = {};
  for (const [name, option] of Object.entries(options)) {
    const given = raw.get(name);
    const texts = given === true ? [] : given ?? [];
    if (option.type === "boolean") values[name] = given === true;
    else if (option.multiple === true) {
      values[name] = texts.map((text) => checkValue(name, option, text));
    } else if (texts.length > 0) {
      values[name] = checkValue(name, option, texts.at(-1)!);
    } else if (option.default !== undefined) values[name] = option.default;
  }
  const min = spec.positionals?.min ?? 0;
  const max = spec.positionals?.max ?? 0;
  if (positionals.length > max) {
    throw new UsageError(
      max === 0
        ? `Unexpected argument "${positionals[0]}"`
        : `Too many arguments: expected at most ${max}, got ${positionals.length}`,
    );
  }
  if (positionals.length < min) {
    throw new UsageError(
      `Missing arguments: expected at least ${min}, got ${positionals.length}`,
    );
  }
  return { values: values as OptionValues<O>, positionals };
}

/**
 * Parses `args` and runs `body` with them; prints the help for `-h`/`--help`, and
 * turns a {@link UsageError} (from the parser or thrown by `body`) into one line on
 * standard error and its status.
 * @returns the exit code
 */
export async function runCommand<O extends Record<string, OptionSpec>>(
  spec: CommandSpec<O>,
  args: readonly string[],
  body: (parsed: ParsedArgs<O>) => Promise<number> | number,
): Promise<number> {
  try {
    const parsed = parseCommandLine(spec, args);
    if (parsed === null) {
      console.log(spec.help);
      return 0;
    }
    return await body(parsed);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    return usageFailure(spec.name, error.message, error.status);
  }
}

const SIZE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1 << 10,
  kib: 1 << 10,
  m: 1 << 20,
  mib: 1 << 20,
  g: 1 << 30,
  gib: 1 << 30,
};

/** A size such as "4096", "64KiB", "32MiB" or "1G" in bytes; NaN when unreadable. */
export function parseSize(text: string): number {
  const match = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const unit = match === null ? undefined : SIZE_UNITS[match[2]!.toLowerCase()];
  return unit === undefined ? NaN : Number(match![1]) * unit;
}

/**
 * Reads a positional number: an integer in `[min, max]`.
 * @throws {UsageError} when `text` is not one
 */
export function integerArgument(
  what: string,
  text: string,
  min: number,
  max: number,
): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    throw new UsageError(
      `Invalid ${what} "${text}": expected an integer from ${min} to ${max}`,
    );
  }
  return n;
}

function checkValue(name: string, option: OptionSpec, text: string): unknown {
  if (option.type === "string") {
    if (option.choices !== undefined && !option.choices.includes(text)) {
      throw new UsageError(
        `Invalid --${name} "${text}": expected ${
          option.expect ?? orList(option.choices)
        }`,
      );
    }
    return text;
  }
  const n = option.type === "size"
    ? parseSize(text)
    : /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text.trim())
    ? Number(text)
    : NaN;
  const isWhole = option.type !== "number";
  if (
    !Number.isFinite(n) || (isWhole && !Number.isInteger(n)) ||
    (option.min !== undefined && n < option.min) ||
    (option.max !== undefined && n > option.max)
  ) {
    throw new UsageError(
      `Invalid --${name} "${text}": expected ${
        option.expect ?? describeNumber(option)
      }`,
    );
  }
  return n;
}

function describeNumber(option: OptionSpec): string {
  const noun = option.type === "integer"
    ? "an integer"
    : option.type === "size"
    ? "a size in bytes (4096, 64KiB, 1MiB...)"
    : "a number";
  const { min, max } = option;
  if (min !== undefined && max !== undefined) {
    return `${noun} from ${min} to ${max}`;
  }
  if (min !== undefined) return `${noun} of at least ${min}`;
  if (max !== undefined) return `${noun} of at most ${max}`;
  return noun;
}

function orList(choices: readonly string[]): string {
  return choices.length < 2
    ? choices.join("")
    : `${choices.slice(0, -1).join(", ")} or ${choices.at(-1)}`;
}
