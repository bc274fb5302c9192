/**
 * The server kind of the contract battery: a real server process on a private
 * socket, the test process as a real client over that socket, and peers as agent
 * processes (`tests/_agent.ts`), reused from case to case; the clients send their
 * one-way calls through request rings, or, with `sharedRing: false`, keep every
 * call on their socket. Private to `tests/contract/`.
 *
 * @module
 */

import { createClient, type MidiShareClient } from "@midishare/client";
import { type Agent, startAgent, startServer, waitFor } from "../_harness.ts";
import type {
  Alarm,
  CallName,
  ContractSubject,
  MidiApi,
  Peer,
  PeerEvent,
  Received,
} from "./_subject.ts";

/** How far the client's clock may be from the server's (a tick, and a late tick). */
const CLOCK_TOLERANCE_MS = 10;

/** How much later than its due time `settle` may return before it fails. */
const SETTLE_SLACK_MS = 10_000;

/** How the clients of {@link serverSubject} reach the server. */
export interface ServerSubjectOptions {
  /**
   * false: this process and the peers keep every call on their socket (option
   * `sharedRing: false`, `MIDISHARE_SHARED_RING=off`); default: request rings.
   */
  sharedRing?: boolean;
}

/** What {@link serverSubject} tells of its server besides the subject. */
export interface ServerSide {
  /** The server's process id. */
  serverPid: number;
  /** Everything the server printed so far. */
  serverLog(): string;
}

/** A server process and this process as its client. */
export async function serverSubject(
  options: ServerSubjectOptions = {},
): Promise<ContractSubject & ServerSide> {
  const server = await startServer();
  const isRingOff = options.sharedRing === false;
  const client = createClient({
    socketPath: server.socketPath,
    autoStart: false,
    name: "contract battery",
    ...(isRingOff ? { sharedRing: false } : {}),
  });
  const peerEnv: Record<string, string> = isRingOff
    ? { MIDISHARE_SHARED_RING: "off" }
    : {};
  const idle: Agent[] = [];
  const running = new Set<Agent>();
  const ms: MidiApi = client;
  return {
    kind: "server",
    serverPid: server.child.pid,
    serverLog: () => server.log(),
    ms,
    clockToleranceMs: CLOCK_TOLERANCE_MS,
    settle: (delayMs: number) => settle(client, delayMs),
    async peer(): Promise<Peer> {
      const agent = idle.pop() ??
        startAgent(server.socketPath, "peer", peerEnv);
      running.add(agent);
      // Whatever a previous case left in the agent's records is not this case's.
      await agent.run("received");
      await agent.run("alarms");
      return agentPeer(agent, client, (isReusable) => {
        running.delete(agent);
        if (isReusable) idle.push(agent);
      });
    },
    async [Symbol.asyncDispose](): Promise<void> {
      await Promise.all(
        [...idle, ...running].map((a) => a[Symbol.asyncDispose]()),
      );
      await client.close();
      await server.stop();
    },
  };
}

/** See {@link ContractSubject.settle}. */
async function settle(client: MidiShareClient, delayMs: number) {
  const start = client.MidiGetTime();
  // Answered once the server has every request sent before: `arrival` is its time.
  const arrival = await client.serverTime();
  // Dormant, time does not move; with no delay, the round trip was all to wait for.
  if (client.MidiCountAppls() === 0 || delayMs <= 0) return;
  // An event that arrived late is delivered at the tick after its arrival.
  const target = Math.max(start + delayMs, arrival + 1);
  const deadline = Date.now() + delayMs + SETTLE_SLACK_MS;
  while (true) {
    const left = target - client.MidiGetTime();
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
    // The server answers after the notifications of every tick it has run.
    if (await client.serverTime() >= target) return;
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out waiting for the server clock to reach ${target}`,
      );
    }
  }
}

function agentPeer(
  agent: Agent,
  client: MidiShareClient,
  release: (isReusable: boolean) => void,
): Peer {
  const opened: number[] = [];
  let isDead = false;
  // The agent has handled every notification of the ticks the server has run so far.
  const caughtUp = () => agent.run("serverTime");
  return {
    async call(name: CallName, ...args: unknown[]): Promise<unknown> {
      const value = await agent.call(name, ...args);
      if (
        (name === "MidiOpen" || name === "MidiRegisterDriver") &&
        typeof value === "number" && value >= 0
      ) opened.push(value);
      return value;
    },
    async collect(ref: number): Promise<void> {
      await agent.run("collect", { ref });
    },
    async received(): Promise<Received[]> {
      await caughtUp();
      const got = await agent.run("received") as Received[];
      return got.map(({ ref, type, date, refNum, port, chan, fields }) => ({
        ref,
        type,
        date,
        refNum,
        port,
        chan,
        fields,
      }));
    },
    async watchAlarms(ref: number): Promise<void> {
      await agent.run("watchAlarms", { ref });
      // The alarm is installed by a one-way call: it holds for what the test does
      // next only once a later request of the peer is answered.
      await caughtUp();
    },
    async alarms(): Promise<Alarm[]> {
      await caughtUp();
      return await agent.run("alarms") as Alarm[];
    },
    async send(ref: number, ev: PeerEvent, date?: number): Promise<void> {
      await agent.run("send", {
        ref,
        ...ev,
        ...(date === undefined ? {} : { date }),
      });
      // The event has reached the server once a later request is answered.
      await caughtUp();
    },
    async kill(): Promise<void> {
      isDead = true;
      agent.kill("SIGKILL");
      await agent.done();
      await waitFor(async () => {
        for (const ref of opened) {
          if (await client.MidiGetName(ref) !== null) return false;
        }
        return true;
      }, "the server to close the applications of a killed peer");
    },
    async [Symbol.asyncDispose](): Promise<void> {
      if (isDead) {
        release(false);
        return;
      }
      for (const ref of opened) {
        await agent.call("MidiClose", ref);
        await agent.call("MidiUnregisterDriver", ref);
      }
      await caughtUp();
      release(true);
    },
  };
}
