// The patchbay page's figures, in headless Chromium against a real server: how long a
// connection change takes to show on the page, against how long the server takes to
// tell an application's alarm of it; and how many events per second the monitor
// counts on the page, against how many the monitored application receives. Prints
// one JSON line. Needs /usr/bin/chromium (or MIDISHARE_CHROMIUM).
// deno-lint-ignore-file no-console
import { chromium } from "playwright-core";
import { createClient, MIDIChgConnect, typeKeyOn } from "@midishare/client";
import { percentiles, round, startServer, stop, tempSocket } from "./_util.ts";

// The page's globals that the functions run in it use (this file has no DOM types).
declare const document: {
  getElementById(id: string): { getAttribute(name: string): string | null };
  querySelector(selector: string): unknown;
};
declare const MutationObserver: new (callback: () => void) => {
  observe(target: unknown, options: Record<string, boolean>): void;
};

const CHANGES = 40;
const EVENTS = 20_000;
const EVENTS_PER_MS = 10;

const epoch = () => performance.timeOrigin + performance.now();

const path = await tempSocket();
const server = await startServer(path);
// The web server in its own process, as users run it.
const web = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", new URL("../../main.ts", import.meta.url).pathname, "web"]
    .concat(["--port", "0", "--socket", path]),
  stdin: "null",
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const lines = web.stdout.pipeThrough(new TextDecoderStream()).getReader();
let printed = "";
while (!/MidiShare web: \S+\n/.test(printed)) {
  const { value, done } = await lines.read();
  if (done) throw new Error("main.ts web printed no address");
  printed += value;
}
lines.releaseLock();
web.stdout.cancel().catch(() => {});
const url = /MidiShare web: (\S+)/.exec(printed)![1]!;
const profile = await Deno.makeTempDir({ prefix: "midishare-chromium-" });
const context = await chromium.launchPersistentContext(profile, {
  executablePath: Deno.env.get("MIDISHARE_CHROMIUM") ?? "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const page = await context.newPage();
await page.goto(url);
await page.waitForSelector(".node");

const ms = createClient({ socketPath: path, autoStart: false });
const a = await ms.MidiOpen("sender"), b = await ms.MidiOpen("receiver");
let alarmAt = 0;
ms.MidiSetApplAlarm(a, (_ref, code) => {
  if ((code & 0xffff) === MIDIChgConnect) alarmAt = epoch();
});
await page.waitForSelector(`.node[data-ref="${b}"]`);

// ---- A change reaching the page
await page.evaluate(([src, dst]) => {
  const w = globalThis as unknown as { seen: number[] };
  w.seen = [];
  let was = false;
  new MutationObserver(() => {
    const is = document.querySelector(
      `.wire[data-src="${src}"][data-dst="${dst}"]`,
    ) !== null;
    if (is !== was) w.seen.push(performance.timeOrigin + performance.now());
    was = is;
  }).observe(document.getElementById("graph")!, {
    childList: true,
    subtree: true,
  });
}, [a, b]);
const toPage: number[] = [], toAlarm: number[] = [];
for (let i = 0; i < CHANGES; i++) {
  alarmAt = 0;
  const t0 = epoch();
  ms.MidiConnect(a, b, i % 2 === 0);
  await page.waitForFunction(
    (n) => (globalThis as unknown as { seen: number[] }).seen.length === n,
    i + 1,
    { polling: 5 },
  );
  const seen = await page.evaluate(
    (n) => (globalThis as unknown as { seen: number[] }).seen[n]!,
    i,
  );
  while (alarmAt === 0) await new Promise((r) => setTimeout(r, 1));
  toPage.push(seen - t0);
  toAlarm.push(alarmAt - t0);
}

// ---- Events through the monitor
ms.MidiConnect(a, b, true);
let received = 0, lastAt = 0;
ms.MidiSetRcvAlarm(b, (ref) => {
  for (let e = ms.MidiGetEv(ref); e !== null; e = ms.MidiGetEv(ref)) {
    received++;
    ms.MidiFreeEv(e);
  }
  lastAt = epoch();
});
await page.selectOption("#monitor-target", String(b));
await page.waitForSelector("#monitor-status:has-text('Monitoring')");
await page.evaluate((total) => {
  const w = globalThis as unknown as { doneAt: number };
  w.doneAt = 0;
  const status = document.getElementById("monitor-status")!;
  new MutationObserver(() => {
    if (w.doneAt === 0 && status.getAttribute("data-total") === String(total)) {
      w.doneAt = performance.timeOrigin + performance.now();
    }
  }).observe(status, { attributes: true });
}, EVENTS);
const start = ms.MidiGetTime() + 200;
const startEpoch = epoch() + 200;
for (let i = 0; i < EVENTS; i++) {
  const e = ms.MidiNewEv(typeKeyOn)!;
  ms.MidiSetField(e, 0, 36 + (i % 48));
  ms.MidiSetField(e, 1, 64);
  ms.MidiSendAt(a, e, start + Math.floor(i / EVENTS_PER_MS));
}
await page.waitForFunction(
  () => (globalThis as unknown as { doneAt: number }).doneAt > 0,
  undefined,
  { timeout: 60_000 },
);
const doneAt = await page.evaluate(() =>
  (globalThis as unknown as { doneAt: number }).doneAt
);
const rows = await page.$$eval("#monitor-events tr", (t) => t.length);

await context.close();
await Deno.remove(profile, { recursive: true });
ms.MidiClose(a);
ms.MidiClose(b);
await ms.close();
await stop(web);
await stop(server);

const sendMs = EVENTS / EVENTS_PER_MS;
const p = (v: number[]) => {
  const x = percentiles(v);
  return { p50: round(x.p50), p99: round(x.p99), max: round(x.max) };
};
const pageChange = p(toPage), alarmChange = p(toAlarm);
console.log(JSON.stringify({
  change: {
    count: CHANGES,
    toPageMs: pageChange,
    toAlarmMs: alarmChange,
    ratioP50: round(pageChange.p50 / Math.max(0.1, alarmChange.p50)),
  },
  monitor: {
    events: EVENTS,
    sentPerSecond: EVENTS_PER_MS * 1000,
    receiverPerSecond: Math.round(received / ((lastAt - startEpoch) / 1000)),
    receiverCount: received,
    pagePerSecond: Math.round(EVENTS / ((doneAt - startEpoch) / 1000)),
    pageLagMs: round(doneAt - startEpoch - sendMs),
    rowsListed: rows,
  },
}));
