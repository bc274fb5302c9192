// createTcpReassembler(): TCP framing of spec §3.9 (New).

import assert from "node:assert/strict";
import { decodePacket } from "./packet_decoder.ts";
import {
  encodeMidiPacket,
  encodeTcpBye,
  encodeTcpCnxRefused,
} from "./packet_encoder.ts";
import {
  createTcpReassembler,
  type FramingProblem,
  type TcpReassembler,
} from "./tcp_reassembler.ts";
import { concat, hex, Prng } from "./_wire_test_util.ts";

const MIDI_A = encodeMidiPacket(
  { serial: 1, dateMs: 5000, offset: 0 },
  hex("00 07 01 00 05 00 00 3C 64"),
);
const MIDI_B = encodeMidiPacket(
  { serial: 2, dateMs: 0, offset: 0 },
  new Uint8Array(1468).fill(7),
);
const BYE_16 = encodeTcpBye({
  maxLatencyMs: 1500,
  lateCount: 1,
  missingCount: 9,
});
const REFUSED = encodeTcpCnxRefused(2);

function setup(): {
  framer: TcpReassembler;
  packets: Uint8Array[];
  problems: FramingProblem[];
} {
  const packets: Uint8Array[] = [];
  const problems: FramingProblem[] = [];
  const framer = createTcpReassembler({
    onPacket: (p) => packets.push(p.slice()),
    onProblem: (p) => problems.push(p),
  });
  return { framer, packets, problems };
}

Deno.test("createTcpReassembler() frames two packets in one read (§10 item 29)", () => {
  const { framer, packets, problems } = setup();
  framer.push(concat(MIDI_A, MIDI_B));
  assert.deepEqual(packets, [MIDI_A, MIDI_B]);
  assert.deepEqual(problems, []);
  assert.equal(framer.bufferedBytes, 0);
});

Deno.test("createTcpReassembler() frames one packet over three reads (§10 item 29)", async (t) => {
  for (const cuts of [[2, 10], [4, 16], [15, 17], [1, 1483]]) {
    await t.step(`cut at ${cuts.join(" and ")}`, () => {
      const { framer, packets, problems } = setup();
      framer.push(MIDI_B.subarray(0, cuts[0]));
      framer.push(MIDI_B.subarray(cuts[0], cuts[1]));
      assert.equal(packets.length, 0);
      assert.equal(framer.bufferedBytes, cuts[1]);
      framer.push(concat(MIDI_B.subarray(cuts[1]), MIDI_A));
      assert.deepEqual(packets, [MIDI_B, MIDI_A]);
      assert.deepEqual(problems, []);
    });
  }
  await t.step("byte by byte", () => {
    const { framer, packets } = setup();
    const stream = concat(MIDI_A, REFUSED, MIDI_B, MIDI_A);
    for (const byte of stream) framer.push(Uint8Array.of(byte));
    assert.deepEqual(packets, [MIDI_A, REFUSED, MIDI_B, MIDI_A]);
  });
});

Deno.test("createTcpReassembler() discards the buffer on a bad magic (§10 item 29)", async (t) => {
  await t.step("inside a read: the rest of the read is lost", () => {
    const { framer, packets, problems } = setup();
    framer.push(concat(MIDI_A, hex("12 34 01 05"), MIDI_A));
    assert.deepEqual(packets, [MIDI_A]);
    assert.equal(problems.length, 1);
    assert.deepEqual(
      [problems[0]!.kind, problems[0]!.value, problems[0]!.discardedBytes],
      ["badMagic", 0x1234, 4 + MIDI_A.length],
    );
    assert.equal(
      problems[0]!.message,
      "Cannot frame TCP packet: magic is 4660",
    );
    framer.push(MIDI_A);
    assert.equal(packets.length, 2, "the next read starts afresh");
  });
  await t.step("across reads: the held bytes are counted", () => {
    const { framer, problems } = setup();
    framer.push(hex("10"));
    framer.push(hex("02 01 05 00 00"));
    assert.deepEqual([problems[0]!.kind, problems[0]!.discardedBytes], [
      "badMagic",
      6,
    ]);
    assert.equal(framer.bufferedBytes, 0);
  });
});

Deno.test("createTcpReassembler() discards the buffer on an unknown type (§10 item 29)", () => {
  for (const type of [0, 1, 2, 3, 4, 8, 200]) {
    const { framer, packets, problems } = setup();
    framer.push(concat(REFUSED, Uint8Array.of(0x10, 1, 1, type), MIDI_A));
    assert.deepEqual(packets, [REFUSED]);
    assert.deepEqual(
      [problems[0]!.kind, problems[0]!.value],
      ["unknownType", type],
    );
  }
});

Deno.test("createTcpReassembler() refuses counts outside 0..1468 (§10 item 29)", () => {
  for (const count of [-1, -32768, 1469, 32767]) {
    const { framer, packets, problems } = setup();
    const header = hex("10 01 01 05 00 00 00 01 00 00 00 01 00 00 00 00");
    new DataView(header.buffer).setInt16(12, count);
    framer.push(header);
    assert.deepEqual(packets, []);
    assert.deepEqual([problems[0]!.kind, problems[0]!.value], [
      "badCount",
      count,
    ]);
  }
  const { framer, packets } = setup();
  const empty = encodeMidiPacket(
    { serial: 3, dateMs: 1, offset: 0 },
    new Uint8Array(0),
  );
  framer.push(empty);
  assert.deepEqual(packets, [empty], "count 0 is a whole packet");
});

Deno.test("createTcpReassembler() takes a TCPBye of 14 or 16 bytes and ends (§10 item 29)", async (t) => {
  await t.step("16 bytes, what follows ignored", () => {
    const { framer, packets, problems } = setup();
    framer.push(concat(MIDI_A, BYE_16, MIDI_A, hex("FF FF")));
    assert.deepEqual(packets, [MIDI_A, BYE_16]);
    assert.ok(framer.hasEnded);
    framer.push(MIDI_A);
    assert.equal(packets.length, 2);
    assert.deepEqual(problems, []);
    const bye = decodePacket(packets[1]!);
    assert.ok(bye.kind === "tcpBye" && bye.missingCount === 9);
  });
  await t.step("14 bytes from an original sender", () => {
    const { framer, packets } = setup();
    framer.push(BYE_16.subarray(0, 14));
    assert.deepEqual(packets, [BYE_16.subarray(0, 14)]);
    const bye = decodePacket(packets[0]!);
    assert.ok(bye.kind === "tcpBye" && bye.missingCount === null);
  });
  await t.step("16 bytes split after 14 in the same read as the rest", () => {
    const { framer, packets } = setup();
    framer.push(BYE_16.subarray(0, 10));
    framer.push(BYE_16.subarray(10));
    assert.deepEqual(packets, [BYE_16]);
  });
});

Deno.test("createTcpReassembler() reports a stream closed mid-packet (§10 item 29)", () => {
  const { framer, packets, problems } = setup();
  framer.push(concat(MIDI_A, MIDI_B.subarray(0, 100)));
  assert.equal(framer.close(), 100);
  assert.equal(packets.length, 1);
  assert.deepEqual(
    [problems[0]!.kind, problems[0]!.value, problems[0]!.discardedBytes],
    ["closedMidPacket", 100, 100],
  );
  const clean = setup();
  clean.framer.push(MIDI_A);
  assert.equal(clean.framer.close(), 0);
  assert.deepEqual(clean.problems, []);
});

Deno.test("createTcpReassembler() never throws and holds under 1484 bytes on random reads (fuzz, §10 items 29, 30)", () => {
  const rng = new Prng(29);
  const { framer, packets } = setup();
  const valid = [MIDI_A, MIDI_B, REFUSED];
  for (let i = 0; i < 20000 && !framer.hasEnded; i++) {
    const roll = rng.below(4);
    const chunk = roll === 0
      ? rng.bytes(rng.below(64))
      : valid[rng.below(3)]!.subarray(0, 1 + rng.below(1484));
    try {
      framer.push(chunk);
    } catch (error) {
      throw new Error(`seed ${rng.seed}, read ${i}`, { cause: error });
    }
    assert.ok(framer.bufferedBytes < 1484);
  }
  for (const p of packets) {
    // Framing checks length fields only; a random Midi offset may still be bad.
    const d = decodePacket(p);
    assert.ok(
      d.kind !== "malformed" || d.reason === "badOffset",
      JSON.stringify(d),
    );
  }
  assert.ok(packets.length > 100);
});
