// Command-line code prints to the terminal by design (STYLE.md §8).
// deno-lint-ignore-file no-console
/**
 * `midishare demo`: two applications of an in-process MidiShare (no server) exchange
 * scheduled notes on the real-time clock, and the receiver prints what arrives.
 *
 * @module
 */

import {
  createKernel,
  type MidiEv,
  typeKeyOff,
  typeKeyOn,
  typeNote,
} from "@midishare/client";
import { runCommand } from "./_args.ts";

const HELP = `Usage: midishare demo [--notes N]

Two applications of an in-process MidiShare (no server) exchange N notes
(default 8, at most 64) scheduled 100 ms apart; the receiver prints each one
with its date and the time it arrived.

Options:
  --notes N       how many notes (1 to 64)
  -h, --help      show this help`;

const SPEC = {
  name: "demo",
  help: HELP,
  options: { notes: { type: "integer", min: 1, max: 64, default: 8 } },
} as const;

/** Runs the demonstration; returns the exit code. */
export function run(args: string[]): Promise<number> {
  return runCommand(SPEC, args, ({ values }) => exchange(values.notes));
}

/** Sends `count` notes from one application to the other and prints them. */
async function exchange(count: number): Promise<number> {
  using ms = createKernel({ clock: "realtime" });
  const player = ms.MidiOpen("player"), listener = ms.MidiOpen("listener");
  ms.MidiConnect(player, listener, true);
  const done = Promise.withResolvers<void>();
  let received = 0;
  ms.MidiSetRcvAlarm(listener, (ref) => {
    for (let e = ms.MidiGetEv(ref); e !== null; e = ms.MidiGetEv(ref)) {
      console.log(describe(ms, e));
      ms.MidiFreeEv(e);
      if (++received === count) done.resolve();
    }
  });
  const start = ms.MidiGetTime() + 100;
  for (let i = 0; i < count; i++) {
    const note = ms.MidiNewEv(typeNote)!;
    ms.MidiSetField(note, 0, 60 + i);
    ms.MidiSetField(note, 1, 100);
    ms.MidiSetField(note, 2, 80);
    ms.MidiSendAt(player, note, start + 100 * i);
  }
  await done.promise;
  ms.MidiClose(player);
  ms.MidiClose(listener);
  return 0;
}

function describe(ms: ReturnType<typeof createKernel>, e: MidiEv): string {
  const names: Record<number, string> = {
    [typeNote]: "Note",
    [typeKeyOn]: "KeyOn",
    [typeKeyOff]: "KeyOff",
  };
  const fields = Array.from(
    { length: ms.MidiCountFields(e) },
    (_, i) => ms.MidiGetField(e, i),
  );
  return `date ${e.date} arrived ${ms.MidiGetTime()} from ${e.refNum}: ` +
    `${names[e.evType] ?? e.evType} chan ${e.chan} [${fields.join(" ")}]`;
}
