/**
 * The default client behind the named exports of `mod.ts`: one per process, created
 * on first use, passive until its first request.
 *
 * @module
 */

import {
  createRemoteClient,
  type MidiShareClient,
  type RemoteOptions,
} from "./remote.ts";

let instance: MidiShareClient | null = null;

/** Creates a client of the MidiShare server with its own pool and connection. */
export function createClient(options: RemoteOptions = {}): MidiShareClient {
  return createRemoteClient(options);
}

/** The process's default client (created on first call). */
export function defaultClient(): MidiShareClient {
  instance ??= createRemoteClient();
  return instance;
}
