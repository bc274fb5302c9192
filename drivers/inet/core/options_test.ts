// The command line (spec §2.1, §2.2): §10 items 1 to 5, aliases, and the usage text
// and banner of §2.3.

import assert from "node:assert/strict";
import { bannerLines, formatLogDate, LOG_INDENT } from "./banner.ts";
import {
  driverName,
  type InetConfig,
  type OptionsResult,
  parseOptions,
  VERSION_LINE,
} from "./options.ts";
import { usageText } from "./usage_text.ts";

function config(args: string[]): InetConfig {
  const result = parseOptions(args);
  assert.equal(result.kind, "run", JSON.stringify(result));
  return (result as Extract<OptionsResult, { kind: "run" }>).config;
}

function usageMessage(args: string[]): string {
  const result = parseOptions(args);
  assert.equal(result.kind, "usage", `${args.join(" ")}: ${result.kind}`);
  return (result as Extract<OptionsResult, { kind: "usage" }>).message;
}

Deno.test("parseOptions() without options selects LAN and its defaults (§10 item 1)", () => {
  assert.deepEqual(config([]), {
    mode: "lan",
    port: 4950,
    maxLatencyMs: 10,
    groupingMs: 10,
    isDaemon: false,
    logFile: "/var/log/msInetDriver.log",
    hosts: [],
    maxClients: 32,
    driverName: "msLANDriver",
    interfaceName: null,
    restoresConnections: true,
  });
});

Deno.test("parseOptions() with -s selects WAN and its defaults (§10 item 2)", async (t) => {
  await t.step("-s alone", () => {
    const c = config(["-s"]);
    assert.deepEqual(
      [
        c.mode,
        c.port,
        c.maxLatencyMs,
        c.groupingMs,
        c.driverName,
        c.maxClients,
      ],
      ["wan", 4951, 1500, 200, "msWANDriver", 32],
    );
    assert.deepEqual(c.hosts, []);
  });
  await t.step("-s a b -g 50: two hosts, grouping 50", () => {
    const c = config(["-s", "a", "b", "-g", "50"]);
    assert.deepEqual(c.hosts, ["a", "b"]);
    assert.equal(c.groupingMs, 50);
  });
  await t.step("-s anywhere selects WAN; defaults follow the mode", () => {
    const c = config(["-lat", "20", "-s", "h"]);
    assert.equal(c.mode, "wan");
    assert.equal(c.maxLatencyMs, 20);
    assert.equal(c.groupingMs, 200);
  });
  await t.step("several -s lists are joined (New, D22)", () => {
    assert.deepEqual(config(["-s", "a", "-d", "-s", "b", "c"]).hosts, [
      "a",
      "b",
      "c",
    ]);
  });
});

Deno.test("parseOptions() appends a non-default port to the name (§10 item 3)", () => {
  assert.equal(config(["-p", "5000"]).driverName, "msLANDriver:5000");
  assert.equal(config(["-p", "4950", "-s"]).driverName, "msWANDriver:4950");
  assert.equal(config(["-s", "-p", "4951"]).driverName, "msWANDriver");
  assert.equal(driverName("lan", 4951), "msLANDriver:4951");
});

Deno.test("parseOptions() answers -v and rejects malformed command lines (§10 item 4)", async (t) => {
  await t.step("-v asks for the version line", () => {
    assert.deepEqual(parseOptions(["-v"]), { kind: "version" });
    assert.deepEqual(parseOptions(["-p", "5000", "-v"]), { kind: "version" });
    assert.equal(VERSION_LINE, "msInetDriver v. 1.13");
  });
  await t.step("usage errors", () => {
    for (
      const args of [
        ["-h"],
        ["-p4950"],
        ["-latency", "3"],
        ["-dv"],
        ["word"],
        ["-p"],
        ["-p", "abc"],
        ["-log", "-d"],
        ["-log"],
        ["-s", "a", "-x"],
        ["-d", "stray"],
      ]
    ) usageMessage(args);
  });
  await t.step("messages say what is wrong", () => {
    assert.equal(usageMessage(["-h"]), 'Unknown option "-h"');
    assert.equal(usageMessage(["word"]), 'Unexpected argument "word"');
    assert.equal(usageMessage(["-p"]), "Option -p needs a number");
    assert.equal(
      usageMessage(["-p", "abc"]),
      'Invalid value "abc" for option -p: not a number',
    );
    assert.equal(usageMessage(["-log", "-d"]), "Option -log needs a value");
  });
  await t.step("a numeric value is the decimal prefix of its argument", () => {
    assert.equal(config(["-lat", "12abc"]).maxLatencyMs, 12);
    assert.equal(config(["-g", "+7"]).groupingMs, 7);
  });
});

Deno.test("parseOptions() rejects out-of-range values (§10 item 5, New)", async (t) => {
  await t.step("bounds", () => {
    for (
      const args of [
        ["-p", "0"],
        ["-p", "65536"],
        ["-p", "70000"], // the original wrapped it to 4464
        ["-p", "-5"],
        ["-lat", "-1"],
        ["-lat", "32768"],
        ["-g", "0"],
        ["-g", "32768"],
        ["-m", "0"],
        ["-m", "40000"],
      ]
    ) usageMessage(args);
    assert.equal(
      usageMessage(["-p", "70000"]),
      'Invalid value "70000" for option -p: expected 1 to 65535',
    );
  });
  await t.step("limits themselves are accepted", () => {
    const c = config(["-p", "65535", "-lat", "0", "-g", "1", "-m", "32767"]);
    assert.deepEqual([c.port, c.maxLatencyMs, c.groupingMs, c.maxClients], [
      65535,
      0,
      1,
      32767,
    ]);
    assert.equal(config(["-p", "1"]).port, 1);
    assert.equal(config(["-lat", "32767", "-g", "32767"]).groupingMs, 32767);
  });
});

Deno.test("parseOptions() reads options left to right, later ones winning", () => {
  const c = config(["-p", "5000", "-p", "6000", "-d", "-log", "/tmp/x.log"]);
  assert.equal(c.port, 6000);
  assert.equal(c.isDaemon, true);
  assert.equal(c.logFile, "/tmp/x.log");
});

Deno.test("parseOptions() accepts long aliases, with or without =", () => {
  const c = config([
    "--port=5000",
    "--latency",
    "20",
    "--group=30",
    "--daemon",
    "--log",
    "/tmp/d.log",
    "--max-clients",
    "4",
    "--interface",
    "eth1",
    "--no-restore",
    "--server",
    "x",
    "y",
  ]);
  assert.deepEqual(c, {
    mode: "wan",
    port: 5000,
    maxLatencyMs: 20,
    groupingMs: 30,
    isDaemon: true,
    logFile: "/tmp/d.log",
    hosts: ["x", "y"],
    maxClients: 4,
    driverName: "msWANDriver:5000",
    interfaceName: "eth1",
    restoresConnections: false,
  });
  assert.deepEqual(parseOptions(["--version"]), { kind: "version" });
  assert.deepEqual(parseOptions(["--help"]), { kind: "help" });
  usageMessage(["--interface"]);
  usageMessage(["--bogus"]);
});

Deno.test("usageText() lists every option with its defaults", () => {
  const text = usageText("midishare inet");
  assert.ok(text.startsWith("Usage: midishare inet [options]\n"));
  for (
    const word of ["-p,", "-lat,", "-g,", "-d,", "-log,", "-s,", "-m,", "-v,"]
  ) assert.ok(text.includes(`  ${word}`), word);
  assert.match(text, /LAN 4950, WAN 4951/);
  assert.match(text, /LAN 10, WAN 1500/);
  assert.match(text, /LAN 10, WAN 200/);
  assert.ok(text.split("\n").every((line) => line.length <= 80));
});

Deno.test("bannerLines() gives the lines of §2.3 step 6", async (t) => {
  const at = new Date(2024, 11, 31, 23, 59, 58);
  await t.step("LAN", () => {
    assert.deepEqual(bannerLines(config([]), at), [
      "[31/12/2024 23:59:58] MidiShare Internet driver v. 1.13 is running",
      `${LOG_INDENT}Basic scan detection active and redirected to stderr`,
      `${LOG_INDENT}UDP port: 4950 maximum latency allowed: 10 grouping time: 10`,
    ]);
  });
  await t.step("WAN adds the server line", () => {
    assert.deepEqual(bannerLines(config(["-s", "-m", "8"]), at).slice(1), [
      `${LOG_INDENT}Basic scan detection active and redirected to stderr`,
      `${LOG_INDENT}TCP server mode on: 8 clients allowed`,
      `${LOG_INDENT}UDP port: 4951 maximum latency allowed: 1500 grouping time: 200`,
    ]);
  });
  await t.step("the indent is 20 spaces and dates are zero-padded", () => {
    assert.equal(LOG_INDENT.length, 20);
    assert.equal(
      formatLogDate(new Date(2023, 1, 3, 4, 5, 6)),
      "[03/02/2023 04:05:06]",
    );
  });
});
