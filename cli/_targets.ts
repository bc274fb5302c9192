/**
 * What the tools name on their command lines: applications (a refnum or an exact
 * name) and MidiShare ports (a number, or the name of a driver's slot, such as a
 * JACK port). Private to `cli/`.
 *
 * @module
 */

import { MIDIerrIndex, type MidiShareClient } from "@midishare/client";

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
