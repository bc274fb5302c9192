#!/usr/bin/env python3
"""The lossy part of the WAN test router (stdlib only, Linux, root).

The router namespace sends the UDP packets it forwards into a TUN device (policy
routing); this program reads them from the TUN, delays, drops, duplicates and
reorders them, and writes them back unchanged into the same TUN, from where the
kernel forwards them to their destination. Addresses and ports are never touched,
so each station sees the other at its real address.

Usage: _impair_relay.py TUN_NAME [CONFIG_JSON]
       _impair_relay.py --prng SEED COUNT   (prints COUNT draws, one per line)

CONFIG_JSON keys (all optional): delayMs, jitterMs (delay is uniform in delayMs ±
jitterMs), lossPercent, duplicatePercent, reorderPercent, reorderMs (a reordered
packet is held reorderMs longer and later packets overtake it), fifo (default true:
jitter alone never reorders a direction), seed.

Prints "ready" once attached to the TUN. Each line read on standard input is a JSON
object of the same keys that changes the settings ("seed" restarts the generator);
each is answered with one JSON line of counters: {"in", "dropped", "duplicated",
"reordered", "out", "ignored", "seed"} (ignored: packets other than IPv4 UDP, which
are discarded). Ends at the end of standard input.

Randomness: mulberry32 (as testing/random.ts), exactly five draws per packet in the
order loss, duplicate, delay, reorder, duplicate's delay, so that tests predict from
the seed which packets are dropped, duplicated and reordered and how long each waits.
"""

import fcntl
import heapq
import json
import os
import select
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


class Mulberry32:
    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFF

    def next(self):
        self.state = (self.state + 0x6D2B79F5) & 0xFFFFFFFF
        t = self.state
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296


class Relay:
    def __init__(self, config):
        self.settings = {"delayMs": 0, "jitterMs": 0, "lossPercent": 0,
                         "duplicatePercent": 0, "reorderPercent": 0,
                         "reorderMs": 20, "fifo": True, "seed": 1}
        self.counts = dict.fromkeys(
            ["in", "dropped", "duplicated", "reordered", "out", "ignored"], 0)
        self.queue = []  # (release time, order, packet)
        self.order = 0
        self.last_release = {}  # (source, destination) -> release time
        self.configure(config)

    def configure(self, changes):
        unknown = set(changes) - set(self.settings)
        if unknown:
            raise ValueError(f"unknown settings {sorted(unknown)}")
        self.settings.update(changes)
        if "seed" in changes or not hasattr(self, "random"):
            self.random = Mulberry32(int(self.settings["seed"]))

    def report(self):
        return json.dumps({**self.counts, "seed": self.settings["seed"]})

    def push(self, release, packet):
        heapq.heappush(self.queue, (release, self.order, packet))
        self.order += 1

    def take(self, packet, now):
        if len(packet) < 20 or packet[0] >> 4 != 4 or packet[9] != 17:
            # Not IPv4 UDP: the router's own chatter on the TUN (IPv6 neighbour
            # discovery, ...), which nothing should receive.
            self.counts["ignored"] += 1
            return
        s = self.settings
        u_loss, u_dup, u_delay, u_reorder, u_dup_delay = (
            self.random.next() for _ in range(5))
        self.counts["in"] += 1
        if u_loss < s["lossPercent"] / 100:
            self.counts["dropped"] += 1
            return
        delay = (s["delayMs"] + (2 * u_delay - 1) * s["jitterMs"]) / 1000
        release = now + max(0, delay)
        if u_reorder < s["reorderPercent"] / 100:
            self.counts["reordered"] += 1
            release += s["reorderMs"] / 1000
        elif s["fifo"]:
            key = packet[12:20]
            release = max(release, self.last_release.get(key, 0))
            self.last_release[key] = release
        self.push(release, packet)
        if u_dup < s["duplicatePercent"] / 100:
            self.counts["duplicated"] += 1
            copy = (s["delayMs"] + (2 * u_dup_delay - 1) * s["jitterMs"]) / 1000
            self.push(now + max(0, copy), packet)


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR)
    request = struct.pack("16sH22x", name.encode(), IFF_TUN | IFF_NO_PI)
    fcntl.ioctl(fd, TUNSETIFF, request)
    os.set_blocking(fd, False)
    return fd


def serve(tun_name, config):
    relay = Relay(config)
    tun = open_tun(tun_name)
    print("ready", flush=True)
    stdin = sys.stdin.fileno()
    pending = b""
    while True:
        wait = None
        if relay.queue:
            wait = max(0, relay.queue[0][0] - time.monotonic())
        readable, _, _ = select.select([tun, stdin], [], [], wait)
        if tun in readable:
            while True:
                try:
                    packet = os.read(tun, 65536)
                except BlockingIOError:
                    break
                relay.take(packet, time.monotonic())
        if stdin in readable:
            chunk = os.read(stdin, 4096)
            if not chunk:
                return
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                if line.strip():
                    relay.configure(json.loads(line))
                    print(relay.report(), flush=True)
        now = time.monotonic()
        while relay.queue and relay.queue[0][0] <= now:
            _, _, packet = heapq.heappop(relay.queue)
            os.write(tun, packet)
            relay.counts["out"] += 1


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--prng":
        random = Mulberry32(int(sys.argv[2]))
        for _ in range(int(sys.argv[3])):
            print(repr(random.next()))
        return 0
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    config = json.loads(sys.argv[2]) if len(sys.argv) == 3 else {}
    print(f"impairment relay on {sys.argv[1]}: seed {config.get('seed', 1)}",
          file=sys.stderr, flush=True)
    serve(sys.argv[1], config)
    return 0


if __name__ == "__main__":
    sys.exit(main())
