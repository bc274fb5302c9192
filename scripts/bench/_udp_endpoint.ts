// Raw UDP endpoints of the network baseline (inet_baseline.ts), run inside a network
// namespace with --unstable-net. Each prints "ready" once bound (pong, sink) and one
// JSON line with its figures at the end (ping, blast, sink).
//
// Usage: deno run -A --unstable-net _udp_endpoint.ts pong PORT
//        deno run -A --unstable-net _udp_endpoint.ts ping HOST PORT ROUNDS SIZE
//        deno run -A --unstable-net _udp_endpoint.ts sink PORT IDLE_MS
//        deno run -A --unstable-net _udp_endpoint.ts blast HOST PORT COUNT SIZE
// deno-lint-ignore-file no-console
import { percentiles, round } from "./_util.ts";

const [role, ...args] = Deno.args;
const WARMUP = 200;
/** No reply for this long ends the ping-pong as failed (a veth loses nothing). */
const STALL_MS = 2_000;

function bind(port: number): Deno.DatagramConn {
  // 0.0.0.0 explicitly: some Deno versions bound 127.0.0.1 by default.
  return Deno.listenDatagram({ transport: "udp", hostname: "0.0.0.0", port });
}

if (role === "pong") {
  const sock = bind(Number(args[0]));
  console.log("ready");
  for await (const [data, from] of sock) await sock.send(data, from);
} else if (role === "ping") {
  const [hostname, port, rounds, size] = args as [
    string,
    string,
    string,
    string,
  ];
  const sock = bind(0);
  const to: Deno.NetAddr = { transport: "udp", hostname, port: Number(port) };
  const buf = new Uint8Array(Number(size));
  const view = new DataView(buf.buffer);
  const rtts: number[] = [];
  let progress = performance.now();
  const watchdog = setInterval(() => {
    if (performance.now() - progress < STALL_MS) return;
    console.error(`No reply for ${STALL_MS} ms after ${rtts.length} rounds`);
    Deno.exit(1);
  }, 100);
  for (let i = 0; i < WARMUP + Number(rounds); i++) {
    view.setUint32(0, i);
    const start = performance.now();
    await sock.send(buf, to);
    while (true) {
      const [reply] = await sock.receive();
      if (new DataView(reply.buffer).getUint32(0) === i) break;
    }
    progress = performance.now();
    if (i >= WARMUP) rtts.push((progress - start) * 1000);
  }
  clearInterval(watchdog);
  const p = percentiles(rtts);
  console.log(JSON.stringify({
    rounds: rtts.length,
    sizeBytes: Number(size),
    p50: round(p.p50),
    p99: round(p.p99),
    max: round(p.max),
  }));
  Deno.exit(0);
} else if (role === "sink") {
  const sock = bind(Number(args[0]));
  const idleMs = Number(args[1]);
  console.log("ready");
  let count = 0, bytes = 0, first = 0, last = 0;
  // One watchdog rather than a timer per datagram, which would cost more than the
  // datagram: closing the socket ends the loop.
  const watchdog = setInterval(() => {
    if (count > 0 && performance.now() - last > idleMs) sock.close();
  }, Math.max(10, idleMs / 5));
  try {
    for await (const [data] of sock) {
      last = performance.now();
      if (count === 0) first = last;
      count++;
      bytes += data.length;
    }
  } catch {
    // Closed by the watchdog.
  }
  clearInterval(watchdog);
  const seconds = (last - first) / 1000;
  console.log(JSON.stringify({
    datagrams: count,
    bytes,
    seconds: round(seconds, 3),
    datagramsPerSecond: seconds > 0 ? Math.round((count - 1) / seconds) : 0,
    bytesPerSecond: seconds > 0
      ? Math.round((bytes - bytes / count) / seconds)
      : 0,
  }));
  Deno.exit(0);
} else if (role === "blast") {
  const [hostname, port, count, size] = args as [
    string,
    string,
    string,
    string,
  ];
  const sock = bind(0);
  const to: Deno.NetAddr = { transport: "udp", hostname, port: Number(port) };
  const buf = new Uint8Array(Number(size));
  const start = performance.now();
  for (let i = 0; i < Number(count); i++) await sock.send(buf, to);
  const seconds = (performance.now() - start) / 1000;
  console.log(JSON.stringify({
    sent: Number(count),
    seconds: round(seconds, 3),
    datagramsPerSecond: Math.round(Number(count) / seconds),
  }));
  Deno.exit(0);
} else {
  console.error(`Unknown role "${role}": expected pong, ping, sink or blast`);
  Deno.exit(2);
}
