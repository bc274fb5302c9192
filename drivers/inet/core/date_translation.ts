/**
 * Date translation between a peer's clock and the local clock (spec §6.1, §6.2, §6.4,
 * step 4 of §3.8).
 *
 * Pure functions on unsigned 32-bit MidiShare dates, modulo 2^32. Runs in the Inet
 * driver. Real-time safe: no allocation except {@link headTranslation}'s result.
 *
 * An event dated `e` by the sender, collected at `t` with grouping period `g`, travels
 * with the relative date `rel = i16(e − (t − g))`; the receiver that gets the packet at
 * `r` gives it the local date `rel + r + Δ`, with `Δ = M − lat` when the packet's
 * lateness `lat = i16((r − t) − O)` is at most the maximum latency `M`, else 0. In time
 * that is `e + O + g + M`.
 *
 * @module
 */

/**
 * The clock relation of one remote: a local date and the remote date it stands for.
 * The offset used for translation is `initLocal − initRemote`.
 */
export interface ClockPair {
  /** `init.local` of the spec: a local date, unsigned 32-bit. */
  readonly initLocal: number;
  /** `init.remote` of the spec: the peer's date matching `initLocal`. */
  readonly initRemote: number;
}

/** What the receiver derives from a head packet (one with a non-zero date). */
export interface HeadTranslation {
  /** `lat`: transit time in excess of the anchor's, signed 16-bit, ms. */
  readonly latenessMs: number;
  /** `Δ`: the shift added to every event of the packet, ms. */
  readonly delayMs: number;
  /** Whether `lat > M` (the packet counts as late). */
  readonly isLate: boolean;
}

/**
 * The offset `O = init.local − init.remote` of a clock pair, unsigned 32-bit.
 *
 * @param pair The remote's clock pair.
 * @returns `(initLocal − initRemote) mod 2^32`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clockOffset } from "./date_translation.ts";
 *
 * assert.equal(clockOffset({ initLocal: 7001, initRemote: 6000 }), 1001);
 * ```
 * @see spec inet.md §6.3
 */
export function clockOffset(pair: ClockPair): number {
  return (pair.initLocal - pair.initRemote) >>> 0;
}

/**
 * The relative date the sender writes for an event (spec §6.1):
 * `i16(eventDate − (collectionDate − groupingMs))`.
 *
 * @param eventDate The event's date `e`, sender clock.
 * @param collectionDate The collection date `t`, sender clock.
 * @param groupingMs The grouping period `g`.
 * @returns The relative date, −32768..32767.
 * @example The event of the worked example of §6.4
 * ```ts
 * import assert from "node:assert/strict";
 * import { relativeDate } from "./date_translation.ts";
 *
 * assert.equal(relativeDate(6500, 6510, 10), 0);
 * assert.equal(relativeDate(6495, 6510, 10), -5);
 * ```
 * @see spec inet.md §6.1
 */
export function relativeDate(
  eventDate: number,
  collectionDate: number,
  groupingMs: number,
): number {
  return ((eventDate - (collectionDate - groupingMs)) << 16) >> 16;
}

/**
 * The lateness and shift of a head packet (step 4 of §3.8, §6.2):
 * `lat := i16((r − d) − (init.local − init.remote))`; `Δ := M − lat` when
 * `lat ≤ M`, else 0 and the packet is late.
 *
 * @param receivedAt The reception date `r`, local clock.
 * @param packetDate The packet's date `d` (non-zero), peer clock.
 * @param options The remote's clock pair and the configured maximum latency `M`.
 * @returns The lateness, the shift `Δ` and whether the packet is late.
 * @example The worked example of §6.4, on time and 16 ms in transit
 * ```ts
 * import assert from "node:assert/strict";
 * import { headTranslation } from "./date_translation.ts";
 *
 * const pair = { initLocal: 7001, initRemote: 6000 };
 * assert.deepEqual(
 *   headTranslation(7511, 6510, { pair, maxLatencyMs: 10 }),
 *   { latenessMs: 0, delayMs: 10, isLate: false },
 * );
 * assert.deepEqual(
 *   headTranslation(7526, 6510, { pair, maxLatencyMs: 10 }),
 *   { latenessMs: 15, delayMs: 0, isLate: true },
 * );
 * ```
 * @see spec inet.md §3.8, §6.2
 */
export function headTranslation(
  receivedAt: number,
  packetDate: number,
  options: { readonly pair: ClockPair; readonly maxLatencyMs: number },
): HeadTranslation {
  const { pair, maxLatencyMs } = options;
  const transit = receivedAt - packetDate;
  const latenessMs = ((transit - (pair.initLocal - pair.initRemote)) << 16) >>
    16;
  const isLate = latenessMs > maxLatencyMs;
  return {
    latenessMs,
    delayMs: isLate ? 0 : maxLatencyMs - latenessMs,
    isLate,
  };
}

/**
 * The local date of a received event: `rel + C + Δ` modulo 2^32.
 *
 * @param relDate The event's relative date, signed.
 * @param headReceivedAt `C`: reception date of the last head packet, local clock.
 * @param delayMs `Δ` of that packet.
 * @returns The local date, unsigned 32-bit.
 * @example The worked example of §6.4: 7521 = 6500 + 1001 + 20
 * ```ts
 * import assert from "node:assert/strict";
 * import { localEventDate } from "./date_translation.ts";
 *
 * assert.equal(localEventDate(0, 7511, 10), 7521);
 * ```
 * @see spec inet.md §3.8, §6.4
 */
export function localEventDate(
  relDate: number,
  headReceivedAt: number,
  delayMs: number,
): number {
  return (relDate + headReceivedAt + delayMs) >>> 0;
}

/**
 * The nominal local date of an event sent at `eventDate` (peer clock):
 * `e + O + g + M`, where a packet on time puts it (§6.4).
 *
 * @param eventDate The event's date `e`, peer clock.
 * @param options The clock pair, grouping period `g` of the sender and maximum
 *   latency `M` of the receiver.
 * @returns The local date, unsigned 32-bit.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nominalLocalDate } from "./date_translation.ts";
 *
 * const pair = { initLocal: 7001, initRemote: 6000 };
 * assert.equal(
 *   nominalLocalDate(6500, { pair, groupingMs: 10, maxLatencyMs: 10 }),
 *   7521,
 * );
 * ```
 * @see spec inet.md §6.4
 */
export function nominalLocalDate(
  eventDate: number,
  options: {
    readonly pair: ClockPair;
    readonly groupingMs: number;
    readonly maxLatencyMs: number;
  },
): number {
  const { pair, groupingMs, maxLatencyMs } = options;
  return (eventDate + clockOffset(pair) + groupingMs + maxLatencyMs) >>> 0;
}
