/**
 * The connection memory of remote applications (spec §7.8, ApplState, D17): for each
 * remote, the names of the local applications connected to it (inputs) and of those
 * it is connected to (outputs); reconnection by name when a local application opens;
 * save under the peer's address when the remote closes and restore when a remote for
 * that address opens again (New, unless disabled).
 *
 * Pure bookkeeping: it returns the connections to make, and the station turns them
 * into `connectApplication` effects. Runs in the Inet driver; not real-time safe.
 *
 * @module
 */

import type {
  ConnectionDirection,
  LocalApplication,
  RemoteId,
} from "./station_effects.ts";

/** One connection to make between a local application and a remote application. */
export interface Reconnection {
  /** The remote. */
  readonly id: RemoteId;
  /** The local application's name. */
  readonly name: string;
  /** `toRemote`: the application sends to the peer; `fromRemote`: it hears it. */
  readonly direction: ConnectionDirection;
}

/** The two name lists of one remote application. */
export interface ConnectionLists {
  /** Names of the applications connected to the remote application. */
  readonly inputs: readonly string[];
  /** Names of the applications the remote application is connected to. */
  readonly outputs: readonly string[];
}

/** See the module documentation. */
export interface ConnectionMemory {
  /**
   * Starts the lists of a remote whose application has opened for `address`; with
   * restore on, loads the lists saved for that address and returns the connections
   * that re-create them (the program skips names that do not exist).
   */
  open(id: RemoteId, address: string): Reconnection[];
  /**
   * Recomputes the lists of remote `id` from the applications open now (spec §7.8):
   * each listed application's name is added or removed; names of applications not
   * open now are kept, so a program that quits is reconnected when it returns.
   */
  update(id: RemoteId, applications: readonly LocalApplication[]): void;
  /** The connections to make now that an application called `name` opened. */
  applicationOpened(name: string): Reconnection[];
  /** Forgets remote `id`; with restore on, saves its lists under its address. */
  close(id: RemoteId): void;
  /** The lists of an open remote, or null. */
  lists(id: RemoteId): ConnectionLists | null;
  /** Addresses with saved lists (bounded by the peers that ever opened). */
  readonly savedCount: number;
}

/**
 * Creates an empty memory.
 *
 * @param options `restores`: whether lists are saved and restored across a remote's
 *   disappearance (the `--no-restore` option turns it off).
 * @returns The memory.
 * @example A peer leaves and comes back: its connection is restored
 * ```ts
 * import assert from "node:assert/strict";
 * import { createConnectionMemory } from "./connection_memory.ts";
 *
 * const memory = createConnectionMemory({ restores: true });
 * memory.open(1, "10.0.0.2");
 * memory.update(1, [{ name: "synth", sendsToRemote: false, hearsRemote: true }]);
 * memory.close(1);
 * assert.deepEqual(memory.open(2, "10.0.0.2"), [
 *   { id: 2, name: "synth", direction: "fromRemote" },
 * ]);
 * ```
 * @see spec inet.md §7.8
 */
export function createConnectionMemory(
  options: { readonly restores: boolean },
): ConnectionMemory {
  return new ConnectionMemoryImpl(options.restores);
}

interface Entry {
  readonly address: string;
  readonly inputs: Set<string>;
  readonly outputs: Set<string>;
}

class ConnectionMemoryImpl implements ConnectionMemory {
  readonly #restores: boolean;
  readonly #open = new Map<RemoteId, Entry>();
  readonly #saved = new Map<
    string,
    { inputs: readonly string[]; outputs: readonly string[] }
  >();

  constructor(restores: boolean) {
    this.#restores = restores;
  }

  get savedCount(): number {
    return this.#saved.size;
  }

  open(id: RemoteId, address: string): Reconnection[] {
    const saved = this.#restores ? this.#saved.get(address) : undefined;
    const entry: Entry = {
      address,
      inputs: new Set(saved?.inputs),
      outputs: new Set(saved?.outputs),
    };
    this.#open.set(id, entry);
    return reconnections(id, entry, null);
  }

  update(id: RemoteId, applications: readonly LocalApplication[]): void {
    const entry = this.#open.get(id);
    if (entry === undefined) return;
    for (const app of applications) {
      setMember(entry.inputs, app.name, app.sendsToRemote);
      setMember(entry.outputs, app.name, app.hearsRemote);
    }
  }

  applicationOpened(name: string): Reconnection[] {
    const out: Reconnection[] = [];
    for (const [id, entry] of this.#open) {
      out.push(...reconnections(id, entry, name));
    }
    return out;
  }

  close(id: RemoteId): void {
    const entry = this.#open.get(id);
    if (entry === undefined) return;
    this.#open.delete(id);
    if (!this.#restores) return;
    if (entry.inputs.size === 0 && entry.outputs.size === 0) {
      this.#saved.delete(entry.address);
    } else {
      this.#saved.set(entry.address, {
        inputs: [...entry.inputs],
        outputs: [...entry.outputs],
      });
    }
  }

  lists(id: RemoteId): ConnectionLists | null {
    const entry = this.#open.get(id);
    if (entry === undefined) return null;
    return { inputs: [...entry.inputs], outputs: [...entry.outputs] };
  }
}

function setMember(set: Set<string>, name: string, isMember: boolean): void {
  if (isMember) set.add(name);
  else set.delete(name);
}

/** The connections of `entry`, all of them or only those of `onlyName`. */
function reconnections(
  id: RemoteId,
  entry: Entry,
  onlyName: string | null,
): Reconnection[] {
  const out: Reconnection[] = [];
  for (const name of entry.inputs) {
    if (onlyName === null || name === onlyName) {
      out.push({ id, name, direction: "toRemote" });
    }
  }
  for (const name of entry.outputs) {
    if (onlyName === null || name === onlyName) {
      out.push({ id, name, direction: "fromRemote" });
    }
  }
  return out;
}
