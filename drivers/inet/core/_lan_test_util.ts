// Test helpers of the LAN station core: a station with recorded effects and fake
// data paths on a hand-driven clock, and the HostID packets of a peer.

import { fakeDataPaths, RecordingEffects } from "./_station_test_util.ts";
import {
  createLanStation,
  type LanStation,
  type LanStationOptions,
} from "./lan_station.ts";
import { encodeHostId } from "./packet_encoder.ts";

/** The station's own address. */
export const SELF = "10.0.0.1";
/** The broadcast address of its network. */
export const BROADCAST = "10.0.0.255";
/** A peer on the same network. */
export const PEER = "10.0.0.2";

/** A LAN station with recorded effects, driver and data paths faked. */
export function setupLanStation(
  overrides: Partial<LanStationOptions> & { maxLatencyMs?: number } = {},
): {
  fx: RecordingEffects;
  data: ReturnType<typeof fakeDataPaths>;
  station: LanStation;
} {
  const fx = new RecordingEffects();
  const data = fakeDataPaths();
  const station = createLanStation({
    config: {
      maxLatencyMs: overrides.maxLatencyMs ?? 10,
      groupingMs: 10,
      driverName: "msLANDriver",
      restoresConnections: true,
    },
    hostName: "studio",
    addresses: {
      localAddress: SELF,
      broadcastAddress: BROADCAST,
      localAddresses: ["127.0.0.1", SELF],
    },
    effects: fx,
    createDataPath: data.create,
    ...overrides,
  });
  return { fx, data, station };
}

/** A peer whose clock reads our time + 5000 sends a HostID received at `now`. */
export function peerHostId(
  now: number,
  name = "piano",
  offset = 5000,
): Uint8Array {
  return encodeHostId((now + offset - 1) >>> 0, name);
}
