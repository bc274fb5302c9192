// Local and broadcast addresses of a LAN station (spec §4.2; §10 item 42).

import assert from "node:assert/strict";
import {
  broadcastAddress,
  chooseLanAddresses,
  formatIpv4,
  type InterfaceAddress,
  parseIpv4,
  slash24Broadcast,
} from "./lan_addresses.ts";

const LO: InterfaceAddress = {
  name: "lo",
  family: "IPv4",
  address: "127.0.0.1",
  netmask: "255.0.0.0",
};
const ETH0: InterfaceAddress = {
  name: "eth0",
  family: "IPv4",
  address: "192.168.10.20",
  netmask: "255.255.254.0",
};
const WLAN: InterfaceAddress = {
  name: "wlan0",
  family: "IPv4",
  address: "10.1.2.3",
  netmask: "255.0.0.0",
};
const V6: InterfaceAddress = {
  name: "eth0",
  family: "IPv6",
  address: "fe80::1",
  netmask: "ffff:ffff:ffff:ffff::",
};

Deno.test("broadcastAddress() is address | ~netmask (§10 item 42)", () => {
  assert.equal(
    broadcastAddress("192.168.10.20", "255.255.254.0"),
    "192.168.11.255",
  );
  assert.equal(broadcastAddress("10.1.2.3", "255.0.0.0"), "10.255.255.255");
  assert.equal(
    broadcastAddress("172.16.5.9", "255.255.255.252"),
    "172.16.5.11",
  );
  assert.equal(broadcastAddress("1.2.3.4", "255.255.255.255"), "1.2.3.4");
  assert.throws(() => broadcastAddress("1.2.3", "255.0.0.0"), SyntaxError);
});

Deno.test("slash24Broadcast() sets the last byte to 255 like the original (§10 item 42)", () => {
  assert.equal(slash24Broadcast("192.168.10.20"), "192.168.10.255");
  assert.equal(slash24Broadcast("10.1.2.3"), "10.1.2.255");
});

Deno.test("chooseLanAddresses() picks an interface (§10 item 42)", async (t) => {
  const all = [LO, V6, ETH0, WLAN];
  await t.step("the one named by the option", () => {
    const c = chooseLanAddresses(all, {
      interfaceName: "wlan0",
      hostAddress: "192.168.10.20",
    });
    assert.ok(c.kind === "chosen");
    assert.deepEqual(
      [c.localAddress, c.broadcastAddress, c.interfaceName],
      ["10.1.2.3", "10.255.255.255", "wlan0"],
    );
  });
  await t.step("else the one the host name resolves to", () => {
    const c = chooseLanAddresses(all, {
      interfaceName: null,
      hostAddress: "10.1.2.3",
    });
    assert.ok(c.kind === "chosen");
    assert.equal(c.interfaceName, "wlan0");
  });
  await t.step("else the first one other than loopback (D7)", () => {
    const c = chooseLanAddresses(all, {
      interfaceName: null,
      hostAddress: "127.0.1.1",
    });
    assert.ok(c.kind === "chosen");
    assert.deepEqual(
      [c.localAddress, c.broadcastAddress],
      ["192.168.10.20", "192.168.11.255"],
    );
  });
  await t.step(
    "every local IPv4 address is kept for self detection (D24)",
    () => {
      const c = chooseLanAddresses(all, {
        interfaceName: null,
        hostAddress: null,
      });
      assert.ok(c.kind === "chosen");
      assert.deepEqual(c.localAddresses, [
        "127.0.0.1",
        "192.168.10.20",
        "10.1.2.3",
      ]);
    },
  );
  await t.step("an unknown interface name fails", () => {
    const c = chooseLanAddresses(all, {
      interfaceName: "eth9",
      hostAddress: null,
    });
    assert.deepEqual(c, {
      kind: "failed",
      reason: 'no IPv4 address on interface "eth9"',
    });
  });
});

Deno.test("chooseLanAddresses() falls back to the /24 rule without interfaces (§10 item 42)", () => {
  const c = chooseLanAddresses([], {
    interfaceName: null,
    hostAddress: "192.168.10.20",
  });
  assert.deepEqual(c, {
    kind: "chosen",
    localAddress: "192.168.10.20",
    broadcastAddress: "192.168.10.255",
    localAddresses: ["192.168.10.20"],
    interfaceName: null,
  });
  const loopOnly = chooseLanAddresses([LO], {
    interfaceName: null,
    hostAddress: "10.0.0.8",
  });
  assert.ok(loopOnly.kind === "chosen");
  assert.equal(loopOnly.broadcastAddress, "10.0.0.255");
  assert.equal(
    chooseLanAddresses([], { interfaceName: null, hostAddress: null }).kind,
    "failed",
  );
});

Deno.test("parseIpv4() and formatIpv4() round-trip and reject bad text", () => {
  for (const text of ["0.0.0.0", "255.255.255.255", "10.20.30.40"]) {
    assert.equal(formatIpv4(parseIpv4(text) ?? -1), text);
  }
  for (
    const text of ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "a.b.c.d", "1..2.3"]
  ) {
    assert.equal(parseIpv4(text), null, text);
  }
});
