"""The wire format of the MidiShare Internet drivers, for inet_peer.py: packets
(spec 3.2, 3.4), events (3.6), packetization (3.7), input streams and the
length-driven event parser (3.8, 7.7), TCP framing (3.9). Written from the spec's
byte layouts, not from the TypeScript driver. Stdlib only.
"""

import struct

MAGIC = 0x1001
VERSION = 1
HOST_ID, BYE, ECHO, ECHO_REPLY, MIDI, TCP_BYE, TCP_REFUSED = range(1, 8)
HEADER = struct.Struct(">HBB")
MIDI_HEADER = struct.Struct(">HBBIIhh")  # 16 bytes
LIMITS = {"lan": 1468, "wan": 480}  # largest count, section 3.5
WAN_PROTOCOL = 100

# Fixed payload sizes of section 3.6; None: variable length.
FIXED = {0: 4, 1: 2, 2: 2, 3: 2, 4: 2, 5: 1, 6: 1, 7: 2, 8: 2, 9: 1,
         130: 2, 131: 4, 132: 4, 133: 4, 134: 2, 142: 1, 143: 0, 144: 4,
         145: 4, 146: 4, 147: 2}
FIXED.update({t: 0 for t in range(10, 17)})
VARIABLE = {17, 18, 148, *range(135, 142)}
MAX_VARIABLE = 65530


def is_transmissible(event_type):
    return event_type in FIXED or event_type in VARIABLE


# --- Event codec (section 3.6) ---------------------------------------------------

def encode_payload(event_type, fields):
    f = list(fields) + [0] * 6
    if event_type in VARIABLE:
        return bytes(v & 0xFF for v in fields)
    if event_type == 0:
        return struct.pack(">BBH", f[0] & 0xFF, f[1] & 0xFF, f[2] & 0xFFFF)
    if event_type in (131, 132, 133):  # value first, then the number
        return struct.pack(">HH", f[1] & 0xFFFF, f[0] & 0xFFFF)
    if event_type == 134:
        return struct.pack(">H", f[0] & 0xFFFF)
    if event_type == 144:
        return struct.pack(">I", f[0] & 0xFFFFFFFF)
    if event_type == 145:  # one packed word, least significant byte first
        word = ((f[0] & 3) << 29 | (f[1] & 0x1F) << 24 | (f[2] & 0x3F) << 18
                | (f[3] & 0x3F) << 12 | (f[4] & 0x1F) << 7 | (f[5] & 0x7F))
        return struct.pack("<I", word)
    return bytes(v & 0xFF for v in f[:FIXED[event_type]])


def decode_payload(event_type, payload):
    if event_type in VARIABLE:
        return list(payload)
    if event_type == 0:
        return list(struct.unpack(">BBH", payload))
    if event_type in (131, 132, 133):
        value, number = struct.unpack(">HH", payload)
        return [number, value]
    if event_type == 134:
        return list(struct.unpack(">H", payload))
    if event_type == 144:
        return list(struct.unpack(">I", payload))
    if event_type == 145:
        (word,) = struct.unpack("<I", payload)
        return [word >> 29 & 3, word >> 24 & 0x1F, word >> 18 & 0x3F,
                word >> 12 & 0x3F, word >> 7 & 0x1F, word & 0x7F]
    return list(payload)


def encode_event(event_type, rel, port, chan, fields):
    """The bytes of one event, or None when it is not sent (type, size)."""
    if not is_transmissible(event_type):
        return None
    payload = encode_payload(event_type, fields)
    if len(payload) > MAX_VARIABLE:
        return None
    return struct.pack(">HBhBB", 5 + len(payload), event_type,
                       to_i16(rel), port & 0xFF, chan & 0xFF) + payload


def to_i16(value):
    value &= 0xFFFF
    return value - 0x10000 if value >= 0x8000 else value


def to_i32(value):
    value &= 0xFFFFFFFF
    return value - 0x100000000 if value >= 0x80000000 else value


# --- Packets (sections 3.2, 3.4) -------------------------------------------------

def header(packet_type):
    return HEADER.pack(MAGIC, VERSION, packet_type)


def host_id(time_ms, name):
    return header(HOST_ID) + struct.pack(">I", time_ms) + \
        name.encode()[:255] + b"\0"


def midi_packet(serial, date, data, offset):
    return MIDI_HEADER.pack(MAGIC, VERSION, MIDI, serial, date, len(data),
                            offset) + bytes(data)


def tcp_bye(max_lat, over, missing):
    return header(TCP_BYE) + struct.pack(">HhhHI", WAN_PROTOCOL, to_i16(max_lat),
                                         to_i16(over), 0, missing)


class OutputStream:
    """One output stream of a remote: serials, buffer, date, offset (3.7)."""

    def __init__(self, limit, send):
        self.limit, self.send = limit, send
        self.serial, self.buffer, self.date, self.offset = 0, bytearray(), 0, 0

    def start(self, date):
        self.date, self.offset = (date or 1), 0  # D33: 0 means continuation

    def append(self, encoded):
        continuing = False
        for byte in encoded:
            if len(self.buffer) >= self.limit:
                self.flush()
                self.date, self.offset, continuing = 0, 0, True
            self.buffer.append(byte)
            if continuing:
                self.offset += 1

    def flush(self):
        if not self.buffer:
            return
        self.serial = (self.serial + 1) & 0xFFFFFFFF
        self.send(midi_packet(self.serial, self.date, self.buffer, self.offset),
                  self.serial, self.date, len(self.buffer), self.offset)
        self.buffer = bytearray()


def packetize(limit, date, encoded_events):
    """Packets of one collection, for tests: [(serial, date, count, offset, bytes)]."""
    packets = []
    stream = OutputStream(limit, lambda p, *info: packets.append((*info, p)))
    stream.start(date)
    for encoded in encoded_events:
        stream.append(encoded)
    stream.flush()
    return packets


class InputStream:
    """One input stream of a remote (3.8) with a length-driven parser (7.7)."""

    def __init__(self, max_latency):
        self.max_latency = max_latency
        self.last, self.missing, self.late = 0, 0, 0
        self.c, self.delta = 0, max_latency
        self.last_head_date = None
        self.reset_parser()

    def reset_parser(self):
        self.pending, self.fresh = bytearray(), True

    def receive(self, packet, r, offset_o):
        """Events of one Midi packet [(type, rel, port, chan, fields, date)], or
        None when the packet is malformed or dropped."""
        if len(packet) < MIDI_HEADER.size:
            return None
        _, _, _, s, d, count, offset = MIDI_HEADER.unpack_from(packet)
        if count < 0 or MIDI_HEADER.size + count > len(packet):
            return None
        if to_i32(s - self.last - 1) < 0:
            restarted = d != 0 and self.last_head_date is not None and \
                to_i32(d - self.last_head_date) > 0
            if not restarted:
                return None
            self.last = 0
            self.reset_parser()
        if s != (self.last + 1) & 0xFFFFFFFF and self.last != 0:
            self.missing += to_i32(s - self.last - 1)
            self.reset_parser()
        self.last = s
        if d != 0:
            self.last_head_date = d
            self.c = r
            lat = to_i16((r - d) - offset_o)
            if lat > self.max_latency:
                self.late += 1
                self.delta = 0
            else:
                self.delta = self.max_latency - lat
        data = packet[MIDI_HEADER.size:MIDI_HEADER.size + count]
        if self.fresh:
            # A fresh parser (first packet, or after a loss) skips the bytes that
            # finish an event it never saw (D13); a packet that is all continuation
            # leaves it fresh, so that the next packet's offset is honoured too.
            self.fresh = offset > count
            data = data[max(0, offset):]
        return [(*e, (e[1] + self.c + self.delta) & 0xFFFFFFFF)
                for e in self.parse(data)]

    def parse(self, data):
        self.pending += data
        events, at = [], 0
        while len(self.pending) - at >= 2:
            (length,) = struct.unpack_from(">H", self.pending, at)
            if len(self.pending) - at - 2 < length:
                break
            body = bytes(self.pending[at + 2:at + 2 + length])
            at += 2 + length
            if length < 5:
                continue  # too short: skipped
            event_type, rel, port, chan = struct.unpack_from(">BhBB", body)
            payload = body[5:]
            size = FIXED.get(event_type)
            if not is_transmissible(event_type) or \
                    (size is not None and size != len(payload)):
                continue  # malformed event: skipped, the stream stays in step
            events.append((event_type, rel, port, chan,
                           decode_payload(event_type, payload)))
        del self.pending[:at]
        return events


class TcpFramer:
    """Reassembles packets from a TCP byte stream (3.9)."""

    def __init__(self):
        self.buffer = bytearray()

    def feed(self, data, ended=False):
        self.buffer += data
        packets, problems = [], []
        while len(self.buffer) >= 4:
            magic, _, kind = HEADER.unpack_from(self.buffer)
            if magic != MAGIC:
                problems.append(f"bad magic {magic:#06x}")
                self.buffer.clear()
                break
            if kind == MIDI:
                if len(self.buffer) < 16:
                    break
                (count,) = struct.unpack_from(">h", self.buffer, 12)
                if not 0 <= count <= LIMITS["lan"]:
                    problems.append(f"bad count {count}")
                    self.buffer.clear()
                    break
                size = 16 + count
            elif kind == TCP_REFUSED:
                size = 6
            elif kind == TCP_BYE:
                if len(self.buffer) < 16 and not (ended and len(self.buffer) >= 14):
                    break
                size = min(16, len(self.buffer))
            else:
                problems.append(f"unknown type {kind}")
                self.buffer.clear()
                break
            if len(self.buffer) < size:
                break
            packets.append(bytes(self.buffer[:size]))
            del self.buffer[:size]
        return packets, problems

