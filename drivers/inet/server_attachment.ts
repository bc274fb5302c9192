/**
 * Attaching the Inet driver to the local MidiShare server (spec inet.md §2.3 steps
 * 1 and 4): the driver never starts a server itself (its applications would not keep
 * an on-demand one running); it waits until one answers, then checks that no
 * application of its own name runs there.
 *
 * Runs in the Inet driver process. Not real-time safe.
 *
 * @module
 */

import type { MidiShareClient } from "@midishare/client";

/** How often the driver looks for a server while none answers, ms. */
const POLL_MS = 250;

/**
 * The outcome of {@link attachToServer}:
 * - `"attached"`: a server answers and no application has the driver's name;
 * - `"duplicate"`: an application of that name runs (logged; exit status 1);
 * - `"ended"`: the driver ended while waiting.
 */
export type Attachment = "attached" | "duplicate" | "ended";

/** Options of {@link attachToServer}. */
export interface AttachmentOptions {
  /** The driver's application name (spec §1.3). */
  readonly name: string;
  /** Logs one line, dated or not. */
  readonly log: (line: string, isDated: boolean) => void;
  /** Whether the driver ends (stops waiting). */
  readonly isEnding: () => boolean;
}

/**
 * Waits for a server and checks the driver's name there.
 *
 * @param ms The driver's client (`autoStart: false`).
 * @param options Name, log and the end condition.
 * @returns See {@link Attachment}.
 */
export async function attachToServer(
  ms: MidiShareClient,
  options: AttachmentOptions,
): Promise<Attachment> {
  const { name, log } = options;
  let isWaiting = false;
  while (!options.isEnding()) {
    if (await ms.reconnect()) {
      try {
        if (await ms.MidiGetNamedAppl(name) >= 0) {
          log(`Cannot launch ${name}: ${name} is already running`, false);
          return "duplicate";
        }
        if (isWaiting) log(`${name}: MidiShare server found`, true);
        return "attached";
      } catch {
        // The server went away meanwhile: wait for the next one.
      }
    } else if (!isWaiting) {
      isWaiting = true;
      log(
        `${name}: no MidiShare server answers on ${ms.socketPath}:` +
          " waiting for one",
        true,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return "ended";
}
