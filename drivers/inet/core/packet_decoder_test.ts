// decodePacket(): every packet type of spec §3.4 and every malformed input of §10.

import assert from "node:assert/strict";
import { decodePacket } from "./packet_decoder.ts";
import {
  encodeBye,
  encodeEcho,
  encodeHostId,
  encodeMidiPacket,
  encodeTcpBye,
  encodeTcpCnxRefused,
} from "./packet_encoder.ts";
import type { DecodedPacket, MalformedReason } from "./packets.ts";
import { concat, hex, Prng } from "./_wire_test_util.ts";

function assertMalformed(
  p: DecodedPacket,
  reason: MalformedReason,
  value: number,
): void {
  assert.equal(p.kind, "malformed", JSON.stringify(p));
  if (p.kind !== "malformed") return;
  assert.equal(p.reason, reason);
  assert.equal(p.value, value);
  assert.match(p.message, /^Cannot decode packet: /);
}

Deno.test("decodePacket() decodes every packet type of §3.4", async (t) => {
  await t.step("HostID with time and name", () => {
    const p = decodePacket(encodeHostId(0xfffffffe, "studio"));
    assert.deepEqual(p, {
      kind: "hostId",
      version: 1,
      byteLength: 15,
      timeMs: 0xfffffffe,
      name: "studio",
    });
  });
  await t.step("Bye", () => {
    assert.deepEqual(decodePacket(encodeBye()), {
      kind: "bye",
      version: 1,
      byteLength: 4,
    });
  });
  await t.step("Echo and EchoReply keep their opaque payload", () => {
    const p = decodePacket(encodeEcho(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)));
    assert.equal(p.kind, "echo");
    assert.ok(p.kind === "echo");
    assert.deepEqual(p.payload, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
    const r = decodePacket(hex("10 01 01 04 AA"));
    assert.ok(r.kind === "echoReply");
    assert.deepEqual(r.payload, Uint8Array.of(0xaa));
  });
  await t.step("Midi with serial, date, count, offset and a data view", () => {
    const packet = hex(
      "10 01 01 05 00 00 00 01 00 00 13 88 00 09 00 00 00 07 01 00 05 00 00 3C 64",
    );
    const p = decodePacket(packet);
    assert.ok(p.kind === "midi");
    assert.equal(p.serial, 1);
    assert.equal(p.dateMs, 5000);
    assert.equal(p.count, 9);
    assert.equal(p.offset, 0);
    assert.equal(p.byteLength, 25);
    assert.deepEqual(p.data, hex("00 07 01 00 05 00 00 3C 64"));
    assert.equal(p.data.buffer, packet.buffer, "data is a view, not a copy");
  });
  await t.step("Midi from encodeMidiPacket() round-trips", () => {
    const data = Uint8Array.of(1, 2, 3);
    const p = decodePacket(
      encodeMidiPacket({ serial: 2 ** 32 - 1, dateMs: 0, offset: 3 }, data),
    );
    assert.ok(p.kind === "midi");
    assert.deepEqual(
      [p.serial, p.dateMs, p.count, p.offset, [...p.data]],
      [2 ** 32 - 1, 0, 3, 3, [1, 2, 3]],
    );
  });
  await t.step("Midi ignores bytes after 16 + count", () => {
    const p = decodePacket(
      hex("10 01 01 05 00 00 00 02 00 00 00 00 00 01 00 01 AA BB CC"),
    );
    assert.ok(p.kind === "midi");
    assert.deepEqual(p.data, Uint8Array.of(0xaa));
    assert.equal(p.byteLength, 17);
  });
  await t.step("TCPBye of 16 bytes reports the missing count", () => {
    const p = decodePacket(
      encodeTcpBye({
        maxLatencyMs: 1500,
        lateCount: -2,
        missingCount: 2 ** 32 - 1,
      }),
    );
    assert.deepEqual(p, {
      kind: "tcpBye",
      version: 1,
      byteLength: 16,
      protocolVersion: 100,
      maxLatencyMs: 1500,
      lateCount: -2,
      missingCount: 2 ** 32 - 1,
    });
  });
  await t.step("TCPCnxRefused with each reason", () => {
    for (const reason of [1, 2, 3, 9]) {
      const p = decodePacket(encodeTcpCnxRefused(reason));
      assert.ok(p.kind === "tcpCnxRefused");
      assert.equal(p.reason, reason);
    }
  });
});

Deno.test("decodePacket() drops datagrams of 0, 1 and 3 bytes (§10 item 22)", () => {
  for (const n of [0, 1, 3]) {
    assertMalformed(decodePacket(new Uint8Array(n).fill(0x10)), "tooShort", n);
  }
});

Deno.test("decodePacket() drops a wrong magic and unknown types 0, 8, 200 (§10 item 23)", async (t) => {
  await t.step("wrong magic reports the magic read", () => {
    assertMalformed(decodePacket(hex("10 02 01 02")), "badMagic", 0x1002);
    assertMalformed(decodePacket(hex("01 10 01 05")), "badMagic", 0x0110);
  });
  await t.step("unknown types report the type", () => {
    for (const type of [0, 8, 200]) {
      const p = decodePacket(Uint8Array.of(0x10, 1, 1, type, 0, 0, 0, 0));
      assertMalformed(p, "unknownType", type);
      assert.ok(p.kind === "malformed" && p.type === type);
      assert.ok(p.kind === "malformed" && p.message.includes(`type ${type}`));
    }
  });
});

Deno.test("decodePacket() accepts versions 0 and 2 and reports them (§10 item 24)", () => {
  for (const version of [0, 2]) {
    const p = decodePacket(Uint8Array.of(0x10, 1, version, 2));
    assert.deepEqual(p, { kind: "bye", version, byteLength: 4 });
  }
});

Deno.test("decodePacket() applies the HostID rules of §3.4 (§10 item 25)", async (t) => {
  await t.step("4 to 7 bytes are dropped", () => {
    for (let n = 4; n <= 7; n++) {
      assertMalformed(
        decodePacket(encodeHostId(1, "x").subarray(0, n)),
        "tooShort",
        n,
      );
    }
  });
  await t.step("8 bytes give an empty name", () => {
    const p = decodePacket(hex("10 01 01 01 00 00 00 2A"));
    assert.ok(p.kind === "hostId");
    assert.equal(p.timeMs, 42);
    assert.equal(p.name, "");
  });
  await t.step(
    "no terminating zero: the name is the rest of the datagram",
    () => {
      const p = decodePacket(
        concat(hex("10 01 01 01 00 00 00 01"), hex("61 62 63")),
      );
      assert.ok(p.kind === "hostId" && p.name === "abc");
    },
  );
  await t.step("the name ends at the first zero byte", () => {
    const p = decodePacket(hex("10 01 01 01 00 00 00 01 61 00 62 63 00"));
    assert.ok(p.kind === "hostId" && p.name === "a");
  });
  await t.step("an empty name is reported empty", () => {
    const p = decodePacket(hex("10 01 01 01 00 00 00 01 00"));
    assert.ok(p.kind === "hostId" && p.name === "");
  });
});

Deno.test("decodePacket() applies the Midi count rules of §3.8 (§10 item 26)", async (t) => {
  const header = (count: number, offset = 0) =>
    Uint8Array.of(
      0x10,
      1,
      1,
      5,
      0,
      0,
      0,
      3,
      0,
      0,
      0,
      9,
      (count >> 8) & 0xff,
      count & 0xff,
      (offset >> 8) & 0xff,
      offset & 0xff,
    ); // deno-fmt-ignore
  await t.step("count larger than the datagram", () => {
    assertMalformed(decodePacket(concat(header(5), new Uint8Array(4))), "badCount", 5);
  });
  await t.step("negative count", () => {
    assertMalformed(
      decodePacket(concat(header(-1), new Uint8Array(4))),
      "badCount",
      -1,
    );
  });
  await t.step("count 0 is well formed", () => {
    const p = decodePacket(header(0));
    assert.ok(p.kind === "midi" && p.count === 0 && p.data.length === 0);
  });
  await t.step("offset above count is well formed (the stream decides)", () => {
    const p = decodePacket(concat(header(2, 7), new Uint8Array(2)));
    assert.ok(p.kind === "midi" && p.offset === 7);
  });
  await t.step("negative offset is malformed", () => {
    assertMalformed(
      decodePacket(concat(header(2, -3), new Uint8Array(2))),
      "badOffset",
      -3,
    );
  });
  await t.step("a Midi header shorter than 16 bytes", () => {
    assertMalformed(decodePacket(header(0).subarray(0, 15)), "tooShort", 15);
  });
  await t.step("datagrams above 1488 bytes", () => {
    const big = concat(header(1473), new Uint8Array(1473));
    assertMalformed(decodePacket(big), "tooLong", 1489);
    const limit = concat(header(1472), new Uint8Array(1472));
    assert.equal(decodePacket(limit).kind, "midi");
  });
});

Deno.test("decodePacket() accepts a TCPBye of 14 bytes without its missing count (§10 item 29)", () => {
  const full = encodeTcpBye({
    maxLatencyMs: 10,
    lateCount: 3,
    missingCount: 0x12345678,
  });
  for (const n of [14, 15]) {
    const p = decodePacket(full.subarray(0, n));
    assert.ok(p.kind === "tcpBye");
    assert.equal(p.lateCount, 3);
    assert.equal(p.missingCount, null);
  }
  assertMalformed(decodePacket(full.subarray(0, 13)), "tooShort", 13);
  assertMalformed(
    decodePacket(encodeTcpCnxRefused(1).subarray(0, 5)),
    "tooShort",
    5,
  );
});

Deno.test("decodePacket() never throws on random bytes (fuzz, §10 items 22 to 27)", () => {
  const rng = new Prng(20240611);
  const kinds = new Map<string, number>();
  for (let i = 0; i < 20000; i++) {
    const bytes = rng.bytes(rng.below(64));
    // Make most datagrams pass the magic check so the type rules get exercised.
    if (bytes.length >= 4 && rng.below(4) !== 0) {
      bytes[0] = 0x10;
      bytes[1] = 0x01;
      bytes[3] = rng.below(9);
    }
    let p: DecodedPacket;
    try {
      p = decodePacket(bytes);
    } catch (error) {
      throw new Error(`seed ${rng.seed}, case ${i}`, { cause: error });
    }
    kinds.set(p.kind, (kinds.get(p.kind) ?? 0) + 1);
    if (p.kind === "midi") assert.ok(16 + p.count <= bytes.length);
  }
  assert.ok((kinds.get("malformed") ?? 0) > 0);
  assert.ok((kinds.get("hostId") ?? 0) > 0);
});
