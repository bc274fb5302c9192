#!/usr/bin/env python3
"""An independent MidiShare Internet station for interoperation tests (stdlib only).

Written from the byte layouts of the network driver's spec (inet.md, sections 3
to 5; the wire format is in _inet_codec.py), not from the TypeScript driver, so
that the two can check each other. It keeps to what tests need: no sleep/wake, no
connection memory, a fixed clock offset per peer (taken from its first HostID)
instead of the estimator, no HostID pause while sending (5.5), no WAN completion
check (5.4), no limit on WAN clients.

Command line:
  inet_peer.py --mode lan|wan [--port P] [--name NAME] [--lat M] [--grouping G]
               [--broadcast ADDR] [--connect HOST ...] [--lock-after N]
               [--clock-start MS] [--trace]
  inet_peer.py --self-test        (unit tests of the codec, exit status 0 when all pass)

  --mode        lan (default): HostID broadcast at 0, 50, ..., 250 ms then every
                100 ms, remotes by broadcast; wan: UDP and a TCP listener on the same
                port, HostID every 100 ms (200 ms once open) to connected peers only
  --port        UDP (and WAN TCP) port; default 4950 (lan) or 4951 (wan)
  --name        host name announced in HostID; default socket.gethostname()
  --lat         maximum latency M, ms; default 10 (lan) or 1500 (wan)
  --grouping    grouping period g, ms (the default relative date); 10 / 200
  --broadcast   LAN broadcast address; default from the first non-loopback interface
  --connect     WAN: hosts to open a TCP connection to at start (port P)
  --lock-after  HostIDs after the first before a remote opens; default 10 if M <= 10
                else 21 (the estimator's first yield); the station's own address
                opens at once
  --clock-start the station's MidiShare time at start, ms (default 1000)
  --trace       also print every Midi packet sent and received

Standard input: one JSON command per line; each is answered by {"kind": "done",
"op": ..., "id": ...} once carried out, or {"kind": "error", "message", "op", "id"}.
  {"op": "send", "to": ADDR, "events": [EVENT...], "date": T?}
        one collection at date T (default now), packetized as section 3.7: UDP stream
        to ADDR, port-255 events in the special stream (WAN: the TCP connection;
        LAN: the UDP stream, section 4.10)
  {"op": "raw", "to": ADDR, "hex": "1001..."}   one datagram as given, to ADDR:P
  {"op": "connect", "host": HOST}               WAN: open a TCP connection
  {"op": "bye"}                                 LAN: broadcast Bye; WAN: TCPBye on
                                                every connection, then close them
  {"op": "remotes"}                             prints {"kind": "remotes", ...}
  {"op": "quit"}                                bye, then exit 0 (also at end of input)
EVENT: {"type": 1, "port": 0, "chan": 0, "fields": [60, 100], "rel": R?} where
fields are in MidiShare field order (api.md 3.3; bytes for SysEx, Stream, text and
Specific; {"sysexLength": n} makes n data bytes i & 0x7F) and R is the relative date
(default g: due at the collection date).

Standard output, one JSON object per line, by "kind":
  ready    {port, mode, name, address, broadcast}
  remote   {state: created|open|removed, address, name, reason?}
  event    {from, stream: udp|tcp, type, port, chan, rel, packetDate, date, fields
            (at most 64, else omitted), fieldCount, checksum (sum = sum*31 + byte)}
  dropped  {from, reason: pending, type}
  packet   (--trace) {dir: in|out, peer, stream, serial, date, count, offset}
  tcpbye   {from, version, maxLat, over, missing (null when 14 bytes)}
  refused  {from, reason}
  closed   {from}
  malformed {from, what}
"""

import argparse
import fcntl
import json
import os
import select
import socket
import struct
import sys
import time

from _inet_codec import (BYE, ECHO, ECHO_REPLY, HEADER, HOST_ID, LIMITS, MAGIC,
                         MIDI, MIDI_HEADER, TCP_BYE, TCP_REFUSED, InputStream,
                         OutputStream, TcpFramer, encode_event, header, host_id,
                         tcp_bye, to_i32)


def event_fields(spec):
    if "sysexLength" in spec:
        return [i & 0x7F for i in range(spec["sysexLength"])]
    return spec.get("fields", [])


def interface_addresses():
    """[(name, address, broadcast)] of the IPv4 interfaces other than loopback."""
    found = []
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for _, name in socket.if_nameindex():
        request = struct.pack("256s", name.encode()[:15])
        try:
            address = socket.inet_ntoa(
                fcntl.ioctl(probe, 0x8915, request)[20:24])  # SIOCGIFADDR
            broadcast = socket.inet_ntoa(
                fcntl.ioctl(probe, 0x8919, request)[20:24])  # SIOCGIFBRDADDR
        except OSError:
            continue
        if not address.startswith("127."):
            found.append((name, address, broadcast))
    probe.close()
    return found


def emit(kind, **fields):
    print(json.dumps({"kind": kind, **fields}), flush=True)


class Remote:
    def __init__(self, address, name, station, r, remote_time):
        self.address, self.name = address, name
        self.offset = (r - remote_time) & 0xFFFFFFFF  # O = L0 - R0, fixed
        self.samples, self.is_open = 0, False
        self.expiry = r + 1500
        send = station.sender(address)
        self.udp_out = OutputStream(station.limit, send("udp"))
        self.special_out = (OutputStream(station.limit, send("tcp"))
                            if station.mode == "wan" else self.udp_out)
        self.udp_in = InputStream(station.max_latency)
        self.tcp_in = InputStream(station.max_latency)


class Station:
    def __init__(self, args):
        self.mode, self.port, self.trace = args.mode, args.port, args.trace
        self.name = args.name or socket.gethostname()
        self.max_latency, self.grouping = args.lat, args.grouping
        self.lock_after = args.lock_after
        self.limit = LIMITS[self.mode]
        self.t0 = time.monotonic() - args.clock_start / 1000
        interfaces = interface_addresses()
        self.own = {a for _, a, _ in interfaces}
        self.address = interfaces[0][1] if interfaces else "127.0.0.1"
        self.broadcast = args.broadcast or (interfaces[0][2] if interfaces
                                            else "255.255.255.255")
        self.remotes = {}   # address -> Remote
        self.conns = {}     # address -> (socket, TcpFramer)
        self.next_host_id = {}  # address ("*" for broadcast) -> (due, step)
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        self.udp.bind(("0.0.0.0", self.port))
        self.listener = None
        if self.mode == "wan":
            self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.listener.bind(("0.0.0.0", self.port))
            self.listener.listen(32)
        self.next_timeout_check = self.now() + 500
        if self.mode == "lan":
            self.next_host_id["*"] = (self.now(), 0)

    def now(self):
        return int((time.monotonic() - self.t0) * 1000) & 0xFFFFFFFF

    def elapsed(self, due):
        return to_i32(self.now() - due) >= 0

    # Sending

    def sender(self, address):
        def make(stream):
            def send(packet, serial, date, count, offset):
                if self.trace:
                    emit("packet", dir="out", peer=address, stream=stream,
                         serial=serial, date=date, count=count, offset=offset)
                if stream == "tcp":
                    self.conns[address][0].sendall(packet)
                else:
                    self.udp.sendto(packet, (address, self.port))
            return send
        return make

    def send_host_ids(self):
        for target, (due, step) in list(self.next_host_id.items()):
            if not self.elapsed(due):
                continue
            destination = self.broadcast if target == "*" else target
            self.udp.sendto(host_id(self.now(), self.name),
                            (destination, self.port))
            if target == "*":  # 4.4: six 50 ms apart, then every 100 ms
                period = 50 if step < 5 else 100
            else:
                remote = self.remotes.get(target)
                period = 200 if remote and remote.is_open else 100
            self.next_host_id[target] = ((due + period) & 0xFFFFFFFF, step + 1)

    def collect(self, command):
        remote = self.remotes.get(command["to"])
        if remote is None:
            raise ValueError(f"no remote for {command['to']}")
        date = command.get("date", self.now())
        remote.udp_out.start(date)
        if remote.special_out is not remote.udp_out:
            remote.special_out.start(date)
        for spec in command["events"]:
            port = spec.get("port", 0)
            encoded = encode_event(spec["type"], spec.get("rel", self.grouping),
                                   port, spec.get("chan", 0), event_fields(spec))
            if encoded is None:
                continue
            stream = remote.special_out if port == 255 else remote.udp_out
            stream.append(encoded)
        remote.udp_out.flush()
        remote.special_out.flush()

    def bye(self):
        if self.mode == "lan":
            self.udp.sendto(header(BYE), (self.broadcast, self.port))
            return
        for address in list(self.conns):
            remote = self.remotes.get(address)
            if remote is not None:
                self.conns[address][0].sendall(tcp_bye(
                    self.max_latency, remote.udp_in.late, remote.udp_in.missing))
            self.drop(address, "bye")

    # Remotes and connections

    def drop(self, address, reason):
        remote = self.remotes.pop(address, None)
        if remote is not None:
            emit("remote", state="removed", address=address, name=remote.name,
                 reason=reason)
        self.next_host_id.pop(address, None)
        conn = self.conns.pop(address, None)
        if conn is not None:
            conn[0].close()

    def connect(self, host):
        sock = socket.create_connection((host, self.port), timeout=5)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.register(sock.getpeername()[0], sock)

    def register(self, address, sock):
        sock.setblocking(False)
        self.conns[address] = (sock, TcpFramer())
        self.next_host_id[address] = (self.now(), 0)

    def accept(self):
        sock, (address, _) = self.listener.accept()
        if address in self.conns or address in self.remotes:
            sock.sendall(header(TCP_REFUSED) + struct.pack(">H", 2))
            sock.close()
            emit("refused", sent=True, address=address, reason=2)
            return
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.register(address, sock)

    def on_host_id(self, address, packet, r):
        if len(packet) < 8:
            emit("malformed", **{"from": address, "what": "short HostID"})
            return
        if self.mode == "wan" and address not in self.conns:
            return  # 5.1: no connection, no remote
        (remote_time,) = struct.unpack_from(">I", packet, 4)
        remote = self.remotes.get(address)
        if remote is not None:
            remote.expiry = r + 500
            remote.samples += 1
            if not remote.is_open and remote.samples >= self.lock_after:
                self.open(remote)
            return
        name = packet[8:].split(b"\0", 1)[0].decode(errors="replace") or address
        if self.mode == "wan":
            name = address
        remote = Remote(address, name, self, r, remote_time)
        self.remotes[address] = remote
        emit("remote", state="created", address=address, name=name)
        if address in self.own:
            self.open(remote)

    def open(self, remote):
        remote.is_open = True
        emit("remote", state="open", address=remote.address, name=remote.name)
        if remote.address in self.next_host_id:  # 5.4: one at once, then 200 ms
            self.next_host_id[remote.address] = (self.now(), 0)

    def on_midi(self, address, packet, r, stream):
        remote = self.remotes.get(address)
        if remote is None:
            return
        if len(packet) >= 16 and self.trace:
            _, _, _, s, d, count, offset = MIDI_HEADER.unpack_from(packet)
            emit("packet", dir="in", peer=address, stream=stream, serial=s,
                 date=d, count=count, offset=offset)
        events = (remote.tcp_in if stream == "tcp" else remote.udp_in).receive(
            packet, r, remote.offset)
        if events is None:
            return
        (_, _, _, _, packet_date, _, _) = MIDI_HEADER.unpack_from(packet)
        for event_type, rel, port, chan, fields, date in events:
            if not remote.is_open:
                emit("dropped", **{"from": address, "reason": "pending",
                                   "type": event_type})
                continue
            checksum = 0
            for v in fields:
                checksum = (checksum * 31 + v) & 0xFFFFFFFF
            out = {"from": address, "stream": stream, "type": event_type,
                   "port": port, "chan": chan, "rel": rel,
                   "packetDate": packet_date, "date": date,
                   "fieldCount": len(fields), "checksum": checksum}
            if len(fields) <= 64:
                out["fields"] = fields
            emit("event", **out)

    def on_datagram(self, data, address, r):
        if len(data) < 4:
            emit("malformed", **{"from": address, "what": f"{len(data)} bytes"})
            return
        magic, _, kind = HEADER.unpack_from(data)
        if magic != MAGIC:
            emit("malformed", **{"from": address, "what": f"magic {magic:#06x}"})
        elif kind == HOST_ID:
            self.on_host_id(address, data, r)
        elif kind == BYE:
            self.drop(address, "Bye")
        elif kind == ECHO:
            self.udp.sendto(data[:3] + bytes([ECHO_REPLY]) + data[4:],
                            (address, self.port))
        elif kind == MIDI:
            self.on_midi(address, data, r, "udp")
        elif kind != ECHO_REPLY:
            emit("malformed", **{"from": address, "what": f"type {kind}"})

    def on_tcp(self, address):
        sock, framer = self.conns[address]
        try:
            data = sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        packets, problems = framer.feed(data, ended=not data)
        for problem in problems:
            emit("malformed", **{"from": address, "what": f"TCP {problem}"})
        r = self.now()
        for packet in packets:
            kind = packet[3]
            if kind == MIDI:
                self.on_midi(address, packet, r, "tcp")
            elif kind == TCP_BYE:
                version, max_lat, over, _ = struct.unpack_from(">HhhH", packet, 4)
                missing = (struct.unpack_from(">I", packet, 12)[0]
                           if len(packet) >= 16 else None)
                emit("tcpbye", **{"from": address, "version": version,
                                  "maxLat": max_lat, "over": over,
                                  "missing": missing})
                self.drop(address, "TCPBye")
                return
            elif kind == TCP_REFUSED:
                (reason,) = struct.unpack_from(">H", packet, 4)
                emit("refused", **{"from": address, "reason": reason})
                self.drop(address, "refused")
                return
        if not data:
            emit("closed", **{"from": address})
            self.drop(address, "closed")

    def check_timeouts(self):
        if self.mode != "lan" or not self.elapsed(self.next_timeout_check):
            return
        now = self.now()
        self.next_timeout_check = (now + 500) & 0xFFFFFFFF
        for address, remote in list(self.remotes.items()):
            if to_i32(remote.expiry - now) < 0:
                self.drop(address, "timeout")

    # Commands

    def command(self, line):
        request = json.loads(line)
        try:
            return self.carry_out(request)
        except (ValueError, KeyError, OSError) as error:
            emit("error", message=str(error), op=request.get("op"),
                 id=request.get("id"))
            return True

    def carry_out(self, request):
        op = request.get("op")
        if op == "send":
            self.collect(request)
        elif op == "raw":
            self.udp.sendto(bytes.fromhex(request["hex"]),
                            (request["to"], self.port))
        elif op == "connect":
            self.connect(request["host"])
        elif op == "bye":
            self.bye()
        elif op == "remotes":
            emit("remotes", remotes=[
                {"address": r.address, "name": r.name, "open": r.is_open,
                 "missing": r.udp_in.missing, "late": r.udp_in.late}
                for r in self.remotes.values()])
        elif op == "quit":
            self.bye()
            emit("done", op=op, id=request.get("id"))
            return False
        else:
            raise ValueError(f"unknown op {op!r}")
        emit("done", op=op, id=request.get("id"))
        return True

    def run(self, connect):
        emit("ready", port=self.port, mode=self.mode, name=self.name,
             address=self.address, broadcast=self.broadcast)
        for host in connect:
            self.connect(host)
        stdin, pending = sys.stdin.fileno(), b""
        while True:
            self.send_host_ids()
            self.check_timeouts()
            sockets = [self.udp, stdin] + [c[0] for c in self.conns.values()]
            if self.listener is not None:
                sockets.append(self.listener)
            readable, _, _ = select.select(sockets, [], [], 0.005)
            r = self.now()  # reception time, as early as possible
            if self.udp in readable:
                data, (address, _) = self.udp.recvfrom(2048)
                self.on_datagram(data[:1488], address, r)
            if self.listener is not None and self.listener in readable:
                self.accept()
            for address, (sock, _) in list(self.conns.items()):
                if sock in readable and address in self.conns:
                    self.on_tcp(address)
            if stdin in readable:
                chunk = os.read(stdin, 65536)
                if not chunk:
                    self.bye()
                    return
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    if not line.strip():
                        continue
                    try:
                        if not self.command(line):
                            return
                    except ValueError as error:  # not JSON
                        emit("error", message=str(error))


def main():
    parser = argparse.ArgumentParser(
        description="An independent MidiShare Internet station for tests")
    parser.add_argument("--mode", choices=["lan", "wan"], default="lan")
    parser.add_argument("--port", type=int)
    parser.add_argument("--name")
    parser.add_argument("--lat", type=int)
    parser.add_argument("--grouping", type=int)
    parser.add_argument("--broadcast")
    parser.add_argument("--connect", nargs="*", default=[])
    parser.add_argument("--lock-after", type=int)
    parser.add_argument("--clock-start", type=int, default=1000)
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        import unittest
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import _inet_peer_cases
        suite = unittest.defaultTestLoader.loadTestsFromModule(_inet_peer_cases)
        result = unittest.TextTestRunner(verbosity=2).run(suite)
        return 0 if result.wasSuccessful() else 1
    is_wan = args.mode == "wan"
    args.port = args.port or (4951 if is_wan else 4950)
    args.lat = args.lat if args.lat is not None else (1500 if is_wan else 10)
    args.grouping = args.grouping or (200 if is_wan else 10)
    if args.lock_after is None:
        args.lock_after = 10 if args.lat <= 10 else 21
    Station(args).run(args.connect)
    return 0


if __name__ == "__main__":
    sys.exit(main())
