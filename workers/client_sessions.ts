/**
 * The kernel's side of its socket clients: the request ring is drained in arrival
 * order, without making ticks wait behind a flood; a connect record attaches a client and
 * sends its welcome, a call record is dispatched to the kernel and answered, a
 * disconnect record removes the client with everything it owned.
 *
 * Runs in the kernel worker. Calls allocate only when the call itself does (creating
 * applications, names or results); connecting and disconnecting allocate and log.
 *
 * @module
 */

import type { ServerKernel } from "@midishare/kernel/server";
import { epochNow } from "@midishare/transport/clock";
import { logInfo, logWarn, quoteName } from "@midishare/transport/logger";
import {
  PROTOCOL_MAGIC,
  PROTOCOL_VERSION,
  WireReader,
  WireWriter,
} from "@midishare/transport/wire";
import {
  beginReply,
  NotificationWriter,
  writeWelcome,
} from "@midishare/transport/gen/frames_gen";
import { dispatchCall } from "./gen/kernel_dispatch_gen.ts";
import type { Ring } from "./output_ring.ts";
import type { ServerClock } from "./server_clock.ts";
import type { OverloadPolicy } from "./overload_policy.ts";
import { ClientOutput, type OutputState } from "./client_output.ts";
import {
  MAX_CONNECTIONS,
  REQ_CALL,
  REQ_CONNECT,
  REQ_DISCONNECT,
} from "./shared_layout.ts";
import type { SharedRings } from "./shared_rings.ts";
import { CALLS } from "@midishare/transport/interface";

const ATTACH_SHARED_RING = CALLS.find((c) => c.name === "AttachSharedRing")!.id;

/** Requests handled between two looks at the clock while draining the ring. */
const REQUESTS_PER_CLOCK_CHECK = 64;

/** Options of {@link ClientSessions}. */
export interface ClientSessionsOptions {
  /** The server clock (its origin goes into the welcome). */
  clock: ServerClock;
  /** The output ring to the listening worker. */
  output: Ring;
  /** Whether output was written, and the backlog behind a full ring. */
  outputState: OutputState;
  /** The log label of each connected client, kept here. */
  clientNames: Map<number, string>;
  /** The overload policy, told of clients that come and go. */
  overload: OverloadPolicy;
  /** Called before each request is handled (the loop's counters). */
  onRequest: () => void;
}

/** The connected socket clients of the kernel and their output. */
export class ClientSessions {
  readonly #kernel: ServerKernel;
  readonly #clock: ServerClock;
  readonly #output: Ring;
  readonly #outputState: OutputState;
  readonly #clientNames: Map<number, string>;
  readonly #overload: OverloadPolicy;
  readonly #outputs = new Map<number, ClientOutput>();
  readonly #onRequest: () => void;
  readonly #reader = new WireReader(
    new Uint8Array(0),
    new DataView(new ArrayBuffer(0)),
    0,
    0,
  );
  readonly #reply = new WireWriter(1024);
  /** Call frames each client sent on its socket and the kernel handled, by id. */
  readonly socketCalls: Int32Array = new Int32Array(MAX_CONNECTIONS + 1);
  #rings: SharedRings | null = null;

  /** The sessions of the clients of `kernel`. */
  constructor(kernel: ServerKernel, options: ClientSessionsOptions) {
    this.#kernel = kernel;
    this.#clock = options.clock;
    this.#output = options.output;
    this.#outputState = options.outputState;
    this.#clientNames = options.clientNames;
    this.#overload = options.overload;
    this.#onRequest = options.onRequest;
  }

  /** Sets the clients' request rings (once the kernel worker could open them). */
  setRings(rings: SharedRings): void {
    this.#rings = rings;
  }

  /**
   * Handles the requests waiting in `ring`, in arrival order. Ticks do not wait behind
   * a flood: once more than one tick is due, the rest of the ring waits for the next
   * pass.
   */
  drain(ring: Ring): void {
    const r = this.#reader;
    let untilCheck = REQUESTS_PER_CLOCK_CHECK;
    for (let at = ring.peek(); at >= 0; at = ring.peek()) {
      // Ticks do not wait behind a flood: the rest of the ring waits for the next pass.
      if (--untilCheck === 0) {
        untilCheck = REQUESTS_PER_CLOCK_CHECK;
        if (this.#kernel.isAwake && this.#clock.dueTicks() > 1) break;
      }
      r.reset(ring.bytes, ring.view, at, at + ring.peekLength(at));
      const client = r.u16(), kind = r.u16();
      this.#onRequest();
      if (kind === REQ_CALL) this.socketCall(client, r);
      else if (kind === REQ_CONNECT) this.connect(client, r);
      else if (kind === REQ_DISCONNECT) this.disconnect(client);
      ring.release();
    }
  }

  /**
   * A call record from the client's socket: what the client wrote in its request
   * ring before it is handled first (call order across both ways).
   */
  socketCall(client: number, r: WireReader): void {
    const calls = this.socketCalls;
    this.#rings?.drain(client, calls[client]!);
    this.call(client, r);
    if (client <= MAX_CONNECTIONS) calls[client]!++;
  }

  /** Dispatches a call record and writes its reply (none for a one-way call). */
  call(client: number, r: WireReader): void {
    const output = this.#outputs.get(client);
    if (output === undefined) return;
    const seq = r.u32(), callId = r.u16();
    const reply = this.#reply;
    reply.reset();
    const start = beginReply(reply, seq);
    dispatchCall(this.#kernel, client, callId, r, reply);
    if (seq === 0) return;
    reply.endFrame(start);
    output.writeFrames(reply.bytes, reply.length);
    // After its reply, which takes the first socket: later frames take the second.
    if (callId === ATTACH_SHARED_RING && this.#rings !== null) {
      output.redirect(this.#rings.socketOf(client));
    }
  }

  /** Has the listener close the connection of `client`, with `reason`. */
  close(client: number, reason: string): void {
    this.#outputs.get(client)?.close(reason);
  }

  /** Attaches a client from its connect record and sends the welcome. */
  connect(client: number, r: WireReader): void {
    const pid = r.u32(), name = r.str();
    const label = `client ${client} (pid ${pid}${
      name === "" ? "" : `, ${quoteName(name)}`
    })`;
    this.#clientNames.set(client, label);
    if (client <= MAX_CONNECTIONS) this.socketCalls[client] = 0;
    const output = new ClientOutput(client, this.#output, this.#outputState);
    if (!this.#kernel.attachClient(client, new NotificationWriter(output))) {
      logWarn(`${label}: client id already in use`);
      return;
    }
    this.#outputs.set(client, output);
    this.#overload.addClient(client);
    logInfo(`${label} connected`);
    writeWelcome(
      output,
      PROTOCOL_MAGIC,
      PROTOCOL_VERSION,
      client,
      Deno.pid,
      epochNow(),
      this.#kernel.MidiCountAppls(),
      this.#kernel.MidiCountDrivers(),
      this.#kernel.isAwake,
      this.#clock.origin,
    );
  }

  /** Removes a client and everything it owned. */
  disconnect(client: number): void {
    if (!this.#outputs.has(client)) return;
    // What it wrote in its ring before it left is handled, as frames before EOF are.
    this.#rings?.drainLeaving(client, this.socketCalls[client] ?? 0);
    this.#kernel.removeClient(client);
    this.#rings?.remove(client);
    this.#outputs.delete(client);
    this.#overload.removeClient(client);
    logInfo(
      `${this.#clientNames.get(client) ?? `client ${client}`} disconnected`,
    );
    this.#clientNames.delete(client);
  }
}
