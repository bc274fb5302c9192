// Command-line code prints to the terminal by design (STYLE.md §8).
// deno-lint-ignore-file no-console
/**
 * Takes the README's screenshots of the patchbay page (`docs/web_graph.png`,
 * `docs/web_monitor.png`): a private server, a few applications playing to each
 * other, a driver with slots, the page in headless Chromium.
 *
 * Usage: `deno run -A scripts/web_screenshots.ts` (needs /usr/bin/chromium)
 *
 * @module
 */

import { chromium } from "playwright-core";
import {
  createClient,
  typeKeyOff,
  typeKeyOn,
  typeNote,
} from "@midishare/client";
import { startWebServer } from "../web/mod.ts";

const ROOT = new URL("../", import.meta.url);
const dir = await Deno.makeTempDir({ prefix: "midishare-shots-" });
const socketPath = `${dir}/ms.sock`;
const server = new Deno.Command(Deno.execPath(), {
  args: ["run", "-A", new URL("main.ts", ROOT).pathname, "serve", "--persist"]
    .concat(["--socket", socketPath, "--midi-api", "off", "--quiet"]),
  stdin: "null",
  stdout: "null",
}).spawn();
const ms = createClient({ socketPath, name: "demo", autoStart: false });
while (!(await ms.MidiShare())) await new Promise((r) => setTimeout(r, 100));
const web = await startWebServer({ socketPath, autoStart: false });

const open = (name: string) => ms.MidiOpen(name);
const keyboard = await open("keyboard"), arp = await open("arpeggiator");
const seq = await open("sequencer"), synth = await open("synth");
const rec = await open("recorder"), drums = await open("drum machine");
for (
  const [s, d] of [
    [0, keyboard],
    [keyboard, arp],
    [arp, synth],
    [seq, synth],
    [seq, drums],
    [keyboard, rec],
    [synth, 0],
    [drums, 0],
  ]
) ms.MidiConnect(s!, d!, true);
const driver = await ms.MidiRegisterDriver({ name: "USB MIDI", version: 100 }, {
  wakeup() {},
  sleep() {},
});
for (
  const [name, direction] of [["Keys in", 1], ["Synth out", 2], [
    "Drums out",
    2,
  ]]
) {
  const slot = await ms.MidiAddSlot(
    driver,
    name as string,
    direction as number,
  );
  ms.MidiConnectSlot(direction === 1 ? 0 : 1, slot, true);
}
const melody = [60, 64, 67, 72, 67, 64, 62, 65, 69, 74, 69, 65];
let step = 0;
const timer = setInterval(() => {
  const note = ms.MidiNewEv(typeNote)!;
  ms.MidiSetField(note, 0, melody[step % melody.length]!);
  ms.MidiSetField(note, 1, 96);
  ms.MidiSetField(note, 2, 120);
  note.chan = 1;
  ms.MidiSendIm(seq, note);
  if (step % 4 === 0) {
    const on = ms.MidiNewEv(typeKeyOn)!;
    ms.MidiSetField(on, 0, 48 + (step / 4) % 3 * 5);
    ms.MidiSetField(on, 1, 80);
    ms.MidiSendIm(arp, on);
    const off = ms.MidiNewEv(typeKeyOff)!;
    ms.MidiSetField(off, 0, 48 + (step / 4) % 3 * 5);
    ms.MidiSetField(off, 1, 0);
    ms.MidiSendAt(arp, off, ms.MidiGetTime() + 400);
  }
  step++;
}, 150);

const profile = await Deno.makeTempDir({ prefix: "midishare-chromium-" });
const context = await chromium.launchPersistentContext(profile, {
  executablePath: Deno.env.get("MIDISHARE_CHROMIUM") ?? "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1440, height: 760 },
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
await page.goto(web.url);
await page.waitForSelector(`.node[data-ref="${driver}"]`);
await page.selectOption("#monitor-target", String(synth));
await page.locator(`.node[data-ref="${driver}"] rect.body`).click();
await new Promise((r) => setTimeout(r, 4000));
await page.screenshot({ path: new URL("docs/web_graph.png", ROOT).pathname });
await page.locator(".monitor").screenshot({
  path: new URL("docs/web_monitor.png", ROOT).pathname,
});
console.log("wrote docs/web_graph.png and docs/web_monitor.png");

clearInterval(timer);
await context.close();
await Deno.remove(profile, { recursive: true });
await web.close();
await ms.close();
server.kill("SIGTERM");
await server.status;
await Deno.remove(dir, { recursive: true });
