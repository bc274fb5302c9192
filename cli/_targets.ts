/**
 * What the tools name on their command lines: applications (a refnum or an exact
 * name) and MidiShare ports (a number, or the name of a driver's slot, such as a
 * JACK port). Private to `cli/`.
 *
 * @module
 */

import {
  createClient,
  MIDIerrIndex,
  type MidiShareClient,
} from "@midishare/client";

/** A client for tool `tool` on the server at `socket` (this user's by default). */
export function toolClient(
  tool: string,
  socket: string | undefined,
): MidiShareClient {
  return createClient({
    name: tool,
    ...(socket === undefined ? {} : { socketPath: socket }),
  });
}

/**
 * Opens the tool's application.
 * @throws {RangeError} when no refnum is free
 */
export async function openApplication(
  ms: MidiShareClient,
  name: string,
): Promise<number> {
  const ref = await ms.MidiOpen(name);
  if (ref < 0) throw new RangeError("Cannot open the application: no refnum");
  return ref;
}

/**
 * The applications named (refnums or exact names), in order; refnum 0, the
 * hardware ports, when none is named.
 */
export async function refnumsOf(
  ms: MidiShareClient,
  texts: readonly string[],
): Promise<number[]> {
  const refs = [];
  for (const text of texts) refs.push(await refnumOf(ms, text));
  return refs.length === 0 ? [0] : refs;
}

/** A refnum given as a number or an exact name. */
export async function refnumOf(
  ms: MidiShareClient,
  text: string,
): Promise<number> {
  const ref = /^\d+$/.test(text)
    ? Number(text)
    : await ms.MidiGetNamedAppl(text);
  if (ref === MIDIerrIndex || (await ms.MidiGetName(ref)) === null) {
    throw new RangeError(`No application or driver "${text}"`);
  }
  return ref;
}

/**
 * A MidiShare port given as a number (0..255), or as the exact name of a driver's
 * slot: the lowest port mapped to that slot.
 */
export async function portOf(
  ms: MidiShareClient,
  text: string,
): Promise<number> {
  if (/^\d+$/.test(text)) {
    const port = Number(text);
    if (port > 255) {
      throw new RangeError(`Invalid port "${text}": expected 0..255`);
    }
    return port;
  }
  await ms.MidiShare(); // the driver count is the server's
  for (let i = 1; i <= ms.MidiCountDrivers(); i++) {
    const drvRef = await ms.MidiGetIndDriver(i);
    const infos = await ms.MidiGetDriverInfos(drvRef);
    for (let s = 1; s <= (infos?.slots ?? 0); s++) {
      const slot = await ms.MidiGetIndSlot(drvRef, s);
      const slotInfos = await ms.MidiGetSlotInfos(slot);
      if (slotInfos?.name !== text) continue;
      const byteIndex = slotInfos.cnx.findIndex((byte) => byte !== 0);
      if (byteIndex < 0) {
        throw new RangeError(`Slot "${text}" is mapped to no MidiShare port`);
      }
      return byteIndex * 8 + firstBit(slotInfos.cnx[byteIndex]!);
    }
  }
  throw new RangeError(`No port or slot "${text}"`);
}

function firstBit(byte: number): number {
  for (let bit = 0; bit < 8; bit++) if (byte & (1 << bit)) return bit;
  return 0;
}
