// Command-line code prints to the terminal by design (STYLE.md §8).
// deno-lint-ignore-file no-console
/**
 * The command line of the binary: `midishare <command> [options]`.
 *
 * @module
 */

import { usageFailure } from "./_args.ts";

/** A subcommand module: its entry point. */
interface CommandModule {
  run(args: string[]): Promise<number> | number;
}

/** A subcommand: its one-line summary and how to load it. */
interface Command {
  summary: string;
  // Loaded when chosen: a command's dependencies (the page's type stripper, the
  // network driver) cost nothing to the others, the server above all.
  load(): Promise<CommandModule>;
}

const COMMANDS: Record<string, Command> = {
  serve: {
    summary: "run the MidiShare server",
    load: () => import("./serve.ts"),
  },
  status: {
    summary: "show the server, applications, drivers, connections",
    load: () => import("./status.ts"),
  },
  connect: {
    summary: "list, make and break connections (like aconnect)",
    load: () => import("./connect.ts"),
  },
  display: {
    summary: "print every event an application receives",
    load: () => import("./display.ts"),
  },
  inet: {
    summary: "the Internet (LAN and WAN) network driver",
    load: () => import("./inet.ts"),
  },
  web: {
    summary: "serve the patchbay page: graph, monitor, health",
    load: () => import("./web.ts"),
  },
  play: { summary: "play a MIDI file", load: () => import("./play.ts") },
  record: {
    summary: "record what arrives into a MIDI file",
    load: () => import("./record.ts"),
  },
  clock: {
    summary: "send MIDI clock and a metronome click",
    load: () => import("./clock.ts"),
  },
  echo: {
    summary: "echo every note it receives (msEcho)",
    load: () => import("./echo.ts"),
  },
  demo: {
    summary: "two in-process applications exchange notes",
    load: () => import("./demo.ts"),
  },
};

/** Runs the subcommand named by `args[0]`; returns the exit code. */
export async function runMain(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (
    name === undefined || name === "--help" || name === "-h" || name === "help"
  ) {
    if (name !== undefined) {
      printUsage(console.log);
      return 0;
    }
    printUsage(console.error);
    return 2;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    return usageFailure("", `Unknown command "${name}"`);
  }
  return await (await command.load()).run(rest);
}

function printUsage(print: (line: string) => void): void {
  print("Usage: midishare <command> [options]\n\nCommands:");
  for (const [name, command] of Object.entries(COMMANDS)) {
    print(`  ${name.padEnd(10)} ${command.summary}`);
  }
  print('\n"midishare <command> --help" describes a command.');
}
