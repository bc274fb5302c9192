// Raw UDP between two network namespaces on a bridge, the figures the network
// driver's benchmark is measured against: a ping-pong (round trip p50, p99, max)
// and a throughput run of 1484-byte datagrams (the largest LAN Midi packet, spec
// §3.5; fragmented by IP as the driver's are). Needs root; without it, prints why.
// Prints one JSON line.
//
// Usage: deno run -A scripts/bench/inet_baseline.ts [--quick]
// deno-lint-ignore-file no-console
import { createNetnsPair, type NetnsPair } from "./_netns_pair.ts";

const isQuick = Deno.args.includes("--quick");
const ROUNDS = isQuick ? 500 : 20_000;
const DATAGRAMS = isQuick ? 5_000 : 200_000;
/** A LAN Midi packet with one KeyOn: 16 + 9 bytes. */
const PING_BYTES = 25;
const BLAST_BYTES = 1484;
const PORT = "4950";
const ENDPOINT = new URL("./_udp_endpoint.ts", import.meta.url).pathname;

/** The lines of a child's standard output, in order. */
function lines(child: Deno.ChildProcess): AsyncIterator<string> {
  return (async function* () {
    let buf = "";
    for await (
      const chunk of child.stdout.pipeThrough(new TextDecoderStream())
    ) {
      buf += chunk;
      let nl;
      while ((nl = buf.indexOf("\n")) >= 0) {
        yield buf.slice(0, nl);
        buf = buf.slice(nl + 1);
      }
    }
  })();
}

async function nextLine(it: AsyncIterator<string>, what: string) {
  const { value, done } = await it.next();
  if (done) throw new Error(`The ${what} ended without a result`);
  return value;
}

function endpoint(pair: NetnsPair, end: "a" | "b", args: string[]) {
  return pair.spawn(pair[end], [
    ...[Deno.execPath(), "run", "-A", "--unstable-net", ENDPOINT],
    ...args,
  ]);
}

async function pingPong(pair: NetnsPair) {
  const pong = endpoint(pair, "b", ["pong", PORT]);
  const pongLines = lines(pong);
  await nextLine(pongLines, "pong");
  const ping = endpoint(pair, "a", [
    ...["ping", pair.b.address, PORT, String(ROUNDS), String(PING_BYTES)],
  ]);
  const result = JSON.parse(await nextLine(lines(ping), "ping"));
  await ping.status;
  pong.kill("SIGKILL");
  await pong.status;
  await pongLines.return?.();
  return result;
}

async function throughput(pair: NetnsPair) {
  const sink = endpoint(pair, "b", ["sink", PORT, "500"]);
  const sinkLines = lines(sink);
  await nextLine(sinkLines, "sink");
  const blast = endpoint(pair, "a", [
    ...["blast", pair.b.address, PORT, String(DATAGRAMS), String(BLAST_BYTES)],
  ]);
  const sent = JSON.parse(await nextLine(lines(blast), "blast"));
  const received = JSON.parse(await nextLine(sinkLines, "sink"));
  await Promise.all([blast.status, sink.status]);
  return {
    sizeBytes: BLAST_BYTES,
    sent: sent.sent,
    senderDatagramsPerSecond: sent.datagramsPerSecond,
    received: received.datagrams,
    lossPercent: Math.round(1000 * (1 - received.datagrams / sent.sent)) / 10,
    datagramsPerSecond: received.datagramsPerSecond,
    bytesPerSecond: received.bytesPerSecond,
  };
}

let pair: NetnsPair;
try {
  pair = await createNetnsPair();
} catch (error) {
  console.log(JSON.stringify({ skipped: (error as Error).message }));
  Deno.exit(0);
}
try {
  const pingPongUs = await pingPong(pair);
  const udpThroughput = await throughput(pair);
  console.log(JSON.stringify({ pingPongUs, udpThroughput }));
} finally {
  await pair[Symbol.asyncDispose]();
}
