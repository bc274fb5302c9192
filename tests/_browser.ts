// Tests say why they skip, on the console, as STYLE.md §6 asks.
// deno-lint-ignore-file no-console
/**
 * Headless Chromium for the web tests, driven by `playwright-core` (Debian's
 * `/usr/bin/chromium`, or `MIDISHARE_CHROMIUM`; nothing is downloaded), with a new
 * profile directory and without its background network traffic. Private to
 * `tests/`.
 *
 * @module
 */

import { type BrowserContext, chromium } from "playwright-core";

/** Where Chromium is, or null. */
export function chromiumPath(): string | null {
  const path = Deno.env.get("MIDISHARE_CHROMIUM") ?? "/usr/bin/chromium";
  try {
    return Deno.statSync(path).isFile ? path : null;
  } catch {
    return null;
  }
}

/**
 * Why the browser tests cannot run here, or null when they can. With
 * `MIDISHARE_REQUIRE_BROWSER=1` (CI) a missing browser fails instead.
 */
export function browserSkipReason(): string | null {
  if (chromiumPath() !== null) return null;
  const why =
    "no Chromium (apt-get install chromium, or set MIDISHARE_CHROMIUM)";
  if (Deno.env.get("MIDISHARE_REQUIRE_BROWSER") === "1") {
    throw new Error(`MIDISHARE_REQUIRE_BROWSER=1 but ${why}`);
  }
  console.log(`web tests skipped: ${why}`);
  return why;
}

/** A headless browser with its own profile, removed when disposed. */
export interface Browser extends AsyncDisposable {
  context: BrowserContext;
}

/** Launches headless Chromium with a new profile directory. */
export async function launchBrowser(): Promise<Browser> {
  const profile = await Deno.makeTempDir({ prefix: "midishare-chromium-" });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath()!,
    headless: true,
    viewport: { width: 1600, height: 1000 },
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
  return {
    context,
    async [Symbol.asyncDispose]() {
      await context.close().catch(() => {});
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}
