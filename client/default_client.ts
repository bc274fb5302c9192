/**
 * The default client behind the named exports of `mod.ts`: one per process, created
 * on first use, passive until its first request.
 *
 * @module
 */

import { RemoteMidiShare, type RemoteOptions } from "./remote.ts";

let instance: RemoteMidiShare | null = null;

/** Creates a client of the MidiShare server with its own pool and connection. */
export function createClient(options: RemoteOptions = {}): RemoteMidiShare {
  return new RemoteMidiShare(options);
}

/** The process's default client (created on first call). */
export function defaultClient(): RemoteMidiShare {
  instance ??= new RemoteMidiShare();
  return instance;
}
