// Test helpers of the station cores: effects that record every call, a data path
// that records what it is given, and a clock driven by the station's own wake-up
// requests.

import { isDue } from "@midishare/kernel/api";
import { createInetEvent, type InetEvent } from "./inet_event.ts";
import { decodePacket } from "./packet_decoder.ts";
import type { DecodedPacket, MidiPacket } from "./packets.ts";
import type {
  DataPathContext,
  InputStreamKind,
  RemoteDataPath,
} from "./remote_data_path.ts";
import type {
  ConnectionDirection,
  ConnectionId,
  RemoteId,
  WanEffects,
} from "./station_effects.ts";

/** One datagram the station sent. */
export interface SentDatagram {
  readonly address: string;
  readonly bytes: Uint8Array;
  readonly packet: DecodedPacket;
  /** The station's time when it was sent (the recorder's clock). */
  readonly at: number;
}

/** Effects that record every call; results of calls that return are settable. */
export class RecordingEffects implements WanEffects {
  /** Every call in order, as `name arg1 arg2...` with dates and ids. */
  readonly calls: string[] = [];
  readonly datagrams: SentDatagram[] = [];
  readonly tcp: { id: ConnectionId; packet: DecodedPacket; at: number }[] = [];
  readonly logs: string[] = [];
  readonly delivered: {
    id: RemoteId;
    type: number;
    dateMs: number;
    port: number;
    chan: number;
  }[] = [];
  /** Called with every datagram sent, to carry it to other stations. */
  network: ((address: string, bytes: Uint8Array) => void) | null = null;
  readonly exits: number[] = [];
  /** Events waiting in each remote application's FIFO. */
  readonly fifo = new Map<RemoteId, { event: InetEvent; dateMs: number }[]>();
  openUdpResult: string | null = null;
  listenResult: string | null = null;
  wakeRequest: number | null = null;
  nextConnectionId = 100;
  /** The time the test is at, stamped on sent datagrams. */
  now = 0;

  openUdp(): string | null {
    this.calls.push("openUdp");
    return this.openUdpResult;
  }
  closeUdp(): void {
    this.calls.push("closeUdp");
  }
  sendDatagram(address: string, bytes: Uint8Array): void {
    const packet = decodePacket(bytes);
    this.calls.push(`send ${address} ${packet.kind}`);
    this.datagrams.push({ address, bytes, packet, at: this.now });
    this.network?.(address, bytes);
  }
  openDriverApplication(name: string): void {
    this.calls.push(`openDriver ${name}`);
  }
  closeDriverApplication(): void {
    this.calls.push("closeDriver");
  }
  openRemoteApplication(id: RemoteId, name: string): void {
    this.calls.push(`openRemote ${id} ${name}`);
  }
  closeRemoteApplication(id: RemoteId): void {
    this.calls.push(`closeRemote ${id}`);
  }
  takeEvents(
    id: RemoteId,
    visit: (event: InetEvent, dateMs: number) => void,
  ): void {
    const list = this.fifo.get(id) ?? [];
    this.fifo.set(id, []);
    for (const e of list) visit(e.event, e.dateMs);
  }
  deliverEvent(id: RemoteId, event: InetEvent, dateMs: number): void {
    this.delivered.push({
      id,
      type: event.type,
      dateMs,
      port: event.port,
      chan: event.chan,
    });
  }
  connectApplication(
    id: RemoteId,
    name: string,
    direction: ConnectionDirection,
  ): void {
    this.calls.push(`connect ${id} ${name} ${direction}`);
  }
  log(text: string, isDated: boolean): void {
    this.logs.push(isDated ? `[date] ${text}` : text);
  }
  wakeAt(dateMs: number | null): void {
    this.wakeRequest = dateMs;
  }
  exit(status: number): void {
    this.calls.push(`exit ${status}`);
    this.exits.push(status);
  }
  listenTcp(backlog: number): string | null {
    this.calls.push(`listen ${backlog}`);
    return this.listenResult;
  }
  closeListener(): void {
    this.calls.push("closeListener");
  }
  resolveHost(host: string): void {
    this.calls.push(`resolve ${host}`);
  }
  connectTcp(address: string): ConnectionId {
    const id = this.nextConnectionId++;
    this.calls.push(`connectTcp ${address} ${id}`);
    return id;
  }
  sendTcp(id: ConnectionId, bytes: Uint8Array): void {
    const packet = decodePacket(bytes);
    this.calls.push(`sendTcp ${id} ${packet.kind}`);
    this.tcp.push({ id, packet, at: this.now });
  }
  closeTcp(id: ConnectionId): void {
    this.calls.push(`closeTcp ${id}`);
  }

  /** Queues `count` KeyOn events dated `dateMs` in remote `id`'s FIFO. */
  queueEvents(id: RemoteId, count: number, dateMs: number, port = 0): void {
    const list = this.fifo.get(id) ?? [];
    for (let i = 0; i < count; i++) {
      const event = createInetEvent();
      event.type = 1;
      event.port = port;
      event.fields.set([60, 100]);
      list.push({ event, dateMs });
    }
    this.fifo.set(id, list);
  }

  /** The calls whose text starts with `prefix`. */
  callsOf(prefix: string): string[] {
    return this.calls.filter((c) => c.startsWith(prefix));
  }

  /** Datagrams of one kind, as `[at, address]` or with a mapper. */
  sentOf(kind: DecodedPacket["kind"]): SentDatagram[] {
    return this.datagrams.filter((d) => d.packet.kind === kind);
  }
}

/** A data path that records packets and counts collections; no real bytes. */
export class FakeDataPath implements RemoteDataPath {
  readonly received: { kind: InputStreamKind; serial: number; at: number }[] =
    [];
  readonly collections: number[] = [];
  lateCount = 0;
  missingCount = 0;
  readonly context: DataPathContext;

  constructor(context: DataPathContext) {
    this.context = context;
  }

  collect(collectionDate: number): number {
    this.collections.push(collectionDate);
    let n = 0;
    this.context.takeEvents(() => n++);
    if (n > 0) this.context.sendUdp(Uint8Array.of(0x10, 1, 1, 5));
    return n;
  }

  receive(kind: InputStreamKind, packet: MidiPacket, receivedAt: number): void {
    this.received.push({ kind, serial: packet.serial, at: receivedAt });
    const ev = createInetEvent();
    ev.type = 1;
    this.context.deliver(ev, receivedAt);
  }
}

/** A factory of fake data paths that keeps them all. */
export function fakeDataPaths(): {
  paths: FakeDataPath[];
  create: (context: DataPathContext) => RemoteDataPath;
} {
  const paths: FakeDataPath[] = [];
  return {
    paths,
    create: (context) => {
      const p = new FakeDataPath(context);
      paths.push(p);
      return p;
    },
  };
}

/**
 * Advances the clock from `from` to `to` one millisecond at a time, ticking the
 * station at each date it asked for (as a real timer would), and calling `each`
 * before the tick of every millisecond.
 */
export function runClock(
  fx: RecordingEffects,
  station: { tick(now: number): void },
  from: number,
  to: number,
  each?: (now: number) => void,
): void {
  for (let t = from; t <= to; t++) {
    const now = t >>> 0;
    fx.now = now;
    each?.(now);
    if (fx.wakeRequest !== null && isDue(fx.wakeRequest, now)) {
      station.tick(now);
    }
  }
}
