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

/** The methods of a client, bound, so they can be exported as plain functions. */
export function bindCalls(client: RemoteMidiShare): RemoteMidiShare {
  const bound: Record<string, unknown> = {};
  let proto: object | null = Object.getPrototypeOf(client);
  while (proto !== null && proto !== Object.prototype) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (!name.startsWith("Midi") || name in bound) continue;
      const fn = (client as unknown as Record<string, unknown>)[name];
      if (typeof fn === "function") bound[name] = fn.bind(client);
    }
    proto = Object.getPrototypeOf(proto);
  }
  return bound as unknown as RemoteMidiShare;
}
