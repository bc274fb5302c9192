#!/usr/bin/env python3
"""Plain UDP and TCP endpoints for the network tests (stdlib only).

Usage:
  _udp_probe.py recv --port P [--idle-ms 400] [--deadline-ms 10000] [--expect N]
      Binds 0.0.0.0:P, prints "ready", then collects datagrams until N arrived, or
      no datagram came for idle-ms after the first one, or the deadline passed.
      Prints one JSON line: {"count", "from": [addresses], "seqs": [in arrival
      order], "delaysMs": [one per datagram, from the send time it carries]}.
  _udp_probe.py send --to ADDR --port P [--count N] [--interval-ms I] [--size S]
      Sends N datagrams of S bytes (at least 12): u32 sequence number from 0, u64
      CLOCK_MONOTONIC send time in ns (the clock is the same in every network
      namespace of a machine), zero padding. Broadcast is allowed.
  _udp_probe.py tcp-recv --port P [--deadline-ms 10000]
      Listens on 0.0.0.0:P, prints "ready", accepts one connection, reads to its
      end, prints {"from", "bytes", "sha256"}.
  _udp_probe.py tcp-send --to ADDR --port P --bytes N [--seed S]
      Sends N pseudo-random bytes, prints {"bytes", "sha256"}.
"""

import argparse
import hashlib
import json
import random
import select
import socket
import struct
import sys
import time

HEADER = struct.Struct("!IQ")


def now_ns():
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


def ready():
    print("ready", flush=True)


def recv(args):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    sock.bind(("0.0.0.0", args.port))
    ready()
    deadline = time.monotonic() + args.deadline_ms / 1000
    last = None
    sources, seqs, delays = [], [], []
    while len(seqs) < args.expect:
        now = time.monotonic()
        wait = deadline - now
        if last is not None:
            wait = min(wait, last + args.idle_ms / 1000 - now)
        if wait <= 0:
            break
        readable, _, _ = select.select([sock], [], [], wait)
        if not readable:
            continue
        data, (host, _) = sock.recvfrom(65536)
        arrival = now_ns()
        last = time.monotonic()
        if host not in sources:
            sources.append(host)
        if len(data) >= HEADER.size:
            seq, sent = HEADER.unpack_from(data)
            seqs.append(seq)
            delays.append(round((arrival - sent) / 1e6, 3))
    print(json.dumps({"count": len(seqs), "from": sources, "seqs": seqs,
                      "delaysMs": delays}), flush=True)


def send(args):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    padding = bytes(max(0, args.size - HEADER.size))
    start = time.monotonic()
    for seq in range(args.count):
        pause = start + seq * args.interval_ms / 1000 - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        sock.sendto(HEADER.pack(seq, now_ns()) + padding, (args.to, args.port))


def tcp_recv(args):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("0.0.0.0", args.port))
    server.listen(1)
    server.settimeout(args.deadline_ms / 1000)
    ready()
    conn, (host, _) = server.accept()
    conn.settimeout(args.deadline_ms / 1000)
    digest, total = hashlib.sha256(), 0
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            break
        digest.update(chunk)
        total += len(chunk)
    print(json.dumps({"from": host, "bytes": total,
                      "sha256": digest.hexdigest()}), flush=True)


def tcp_send(args):
    data = random.Random(args.seed).randbytes(args.bytes)
    with socket.create_connection((args.to, args.port), timeout=10) as conn:
        conn.sendall(data)
    print(json.dumps({"bytes": len(data),
                      "sha256": hashlib.sha256(data).hexdigest()}), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("recv")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--idle-ms", type=float, default=400)
    p.add_argument("--deadline-ms", type=float, default=10000)
    p.add_argument("--expect", type=int, default=1 << 30)
    p.set_defaults(run=recv)
    p = sub.add_parser("send")
    p.add_argument("--to", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--interval-ms", type=float, default=1)
    p.add_argument("--size", type=int, default=HEADER.size)
    p.set_defaults(run=send)
    p = sub.add_parser("tcp-recv")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--deadline-ms", type=float, default=10000)
    p.set_defaults(run=tcp_recv)
    p = sub.add_parser("tcp-send")
    p.add_argument("--to", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--bytes", type=int, required=True)
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(run=tcp_send)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    sys.exit(main())
