/**
 * Starts the RtMidi driver inside the kernel worker, as a client of the kernel with
 * an id above the socket clients', and hooks it into the loop. Without the library the
 * server runs on and says once which package brings hardware ports.
 *
 * Runs in the kernel worker at start-up. Not real-time safe.
 *
 * @module
 */

import { LocalHub, MIDIerrDriverLoad } from "@midishare/kernel";
import { logWarn, reportCallbackError } from "@midishare/transport/logger";
import {
  loadRtMidi,
  RtmidiDriver,
  type RtmidiStats,
} from "../drivers/rtmidi/mod.ts";
import type { KernelLoop } from "./kernel_loop.ts";
import type { MidiPortOptions } from "./messages.ts";
import { FIRST_INTERNAL_CLIENT } from "./shared_layout.ts";

/** Pacing of long SysEx on ALSA ports: the byte rate of a MIDI cable. */
const ALSA_SYSEX_RATE = 3125;

/**
 * Hooks the kernel worker's own clients into the loop and starts the RtMidi driver;
 * returns a function giving the driver's figures (null when there is no driver).
 */
export function startHardwarePorts(
  loop: KernelLoop,
  options: MidiPortOptions,
): () => RtmidiStats | null {
  if (options.api === "off") return () => null;
  // MIDISHARE_RTMIDI_LIBRARY names the library to load instead of the usual ones.
  const only = Deno.env.get("MIDISHARE_RTMIDI_LIBRARY");
  const loaded = only ? loadRtMidi([only]) : loadRtMidi();
  if (loaded.library === null) {
    logWarn(
      "hardware MIDI ports are off: the RtMidi library is not installed " +
        `(Debian package librtmidi6) or cannot be loaded (${loaded.reason})`,
    );
    loop.kernel.setErrorBits(MIDIerrDriverLoad);
    return () => null;
  }
  const hub = new LocalHub(loop.kernel, {
    firstClientId: FIRST_INTERNAL_CLIENT,
  });
  const clock = loop.clock;
  const driver = new RtmidiDriver(
    hub.connectClient({ reportError: reportCallbackError }),
    loaded.library,
    {
      api: options.api,
      virtualPorts: options.virtualPorts,
      clientName: "MidiShare",
      alsaSysexRate: ALSA_SYSEX_RATE,
      preciseTime: () =>
        performance.timeOrigin + performance.now() - clock.origin,
    },
  );
  loop.addHook({
    afterRequests: () => hub.drain(),
    afterTick: (now) => {
      hub.drain();
      driver.afterTick(now);
    },
    needsTicks: () => driver.needsTicks(),
  });
  driver.start();
  loop.setRescan(() => driver.rescan());
  return () => driver.stats();
}
