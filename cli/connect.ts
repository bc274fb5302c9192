// Command-line code prints to the terminal by design (STYLE.md §8).
// deno-lint-ignore-file no-console
/**
 * `midishare connect`: lists, makes and breaks connections between applications (like
 * `aconnect`), and maps MidiShare ports to driver slots.
 *
 * @module
 */

import {
  createClient,
  isMidiShareError,
  MIDIerrIndex,
  type MidiShareClient,
} from "@midishare/client";
import { integerArgument, runCommand, UsageError } from "./_args.ts";
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
      --rescan       read the hardware port lists now
      --socket PATH  the server's socket (default: this user's)
  -l, --list         list (the same as no arguments)
  -h, --help         show this help

Exit code: 0 when done, 1 when the server does not run or refuses, or when
there is nothing to disconnect; 2 for a bad command line.`;

const SPEC = {
  name: "connect",
  help: HELP,
  options: {
    disconnect: { type: "boolean", short: "d" },
    slot: { type: "boolean" },
    rescan: { type: "boolean" },
    socket: { type: "string" },
    list: { type: "boolean", short: "l" },
  },
  positionals: { max: 3 },
} as const;

/** Runs the command; returns the exit code. */
export function run(args: string[]): Promise<number> {
  return runCommand(SPEC, args, async ({ values, positionals }) => {
    const socketArgs = values.socket === undefined
      ? []
      : ["--socket", values.socket];
    const action = values.rescan ? "--rescan" : values.list ? "--list" : null;
    if (action !== null) {
      if (positionals.length > 0 || values.slot || values.disconnect) {
        throw new UsageError(`${action} takes no other argument`);
      }
      return values.rescan
        ? await rescan(values.socket)
        : await status(socketArgs);
    }
    if (positionals.length === 0 && !values.slot && !values.disconnect) {
      return await status(socketArgs);
    }
    const expected = values.slot ? 3 : 2;
    if (positionals.length !== expected) {
      throw new UsageError(
        `Expected ${expected} arguments (${
          values.slot ? "PORT DRIVER SLOT" : "SOURCE DEST"
        }), got ${positionals.length}`,
      );
    }
    const port = values.slot
      ? integerArgument("port", positionals[0]!, 0, 255)
      : 0;
    // Refnums are checked before anything is asked: only names need the server.
    for (const text of values.slot ? positionals.slice(1, 2) : positionals) {
      if (/^\d+$/.test(text)) integerArgument("refnum", text, 0, 127);
    }
    const ms = createClient({
      autoStart: false,
      name: "connect",
      ...(values.socket === undefined ? {} : { socketPath: values.socket }),
    });
    try {
      const state = !values.disconnect;
      if (values.slot) return await mapSlot(ms, port, positionals, state);
      return await connect(ms, positionals, state);
    } catch (error) {
      if (error instanceof RangeError || isMidiShareError(error)) {
        console.error(error.message);
        return 1;
      }
      throw error;
    } finally {
      await ms.close();
    }
  });
}

/** Connects or disconnects two applications (or drivers) given by refnum or name. */
async function connect(
  ms: MidiShareClient,
  [srcText, dstText]: string[],
  state: boolean,
): Promise<number> {
  const src = await refnum(ms, srcText!);
  const dst = await refnum(ms, dstText!);
  if (!state && !await ms.MidiIsConnected(src, dst)) {
    console.error(
      `Cannot disconnect ${src} from ${dst}: they are not connected`,
    );
    return 1;
  }
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
  port: number,
  [, driverText, slotText]: string[],
  state: boolean,
): Promise<number> {
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
  if (!state && !await ms.MidiIsSlotConnected(port, slot)) {
    console.error(
      `Cannot unmap port ${port} from ${infos.name} slot ${slotRef}: it is not mapped`,
    );
    return 1;
  }
  ms.MidiConnectSlot(port, slot, state);
  await ms.MidiIsSlotConnected(port, slot);
  console.log(
    `port ${port} ${state ? "<->" : "-/-"} ${infos.name} slot ${slotRef}: ` +
      (state ? "mapped" : "unmapped"),
  );
  return 0;
}
