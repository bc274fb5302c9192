// Command-line code prints to the terminal by design (STYLE.md §8).
// deno-lint-ignore-file no-console
/**
 * `midishare connect`: lists, makes and breaks connections between applications (like
 * `aconnect`), and maps MidiShare ports to driver slots.
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  createClient,
  isMidiShareError,
  MIDIerrIndex,
  type MidiShareClient,
} from "@midishare/client";
import { run as status } from "./status.ts";

const HELP = `Usage: midishare connect [options] [SOURCE DEST]

  midishare connect                   list applications, drivers and connections
  midishare connect SOURCE DEST       connect SOURCE to DEST
  midishare connect -d SOURCE DEST    disconnect them
  midishare connect --slot PORT DRIVER SLOT
                                      map MidiShare port PORT to a driver's slot
  midishare connect -d --slot PORT DRIVER SLOT
                                      remove that mapping
  midishare connect --rescan          look at the hardware ports now

SOURCE, DEST and DRIVER are refnums or exact names; SLOT is a slot number or
name. Applications connect to applications, drivers to drivers (0 and 127 are
MidiShare's own images). It never starts a server.

Options:
  -d, --disconnect   break instead of make
      --slot         work on a port-to-slot mapping
      --socket PATH  the server's socket (default: this user's)
  -h, --help         show this help`;

/** Runs the command; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        disconnect: { type: "boolean", short: "d" },
        slot: { type: "boolean" },
        rescan: { type: "boolean" },
        socket: { type: "string" },
        list: { type: "boolean", short: "l" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const socketArgs = values.socket === undefined
    ? []
    : ["--socket", values.socket];
  if (values.rescan) return await rescan(values.socket);
  if (positionals.length === 0) return await status(socketArgs);
  const expected = values.slot ? 3 : 2;
  if (positionals.length !== expected) {
    console.error(
      `Expected ${expected} arguments, got ${positionals.length}\n\n${HELP}`,
    );
    return 2;
  }
  const ms = createClient({
    autoStart: false,
    name: "connect",
    ...(values.socket === undefined ? {} : { socketPath: values.socket }),
  });
  try {
    const state = !values.disconnect;
    if (values.slot) return await mapSlot(ms, positionals, state);
    const [src, dst] = [
      await refnum(ms, positionals[0]!),
      await refnum(ms, positionals[1]!),
    ];
    ms.MidiConnect(src, dst, state);
    const isConnected = await ms.MidiIsConnected(src, dst);
    if (isConnected !== state) {
      console.error(
        `Cannot ${state ? "connect" : "disconnect"} ${src} and ${dst}: ` +
          "an application and a driver cannot be connected",
      );
      return 1;
    }
    console.log(`${src} -> ${dst}: ${state ? "connected" : "disconnected"}`);
    return 0;
  } catch (error) {
    if (error instanceof RangeError || isMidiShareError(error)) {
      console.error(error.message);
      return 1;
    }
    throw error;
  } finally {
    await ms.close();
  }
}

async function rescan(socketPath: string | undefined): Promise<number> {
  const ms = createClient({
    autoStart: false,
    name: "connect",
    ...(socketPath === undefined ? {} : { socketPath }),
  });
  try {
    const slots = await ms.rescanPorts();
    console.log(
      slots < 0
        ? "no hardware driver (RtMidi is off)"
        : `${slots} hardware slots`,
    );
    return slots < 0 ? 1 : 0;
  } catch (error) {
    if (!isMidiShareError(error)) throw error;
    console.error(error.message);
    return 1;
  } finally {
    await ms.close();
  }
}

/** A refnum given as a number or an exact name. */
async function refnum(ms: MidiShareClient, text: string): Promise<number> {
  if (/^\d+$/.test(text)) {
    const ref = Number(text);
    if (await ms.MidiGetName(ref) === null) {
      throw new RangeError(`No application or driver has refnum ${ref}`);
    }
    return ref;
  }
  const ref = await ms.MidiGetNamedAppl(text);
  if (ref === MIDIerrIndex) {
    throw new RangeError(`No application or driver is named "${text}"`);
  }
  return ref;
}

async function mapSlot(
  ms: MidiShareClient,
  [portText, driverText, slotText]: string[],
  state: boolean,
): Promise<number> {
  const port = Number(portText);
  if (!/^\d+$/.test(portText!) || port > 255) {
    throw new RangeError(`Invalid port "${portText}": expected 0..255`);
  }
  const drvRef = await refnum(ms, driverText!);
  const infos = await ms.MidiGetDriverInfos(drvRef);
  if (infos === null) throw new RangeError(`Refnum ${drvRef} is not a driver`);
  let slotRef = -1;
  for (let i = 1; i <= infos.slots; i++) {
    const slot = await ms.MidiGetIndSlot(drvRef, i);
    const slotInfos = await ms.MidiGetSlotInfos(slot);
    if (String(slot.slotRef) === slotText || slotInfos?.name === slotText) {
      slotRef = slot.slotRef;
      break;
    }
  }
  if (slotRef < 0) {
    throw new RangeError(`Driver ${drvRef} has no slot "${slotText}"`);
  }
  const slot = { drvRef, slotRef };
  ms.MidiConnectSlot(port, slot, state);
  await ms.MidiIsSlotConnected(port, slot);
  console.log(
    `port ${port} ${state ? "<->" : "-/-"} ${infos.name} slot ${slotRef}: ` +
      (state ? "mapped" : "unmapped"),
  );
  return 0;
}
