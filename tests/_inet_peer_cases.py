"""Unit tests of _inet_codec.py (inet_peer.py's wire format) against the bytes
of spec sections 3 and 6 (run by `inet_peer.py --self-test`, which
tests/inet_peer_test.ts runs).

The spec's examples print the length of Note, Ctrl14b and Tempo as 00 0B; the rule
len = 5 + payload size gives 00 09, which is what these tests expect.
"""

import struct
import unittest

from _inet_codec import (LIMITS, InputStream, TcpFramer, decode_payload,
                         encode_event, host_id, midi_packet, packetize, tcp_bye)


def hexbytes(text):
    return bytes.fromhex(text.replace(" ", ""))


KEY_ON = hexbytes("00 07 01 00 05 00 00 3C 64")


class GoldenEvents(unittest.TestCase):
    """Section 3.6 examples: relative date 5, port 0, channel 0 unless stated."""

    def check(self, expected, event_type, fields, rel=5, port=0, chan=0):
        self.assertEqual(encode_event(event_type, rel, port, chan, fields).hex(" "),
                         hexbytes(expected).hex(" "))

    def test_key_on(self):
        self.check("00 07 01 00 05 00 00 3C 64", 1, [60, 100])

    def test_note_on_channel_9(self):
        self.check("00 09 00 00 05 00 09 3C 64 01 F4", 0, [60, 100, 500], chan=9)

    def test_clock(self):
        self.check("00 05 0A 00 05 00 00", 10, [])

    def test_prog_change(self):
        self.check("00 06 05 00 05 00 00 05", 5, [5])

    def test_ctrl14b_value_first(self):
        self.check("00 09 83 00 05 00 00 03 E8 00 07", 131, [7, 1000])

    def test_tempo_big_endian(self):
        self.check("00 09 90 00 05 00 00 00 07 A1 20", 144, [500000])

    def test_sysex_port_2(self):
        self.check("00 08 11 00 05 02 00 43 10 4C", 17, [0x43, 0x10, 0x4C], port=2)

    def test_negative_relative_date(self):
        self.check("00 05 0A FF FD 00 00", 10, [], rel=-3)

    def test_empty_sysex(self):
        self.check("00 05 11 00 05 00 00", 17, [])

    def test_smpte_offset_little_endian(self):
        word = 1 << 29 | 2 << 24 | 3 << 18 | 4 << 12 | 5 << 7 | 6
        expected = "00 09 91 00 05 00 00 " + struct.pack("<I", word).hex(" ")
        self.check(expected, 145, [1, 2, 3, 4, 5, 6])

    def test_not_transmissible(self):
        for event_type in (19, 127, 128, 129, 149, 150, 151, 200, 255):
            self.assertIsNone(encode_event(event_type, 0, 0, 0, [1, 2, 3, 4]))

    def test_variable_length_limit(self):
        self.assertEqual(encode_event(17, 0, 0, 0, [0] * 65530)[:2], b"\xff\xff")
        self.assertIsNone(encode_event(17, 0, 0, 0, [0] * 65531))

    def test_every_type_round_trips(self):
        samples = {0: [60, 100, 500], 1: [60, 100], 2: [60, 0], 3: [60, 5],
                   4: [7, 127], 5: [5], 6: [64], 7: [0, 64], 8: [1, 2], 9: [3],
                   17: [1, 2, 3], 18: [0xF0, 0x7E, 0xF7], 130: [7, 15],
                   131: [7, 1000], 132: [300, 16383], 133: [5, 2], 134: [65535],
                   135: list(b"text"), 141: list(b"cue"), 142: [15], 143: [],
                   144: [500000], 145: [3, 23, 59, 59, 29, 99],
                   146: [4, 2, 24, 8], 147: [0xFF, 1], 148: [9, 8, 7]}
        samples.update({t: [] for t in range(10, 17)})
        stream = InputStream(10)
        data = b"".join(encode_event(t, -7, 3, 2, f) for t, f in samples.items())
        events = stream.receive(midi_packet(1, 5000, data, 0), 5000, 0)
        self.assertEqual([(e[0], e[1], e[2], e[3], e[4]) for e in events],
                         [(t, -7, 3, 2, f) for t, f in samples.items()])


class Packets(unittest.TestCase):
    def test_lan_packet_with_key_on(self):
        [(serial, date, count, offset, packet)] = packetize(
            LIMITS["lan"], 5000, [KEY_ON])
        self.assertEqual((serial, date, count, offset), (1, 5000, 9, 0))
        self.assertEqual(packet, hexbytes(
            "10 01 01 05 00 00 00 01 00 00 13 88 00 09 00 00") + KEY_ON)

    def test_host_id(self):
        self.assertEqual(host_id(0x01020304, "ab"),
                         hexbytes("10 01 01 01 01 02 03 04 61 62 00"))

    def test_tcp_bye_is_16_bytes(self):
        self.assertEqual(tcp_bye(1500, 2, 0x01020304), hexbytes(
            "10 01 01 06 00 64 05 DC 00 02 00 00 01 02 03 04"))

    def sysex_packets(self, mode, extra=()):
        sysex = encode_event(17, 0, 0, 0, [i & 0x7F for i in range(3000)])
        self.assertEqual(len(sysex), 3007)
        return packetize(LIMITS[mode], 7000, [sysex, *extra]), sysex

    def test_sysex_3000_lan(self):
        packets, sysex = self.sysex_packets("lan")
        self.assertEqual([p[:4] for p in packets], [
            (1, 7000, 1468, 0), (2, 0, 1468, 1468), (3, 0, 71, 71)])
        self.assertEqual(b"".join(p[4][16:] for p in packets), sysex)

    def test_sysex_3000_wan(self):
        packets, _ = self.sysex_packets("wan")
        self.assertEqual([p[:4] for p in packets], [
            (1, 7000, 480, 0), *[(n, 0, 480, 480) for n in range(2, 7)],
            (7, 0, 127, 127)])

    def test_overflow_at_an_event_boundary_counts_the_next_event(self):
        packets = packetize(9, 100, [KEY_ON, KEY_ON])
        self.assertEqual([p[:4] for p in packets], [(1, 100, 9, 0), (2, 0, 9, 9)])

    def test_date_zero_is_sent_as_one(self):
        self.assertEqual(packetize(1468, 0, [KEY_ON])[0][1], 1)

    def test_payloads_decode_as_fields(self):
        self.assertEqual(decode_payload(131, hexbytes("03 E8 00 07")), [7, 1000])


class Receiving(unittest.TestCase):
    def packets(self, events, mode="lan", date=7000):
        return [p[4] for p in packetize(LIMITS[mode], date, events)]

    def test_sysex_reassembled_across_packets(self):
        sysex = encode_event(17, 3, 1, 0, [i & 0x7F for i in range(3000)])
        stream = InputStream(10)
        events = []
        for packet in self.packets([sysex]):
            events += stream.receive(packet, 9000, 1990)
        [(event_type, rel, port, _, fields, date)] = events
        self.assertEqual((event_type, rel, port, len(fields)), (17, 3, 1, 3000))
        self.assertEqual(fields[:3], [0, 1, 2])
        # lat = 9000 - 7000 - 1990 = 10: delta 0; date = rel + C + delta.
        self.assertEqual(date, 9003)
        self.assertEqual((stream.missing, stream.late), (0, 0))

    def test_gap_skips_to_offset_and_counts_missing(self):
        sysex = encode_event(17, 0, 0, 0, [1] * 3000)
        first, _, third = self.packets([sysex, KEY_ON])
        stream = InputStream(10)
        self.assertEqual(stream.receive(first, 7000, 0), [])
        events = stream.receive(third, 7000, 0)
        self.assertEqual([e[0] for e in events], [1])
        self.assertEqual(stream.missing, 1)

    def test_duplicate_and_late_reordered_dropped(self):
        packets = self.packets([encode_event(17, 0, 0, 0, [1] * 3000)])
        stream = InputStream(10)
        stream.receive(packets[0], 7000, 0)
        stream.receive(packets[2], 7000, 0)
        self.assertIsNone(stream.receive(packets[1], 7000, 0))
        self.assertIsNone(stream.receive(packets[2], 7000, 0))
        self.assertEqual(stream.missing, 1)

    def test_restarted_stream_is_taken_with_a_newer_date(self):
        stream = InputStream(10)
        for serial in (1, 2, 3):
            stream.receive(midi_packet(serial, 7000 + serial, KEY_ON, 0), 7010, 0)
        self.assertIsNone(stream.receive(midi_packet(1, 7002, KEY_ON, 0), 7010, 0))
        events = stream.receive(midi_packet(1, 8000, KEY_ON, 0), 8010, 0)
        self.assertEqual(len(events), 1)
        self.assertEqual(stream.last, 1)

    def test_first_packet_skips_its_offset(self):
        stream = InputStream(10)
        data = KEY_ON[4:] + KEY_ON
        events = stream.receive(midi_packet(1, 7000, data, 5), 7000, 0)
        self.assertEqual([e[4] for e in events], [[60, 100]])

    def test_malformed_count_leaves_the_stream_untouched(self):
        stream = InputStream(10)
        packet = midi_packet(1, 7000, KEY_ON, 0)
        self.assertIsNone(stream.receive(packet[:-1], 7000, 0))
        self.assertIsNone(stream.receive(
            packet[:12] + struct.pack(">h", -1) + packet[14:], 7000, 0))
        self.assertEqual(stream.last, 0)
        self.assertEqual(len(stream.receive(packet, 7000, 0)), 1)

    def test_bad_events_are_skipped_and_the_next_decoded(self):
        bad = hexbytes("00 02 AA BB") + hexbytes("00 06 01 00 00 00 00 3C") \
            + hexbytes("00 06 13 00 00 00 00 01")
        stream = InputStream(10)
        events = stream.receive(midi_packet(1, 7000, bad + KEY_ON, 0), 7000, 0)
        self.assertEqual([e[0] for e in events], [1])

    def test_lateness_against_maximum_latency(self):
        # Worked example of 6.4: O = 1001, packet date 6510, g = 10, M = 10.
        for r, expected_date, late in ((7511, 7521, 0), (7521, 7521, 0),
                                       (7522, 7522, 1), (7526, 7526, 1)):
            stream = InputStream(10)
            event = encode_event(1, 0, 0, 0, [60, 100])
            [e] = stream.receive(midi_packet(1, 6510, event, 0), r, 1001)
            self.assertEqual((e[5], stream.late), (expected_date, late), r)

    def test_continuation_keeps_the_head_timing(self):
        stream = InputStream(10)
        stream.receive(midi_packet(1, 6510, KEY_ON, 0), 7511, 1001)
        [e] = stream.receive(midi_packet(2, 0, KEY_ON, 0), 7600, 1001)
        self.assertEqual(e[5], 5 + 7511 + 10)


class Framing(unittest.TestCase):
    def test_two_packets_in_one_read(self):
        one = midi_packet(1, 7000, KEY_ON, 0)
        two = midi_packet(2, 7010, KEY_ON, 0)
        packets, problems = TcpFramer().feed(one + two)
        self.assertEqual((packets, problems), ([one, two], []))

    def test_one_packet_in_three_reads(self):
        packet = midi_packet(1, 7000, KEY_ON, 0)
        framer = TcpFramer()
        self.assertEqual(framer.feed(packet[:3])[0], [])
        self.assertEqual(framer.feed(packet[3:14])[0], [])
        self.assertEqual(framer.feed(packet[14:])[0], [packet])

    def test_bad_magic_discards_the_buffer(self):
        framer = TcpFramer()
        packets, problems = framer.feed(b"\x20\x01\x01\x05" + bytes(20))
        self.assertEqual(packets, [])
        self.assertEqual(len(problems), 1)
        self.assertEqual(framer.buffer, b"")

    def test_tcp_bye_of_14_bytes_at_the_end(self):
        bye = tcp_bye(10, 0, 0)
        framer = TcpFramer()
        self.assertEqual(framer.feed(bye[:14])[0], [])
        self.assertEqual(framer.feed(b"", ended=True)[0], [bye[:14]])


if __name__ == "__main__":
    unittest.main()
