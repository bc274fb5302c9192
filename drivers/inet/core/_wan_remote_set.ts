/**
 * The remote set of a WAN station: one set for the station's life, its special
 * packets sent on the peer's TCP connection and its HostID schedule following the
 * remote's state (spec §5.1, §5.4).
 *
 * Runs in the Inet driver; not real-time safe.
 *
 * @module
 */

import { createConnectionMemory } from "./connection_memory.ts";
import { createInetDataPath } from "./inet_data_path.ts";
import type { Remote } from "./remote.ts";
import { RemoteSet, type RemoteSetHooks } from "./remote_set.ts";
import type { WanEffects } from "./station_effects.ts";
import type { WanConnections } from "./wan_connections.ts";
import type { WanStationOptions } from "./wan_station.ts";

/** A WAN remote set and the call that binds it to the station's connections. */
export interface WanRemoteSet {
  /** The remotes. */
  readonly remoteSet: RemoteSet;
  /** Routes special packets and hooks to `links`; until then they do nothing. */
  bind(links: WanConnections): void;
}

/**
 * Creates the remote set of a WAN station, before its connections exist.
 *
 * @param options The station's options.
 * @returns The set, with hooks that do nothing until {@link WanRemoteSet.bind}.
 */
export function createWanRemoteSet(options: WanStationOptions): WanRemoteSet {
  const fx = options.effects;
  // The remote set calls these once the station exists.
  const relay = {
    sendSpecial: (_remote: Remote, _packet: Uint8Array): void => {},
    hooks: {
      opened: noop,
      removed: noop,
      outputChanged: noop,
    } as RemoteSetHooks,
  };
  const remoteSet = new RemoteSet({
    effects: fx,
    mode: "wan",
    groupingMs: options.config.groupingMs,
    maxLatencyMs: options.config.maxLatencyMs,
    driverName: options.config.driverName,
    memory: createConnectionMemory({
      restores: options.config.restoresConnections,
    }),
    createDataPath: options.createDataPath ?? createInetDataPath,
    // Pending remotes exist only for registered connections.
    maxRemotes: Number.MAX_SAFE_INTEGER,
    sendSpecial: (remote, packet) => relay.sendSpecial(remote, packet),
    hooks: {
      opened: (r, now) => relay.hooks.opened(r, now),
      removed: (r) => relay.hooks.removed(r),
      outputChanged: (r, g, now) => relay.hooks.outputChanged(r, g, now),
    },
  }, 1);
  return {
    remoteSet,
    bind: (links) => bindRelay(relay, links, fx),
  };
}

function bindRelay(
  relay: {
    sendSpecial: (remote: Remote, packet: Uint8Array) => void;
    hooks: RemoteSetHooks;
  },
  links: WanConnections,
  fx: WanEffects,
): void {
  relay.sendSpecial = (remote, packet) => {
    const c = links.get(remote.address);
    if (c !== undefined) fx.sendTcp(c.id, packet);
  };
  relay.hooks = {
    opened: (remote, now) => {
      const line = `${remote.name} : connection complete [${remote.address}].`;
      fx.log(line, true);
      links.restartHostIds(remote.address, now);
    },
    removed: noop,
    outputChanged: (remote, isGrouping, now) => {
      if (isGrouping) links.pauseHostIds(remote.address);
      else links.restartHostIds(remote.address, now);
    },
  };
}

function noop(): void {}
