// Command-line code prints to the terminal by design (STYLE.md §8).
// deno-lint-ignore-file no-console
/**
 * `midishare demo`: two applications of an in-process MidiShare (no server) exchange
 * scheduled notes on the real-time clock, and the receiver prints what arrives.
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  createKernel,
  type MidiEv,
  typeKeyOff,
  typeKeyOn,
  typeNote,
} from "@midishare/client";

/** Runs the demonstration; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      notes: { type: "string", default: "8" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(
      "Usage: midishare demo [--notes N]\n\n" +
        "Two applications of an in-process MidiShare (no server) exchange N\n" +
        "notes scheduled 100 ms apart; the receiver prints each one with its\n" +
        "date and the time it arrived.",
    );
    return 0;
  }
  const count = Number(values.notes);
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
