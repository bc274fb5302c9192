// Command-line code prints to the terminal by design (STYLE.md §8).
// deno-lint-ignore-file no-console
/**
 * The command line of the binary: `midishare <command> [options]`.
 *
 * @module
 */

import * as demo from "./demo.ts";
import * as clock from "./clock.ts";
import * as connect from "./connect.ts";
import * as display from "./display.ts";
import * as inet from "./inet.ts";
import * as echo from "./echo.ts";
import * as play from "./play.ts";
import * as record from "./record.ts";
import * as serve from "./serve.ts";
import * as status from "./status.ts";
import * as web from "./web.ts";
import { usageFailure } from "./_args.ts";

/** A subcommand: its one-line summary and its entry point. */
interface Command {
  summary: string;
  run(args: string[]): Promise<number> | number;
}

const COMMANDS: Record<string, Command> = {
  serve: { summary: "run the MidiShare server", run: serve.run },
  status: {
    summary: "show the server, applications, drivers, connections",
    run: status.run,
  },
  connect: {
    summary: "list, make and break connections (like aconnect)",
    run: connect.run,
  },
  display: {
    summary: "print every event an application receives",
    run: display.run,
  },
  inet: {
    summary: "the Internet (LAN and WAN) network driver",
    run: inet.run,
  },
  web: {
    summary: "serve the patchbay page: graph, monitor, health",
    run: web.run,
  },
  play: { summary: "play a MIDI file", run: play.run },
  record: { summary: "record what arrives into a MIDI file", run: record.run },
  clock: { summary: "send MIDI clock and a metronome click", run: clock.run },
  echo: { summary: "echo every note it receives (msEcho)", run: echo.run },
  demo: {
    summary: "two in-process applications exchange notes",
    run: demo.run,
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
  return await command.run(rest);
}

function printUsage(print: (line: string) => void): void {
  print("Usage: midishare <command> [options]\n\nCommands:");
  for (const [name, command] of Object.entries(COMMANDS)) {
    print(`  ${name.padEnd(10)} ${command.summary}`);
  }
  print('\n"midishare <command> --help" describes a command.');
}
