// Helpers of the RtMidi integration tests: event types and slot commands, the
// driver's slots from the server's status, `jack_midi_dump` output, and a server
// and applications on a JACK server.

import {
  type Agent,
  type ServerProcess,
  startServer,
  waitFor,
} from "./_harness.ts";
import type { JackServer } from "./_jack.ts";

/** Event types and slot commands of MidiShare used by the tests. */
export const typeKeyOn = 1;
export const typeKeyOff = 2;
export const typeCtrlChange = 4;
export const typeProgChange = 5;
export const typePitchWheel = 7;
export const typeSysEx = 17;
export const typeNote = 0;
export const typeCtrl14b = 131;
export const typeClock = 10;
export const typeStart = 11;
export const typeActiveSens = 15;
export const MIDIRemoveSlot = 15;
export const MIDIAddSlot = 14;

/** A slot of the RtMidi driver, as the server's status lists it. */
export interface Slot {
  slotRef: number;
  name: string;
  direction: number;
  ports: number[];
}

/** An event an agent received, with its fields. */
export interface Received {
  type: number;
  date: number;
  arrival: number;
  port: number;
  chan: number;
  refNum: number;
  fields: number[];
}

/** The RtMidi driver's slots, from the server's status. */
export async function slots(
  agent: Agent,
): Promise<{ ref: number; slots: Slot[] }> {
  const status = await agent.run("status") as {
    refnums: { refNum: number; name: string; slots?: Slot[] }[];
  };
  const driver = status.refnums.find((r) => r.name === "RtMidi");
  return { ref: driver?.refNum ?? -1, slots: driver?.slots ?? [] };
}

/** The MidiShare port mapped to the slot named `name`, once it exists. */
export async function portOf(agent: Agent, name: string): Promise<number> {
  return await waitFor(async () => {
    const slot = (await slots(agent)).slots.find((s) => s.name === name);
    return slot?.ports[0];
  }, `a slot for "${name}"`);
}

/** The MIDI messages `jack_midi_dump` printed, as byte lists, with their times. */
export function dumped(text: string): { time: number; bytes: number[] }[] {
  const out = [];
  for (const line of text.split("\n")) {
    const m = /^\s*(\d+):\s+(.*)$/.exec(line);
    if (m === null) continue;
    const bytes = [];
    for (const token of m[2]!.split(/\s+/)) {
      if (!/^[0-9a-f]{2}$/.test(token)) break;
      bytes.push(parseInt(token, 16));
    }
    out.push({ time: Number(m[1]), bytes });
  }
  return out;
}

/** A server on `jack` with hardware ports through JACK and the options given. */
export function startServerOnJack(
  jack: JackServer,
  ...options: string[]
): Promise<ServerProcess> {
  return startServer({
    args: ["--midi-api", "jack", ...options],
    env: jack.env,
  });
}

/** Opens an application connected both ways to the RtMidi driver (refnum 0). */
export async function openApp(agent: Agent, name: string): Promise<number> {
  const ref = await agent.call("MidiOpen", name) as number;
  await agent.call("MidiConnect", ref, 0, true);
  await agent.call("MidiConnect", 0, ref, true);
  return ref;
}
