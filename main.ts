/**
 * The single entry point of the MidiShare binary: picks a subcommand of `cli/` and
 * exits with its code.
 *
 * @module
 */

import { runMain } from "./cli/main_command.ts";

if (import.meta.main) Deno.exit(await runMain(Deno.args));
