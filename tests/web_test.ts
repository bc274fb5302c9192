// Integration: `main.ts web` and its page in headless Chromium, against a real server
// and real client processes. Skips without Chromium unless MIDISHARE_REQUIRE_BROWSER=1.

import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { startAgent, startServer, tempSocketDir, waitFor } from "./_harness.ts";
import { browserSkipReason, launchBrowser } from "./_browser.ts";
import { startWeb } from "./_web.ts";
import { Random, testSeed } from "../testing/random.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const skip = browserSkipReason();

async function tool(...args: string[]): Promise<{ code: number; out: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    env: { NO_COLOR: "1" },
    stdin: "null",
    signal: AbortSignal.timeout(60_000),
  }).output();
  const text = new TextDecoder();
  return { code, out: text.decode(stdout) + text.decode(stderr) };
}

/** The page's boxes: refnum, full name, and where they are. */
function nodesOf(page: Page) {
  return page.$$eval(".node", (els) =>
    els.map((el) => {
      const r = el.querySelector("rect.body")!.getBoundingClientRect();
      return {
        refNum: Number(el.getAttribute("data-ref")),
        name: el.getAttribute("data-name")!,
        x: r.x,
        y: r.y,
        width: r.width,
        height: r.height,
      };
    }));
}

/** The page's wires as `src>dst`. */
function wiresOf(page: Page): Promise<string[]> {
  return page.$$eval(
    ".wire",
    (els) =>
      els.map((el) =>
        `${el.getAttribute("data-src")}>${el.getAttribute("data-dst")}`
      ),
  );
}

type Rect = { x: number; y: number; width: number; height: number };
function overlapping(boxes: (Rect & { refNum: number })[]): string[] {
  const found = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!, b = boxes[j]!;
      if (
        a.x < b.x + b.width && b.x < a.x + a.width &&
        a.y < b.y + b.height && b.y < a.y + a.height
      ) found.push(`${a.refNum}/${b.refNum}`);
    }
  }
  return found;
}

/** Reads `read` until `isDone` holds; fails with the last value seen. */
async function waitOnPage<T>(
  read: () => Promise<T>,
  isDone: (value: T) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  let last: T | undefined;
  try {
    await waitFor(
      async () => {
        last = await read();
        return isDone(last);
      },
      what,
      timeoutMs,
    );
  } catch (error) {
    const seen = JSON.stringify(last)?.slice(0, 400);
    throw new Error(`${(error as Error).message}; last seen: ${seen}`);
  }
  return last!;
}

/** Drags from the middle of one box to the middle of another. */
async function drag(page: Page, src: number, dst: number): Promise<void> {
  const a = await page.locator(`.node[data-ref="${src}"] rect.body`)
    .boundingBox();
  const b = await page.locator(`.node[data-ref="${dst}"] rect.body`)
    .boundingBox();
  assert.ok(a !== null && b !== null, "both boxes are on the page");
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(a.x + a.width / 2 + 20, a.y + a.height / 2 + 10, {
    steps: 3,
  });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 8 });
  await page.mouse.up();
}

Deno.test({
  name: "web: the patchbay page shows, edits and monitors a real server",
  ignore: skip !== null,
  // playwright-core keeps a few timers and sockets of its own past close.
  sanitizeOps: false,
  sanitizeResources: false,
}, async (t) => {
  const dir = await tempSocketDir();
  const socketPath = `${dir}/ms.sock`;
  let server = await startServer({ socketPath });
  try {
    await using web = await startWeb(socketPath);
    await using agent = startAgent(socketPath, "apps");
    const alpha = await agent.call("MidiOpen", "alpha") as number;
    const beta = await agent.call("MidiOpen", "beta") as number;
    const gamma = await agent.call("MidiOpen", "gamma") as number;
    await agent.call("MidiConnect", alpha, beta, true);
    await using browser = await launchBrowser();
    const page = await browser.context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(web.url);

    await t.step("a request without the token is refused", async () => {
      const base = `http://127.0.0.1:${web.port}`;
      for (const path of ["/", "/main.ts", "/ws", `/${"x".repeat(43)}/`]) {
        const r = await fetch(base + path);
        await r.body?.cancel();
        assert.equal(r.status, 403, path);
      }
      const ok = await fetch(web.url);
      await ok.body?.cancel();
      assert.equal(ok.status, 200);
      // Another name for this address (DNS rebinding) is refused too.
      const conn = await Deno.connect({
        hostname: "127.0.0.1",
        port: web.port,
      });
      await conn.write(new TextEncoder().encode(
        `GET /${web.token}/ HTTP/1.1\r\nHost: evil.example:${web.port}\r\nConnection: close\r\n\r\n`,
      ));
      const reply = new Uint8Array(4096);
      const n = await conn.read(reply);
      conn.close();
      assert.match(
        new TextDecoder().decode(reply.subarray(0, n ?? 0)),
        /^HTTP\/1.1 403/,
      );
      // A WebSocket from another origin (here: none) is refused.
      const refused = await page.evaluate(async (url) => {
        const r = await fetch(url, { headers: { upgrade: "websocket" } });
        return r.status;
      }, `${web.url}ws`);
      assert.equal(refused, 400);
      const ws = new WebSocket(`ws://127.0.0.1:${web.port}/${web.token}/ws`);
      const outcome = await new Promise<string>((resolve) => {
        ws.onopen = () => resolve("open");
        ws.onerror = () => resolve("refused");
      });
      if (outcome === "open") ws.close();
      assert.equal(outcome, "refused");
    });

    await t.step("the graph shows what status shows", async () => {
      const status = await tool("status", "--json", "--socket", socketPath);
      const s = JSON.parse(status.out) as {
        refnums: { refNum: number; name: string; connectedTo: number[] }[];
      };
      const want = s.refnums.map((r) => `${r.refNum} ${r.name}`).sort();
      const wantWires = s.refnums.flatMap((r) =>
        r.connectedTo.map((d) => `${r.refNum}>${d}`)
      ).sort();
      await waitOnPage(
        async () =>
          (await nodesOf(page)).map((n) => `${n.refNum} ${n.name}`).sort(),
        (seen) => JSON.stringify(seen) === JSON.stringify(want),
        `the boxes ${want.join(", ")}`,
      );
      assert.deepEqual((await wiresOf(page)).sort(), wantWires);
      assert.ok(wantWires.includes(`${alpha}>${beta}`));
    });

    await t.step(
      "a drag creates a connection that MidiIsConnected confirms",
      async () => {
        await drag(page, beta, gamma);
        await waitFor(
          async () => await agent.call("MidiIsConnected", beta, gamma) === true,
          "beta → gamma",
        );
        await waitOnPage(
          () => wiresOf(page),
          (w) => w.includes(`${beta}>${gamma}`),
          "the new wire",
        );
      },
    );

    await t.step(
      "a connection made with main.ts connect appears, Delete breaks one",
      async () => {
        const made = await tool(
          "connect",
          "--socket",
          socketPath,
          "gamma",
          "alpha",
        );
        assert.equal(made.code, 0, made.out);
        await waitOnPage(
          () => wiresOf(page),
          (w) => w.includes(`${gamma}>${alpha}`),
          "gamma → alpha",
        );
        await page.locator(
          `.wire[data-src="${gamma}"][data-dst="${alpha}"] path.hit`,
        )
          .dispatchEvent("pointerdown");
        await page.keyboard.press("Delete");
        await waitFor(
          async () =>
            await agent.call("MidiIsConnected", gamma, alpha) === false,
          "gamma → alpha broken",
        );
        await waitOnPage(
          () => wiresOf(page),
          (w) => !w.includes(`${gamma}>${alpha}`),
          "the wire gone",
        );
      },
    );

    await t.step(
      "the monitor shows events sent by a client with the right fields",
      async () => {
        await page.selectOption("#monitor-target", String(beta));
        await page.waitForSelector("#monitor-status:has-text('Monitoring')");
        await agent.run("send", {
          ref: alpha,
          type: 0, // typeNote
          fields: [64, 90, 300],
          port: 2,
          chan: 3,
        });
        const row = await waitOnPage(
          () =>
            page.$$eval(
              "#monitor-events tr",
              (trs) =>
                trs.map((tr) => [...tr.children].map((td) => td.textContent)),
            ),
          (rows) => rows.length > 0,
          "a row of the monitor",
        );
        const [date, source, port, chan, type, fields] = row[0]!;
        assert.ok(Number(date) > 0);
        assert.deepEqual([source, port, chan, type, fields], [
          "alpha",
          "2",
          "3",
          "Note",
          "64 90 300",
        ]);
        await page.waitForSelector('#monitor-roll rect.note[data-pitch="64"]');
        // The connection list is unchanged: the tap is not a connection.
        assert.equal(await agent.call("MidiIsConnected", beta, alpha), false);
      },
    );

    await t.step("the monitor counts every event of a burst", async () => {
      await agent.run("sendMany", {
        ref: alpha,
        type: 1,
        date: 0,
        count: 2000,
        step: 0,
      });
      await waitOnPage(
        () => page.getAttribute("#monitor-status", "data-total"),
        (total) => total === "2001",
        "2001 events counted",
      );
      const rows = await page.$$eval("#monitor-events tr", (trs) => trs.length);
      assert.ok(rows <= 300, `${rows} rows kept`);
    });

    await t.step("nodes do not overlap", async () => {
      assert.deepEqual(overlapping(await nodesOf(page)), []);
    });

    await t.step(
      "the port-to-slot map of a driver is shown and edited",
      async () => {
        const drv = await agent.call("MidiRegisterDriver", {
          name: "synths",
          version: 100,
        }, {}) as number;
        const slot = await agent.call("MidiAddSlot", drv, "Synth A", 2) as {
          drvRef: number;
          slotRef: number;
        };
        await agent.call("MidiConnectSlot", 4, slot, true);
        await page.locator(`.node[data-ref="${drv}"] rect.body`).click();
        const box = page.locator(
          `input[data-port="4"][data-slot="${slot.slotRef}"]`,
        );
        await waitOnPage(() => box.isChecked(), (c) => c, "port 4 checked");
        await page.locator(`input[data-port="7"][data-slot="${slot.slotRef}"]`)
          .check();
        await box.uncheck();
        await waitFor(
          async () =>
            await agent.call("MidiIsSlotConnected", 7, slot) === true &&
            await agent.call("MidiIsSlotConnected", 4, slot) === false,
          "port 7 mapped to the slot and port 4 no longer",
        );
        await waitOnPage(
          () =>
            page.locator(`.node[data-ref="${drv}"] text.slot`).textContent(),
          (text) => text?.includes("ports 7") ?? false,
          "the box shows port 7",
        );
      },
    );

    await t.step(
      "a garbage or flooding page is disconnected, others go on",
      async () => {
        const closes = await page.evaluate(async (url) => {
          const wsUrl = url.replace(/^http/, "ws") + "ws";
          const closed = (ws: WebSocket) =>
            new Promise<number>((resolve) =>
              ws.onclose = (e) => resolve(e.code)
            );
          const garbage = new WebSocket(wsUrl);
          await new Promise((r) => garbage.onopen = r);
          const g = closed(garbage);
          garbage.send("{not json");
          const flood = new WebSocket(wsUrl);
          await new Promise((r) => flood.onopen = r);
          const f = closed(flood);
          for (let i = 0; i < 5000; i++) {
            flood.send(JSON.stringify({ op: "monitor", target: null }));
          }
          const big = new WebSocket(wsUrl);
          await new Promise((r) => big.onopen = r);
          const b = closed(big);
          big.send("x".repeat(100_000));
          return [await g, await f, await b];
        }, web.url);
        // A flooding page may see its socket cut (1006) while it still sends.
        assert.equal(closes[0], 1008);
        assert.ok(closes[1] === 1008 || closes[1] === 1006, `${closes[1]}`);
        assert.equal(closes[2], 1008);
        await agent.call("MidiConnect", gamma, beta, true);
        await waitOnPage(
          () => wiresOf(page),
          (w) => w.includes(`${gamma}>${beta}`),
          "gamma → beta",
        );
        assert.match(web.stderr(), /disconnected: too many messages/);
      },
    );

    await t.step(
      "60 applications and 300 connections render without overlapping",
      async () => {
        const status = await agent.run("status") as {
          refnums: { refNum: number; kind: string; connectedTo: number[] }[];
        };
        const appls = status.refnums.filter((r) => r.kind === "application");
        const opens: [string, string][] = [];
        for (let i = appls.length; i < 60; i++) {
          opens.push(["MidiOpen", `app ${i}`]);
        }
        const opened = await agent.run("calls", { calls: opens }) as {
          value: number;
        }[];
        const refs = [
          ...appls.map((r) => r.refNum),
          ...opened.map((o) => o.value),
        ];
        const have = new Set(
          status.refnums.flatMap((r) =>
            r.connectedTo.map((d) => `${r.refNum}>${d}`)
          ),
        );
        const random = new Random(testSeed());
        const connects: unknown[][] = [];
        while (have.size < 300) {
          const s = random.pick(refs), d = random.pick(refs);
          if (s === d || have.has(`${s}>${d}`)) continue;
          have.add(`${s}>${d}`);
          connects.push(["MidiConnect", s, d, true]);
        }
        await agent.run("calls", { calls: connects });
        await waitOnPage(
          () => wiresOf(page),
          (w) => w.length >= 300,
          `300 wires (seed ${random.seed})`,
          60_000,
        );
        const nodes = await nodesOf(page);
        assert.ok(nodes.length >= 61, `${nodes.length} boxes`);
        assert.deepEqual(overlapping(nodes), [], `seed ${random.seed}`);
      },
    );

    await t.step("the page survives the server restarting", async () => {
      await server.stop();
      await page.waitForSelector('#banner[data-state="lost"]', {
        timeout: 20_000,
      });
      server = await startServer({ socketPath });
      await page.waitForSelector('#banner[data-state="up"]', {
        timeout: 30_000,
      });
      await waitOnPage(
        async () => (await nodesOf(page)).map((n) => n.name),
        (names) => names.includes("web") && !names.includes("alpha"),
        "the new server's graph",
      );
    });

    assert.deepEqual(pageErrors, []);
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
