// The packet encoders: exact bytes of spec §3.4.

import assert from "node:assert/strict";
import {
  encodeBye,
  encodeEcho,
  encodeEchoReply,
  encodeHostId,
  encodeMidiPacket,
  encodeTcpBye,
  encodeTcpCnxRefused,
  writeMidiHeader,
} from "./packet_encoder.ts";
import { hex } from "./_wire_test_util.ts";

Deno.test("encodeMidiPacket() writes the header 10 01 01 05 and the fields big-endian (§10 item 13)", () => {
  assert.deepEqual(
    encodeMidiPacket(
      { serial: 1, dateMs: 5000, offset: 0 },
      hex("00 07 01 00 05 00 00 3C 64"),
    ),
    hex(
      "10 01 01 05 00 00 00 01 00 00 13 88 00 09 00 00 00 07 01 00 05 00 00 3C 64",
    ),
  );
  const header = new Uint8Array(16);
  writeMidiHeader(header, {
    serial: 0x01020304,
    dateMs: 0xfffffffe,
    count: 1468,
    offset: 71,
  });
  assert.deepEqual(
    header,
    hex("10 01 01 05 01 02 03 04 FF FF FF FE 05 BC 00 47"),
  );
  assert.throws(
    () => writeMidiHeader(new Uint8Array(15), header as never),
    RangeError,
  );
});

Deno.test("encodeHostId() writes time, name and a zero byte (§3.4)", () => {
  assert.deepEqual(
    encodeHostId(2 ** 32 + 7, "ab"),
    hex("10 01 01 01 00 00 00 07 61 62 00"),
  );
  assert.deepEqual(encodeHostId(1, ""), hex("10 01 01 01 00 00 00 01 00"));
  assert.equal(encodeHostId(1, "x".repeat(255)).length, 264);
  assert.throws(() => encodeHostId(1, "x".repeat(256)), RangeError);
  assert.throws(() => encodeHostId(1, "a\0b"), TypeError);
});

Deno.test("encodeBye() and encodeTcpCnxRefused() write their fixed layouts (§3.4)", () => {
  assert.deepEqual(encodeBye(), hex("10 01 01 02"));
  assert.deepEqual(encodeTcpCnxRefused(1), hex("10 01 01 07 00 01"));
  assert.deepEqual(encodeTcpCnxRefused(3), hex("10 01 01 07 00 03"));
});

Deno.test("encodeTcpBye() sends 16 bytes with zero padding (D4)", () => {
  assert.deepEqual(
    encodeTcpBye({
      maxLatencyMs: 10,
      lateCount: 70000,
      missingCount: 2 ** 32 + 1,
    }),
    hex("10 01 01 06 00 64 00 0A 11 70 00 00 00 00 00 01"),
  );
});

Deno.test("encodeEchoReply() copies the datagram with byte 3 changed to 4 (§10 item 41)", () => {
  const echo = hex("10 01 01 03 01 02 03 04 05 06 07 08");
  assert.deepEqual(
    encodeEchoReply(echo),
    hex("10 01 01 04 01 02 03 04 05 06 07 08"),
  );
  assert.equal(echo[3], 3, "the received datagram is left unchanged");
  assert.deepEqual(
    encodeEchoReply(hex("10 01 09 03 AA")),
    hex("10 01 09 04 AA"),
  );
  assert.throws(() => encodeEchoReply(hex("10 01 01")), RangeError);
  assert.equal(encodeEcho().length, 12);
  assert.throws(() => encodeEcho(new Uint8Array(9)), RangeError);
});
